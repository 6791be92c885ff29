import type Database from 'better-sqlite3';
import type { Db } from './client';

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

interface Statements {
  stored: Database.Statement<[number, string], StoredResponseRow>;
  passUsed: Database.Statement<[string], { nonce: string }>;
  household: Database.Statement<[number], Omit<RedeemHousehold, 'redemptionSuspended'> & { redemptionSuspended: number }>;
  spendPass: Database.Statement<[string, number, number]>;
  goods: Map<number, Database.Statement<number[], Omit<RedeemGoods, 'active'> & { active: number }>>;
  used: Map<number, Database.Statement<(number | string)[], { goodsId: number; used: number }>>;
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
      spendPass: client.prepare('INSERT INTO pass_uses (nonce, household_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      goods: new Map(),
      used: new Map(),
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

export function storedResponse(db: Db, userId: number, key: string): StoredResponseRow | undefined {
  return statements(db.$client).stored.get(userId, key);
}

export function isPassUsed(db: Db, nonce: string): boolean {
  return statements(db.$client).passUsed.get(nonce) !== undefined;
}

/** Marks a one-time code spent; false when it already was. */
export function spendPass(db: Db, nonce: string, householdId: number, at: number): boolean {
  return statements(db.$client).spendPass.run(nonce, householdId, at).changes === 1;
}

export function redeemHousehold(db: Db, householdId: number): RedeemHousehold | undefined {
  const row = statements(db.$client).household.get(householdId);
  return row && { ...row, redemptionSuspended: row.redemptionSuspended === 1 };
}

export function redeemGoods(db: Db, ids: number[]): RedeemGoods[] {
  const s = statements(db.$client);
  let stmt = s.goods.get(ids.length);
  if (!stmt) {
    stmt = db.$client.prepare(
      `SELECT g.id, g.store_area_id AS storeAreaId, g.name, g.unit, g.price, g.stock, g.monthly_limit AS monthlyLimit, g.active, a.path AS storePath
         FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id IN (${marks(ids.length)})`,
    );
    s.goods.set(ids.length, stmt);
  }
  return stmt.all(...ids).map((g) => ({ ...g, active: g.active === 1 }));
}

/** Quantity of each goods a household already redeemed in a month. */
export function usedThisMonth(db: Db, householdId: number, month: string, goodsIds: number[]): Map<number, number> {
  const s = statements(db.$client);
  let stmt = s.used.get(goodsIds.length);
  if (!stmt) {
    stmt = db.$client.prepare(
      `SELECT goods_id AS goodsId, SUM(quantity) AS used FROM redemption_items
        WHERE household_id = ? AND month = ? AND goods_id IN (${marks(goodsIds.length)}) GROUP BY goods_id`,
    );
    s.used.set(goodsIds.length, stmt);
  }
  return new Map(stmt.all(householdId, month, ...goodsIds).map((u) => [u.goodsId, u.used]));
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

/** The redemption and its lines; returns its id. Inside the caller's transaction. */
export function insertRedemption(db: Db, r: NewRedemption): number {
  const s = statements(db.$client);
  const { id } = s.redemption.get(r.householdId, r.villageId, r.storeAreaId, r.clerkId, r.points, r.balanceAfter, r.via, r.createdAt)!;
  for (const l of r.lines) s.item.run(id, l.goodsId, r.householdId, r.month, l.quantity, l.price, l.points);
  return id;
}

export function linkRedemptionEntry(db: Db, redemptionId: number, ledgerEntryId: number): void {
  statements(db.$client).link.run(ledgerEntryId, redemptionId);
}

export function storeResponse(db: Db, userId: number, key: string, requestHash: string, status: number, body: string, at: number): void {
  statements(db.$client).store.run(userId, key, requestHash, status, body, at);
}
