/**
 * Throwaway PostgreSQL clusters for the pg test lane: initdb + pg_ctl on a temp dir, loopback only, a private
 * socket dir, and optionally a streaming replica of another cluster. As root the server runs as the `postgres`
 * user (initdb and postgres refuse root); as anyone else it runs as that user.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  port: number;
  dataDir: string;
  binDir: string;
  /** postgres://user@127.0.0.1:port/database; defaults: database `postgres`, user `postgres` (superuser, trust). */
  url(database?: string, user?: string): string;
  /** Runs `sql` through psql as the superuser; answers unaligned tuples-only output, trimmed. */
  psql(sql: string, database?: string): Promise<string>;
  /** Stops the server and removes its temp dirs. Safe to call twice. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Turns a replica into a primary (waits until it accepts writes). */
  promote(): Promise<void>;
}

export interface StartClusterOptions {
  /** Fixed port; default a free one. */
  port?: number;
  /** Make this cluster a streaming replica of `primary` (pg_basebackup -R -X stream) instead of a new one. */
  primary?: PgCluster;
  /**
   * With `primary`: make the primary wait for this replica on every commit (synchronous_standby_names='*',
   * synchronous_commit on), so an acknowledged commit is on the replica's disk.
   */
  syncStandby?: boolean;
  /**
   * The run's own cluster, started by global setup and stopped by its teardown. Vitest runs that teardown after
   * the leftover-process check (tests/support/no-leftover-processes.ts), so this one must not carry the run's mark.
   */
  outlivesTests?: boolean;
  /** false: no fsync (a throwaway cluster whose host never crashes mid-run); default on, as in production. */
  fsync?: boolean;
}

const MIN_MAJOR = 15;
const RUN_MARK = 'JIFEN_TEST_RUN';

/** Major version of the server in `binDir`, or 0 when there is none. */
function serverMajor(binDir: string): number {
  if (!existsSync(join(binDir, 'initdb')) || !existsSync(join(binDir, 'pg_ctl'))) return 0;
  try {
    const out = execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
    return Number(/\(PostgreSQL\)\s+(\d+)/.exec(out)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The server binaries: JIFEN_PG_BINDIR, else the highest /usr/lib/postgresql/<ver>/bin, else `pg_config --bindir`. */
export function findPgBinDir(candidates: string[] = defaultCandidates()): string {
  for (const dir of candidates) if (serverMajor(dir) >= MIN_MAJOR) return dir;
  throw new Error(
    `No PostgreSQL ${MIN_MAJOR}+ server binaries found (looked in ${candidates.join(', ') || '/usr/lib/postgresql/*/bin and pg_config --bindir'}). ` +
      'Install them (Debian: apt-get install postgresql) or set JIFEN_PG_BINDIR to the directory holding initdb and pg_ctl.',
  );
}

function defaultCandidates(): string[] {
  const candidates: string[] = [];
  if (process.env.JIFEN_PG_BINDIR) candidates.push(process.env.JIFEN_PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  return candidates;
}

interface Owner {
  /** Prefix for commands the server side runs: runuser when we are root. */
  prefix: string[];
  uid?: number;
  gid?: number;
}

function serverOwner(): Owner {
  if (process.getuid?.() !== 0) return { prefix: [] };
  let ids: string[];
  try {
    ids = [execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }), execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })];
  } catch {
    throw new Error('Running as root, but there is no `postgres` user to run the server as (initdb and postgres refuse root).');
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(ids[0]), gid: Number(ids[1]) };
}

/** The environment without libpq variables (a PGPORT or PGHOST of the caller must not redirect our tools). */
function cleanEnv(keepRunMark: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('PG')) continue;
    if (k === RUN_MARK && !keepRunMark) continue;
    env[k] = v;
  }
  env.LC_ALL = 'C.UTF-8';
  return env;
}

