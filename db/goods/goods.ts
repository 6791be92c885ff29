import type { AreaKind } from '../areas';
import type { Db } from '../client';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export interface GoodsRow {
  id: number;
  storeAreaId: number;
  name: string;
  category: string | null;
  price: number;
  unit: string;
  /** Cached sum of the goods' stock movements. */
  stock: number;
  monthlyLimit: number | null;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}
export interface NewGoods {
  storeAreaId: number;
  name: string;
  category?: string | null;
  price: number;
  /** The column's default, 件, when not given. */
  unit?: string;
  monthlyLimit?: number | null;
  createdAt: number;
  updatedAt: number;
}
/** The fields an edit may change; stock changes only through movements. */
export type GoodsPatch = Partial<Pick<GoodsRow, 'name' | 'category' | 'price' | 'unit' | 'monthlyLimit' | 'active'>>;

type StoredGoods = Omit<GoodsRow, 'active'> & { active: boolean | number };

const GOODS_COLUMNS = `g.id, g.store_area_id AS "storeAreaId", g.name, g.category, g.price, g.unit, g.stock,
  g.monthly_limit AS "monthlyLimit", g.active, g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;
const RETURNING_GOODS = `RETURNING id, store_area_id AS "storeAreaId", name, category, price, unit, stock,
  monthly_limit AS "monthlyLimit", active, created_at AS "createdAt", updated_at AS "updatedAt"`;

function goodsRow<T extends StoredGoods>(r: T): T & { active: boolean } {
  return { ...r, active: Boolean(r.active) };
}

/** New goods with no stock: opening stock is a movement (`moveStock`), so stock always equals their sum. */
export async function insertGoods(tx: Tx, values: NewGoods): Promise<GoodsRow> {
  const row = await sqlOf(tx).get<StoredGoods>(
    `INSERT INTO goods (store_area_id, name, category, price, unit, stock, monthly_limit, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) ${RETURNING_GOODS}`,
    [values.storeAreaId, values.name, values.category ?? null, values.price, values.unit ?? '件', values.monthlyLimit ?? null, values.createdAt, values.updatedAt],
  );
  return goodsRow(row!);
}

/** Goods with their store's materialised path (the input of the scope check) and kind. */
export async function goodsWithStorePath(db: Db, id: number): Promise<(GoodsRow & { storePath: string; storeKind: AreaKind }) | undefined> {
  const row = await sqlOf(db).get<StoredGoods & { storePath: string; storeKind: AreaKind }>(
    `SELECT ${GOODS_COLUMNS}, a.path AS "storePath", a.kind AS "storeKind" FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id = ?`,
    [id],
  );
  return row && goodsRow(row);
}

export async function goodsById(db: Db, id: number): Promise<GoodsRow | undefined> {
  const row = await sqlOf(db).get<StoredGoods>(`SELECT ${GOODS_COLUMNS} FROM goods g WHERE g.id = ?`, [id]);
  return row && goodsRow(row);
}

/** The columns an edit may set, in a fixed order so each combination is one cached statement. */
const PATCH_COLUMNS = [
  ['name', 'name'],
  ['category', 'category'],
  ['price', 'price'],
  ['unit', 'unit'],
  ['monthlyLimit', 'monthly_limit'],
  ['active', 'active'],
] as const satisfies readonly (readonly [keyof GoodsPatch, string])[];

/** Applies an edit; returns the goods as they now are, or undefined when they do not exist. */
export async function updateGoodsRow(tx: Tx, id: number, patch: GoodsPatch, at: number): Promise<GoodsRow | undefined> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  for (const [key, column] of PATCH_COLUMNS) {
    const value = patch[key];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  sets.push('updated_at = ?');
  params.push(at, id);
  const row = await sqlOf(tx).get<StoredGoods>(`UPDATE goods SET ${sets.join(', ')} WHERE id = ? ${RETURNING_GOODS}`, params);
  return row && goodsRow(row);
}

export interface GoodsListItem {
  id: number;
  storeAreaId: number;
  storeName: string;
  name: string;
  category: string | null;
  price: number;
  unit: string;
  stock: number;
  monthlyLimit: number | null;
  active: boolean;
}

export interface GoodsFilter {
  storeIds: readonly number[];
  includeInactive: boolean;
  /** A substring of the name, taken literally. */
  nameContains?: string;
  limit: number;
  offset: number;
}

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

/**
 * SQLite's LIKE ignores the case of ASCII letters only (not of ｍ or Ж); PostgreSQL's lower() would fold those
 * too, so there the name is folded with translate() over A–Z alone and both engines find the same goods.
 */
function nameLike(engine: 'sqlite' | 'pg'): string {
  return engine === 'sqlite' ? 'g.name LIKE ?' : `translate(g.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE ?`;
}

/**
 * A page of the goods of some stores (by store, category, price, id) and how many match in all. Goods with
 * no category come first on both engines (PostgreSQL would put NULL last).
 */
export async function listGoodsOfStores(db: Db, f: GoodsFilter): Promise<{ items: GoodsListItem[]; total: number }> {
  if (!f.storeIds.length) return { items: [], total: 0 };
  const q = sqlOf(db);
  const text = f.nameContains?.replace(/[%_\\]/g, '');
  const conditions = [`g.store_area_id IN (${marks(f.storeIds.length)})`];
  const params: SqlParam[] = [...f.storeIds];
  if (!f.includeInactive) conditions.push('g.active');
  if (text) {
    conditions.push(nameLike(q.engine));
    params.push(`%${text.replace(/[A-Z]/g, (c) => c.toLowerCase())}%`);
  }
  const where = conditions.join(' AND ');
  const rows = await q.all<Omit<GoodsListItem, 'active'> & { active: boolean | number }>(
    `SELECT g.id, g.store_area_id AS "storeAreaId", a.name AS "storeName", g.name, g.category, g.price, g.unit, g.stock,
            g.monthly_limit AS "monthlyLimit", g.active
       FROM goods g JOIN areas a ON a.id = g.store_area_id
      WHERE ${where}
      ORDER BY g.store_area_id, g.category NULLS FIRST, g.price, g.id
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM goods g WHERE ${where}`, params);
  return { items: rows.map((r) => ({ ...r, active: Boolean(r.active) })), total: total?.n ?? 0 };
}
