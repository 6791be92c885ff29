import type Database from 'better-sqlite3';
import type { Db } from './client';

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

interface Statements {
  goods: Database.Statement<[number], { stock: number; storeAreaId: number }>;
  setStock: Database.Statement<[number, number, number]>;
  insert: Database.Statement<unknown[]>;
}
const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      goods: client.prepare('SELECT stock, store_area_id AS storeAreaId FROM goods WHERE id = ?'),
      setStock: client.prepare('UPDATE goods SET stock = ?, updated_at = ? WHERE id = ?'),
      insert: client.prepare(
        `INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, donation_id, redemption_id, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
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

/** Records one stock movement and moves the cached stock with it; never below zero. Call inside a transaction. */
export function applyStockMovement(db: Db, m: NewMovement): { stockAfter: number; movementId: number } {
  const s = statements(db.$client);
  const g = s.goods.get(m.goodsId);
  if (!g) throw new Error(`unknown goods ${m.goodsId}`);
  const stockAfter = g.stock + m.quantity;
  if (stockAfter < 0) throw new StockShortage(m.goodsId, g.stock);
  const info = s.insert.run(m.goodsId, g.storeAreaId, m.kind, m.quantity, stockAfter, m.donationId ?? null, m.redemptionId ?? null, m.note ?? null, m.createdBy ?? null, m.createdAt);
  s.setStock.run(stockAfter, m.createdAt, m.goodsId);
  return { stockAfter, movementId: Number(info.lastInsertRowid) };
}
