/**
 * The real server (server/main.ts) as a child process, for tests that drive it over HTTP or through a browser.
 * It runs as `node --import tsx` (one process, no npx or tsx wrapper that may not pass a signal on) in a process
 * group of its own, so stopping it stops everything it started, and `stop()` returns only once all of it is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  /** SIGTERM to the whole group, SIGKILL if it lingers; throws if a process of the group is still alive after. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Added to the test process's environment (JIFEN_DB, JIFEN_WEB_DIR, JIFEN_DEMO …). */
  env: Record<string, string>;
  /** How long the server may take to answer /api/health (loading the demo county is slow on a busy machine). */
  startTimeoutMs?: number;
  /** The entry to run: `server/main.ts` (no demo), or `seeds/start.ts` (as `npm start`: the demo county on an empty database). */
  entry?: 'server/main.ts' | 'seeds/start.ts';
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** True while any process of the group `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM: the group exists but is not ours to signal; it is still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Starts the server on a free loopback port and resolves once /api/health answers. */
export async function startServer({ env, startTimeoutMs = 150_000, entry = 'server/main.ts' }: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    detached: true,
    env: { ...process.env, JIFEN_SCRYPT_N: '1024', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the server process');
  const pid = child.pid;
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async () => {
    if (groupAlive(pid)) {
      process.kill(-pid, 'SIGTERM');
      // The server closes its listener and database, then exits (at most 3 s by its own timer).
      if (!(await waitGone(pid, 5_000)) && groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
    await Promise.race([exited, sleep(5_000)]);
    if (!(await waitGone(pid, 5_000))) throw new Error(`server process group ${pid} is still alive after SIGKILL`);
  };

  const server: ServerProcess = { child, pid, base, log: () => out, stop };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering:\n${out}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not answer /api/health within ${startTimeoutMs} ms:\n${out}`);
    }
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return server;
    await sleep(300);
  }
}
