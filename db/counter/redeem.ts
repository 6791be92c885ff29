import type Database from 'better-sqlite3';
import type { Db } from '../client';
import type { Tx } from '../transaction';

/** Prepared statements of the counter's redemption, the busiest write path: no SQL is compiled per request. */

export interface StoredResponseRow {
  requestHash: string;
  status: number;
  body: string;
}

export interface RedeemHousehold {
  id: number;
  villageId: number;
  headName: string;
  balance: number;
  status: 'active' | 'archived';
  redemptionSuspended: boolean;
  villagePath: string;
}

export interface RedeemGoods {
  id: number;
  storeAreaId: number;
  name: string;
  unit: string;
  price: number;
  stock: number;
  monthlyLimit: number | null;
  active: boolean;
  storePath: string;
}

export interface LimitedGoods {
  goodsId: number;
  name: string;
  unit: string;
  monthlyLimit: number;
}

interface Statements {
  stored: Database.Statement<[number, string], StoredResponseRow>;
  passUsed: Database.Statement<[string], { nonce: string }>;
  household: Database.Statement<[number], Omit<RedeemHousehold, 'redemptionSuspended'> & { redemptionSuspended: number }>;
  spendPass: Database.Statement<[string, number, number, number | null]>;
  goods: Map<number, Database.Statement<number[], Omit<RedeemGoods, 'active'> & { active: number }>>;
  used: Map<number, Database.Statement<(number | string)[], { goodsId: number; used: number }>>;
  limited: Map<number, Database.Statement<number[], LimitedGoods>>;
  redemption: Database.Statement<[number, number, number, number, number, number, string, number], { id: number }>;
  item: Database.Statement<[number, number, number, string, number, number, number]>;
  link: Database.Statement<[number, number]>;
  store: Database.Statement<[number, string, string, number, string, number]>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      stored: client.prepare('SELECT request_hash AS requestHash, status, body FROM idempotency_keys WHERE user_id = ? AND key = ?'),
      passUsed: client.prepare('SELECT nonce FROM pass_uses WHERE nonce = ?'),
      household: client.prepare(
        `SELECT h.id, h.village_id AS villageId, h.head_name AS headName, h.balance, h.status, h.redemption_suspended AS redemptionSuspended, a.path AS villagePath
           FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?`,
      ),
      spendPass: client.prepare('INSERT INTO pass_uses (nonce, household_id, used_at, redemption_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      goods: new Map(),
      used: new Map(),
      limited: new Map(),
      redemption: client.prepare(
        `INSERT INTO redemptions (household_id, village_id, store_area_id, clerk_id, points, balance_after, via, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      item: client.prepare('INSERT INTO redemption_items (redemption_id, goods_id, household_id, month, quantity, price, points) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      link: client.prepare('UPDATE redemptions SET ledger_entry_id = ? WHERE id = ?'),
      store: client.prepare('INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    cache.set(client, s);
  }
  return s;
}

const marks = (n: number) => Array(n).fill('?').join(', ');

/** One prepared statement per IN-list length, kept with the connection's other statements. */
function byLength<S>(cacheOf: Map<number, S>, n: number, prepare: () => S): S {
  let stmt = cacheOf.get(n);
  if (!stmt) {
    stmt = prepare();
    cacheOf.set(n, stmt);
  }
  return stmt;
}

/** The response first given for a user's Idempotency-Key, if any. */
export async function storedResponse(db: Db, userId: number, key: string): Promise<StoredResponseRow | undefined> {
  return statements(db.$client).stored.get(userId, key);
}

export async function isPassUsed(db: Db, nonce: string): Promise<boolean> {
  return statements(db.$client).passUsed.get(nonce) !== undefined;
}

/** Marks a one-time code spent by a redemption; false when it already was. */
export async function spendPass(tx: Tx, nonce: string, householdId: number, at: number, redemptionId: number | null = null): Promise<boolean> {
  return statements(tx.$client).spendPass.run(nonce, householdId, at, redemptionId).changes === 1;
}

/** What a redemption needs to know of a household: balance, status, village and its path. */
export async function redeemHousehold(db: Db, householdId: number): Promise<RedeemHousehold | undefined> {
  const row = statements(db.$client).household.get(householdId);
  return row && { ...row, redemptionSuspended: row.redemptionSuspended === 1 };
}

/**
 * Goods by id with their store's path, in id order, locked for the rest of the transaction: the
 * redemption reads them after the village's chain. On SQLite the write transaction already holds the
 * database; the PostgreSQL store adds `FOR UPDATE OF g` to this same read, so it costs no extra trip.
 */
export async function lockRedeemGoods(tx: Tx, ids: readonly number[]): Promise<RedeemGoods[]> {
  const stmt = byLength(statements(tx.$client).goods, ids.length, () =>
    tx.$client.prepare<number[], Omit<RedeemGoods, 'active'> & { active: number }>(
      `SELECT g.id, g.store_area_id AS storeAreaId, g.name, g.unit, g.price, g.stock, g.monthly_limit AS monthlyLimit, g.active, a.path AS storePath
         FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id IN (${marks(ids.length)}) ORDER BY g.id`,
    ),
  );
  return stmt.all(...ids).map((g) => ({ ...g, active: g.active === 1 }));
}

/** Quantity of each goods a household already redeemed in a month (goods it never took are absent). */
export async function usedThisMonth(db: Db, householdId: number, month: string, goodsIds: readonly number[]): Promise<Map<number, number>> {
  if (!goodsIds.length) return new Map();
  const stmt = byLength(statements(db.$client).used, goodsIds.length, () =>
    db.$client.prepare<(number | string)[], { goodsId: number; used: number }>(
      `SELECT goods_id AS goodsId, SUM(quantity) AS used FROM redemption_items
        WHERE household_id = ? AND month = ? AND goods_id IN (${marks(goodsIds.length)}) GROUP BY goods_id`,
    ),
  );
  return new Map(stmt.all(householdId, month, ...goodsIds).map((u) => [u.goodsId, u.used]));
}

/** Active goods with a monthly per-household limit in any of the given stores, by store and id. */
export async function limitedGoodsOfStores(db: Db, storeIds: readonly number[]): Promise<LimitedGoods[]> {
  if (!storeIds.length) return [];
  const stmt = byLength(statements(db.$client).limited, storeIds.length, () =>
    db.$client.prepare<number[], LimitedGoods>(
      `SELECT id AS goodsId, name, unit, monthly_limit AS monthlyLimit FROM goods
        WHERE store_area_id IN (${marks(storeIds.length)}) AND monthly_limit IS NOT NULL AND active = 1 ORDER BY store_area_id, id`,
    ),
  );
  return stmt.all(...storeIds);
}

export interface NewRedemption {
  householdId: number;
  villageId: number;
  storeAreaId: number;
  clerkId: number;
  points: number;
  balanceAfter: number;
  via: 'pass' | 'card';
  createdAt: number;
  month: string;
  lines: { goodsId: number; quantity: number; price: number; points: number }[];
}

/** The redemption and its lines; returns its id. */
export async function insertRedemption(tx: Tx, r: NewRedemption): Promise<number> {
  const s = statements(tx.$client);
  const { id } = s.redemption.get(r.householdId, r.villageId, r.storeAreaId, r.clerkId, r.points, r.balanceAfter, r.via, r.createdAt)!;
  for (const l of r.lines) s.item.run(id, l.goodsId, r.householdId, r.month, l.quantity, l.price, l.points);
  return id;
}

export async function linkRedemptionEntry(tx: Tx, redemptionId: number, ledgerEntryId: number): Promise<void> {
  statements(tx.$client).link.run(ledgerEntryId, redemptionId);
}

/** Keeps the first response to a user's Idempotency-Key, to answer its retries with. */
export async function storeResponse(tx: Tx, userId: number, key: string, requestHash: string, status: number, body: string, at: number): Promise<void> {
  statements(tx.$client).store.run(userId, key, requestHash, status, body, at);
}
