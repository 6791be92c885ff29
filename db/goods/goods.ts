import { and, asc, count, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, goods } from '../schema';
import type { AreaRow } from '../areas';
import type { Tx } from '../transaction';

export type GoodsRow = typeof goods.$inferSelect;
export type NewGoods = Omit<typeof goods.$inferInsert, 'id' | 'stock' | 'active'>;
/** The fields an edit may change; stock changes only through movements. */
export type GoodsPatch = Partial<Pick<GoodsRow, 'name' | 'category' | 'price' | 'unit' | 'monthlyLimit' | 'active'>>;

/** New goods with no stock: opening stock is a movement (`moveStock`), so stock always equals their sum. */
export async function insertGoods(tx: Tx, values: NewGoods): Promise<GoodsRow> {
  return tx
    .insert(goods)
    .values({ ...values, stock: 0 })
    .returning()
    .get();
}

/** Goods with their store's materialised path (the input of the scope check) and kind. */
export async function goodsWithStorePath(db: Db, id: number): Promise<(GoodsRow & { storePath: string; storeKind: AreaRow['kind'] }) | undefined> {
  const row = db
    .select({ goods, storePath: areas.path, storeKind: areas.kind })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(eq(goods.id, id))
    .get();
  return row && { ...row.goods, storePath: row.storePath, storeKind: row.storeKind };
}

export async function goodsById(db: Db, id: number): Promise<GoodsRow | undefined> {
  return db.select().from(goods).where(eq(goods.id, id)).get();
}

/** Applies an edit; returns the goods as they now are, or undefined when they do not exist. */
export async function updateGoodsRow(tx: Tx, id: number, patch: GoodsPatch, at: number): Promise<GoodsRow | undefined> {
  return tx
    .update(goods)
    .set({ ...patch, updatedAt: at })
    .where(eq(goods.id, id))
    .returning()
    .get();
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

/** A page of the goods of some stores (by store, category, price, id) and how many match in all. */
export async function listGoodsOfStores(db: Db, f: GoodsFilter): Promise<{ items: GoodsListItem[]; total: number }> {
  if (!f.storeIds.length) return { items: [], total: 0 };
  const q = f.nameContains?.replace(/[%_\\]/g, '');
  const where = and(inArray(goods.storeAreaId, [...f.storeIds]), f.includeInactive ? undefined : eq(goods.active, true), q ? like(goods.name, `%${q}%`) : undefined);
  const items = db
    .select({
      id: goods.id,
      storeAreaId: goods.storeAreaId,
      storeName: areas.name,
      name: goods.name,
      category: goods.category,
      price: goods.price,
      unit: goods.unit,
      stock: goods.stock,
      monthlyLimit: goods.monthlyLimit,
      active: goods.active,
    })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(where)
    .orderBy(asc(goods.storeAreaId), asc(goods.category), asc(goods.price), asc(goods.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(goods).where(where).get()?.n ?? 0;
  return { items, total };
}
