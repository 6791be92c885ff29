import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's resident memory while `body` runs; returns the peak in MB. */
export async function peakRss<T>(pid: number, body: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = rssMb(pid);
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(pid));
  }, 100);
  try {
    const result = await body();
    peakMb = Math.max(peakMb, rssMb(pid));
    return { result, peakMb };
  } finally {
    clearInterval(timer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

/** The bench's server (bench/server.ts) as a child process, so its RSS and event loop are its own. */
export function startBenchServer(cwd: string, dbFile: string, env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Behind the county's reverse proxy: clients are told apart by X-Forwarded-For (see bench/lib/load.ts).
    env: { ...process.env, JIFEN_DB: dbFile, JIFEN_NO_WEB: '1', JIFEN_TRUST_PROXY: '1', ...env },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    child.once('message', (m) => {
      const port = (m as { port: number }).port;
      resolve({ child, base: `http://127.0.0.1:${port}`, stop: stopper(child) });
    });
  });
}

/** Spawns `argv` and measures ms from spawn until GET /api/health answers 200. */
export async function timeToHealth(cwd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' } });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${argv.join(' ')} exited before answering /api/health`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error('no /api/health within 60 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await stopper(child)();
  }
}
