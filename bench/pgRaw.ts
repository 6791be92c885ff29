import { createHash, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { newSalt, pseudonymYear, sealedLedgerHash, yearlyPseudonym, type LedgerRow } from '../db/ledger';
import { openPgPools } from '../db/pg/pool';
import { periodsOfDay, shanghaiDay, shanghaiMonth } from '../db/time';

/**
 * PostgreSQL ceilings: the SQL the app runs, as raw parameterised statements on the app's own pool settings
 * (db/pg/pool.ts: same type parsers, timeouts), with the locks the app takes (village chain row, then goods rows
 * FOR UPDATE) and the data version bump db/transaction.ts adds to every write transaction.
 */

const LEDGER_INSERT = `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, rule_id, category, award_id, redemption_id, reverses_id, note, created_by, created_at, prev_hash, hash, chain_id, seq, hash_version, salt, private_digest)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 3, $20, $21) RETURNING id`;
const CHAIN_FOR_UPDATE = 'SELECT last_seq AS "lastSeq", head_hash AS hash FROM ledger_chains WHERE village_id = $1 FOR UPDATE';
const SET_CHAIN = 'UPDATE ledger_chains SET last_seq = $1, head_hash = $2 WHERE village_id = $3';
const BUMP = 'INSERT INTO data_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1 RETURNING version';

interface Head {
  lastSeq: number;
  hash: string;
}

function seal(row: Omit<LedgerRow, 'id'>, pseudonymSeed: string): void {
  const salt = newSalt();
  const sealed = sealedLedgerHash({ ...row, chainId: row.villageId, seq: row.seq!, salt }, { pseudonym: yearlyPseudonym(pseudonymSeed, pseudonymYear(row.occurredOn)), reversesSeq: null });
  row.salt = salt;
  row.privateDigest = sealed.privateDigest;
  row.hash = sealed.hash;
}

function ledgerParams(r: Omit<LedgerRow, 'id'>): unknown[] {
  return [r.householdId, r.villageId, r.kind, r.points, r.balanceAfter, r.conductPoints, r.occurredOn, r.ruleId, r.category, r.awardId, r.redemptionId, null, null, r.createdBy, r.createdAt, r.prevHash, r.hash, r.chainId, r.seq, r.salt, r.privateDigest];
}

async function inTx<T>(pool: Pool, body: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const out = await body(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

async function bump(c: PoolClient): Promise<void> {
  const v = (await c.query<{ version: number }>(BUMP)).rows[0]!.version;
  await c.query('SELECT pg_notify($1, $2)', ['jifen_data_version', String(v)]);
}

export interface RawRedemptionOptions {
  url: string;
  /** Pool size and concurrent workers. */
  connections: number;
  seconds: number;
  clerkId: number;
  goodsIds: number[];
  buyers: number[];
  /** false: leave out the data version bump (what the province-wide hot row costs). */
  bumpVersion?: boolean;
}

/**
 * Ceiling for redemption: one redemption's SQL (idempotency and code checks, household read, village chain and
 * goods locks, redemption, item, stock movement, chained ledger row, balance, stored response, audit row, data
 * version) per transaction, `connections` workers back to back through one pool. Returns committed tx/s.
 */
export async function pgRawRedemptionRate(opts: RawRedemptionOptions): Promise<number> {
  const pools = openPgPools({ url: opts.url, poolSize: opts.connections });
  const pool = pools.primary;
  const run = randomBytes(4).toString('hex');
  let n = 0;
  let done = 0;
  const redeemOne = async (i: number) => {
    const householdId = opts.buyers[i % opts.buyers.length]!;
    const goodsId = opts.goodsIds[i % opts.goodsIds.length]!;
    const nonce = randomBytes(9).toString('base64url');
    const key = `raw-${run}-${i}`;
    const reqHash = createHash('sha256').update(JSON.stringify({ code: nonce, pin: null, items: [{ goodsId, quantity: 1 }] })).digest('hex');
    const at = Date.now();
    await inTx(pool, async (c) => {
      if ((await c.query('SELECT user_id, key, request_hash, status, body, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2', [opts.clerkId, key])).rowCount) throw new Error('replayed');
      const h = (await c.query<{ id: number; village_id: number; balance: number; head_name: string; pseudonym_seed: string }>(
        'SELECT h.*, a.path AS "villagePath" FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = $1',
        [householdId],
      )).rows[0]!;
      const head = (await c.query<Head>(CHAIN_FOR_UPDATE, [h.village_id])).rows[0]!;
      const locked = (await c.query<{ id: number; stock: number }>('SELECT id, stock FROM goods WHERE id IN ($1) ORDER BY id FOR UPDATE', [goodsId])).rows[0]!;
      if ((await c.query('INSERT INTO pass_uses (nonce, household_id, used_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [nonce, householdId, at])).rowCount !== 1) throw new Error('code used');
      const g = (await c.query<{ id: number; price: number; name: string; unit: string; store_area_id: number }>(
        'SELECT g.*, a.path AS "storePath" FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id = $1',
        [goodsId],
      )).rows[0]!;
      const total = g.price;
      const redemptionId = (await c.query<{ id: number }>(
        `INSERT INTO redemptions (household_id, village_id, store_area_id, clerk_id, points, balance_after, via, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pass', $7) RETURNING id`,
        [h.id, h.village_id, g.store_area_id, opts.clerkId, total, h.balance - total, at],
      )).rows[0]!.id;
      await c.query('INSERT INTO redemption_items (redemption_id, goods_id, household_id, month, quantity, price, points) VALUES ($1, $2, $3, $4, $5, $6, $7)', [redemptionId, g.id, h.id, shanghaiMonth(at), 1, g.price, total]);
      await c.query(
        `INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, donation_id, redemption_id, note, created_by, created_at) VALUES ($1, $2, 'redemption', $3, $4, NULL, $5, NULL, $6, $7)`,
        [g.id, g.store_area_id, -1, locked.stock - 1, redemptionId, opts.clerkId, at],
      );
      await c.query('UPDATE goods SET stock = $1, updated_at = $2 WHERE id = $3', [locked.stock - 1, at, g.id]);
      const bal = (await c.query<{ balance: number }>('SELECT balance FROM households WHERE id = $1', [h.id])).rows[0]!.balance;
      const row: Omit<LedgerRow, 'id'> = {
        householdId: h.id, villageId: h.village_id, kind: 'redemption', points: -total, balanceAfter: bal - total, conductPoints: 0,
        occurredOn: shanghaiDay(at), ruleId: null, category: null, awardId: null, redemptionId, reversesId: null, note: null, createdBy: opts.clerkId, createdAt: at, prevHash: head.hash, hash: '',
        chainId: h.village_id, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
      };
      seal(row, h.pseudonym_seed);
      const entryId = (await c.query<{ id: number }>(LEDGER_INSERT, ledgerParams(row))).rows[0]!.id;
      await c.query(SET_CHAIN, [row.seq, row.hash, h.village_id]);
      await c.query('UPDATE households SET balance = $1, updated_at = $2 WHERE id = $3', [row.balanceAfter, at, h.id]);
      await c.query('UPDATE redemptions SET ledger_entry_id = $1 WHERE id = $2', [entryId, redemptionId]);
      const result = { id: redemptionId, householdId: h.id, headName: h.head_name, points: total, balanceAfter: row.balanceAfter, items: [{ goodsId: g.id, name: g.name, unit: g.unit, quantity: 1, price: g.price, points: total }], createdAt: at };
      await c.query('INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES ($1, $2, $3, 201, $4, $5)', [opts.clerkId, key, reqHash, JSON.stringify(result), at]);
      await c.query(
        `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at) VALUES ($1, 'clerk', $2, 'redemption', $3, 'redemption.create', $4, $5, '127.0.0.1', 'bench', $6)`,
        [opts.clerkId, h.village_id, String(redemptionId), JSON.stringify({ balance: h.balance }), JSON.stringify({ ...result, via: 'pass' }), at],
      );
      if (opts.bumpVersion !== false) await bump(c);
    });
  };
  const started = performance.now();
  const until = started + opts.seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (performance.now() < until) {
          await redeemOne(n++);
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  } finally {
    await pools.close();
  }
}

interface AwardRow {
  id: number;
  householdId: number;
  villageId: number;
  points: number;
  occurredOn: string;
  ruleId: number;
  category: string;
  path: string;
}

async function awardsOf(pool: Pool, ids: number[]): Promise<AwardRow[]> {
  return (
    await pool.query<AwardRow>(
      `SELECT a.id, a.household_id AS "householdId", a.village_id AS "villageId", a.points, a.occurred_on AS "occurredOn", a.rule_id AS "ruleId", r.category, v.path
         FROM awards a JOIN rules r ON r.id = a.rule_id JOIN areas v ON v.id = a.village_id WHERE a.id = ANY($1::bigint[]) ORDER BY a.id`,
      [ids],
    )
  ).rows;
}

/**
 * Ceiling for batch approval: the ledger rows those awards would post, chained (village chains locked in id
 * order) and inserted in one transaction, nothing else. Returns ms.
 */
export async function pgRawLedgerBatchMs(url: string, awardIds: number[]): Promise<number> {
  const pools = openPgPools({ url, poolSize: 1 });
  try {
    const awards = await awardsOf(pools.primary, awardIds);
    const at = Date.now();
    const started = performance.now();
    await inTx(pools.primary, async (c) => {
      const heads = new Map<number, Head>();
      for (const v of [...new Set(awards.map((a) => a.villageId))].sort((x, y) => x - y)) heads.set(v, (await c.query<Head>(CHAIN_FOR_UPDATE, [v])).rows[0]!);
      for (const a of awards) {
        const head = heads.get(a.villageId)!;
        const { balance, seed } = (await c.query<{ balance: number; seed: string }>('SELECT balance, pseudonym_seed AS seed FROM households WHERE id = $1', [a.householdId])).rows[0]!;
        const row: Omit<LedgerRow, 'id'> = {
          householdId: a.householdId, villageId: a.villageId, kind: 'award', points: a.points, balanceAfter: balance + a.points, conductPoints: a.points,
          occurredOn: a.occurredOn, ruleId: a.ruleId, category: a.category, awardId: null, redemptionId: null, reversesId: null, note: null, createdBy: null, createdAt: at, prevHash: head.hash, hash: '',
          chainId: a.villageId, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
        };
        seal(row, seed);
        await c.query(LEDGER_INSERT, ledgerParams(row));
        head.lastSeq += 1;
        head.hash = row.hash;
      }
      for (const [villageId, head] of heads) await c.query(SET_CHAIN, [head.lastSeq, head.hash, villageId]);
      await bump(c);
    });
    return performance.now() - started;
  } finally {
    await pools.close();
  }
}

/**
 * Second ceiling: everything approving with notice 0 writes (award status, chained ledger row, balance, the three
 * period scores, award posted, audit row, data version), raw, one transaction, on the twin batch. Returns ms.
 */
export async function pgRawPostingBatchMs(url: string, awardIds: number[], reviewerId: number): Promise<number> {
  const pools = openPgPools({ url, poolSize: 1 });
  try {
    const awards = await awardsOf(pools.primary, awardIds);
    const at = Date.now();
    const started = performance.now();
    await inTx(pools.primary, async (c) => {
      const heads = new Map<number, Head>();
      for (const v of [...new Set(awards.map((a) => a.villageId))].sort((x, y) => x - y)) heads.set(v, (await c.query<Head>(CHAIN_FOR_UPDATE, [v])).rows[0]!);
      for (const a of awards) {
        const reviewed = await c.query(`UPDATE awards SET status = 'posted', reviewed_by = $1, reviewed_at = $2, notice_ends_at = NULL WHERE id = $3 AND status = 'pending'`, [reviewerId, at, a.id]);
        if (reviewed.rowCount !== 1) throw new Error(`award ${a.id} is not pending`);
        const head = heads.get(a.villageId)!;
        const { balance, seed } = (await c.query<{ balance: number; seed: string }>('SELECT balance, pseudonym_seed AS seed FROM households WHERE id = $1', [a.householdId])).rows[0]!;
        const row: Omit<LedgerRow, 'id'> = {
          householdId: a.householdId, villageId: a.villageId, kind: 'award', points: a.points, balanceAfter: balance + a.points, conductPoints: a.points,
          occurredOn: a.occurredOn, ruleId: a.ruleId, category: a.category, awardId: a.id, redemptionId: null, reversesId: null, note: null, createdBy: reviewerId, createdAt: at, prevHash: head.hash, hash: '',
          chainId: a.villageId, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
        };
        seal(row, seed);
        const entryId = (await c.query<{ id: number }>(LEDGER_INSERT, ledgerParams(row))).rows[0]!.id;
        head.lastSeq += 1;
        head.hash = row.hash;
        await c.query('UPDATE households SET balance = $1, updated_at = $2 WHERE id = $3', [row.balanceAfter, at, a.householdId]);
        const [countyId, townshipId] = a.path.split('/').filter(Boolean).map(Number);
        for (const period of periodsOfDay(a.occurredOn)) {
          await c.query(
            `INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)
             ON CONFLICT (household_id, period) DO UPDATE SET score = household_period_scores.score + excluded.score, earned = household_period_scores.earned + excluded.earned, deducted = household_period_scores.deducted + excluded.deducted`,
            [a.householdId, period, a.villageId, townshipId, countyId, a.points, a.points],
          );
        }
        await c.query(`UPDATE awards SET status = 'posted', posted_at = $1, ledger_entry_id = $2 WHERE id = $3`, [at, entryId, a.id]);
        await c.query(
          `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at) VALUES ($1, 'reviewer', $2, 'award', $3, 'award.approve', $4, $5, '127.0.0.1', 'bench', $6)`,
          [reviewerId, a.villageId, String(a.id), JSON.stringify({ status: 'pending' }), JSON.stringify({ id: a.id, status: 'posted', noticeEndsAt: null, ledgerEntryId: entryId }), at],
        );
      }
      for (const [villageId, head] of heads) await c.query(SET_CHAIN, [head.lastSeq, head.hash, villageId]);
      await bump(c);
    });
    return performance.now() - started;
  } finally {
    await pools.close();
  }
}
