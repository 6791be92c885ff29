import type { Db } from '../client';
import { lockGoods } from '../goods/stock';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

// The counter's redemption, the busiest write path: sqlOf() keeps each statement compiled per connection.

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

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

/** The response first given for a user's Idempotency-Key, if any. */
export async function storedResponse(db: Db, userId: number, key: string): Promise<StoredResponseRow | undefined> {
  return sqlOf(db).get<StoredResponseRow>('SELECT request_hash AS "requestHash", status, body FROM idempotency_keys WHERE user_id = ? AND key = ?', [userId, key]);
}

export async function isPassUsed(db: Db, nonce: string): Promise<boolean> {
  return (await sqlOf(db).get<{ nonce: string }>('SELECT nonce FROM pass_uses WHERE nonce = ?', [nonce])) !== undefined;
}

/** Marks a one-time code spent by a redemption; false when it already was. */
export async function spendPass(tx: Tx, nonce: string, householdId: number, at: number, redemptionId: number | null = null): Promise<boolean> {
  const { changes } = await sqlOf(tx).run('INSERT INTO pass_uses (nonce, household_id, used_at, redemption_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    nonce,
    householdId,
    at,
    redemptionId,
  ]);
  return changes === 1;
}

/** What a redemption needs to know of a household: balance, status, village and its path. */
export async function redeemHousehold(db: Db, householdId: number): Promise<RedeemHousehold | undefined> {
  const row = await sqlOf(db).get<Omit<RedeemHousehold, 'redemptionSuspended'> & { redemptionSuspended: boolean | number }>(
    `SELECT h.id, h.village_id AS "villageId", h.head_name AS "headName", h.balance, h.status, h.redemption_suspended AS "redemptionSuspended",
            a.path AS "villagePath"
       FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?`,
    [householdId],
  );
  return row && { ...row, redemptionSuspended: Boolean(row.redemptionSuspended) };
}

/**
 * Goods by id with their store's path, in id order, locked for the rest of the transaction: the
 * redemption reads them after the village's chain. On SQLite the write transaction already holds the
 * database; `lockGoods` takes the rows' locks in id order where the engine needs them.
 */
export async function lockRedeemGoods(tx: Tx, ids: readonly number[]): Promise<RedeemGoods[]> {
  if (!ids.length) return [];
  await lockGoods(tx, ids);
  const rows = await sqlOf(tx).all<Omit<RedeemGoods, 'active'> & { active: boolean | number }>(
    `SELECT g.id, g.store_area_id AS "storeAreaId", g.name, g.unit, g.price, g.stock, g.monthly_limit AS "monthlyLimit", g.active, a.path AS "storePath"
       FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id IN (${marks(ids.length)}) ORDER BY g.id`,
    ids,
  );
  return rows.map((g) => ({ ...g, active: Boolean(g.active) }));
}

/** Quantity of each goods a household already redeemed in a month (goods it never took are absent). */
export async function usedThisMonth(db: Db, householdId: number, month: string, goodsIds: readonly number[]): Promise<Map<number, number>> {
  if (!goodsIds.length) return new Map();
  const rows = await sqlOf(db).all<{ goodsId: number; used: number }>(
    `SELECT goods_id AS "goodsId", SUM(quantity) AS used FROM redemption_items
      WHERE household_id = ? AND month = ? AND goods_id IN (${marks(goodsIds.length)}) GROUP BY goods_id ORDER BY goods_id`,
    [householdId, month, ...goodsIds],
  );
  return new Map(rows.map((u) => [u.goodsId, u.used]));
}

/** Active goods with a monthly per-household limit in any of the given stores, by store and id. */
export async function limitedGoodsOfStores(db: Db, storeIds: readonly number[]): Promise<LimitedGoods[]> {
  if (!storeIds.length) return [];
  return sqlOf(db).all<LimitedGoods>(
    `SELECT id AS "goodsId", name, unit, monthly_limit AS "monthlyLimit" FROM goods
      WHERE store_area_id IN (${marks(storeIds.length)}) AND monthly_limit IS NOT NULL AND active ORDER BY store_area_id, id`,
    storeIds,
  );
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
  const q = sqlOf(tx);
  const { id } = (await q.get<{ id: number }>(
    `INSERT INTO redemptions (household_id, village_id, store_area_id, clerk_id, points, balance_after, via, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [r.householdId, r.villageId, r.storeAreaId, r.clerkId, r.points, r.balanceAfter, r.via, r.createdAt],
  ))!;
  for (const l of r.lines) {
    await q.run('INSERT INTO redemption_items (redemption_id, goods_id, household_id, month, quantity, price, points) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      l.goodsId,
      r.householdId,
      r.month,
      l.quantity,
      l.price,
      l.points,
    ]);
  }
  return id;
}

export async function linkRedemptionEntry(tx: Tx, redemptionId: number, ledgerEntryId: number): Promise<void> {
  await sqlOf(tx).run('UPDATE redemptions SET ledger_entry_id = ? WHERE id = ?', [ledgerEntryId, redemptionId]);
}

/** Keeps the first response to a user's Idempotency-Key, to answer its retries with. */
export async function storeResponse(tx: Tx, userId: number, key: string, requestHash: string, status: number, body: string, at: number): Promise<void> {
  await sqlOf(tx).run('INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    userId,
    key,
    requestHash,
    status,
    body,
    at,
  ]);
}
