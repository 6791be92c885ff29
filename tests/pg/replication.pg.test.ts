/**
 * Streaming replication for real: a primary and a synchronous standby on loopback, each its own cluster with fsync
 * on. What the primary acknowledged must survive an immediate stop of the primary and the promotion of the standby.
 * On loopback even an asynchronous standby rarely lags enough to lose a row, so the tests stall replication (SIGSTOP
 * on the WAL receiver or sender): a primary that did not wait for the standby would answer commits it then loses.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg } from '../../db/pg/migrate';
import { startCluster, type PgCluster } from './support/cluster';

const ACKS = 200;
const WRITERS = 8;

let primary: PgCluster;
let replica: PgCluster;
const timings: Record<string, number> = {};

/** A client that fails instead of hanging (a primary waiting for a standby that is gone would hang forever). */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, query_timeout: 20_000, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {}); // a stopped server ends idle sessions; the next query reports it
  await client.connect();
  return client;
}

async function once<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = await connect(url);
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

async function sqlState(url: string, sql: string): Promise<string | undefined> {
  try {
    await once(url, sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

const appUrl = (c: PgCluster) => c.url('jifen', 'jifen');

/** Waits (up to 5 s) until `signal` is pending for a stopped process, or the process is gone. */
async function signalPending(pid: number, signal: 'SIGQUIT'): Promise<void> {
  const bit = 1n << BigInt(constants.signals[signal] - 1);
  for (let i = 0; i < 500; i++) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'latin1');
    } catch {
      return;
    }
    const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].map((m) => BigInt(`0x${m[1]}`));
    if (pending.some((p) => (p & bit) !== 0n)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
const audit = (key: string): [string, unknown[]] => [
  `INSERT INTO audit_log (entity, entity_id, action, created_at) VALUES ('replication', $1, 'write', $2) RETURNING id`,
  [key, Date.now()],
];

beforeAll(async () => {
  const t0 = Date.now();
  primary = await startCluster();
  timings.primaryStart = Date.now() - t0;
  await primary.psql('CREATE ROLE jifen LOGIN CREATEDB');
  await primary.psql('CREATE DATABASE jifen OWNER jifen');
  // Migrated as the app's own role, as in a deployment that has no superuser to spare.
  await migratePg(appUrl(primary));
  const t1 = Date.now();
  replica = await startCluster({ primary, syncStandby: true });
  timings.replicaStart = Date.now() - t1;
}, 120_000);

afterAll(async () => {
  await replica?.stop('fast');
  await primary?.stop('immediate');
  console.log(`[pg] replication: ${JSON.stringify(timings)} ms`);
});

describe('a primary with a synchronous streaming replica', () => {
  it('shows rows written to audit_log on the primary on the replica', async () => {
    const [row] = await once<{ id: number }>(appUrl(primary), ...audit('visible-1'));
    const deadline = Date.now() + 10_000;
    let seen: { id: string }[] = [];
    while (Date.now() < deadline) {
      seen = await once<{ id: string }>(appUrl(replica), `SELECT id::text AS id FROM audit_log WHERE entity_id = 'visible-1'`);
      if (seen.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual([{ id: String(row.id) }]);
  });

  it('refuses writes on the replica (SQLSTATE 25006)', async () => {
    expect(await once<{ r: boolean }>(appUrl(replica), 'SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    expect(await sqlState(appUrl(replica), `INSERT INTO audit_log (entity, entity_id, action, created_at) VALUES ('replication', 'no', 'write', 1)`)).toBe('25006');
    expect(await sqlState(appUrl(replica), 'CREATE TABLE t (x int)')).toBe('25006');
  });

  it('acknowledges a commit only once the replica has it: a stalled replica holds the answer back', async () => {
    const [{ pid }] = await once<{ pid: number }>(replica.url(), 'SELECT pid FROM pg_stat_wal_receiver');
    const client = await connect(appUrl(primary));
    let outcome: 'pending' | 'acknowledged' | Error = 'pending';
    process.kill(pid, 'SIGSTOP'); // the replica's WAL receiver: nothing more reaches its disk
    let answer: Promise<void> | undefined;
    try {
      answer = client.query(...audit('held-back')).then(
        () => void (outcome = 'acknowledged'),
        (err: Error) => void (outcome = err),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(outcome).toBe('pending');
      expect(await primary.psql(`SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'`)).toBe('1');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await answer;
    expect(outcome).toBe('acknowledged');
    await client.end();
  });

  it('keeps every acknowledged commit when the primary dies after its 200th answer, the replica stalled, and the replica is promoted', async () => {
    // The guarantee under test rests on this: each commit waits for the standby to have it on disk.
    expect(await primary.psql(`SELECT string_agg(sync_state, ',') FROM pg_stat_replication`)).toBe('sync');
    expect(await primary.psql('SHOW synchronous_commit')).toBe('on');

    const [{ pid: sender }] = await once<{ pid: number }>(primary.url(), 'SELECT pid FROM pg_stat_replication');
    const t0 = Date.now();
    const acked = new Map<string, string>(); // key → id the primary answered
    let ackedAtStall = 0;
    let killed = false;
    let stopping: Promise<void> | undefined;
    // After the 200th answer: freeze the primary's WAL sender while the writers go on, then kill the primary.
    // An asynchronous primary would answer commits the replica never got, and they would be missing below.
    const stallThenKill = async () => {
      process.kill(sender, 'SIGSTOP');
      let stop: Promise<void> | undefined;
      try {
        ackedAtStall = acked.size;
        await new Promise((r) => setTimeout(r, 300));
        killed = true;
        stop = primary.stop('immediate');
        // Released only once its SIGQUIT is pending, the sender exits before it can send anything more.
        await signalPending(sender, 'SIGQUIT');
      } finally {
        try {
          process.kill(sender, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      await stop;
    };
    const clients = await Promise.all(Array.from({ length: WRITERS }, () => connect(appUrl(primary))));
    const failures: string[] = [];
    await Promise.all(
      clients.map(async (client, w) => {
        for (let i = 0; !killed; i++) {
          const key = `ack-${w}-${i}`;
          try {
            const { rows } = await client.query<{ id: string }>(...audit(key));
            acked.set(key, String(rows[0].id));
          } catch (err) {
            // Only the kill may end a writer; anything before it is a failure of the setup.
            if (!killed) failures.push((err as Error).message);
            return;
          }
          if (acked.size >= ACKS && !stopping) stopping = stallThenKill();
        }
      }),
    );
    await stopping;
    timings.writeAndKill = Date.now() - t0;
    timings.acknowledgedWhileStalled = acked.size - ackedAtStall;
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    expect(failures).toEqual([]);
    expect(acked.size).toBeGreaterThanOrEqual(ACKS);

    const t1 = Date.now();
    await replica.promote();
    timings.promote = Date.now() - t1;
    const url = appUrl(replica);
    expect(await once<{ r: boolean }>(url, 'SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);

    const rows = await once<{ key: string; id: string }>(url, `SELECT entity_id AS key, id::text AS id FROM audit_log WHERE entity_id LIKE 'ack-%'`);
    const found = new Map(rows.map((r) => [r.key, r.id]));
    const lost = [...acked].filter(([key, id]) => found.get(key) !== id);
    expect(lost).toEqual([]);
    // Rows beyond the acknowledged ones were in flight at the stop: committed or not, never acknowledged.
    timings.acknowledged = acked.size;
    timings.presentButUnacknowledged = rows.length - acked.size;

    // The new primary still guards append-only both ways: grants refuse the app role, triggers even the superuser.
    expect(await sqlState(url, `UPDATE audit_log SET action = 'rewritten' WHERE entity_id = 'ack-0-0'`)).toBe('42501');
    await expect(replica.psql(`UPDATE audit_log SET action = 'rewritten' WHERE entity_id = 'ack-0-0'`, 'jifen')).rejects.toThrow(/audit_log is append-only/);
    await expect(replica.psql(`DELETE FROM audit_log WHERE entity_id = 'ack-0-0'`, 'jifen')).rejects.toThrow(/audit_log is append-only/);
    expect(await replica.psql(`SELECT action FROM audit_log WHERE entity_id = 'ack-0-0'`, 'jifen')).toBe('write');

    // And it takes new writes, without waiting for a standby it no longer has.
    const [next] = await once<{ id: string }>(url, ...audit('after-promotion'));
    const maxAcked = Math.max(...[...acked.values()].map(Number));
    expect(Number(next.id)).toBeGreaterThan(maxAcked);
    expect(await once(url, `SELECT 1 FROM audit_log WHERE entity_id = 'after-promotion'`)).toHaveLength(1);
  }, 120_000);
});
