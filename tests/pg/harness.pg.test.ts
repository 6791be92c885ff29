import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findPgBinDir, startCluster } from './support/cluster';
import { freshDatabase, type FreshDatabase } from './support/database';
import { withUrlPath } from './support/names';

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function sqlState(url: string, sql: string): Promise<string | undefined> {
  try {
    await query(url, sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

const adminUrl = () => inject('pgAdminUrl');

/** Whether `pid` still runs (a zombie does not: no init may reap it inside a container). */
async function alive(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    let state: string;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return false;
    }
    if (state === 'Z') return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
const databaseExists = async (name: string) => (await query(adminUrl(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;

describe('freshDatabase', () => {
  const made: FreshDatabase[] = [];
  afterAll(async () => {
    for (const db of made) await db.drop();
  });

  it('gives two independent databases, both migrated from the template', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    made.push(a, b);
    expect(a.name).not.toBe(b.name);

    for (const db of [a, b]) {
      const [row] = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM audit_log');
      expect(row.n).toBe(0);
    }
    await query(a.url, `INSERT INTO audit_log (entity, entity_id, action, created_at) VALUES ('harness', '1', 'write', 1)`);
    await query(a.url, 'CREATE TABLE only_in_a (x int)');

    expect((await query<{ n: number }>(a.url, 'SELECT count(*)::int AS n FROM audit_log'))[0].n).toBe(1);
    expect((await query<{ n: number }>(b.url, 'SELECT count(*)::int AS n FROM audit_log'))[0].n).toBe(0);
    expect(await sqlState(b.url, 'SELECT * FROM only_in_a')).toBe('42P01');
    // The template itself is untouched: a third copy starts empty.
    const c = await freshDatabase();
    made.push(c);
    expect((await query<{ n: number }>(c.url, 'SELECT count(*)::int AS n FROM audit_log'))[0].n).toBe(0);
  });

  it('connects as jifen, which owns the database but is no superuser and cannot make roles', async () => {
    const db = await freshDatabase();
    made.push(db);
    const [me] = await query<{ user: string; rolsuper: boolean; rolcreaterole: boolean; owner: string }>(
      db.url,
      `SELECT current_user AS user, r.rolsuper, r.rolcreaterole, pg_get_userbyid(d.datdba) AS owner
         FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
    );
    expect(me).toEqual({ user: 'jifen', rolsuper: false, rolcreaterole: false, owner: 'jifen' });
    expect(await sqlState(db.url, 'CREATE ROLE intruder SUPERUSER')).toBe('42501');
    expect(await sqlState(db.url, `ALTER SYSTEM SET fsync = off`)).toBe('42501');
    expect(await sqlState(db.url, `COPY (SELECT 1) TO PROGRAM 'true'`)).toBe('42501');
    // The template carries both guards of the append-only tables: the grants revoked from the role that ran the
    // migrations (jifen), and the triggers, which refuse even a superuser.
    await query(db.url, `INSERT INTO audit_log (entity, entity_id, action, created_at) VALUES ('harness', '2', 'write', 2)`);
    expect(await sqlState(db.url, `UPDATE audit_log SET action = 'rewritten'`)).toBe('42501');
    expect(await sqlState(db.url, 'DELETE FROM audit_log')).toBe('42501');
    const asAdmin = withUrlPath(adminUrl(), db.name);
    if ((await query<{ s: boolean }>(asAdmin, 'SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user'))[0].s) {
      expect(await sqlState(asAdmin, `UPDATE audit_log SET action = 'rewritten'`)).toBe('23000');
      expect(await sqlState(asAdmin, 'DELETE FROM audit_log')).toBe('23000');
    }
    expect((await query<{ action: string }>(db.url, 'SELECT action FROM audit_log'))[0].action).toBe('write');
  });

  it('refuses connections to the template, so no session can block the copies', async () => {
    const url = new URL(made[0]?.url ?? (await freshDatabase()).url);
    url.pathname = '/jifen_template';
    expect(await sqlState(url.toString(), 'SELECT 1')).toBe('55000');
  });

  it('makes 20 databases at once, all distinct, and drop() removes each even with a session still open', async () => {
    const started = Date.now();
    const dbs = await Promise.all(Array.from({ length: 20 }, () => freshDatabase()));
    const ms = Date.now() - started;
    console.log(`[pg] 20 parallel template copies: ${ms} ms`);
    made.push(...dbs);
    expect(new Set(dbs.map((d) => d.name)).size).toBe(20);
    for (const d of dbs) expect(await databaseExists(d.name)).toBe(true);

    const open = new pg.Client({ connectionString: dbs[0].url });
    open.on('error', () => {}); // the forced drop ends this session
    await open.connect();
    await Promise.all(dbs.map((d) => d.drop()));
    for (const d of dbs) expect(await databaseExists(d.name)).toBe(false);
    await dbs[0].drop(); // twice is fine
    await open.end().catch(() => {});
  });

  it('copies the template without a hang (the time is printed; a guard, not a speed figure)', async () => {
    const started = Date.now();
    const db = await freshDatabase();
    const ms = Date.now() - started;
    console.log(`[pg] one template copy: ${ms} ms`);
    await db.drop();
    expect(ms).toBeLessThan(30_000);
  });
});

describe('startCluster', () => {
  it('says what is missing when no PostgreSQL 15+ binaries are found', () => {
    expect(() => findPgBinDir(['/nonexistent/bin'])).toThrow(/No PostgreSQL 15\+ server binaries found.*JIFEN_PG_BINDIR/s);
    expect(findPgBinDir()).toMatch(/bin$/);
  });

  it('refuses syncStandby without a primary', async () => {
    await expect(startCluster({ syncStandby: true })).rejects.toThrow(/syncStandby needs a primary/);
  });

  it('fails clearly on a port already taken, quoting the server log', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as AddressInfo).port;
    try {
      await expect(startCluster({ port: taken })).rejects.toThrow(/postgres\.log ---[\s\S]*(could not bind|in use)/i);
    } finally {
      holder.close();
    }
  });

  it('stops the server and removes its directories, twice safely', async () => {
    const cluster = await startCluster();
    expect(await cluster.psql('SELECT 40 + 2')).toBe('42');
    const pid = Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    await cluster.stop();
    await cluster.stop();
    expect(existsSync(cluster.dataDir)).toBe(false);
    expect(existsSync(join(cluster.dataDir, '..'))).toBe(false);
    expect(await alive(pid)).toBe(false);
  });

  it('stops a cluster its process forgot to stop, when that process exits', async () => {
    const script = `
      import { startCluster } from ${JSON.stringify(join(import.meta.dirname, 'support', 'cluster.ts'))};
      const c = await startCluster();
      const pid = (await import('node:fs')).readFileSync(c.dataDir + '/postmaster.pid', 'utf8').split('\\n')[0];
      console.log(JSON.stringify({ dataDir: c.dataDir, pid: Number(pid) }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    const { dataDir, pid } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { dataDir: string; pid: number };
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(dataDir)).toBe(false);
    expect(await alive(pid)).toBe(false);
  });
});
