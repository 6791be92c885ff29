import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { GENESIS_HASH, type VillageChain } from '../ledger/posting';
import { checkout } from './pool';
import { sqlOf, type Sql } from '../sql';
import type { Tx } from '../transaction';

const CHAIN_FOR_UPDATE =
  'SELECT village_id AS "villageId", last_seq AS "lastSeq", head_hash AS "headHash", genesis_hash AS "genesisHash" FROM ledger_chains WHERE village_id = ? FOR UPDATE';

function checkId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`${what} must be a positive whole number, not ${id}`);
  return id;
}

/**
 * Locks the village's chain row until the transaction ends and returns it, creating it on first use (same
 * genesis rule as db/ledger/posting.ts takeVillageChain). Every transaction that reads then writes a
 * village's state calls this before anything else: the row is the village lock, so two counters of one
 * village serialise here while other villages go on.
 */
export async function lockVillageChain(tx: Sql, villageId: number): Promise<VillageChain> {
  checkId(villageId, 'villageId');
  const row = await tx.get<VillageChain>(CHAIN_FOR_UPDATE, [villageId]);
  if (row) return row;
  const genesis = (await tx.get<{ genesisHash: string }>('SELECT genesis_hash AS "genesisHash" FROM ledger_chains LIMIT 1'))?.genesisHash ?? GENESIS_HASH;
  // Two first postings race here: the loser's insert waits for the winner's commit, then does nothing, and
  // the SELECT below waits for the winner's lock like any later posting.
  await tx.run('INSERT INTO ledger_chains (village_id, last_seq, head_hash, genesis_hash) VALUES (?, 0, ?, ?) ON CONFLICT (village_id) DO NOTHING', [
    villageId,
    genesis,
    genesis,
  ]);
  const created = await tx.get<VillageChain>(CHAIN_FOR_UPDATE, [villageId]);
  if (!created) throw new Error(`the chain row of village ${villageId} vanished while it was being created`);
  return created;
}

/** A goods row as locked: its id and cached stock. */
export interface LockedGoods {
  id: number;
  stock: number;
}

/**
 * Locks goods rows (a shared township store's) until the transaction ends, in ascending id order, so two
 * baskets holding the same goods in different orders cannot deadlock. Take the village chain first. Ids
 * that do not exist are simply absent from the answer.
 */
export async function lockGoods(tx: Sql, ids: readonly number[]): Promise<LockedGoods[]> {
  const sorted = [...new Set(ids.map((id) => checkId(id, 'goods id')))].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  // ORDER BY under FOR UPDATE: PostgreSQL takes the row locks in the sorted order.
  return tx.all<LockedGoods>(`SELECT id, stock FROM goods WHERE id IN (${sorted.map(() => '?').join(', ')}) ORDER BY id FOR UPDATE`, sorted);
}

/** A stable positive 63-bit advisory-lock key for a job name (first 8 bytes of its SHA-256), as pg's bigint text. */
export function advisoryKey(jobName: string): string {
  const digest = createHash('sha256').update(`jifen:job:${jobName}`).digest();
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}

/**
 * Holds an advisory lock on `name` until the transaction ends: serialises a check-then-insert that no row lock or
 * unique index can (a heading name unique across an area's ancestry). SQLite's BEGIN IMMEDIATE already does.
 */
export async function lockName(tx: Sql, name: string): Promise<void> {
  const key = (createHash('sha256').update(`jifen:name:${name}`).digest().readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
  await tx.get('SELECT pg_advisory_xact_lock(CAST(? AS bigint)) AS locked', [key]);
}

/**
 * Locks a money entry's row until the transaction ends, so two reversals of it serialise and the second reads
 * the first's reversal (409 already_reversed) instead of hitting the unique index. SQLite: nothing to do.
 */
export async function lockFundEntry(tx: Tx, id: number): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await q.get('SELECT id FROM fund_entries WHERE id = ? FOR UPDATE', [checkId(id, 'fund entry id')]);
}

/**
 * Locks a rule's row until the transaction ends, so parallel edits each read the version the one before them
 * wrote (READ COMMITTED alone lets two of them write the same next version). SQLite: nothing to do.
 */
export async function lockRule(tx: Tx, id: number): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await q.get('SELECT id FROM rules WHERE id = ? FOR UPDATE', [checkId(id, 'rule id')]);
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export type ExclusiveResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` only if no other process (or caller in this one) is running the job `jobName`: a session
 * advisory lock on one client held from this pool for the whole run, released afterwards even when `fn`
 * throws (and by PostgreSQL itself if this process dies). `fn` does its own transactions on the pool, so
 * the pool needs at least two connections. `{ ran: false }` when someone else holds the job.
 */
export async function runExclusive<T>(pool: Pool, jobName: string, fn: () => Promise<T>): Promise<ExclusiveResult<T>> {
  const key = advisoryKey(jobName);
  const client = await checkout(pool);
  // A session that may still hold the lock must not go back to the pool: closing it releases the lock.
  let broken: Error | undefined;
  // Held for the whole job: a lost connection must not be an unhandled 'error' event (pg-pool only
  // listens on idle clients). The job then finishes unguarded, so a job must stay safe to run twice.
  const onLost = (err: Error) => void (broken ??= err);
  client.on('error', onLost);
  try {
    let got: boolean;
    try {
      got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows[0]?.ok === true;
    } catch (err) {
      broken = asError(err);
      throw err;
    }
    if (!got) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      try {
        const res = await client.query<{ ok: boolean }>('SELECT pg_advisory_unlock($1::bigint) AS ok', [key]);
        if (res.rows[0]?.ok !== true) broken = new Error(`advisory lock of job ${jobName} was not held at unlock`);
      } catch (err) {
        broken = asError(err);
      }
    }
  } finally {
    client.release(broken ?? false);
    client.removeListener('error', onLost);
  }
}
