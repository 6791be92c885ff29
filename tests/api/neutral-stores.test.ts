import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/client';
import { goodsById, insertGoods, listGoodsOfStores, updateGoodsRow } from '../../db/goods/goods';
import { transaction } from '../../db/transaction';
import { makeAreas } from '../support/factories';

// The stores written in SQL both engines run (issue #15): what they answer on SQLite must not change.
const AT = Date.UTC(2026, 5, 1);

let db: Db;
let areas: ReturnType<typeof makeAreas>;
beforeEach(() => {
  db = openDb({ file: ':memory:' });
  areas = makeAreas(db);
});
afterEach(() => db.$client.close());

describe('goods store', () => {
  async function addGoods(name: string, category: string | null, price: number) {
    return transaction(db, (tx) => insertGoods(tx, { storeAreaId: areas.villageA.id, name, category, price, createdAt: AT, updatedAt: AT }));
  }

  it('answers flags as booleans and fills the unit default', async () => {
    const g = await addGoods('大米', '粮油', 30);
    expect(g).toMatchObject({ unit: '件', stock: 0, active: true, monthlyLimit: null, category: '粮油' });
    const off = await transaction(db, (tx) => updateGoodsRow(tx, g.id, { active: false, monthlyLimit: 2 }, AT + 1));
    expect(off).toMatchObject({ active: false, monthlyLimit: 2, updatedAt: AT + 1, name: '大米' });
    expect((await goodsById(db, g.id))?.active).toBe(false);
    expect(await transaction(db, (tx) => updateGoodsRow(tx, 9999, { name: 'x' }, AT))).toBeUndefined();
  });

  it('lists goods without a category first, then by category, price and id', async () => {
    const b = await addGoods('酱油', '调料', 5);
    const a = await addGoods('毛巾', null, 8);
    const c = await addGoods('大米', '粮油', 30);
    const d = await addGoods('面粉', '粮油', 20);
    const page = await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, limit: 10, offset: 0 });
    // Categories compare by their UTF-8 bytes: 粮 (U+7CAE) before 调 (U+8C03).
    expect(page.items.map((i) => i.id)).toEqual([a.id, d.id, c.id, b.id]);
    expect(page.total).toBe(4);
    const second = await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, limit: 2, offset: 2 });
    expect(second.items.map((i) => i.id)).toEqual([c.id, b.id]);
    expect(second.total).toBe(4);
  });

  it('searches names ignoring the case of ASCII letters only, and takes % and _ literally', async () => {
    const soap = await addGoods('Soap 香皂', null, 5);
    const wide = await addGoods('ＡＢ牌牙膏', null, 6);
    await addGoods('100%纯棉', null, 7);
    const find = async (q: string) => (await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, nameContains: q, limit: 10, offset: 0 })).items.map((i) => i.id);
    expect(await find('SOAP')).toEqual([soap.id]);
    expect(await find('soap')).toEqual([soap.id]);
    // Full-width letters are not folded (as SQLite's LIKE always did): ａｂ does not find ＡＢ.
    expect(await find('ａｂ')).toEqual([]);
    expect(await find('ＡＢ')).toEqual([wide.id]);
    // The wildcard characters are dropped, so "%" alone matches everything rather than being an error.
    expect((await find('%')).length).toBe(3);
    expect(await find('_香')).toEqual([soap.id]);
  });

  it('hides inactive goods unless asked and counts only what matches', async () => {
    const g = await addGoods('肥皂', null, 5);
    await addGoods('牙刷', null, 5);
    await transaction(db, (tx) => updateGoodsRow(tx, g.id, { active: false }, AT));
    const active = await listGoodsOfStores(db, { storeIds: [areas.villageA.id, areas.villageB.id], includeInactive: false, limit: 10, offset: 0 });
    expect(active.items.map((i) => i.name)).toEqual(['牙刷']);
    expect(active.total).toBe(1);
    expect(active.items[0]!.active).toBe(true);
    expect(await listGoodsOfStores(db, { storeIds: [areas.villageB.id], includeInactive: true, limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
  });
});