function run(cmd: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd[0], cmd.slice(1), { cwd, env, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Live {
  base: string;
  dataDir: string;
  pgCtl: string[];
  env: NodeJS.ProcessEnv;
}
const live = new Set<Live>();
let exitHookInstalled = false;

/** Last resort when a test process ends without its teardown: no server outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        execFileSync(c.pgCtl[0], [...c.pgCtl.slice(1), 'stop', '-D', c.dataDir, '-m', 'immediate', '-w'], { env: c.env, cwd: c.base, stdio: 'ignore' });
      } catch {
        // not running
      }
      rmSync(c.base, { recursive: true, force: true });
    }
  });
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startCluster(opts: StartClusterOptions = {}): Promise<PgCluster> {
  if (opts.syncStandby && !opts.primary) throw new Error('startCluster: syncStandby needs a primary (it configures the primary to wait for this replica).');
  const binDir = findPgBinDir();
  const owner = serverOwner();
  const env = cleanEnv(!opts.outlivesTests);
  const bin = (name: string) => [...owner.prefix, join(binDir, name)];

  const base = mkdtempSync(join(tmpdir(), 'jifen-pg-'));
  const sockDir = join(base, 'sock');
  const dataDir = join(base, 'data');
  const logFile = join(base, 'postgres.log');
  mkdirSync(sockDir);
  if (owner.uid !== undefined && owner.gid !== undefined) {
    chownSync(base, owner.uid, owner.gid);
    chownSync(sockDir, owner.uid, owner.gid);
  }
  const entry: Live = { base, dataDir, pgCtl: bin('pg_ctl'), env };
  live.add(entry);
  installExitHook();

  const discard = async () => {
    live.delete(entry);
    rmSync(base, { recursive: true, force: true });
  };

  try {
    if (opts.primary) {
      await run([...bin('pg_basebackup'), '-h', '127.0.0.1', '-p', String(opts.primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'], base, env);
    } else {
      await run([...bin('initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'], base, env);
    }

    let port = opts.port ?? (await freePort());
    for (let attempt = 1; ; attempt++) {
      // Appended after the primary's copy (a replica inherits its postgresql.conf): the last setting wins.
      appendFileSync(
        join(dataDir, 'postgresql.conf'),
        [
          '',
          '# jifen test cluster (tests/pg/support/cluster.ts)',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${sockDir}'`,
          // The walreceiver's application_name, so the primary can tell which standby is which.
          `cluster_name = 'jifen_${port}'`,
          'max_connections = 300',
          ...(opts.fsync === false ? ['fsync = off', 'full_page_writes = off'] : []),
          '',
        ].join('\n'),
      );
      // A copied postgresql.auto.conf may carry the primary's synchronous_standby_names: once promoted, this
      // cluster would wait for a standby it does not have.
      if (opts.primary) appendFileSync(join(dataDir, 'postgresql.auto.conf'), "\nsynchronous_standby_names = ''\n");
      // A fresh base backup starts like a crashed server and fsyncs every file first: one syncfs() is much faster.
      if (opts.primary) appendFileSync(join(dataDir, 'postgresql.conf'), "recovery_init_sync_method = 'syncfs'\n");
      try {
        await run([...bin('pg_ctl'), 'start', '-w', '-t', '60', '-D', dataDir, '-l', logFile], base, env);
        break;
      } catch (err) {
        // A free port picked by us may be taken by someone else before the server binds it: pick another.
        if (opts.port !== undefined || attempt >= 3 || !/could not (bind|create any TCP\/IP sockets)/.test(tail(logFile))) {
          throw new Error(`${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`);
        }
        port = await freePort();
      }
    }

    const psql = (sql: string, database = 'postgres') =>
      run([join(binDir, 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-c', sql], base, env).then((s) =>
        s.trim(),
      );
    let stopped = false;
    const cluster: PgCluster = {
      port,
      dataDir,
      binDir,
      url: (database = 'postgres', user = 'postgres') => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      psql,
      async stop(mode = 'fast') {
        if (stopped) return;
        stopped = true;
        try {
          await run([...bin('pg_ctl'), 'stop', '-D', dataDir, '-m', mode, '-w', '-t', '60'], base, env);
        } catch (err) {
          if (!/Is server running\?|PID file .* does not exist/.test((err as Error).message)) {
            stopped = false;
            throw err;
          }
        }
        await discard();
      },
      async promote() {
        await run([...bin('pg_ctl'), 'promote', '-w', '-t', '60', '-D', dataDir], base, env);
      },
    };

    if (opts.primary) await attachStandby(opts.primary, cluster, Boolean(opts.syncStandby));
    return cluster;
  } catch (err) {
    try {
      await run([...bin('pg_ctl'), 'stop', '-D', dataDir, '-m', 'immediate', '-w'], base, env);
    } catch {
      // never started
    }
    await discard();
    throw err;
  }
}

/** Waits until `standby` streams from `primary`; with `sync`, makes every commit on the primary wait for it. */
async function attachStandby(primary: PgCluster, standby: PgCluster, sync: boolean): Promise<void> {
  const name = `jifen_${standby.port}`;
  if (sync) {
    // ALTER SYSTEM refuses a transaction block, and psql -c with several statements is one: one call each.
    await primary.psql(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await primary.psql('ALTER SYSTEM SET synchronous_commit = on');
    await primary.psql('SELECT pg_reload_conf()');
  }
  const want = sync ? 'sync' : null;
  const deadline = Date.now() + 60_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await primary.psql(`SELECT state || '/' || sync_state FROM pg_stat_replication WHERE application_name = '${name}'`);
    const [state, syncState] = seen.split('/');
    if (state === 'streaming' && (!want || syncState === want)) return;
    await sleep(100);
  }
  throw new Error(`Replica on port ${standby.port} did not become a ${sync ? 'synchronous ' : ''}streaming standby of port ${primary.port} (last seen: ${seen || 'not connected'}).`);
}
