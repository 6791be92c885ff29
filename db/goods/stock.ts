import type Database from 'better-sqlite3';
import type { SqliteDb } from '../client';
import { lockGoods as lockGoodsRows } from '../pg/locks';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export type MovementKind = 'purchase' | 'donation' | 'redemption' | 'loss' | 'return';

export interface NewMovement {
  goodsId: number;
  kind: MovementKind;
  /** Signed: positive adds stock, negative removes it. */
  quantity: number;
  donationId?: number | null;
  redemptionId?: number | null;
  note?: string | null;
  createdBy?: number | null;
  createdAt: number;
}

// One statement moves the cached stock and refuses to go below zero, whatever else runs meanwhile.
const MOVE = 'UPDATE goods SET stock = stock + ?, updated_at = ? WHERE id = ? AND stock + ? >= 0 RETURNING stock, store_area_id AS "storeAreaId"';
const STOCK = 'SELECT stock FROM goods WHERE id = ?';
const INSERT = `INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, donation_id, redemption_id, note, created_by, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;

interface Moved {
  stock: number;
  storeAreaId: number;
}

function insertParams(m: NewMovement, moved: Moved) {
  return [m.goodsId, moved.storeAreaId, m.kind, m.quantity, moved.stock, m.donationId ?? null, m.redemptionId ?? null, m.note ?? null, m.createdBy ?? null, m.createdAt] as const;
}

interface Statements {
  move: Database.Statement<[number, number, number, number], Moved>;
  stock: Database.Statement<[number], { stock: number }>;
  insert: Database.Statement<unknown[], { id: number }>;
}
const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = { move: client.prepare(MOVE), stock: client.prepare(STOCK), insert: client.prepare(INSERT) };
    cache.set(client, s);
  }
  return s;
}

export class StockShortage extends Error {
  constructor(
    readonly goodsId: number,
    readonly available: number,
  ) {
    super(`goods ${goodsId}: only ${available} in stock`);
  }
}

/**
 * Records one stock movement and moves the cached stock with it; never below zero. Synchronous and
 * SQLite only, for the bulk path, seeds and tests; the app calls `moveStock` (the same statements). Call
 * inside a transaction.
 */
export function applyStockMovement(db: SqliteDb, m: NewMovement): { stockAfter: number; movementId: number } {
  const s = statements(db.$client);
  const moved = s.move.get(m.quantity, m.createdAt, m.goodsId, m.quantity);
  if (!moved) {
    const g = s.stock.get(m.goodsId);
    if (!g) throw new Error(`unknown goods ${m.goodsId}`);
    throw new StockShortage(m.goodsId, g.stock);
  }
  const { id } = s.insert.get(...insertParams(m, moved))!;
  return { stockAfter: moved.stock, movementId: id };
}

/**
 * Store function: one stock movement inside `tx` (see `applyStockMovement`). Throws `StockShortage`
 * rather than let stock fall below zero.
 */
export async function moveStock(tx: Tx, m: NewMovement): Promise<{ stockAfter: number; movementId: number }> {
  const q = sqlOf(tx);
  const moved = await q.get<Moved>(MOVE, [m.quantity, m.createdAt, m.goodsId, m.quantity]);
  if (!moved) {
    const g = await q.get<{ stock: number }>(STOCK, [m.goodsId]);
    if (!g) throw new Error(`unknown goods ${m.goodsId}`);
    throw new StockShortage(m.goodsId, g.stock);
  }
  const row = await q.get<{ id: number }>(INSERT, insertParams(m, moved));
  return { stockAfter: moved.stock, movementId: row!.id };
}

/**
 * Locks goods rows for the rest of the transaction, in id order whatever order they are given in (after
 * the village's chain, if any), so two baskets of a shared store cannot deadlock. On SQLite the write
 * transaction already holds the database; on PostgreSQL the rows are taken FOR UPDATE.
 */
export async function lockGoods(tx: Tx, goodsIds: readonly number[]): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await lockGoodsRows(q, goodsIds);
}
