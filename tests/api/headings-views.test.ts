import { describe, expect, it } from 'vitest';
import { postLedgerEntry } from '../../db/ledger';
import { transaction } from '../../db/transaction';
import { readXlsx } from '../excel/sheets';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld, postEntryVia } from '../support/factories';

const TEMPLATE = ['公益劳动', '环境卫生', '孝老爱亲', '移风易俗', '遵纪守法', '勤劳致富', '教育'];

interface Category {
  category: string;
  name: string;
  label: string;
  place: string;
  areaName: string | null;
  awarded: number;
  deducted: number;
  entries: number;
}

/**
 * 东村 keeps two headings of its own (矛盾处置 with entries, 移风易俗新风 without); 西村 in the other
 * township one of its own with entries; the template's 环境卫生 has entries in 东村.
 */
async function world() {
  const t: TestApp = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const township = await login(t, 'township');
  const county = await login(t, 'county');
  const other = await login(t, 'othercadre');
  const east = w.areas.villageA.id;
  const west = w.areas.villageB.id;
  const own = (await call(t, 'POST', `/api/areas/${east}/headings`, { cookie: cadre, body: { name: '矛盾处置' } })).body as { id: number; code: string };
  const unused = (await call(t, 'POST', `/api/areas/${east}/headings`, { cookie: cadre, body: { name: '新风尚' } })).body as { id: number; code: string };
  const westOwn = (await call(t, 'POST', `/api/areas/${west}/headings`, { cookie: other, body: { name: '减分项目', blackList: true } })).body as { id: number; code: string };
  const westHousehold = makeHousehold(t.db, west, { headName: '王五' });
  const at = Date.parse('2026-06-01T04:00:00Z');
  // Through the app's database (after the first request; on pg-suite the app runs over PostgreSQL).
  await transaction(await t.appDb(), async (tx) => {
    await postLedgerEntry(tx, { householdId: w.household.id, villageId: east, kind: 'award', points: 12, conductPoints: 12, occurredOn: '2026-06-01', category: own.code, createdAt: at });
    await postLedgerEntry(tx, { householdId: w.household.id, villageId: east, kind: 'award', points: 3, conductPoints: 3, occurredOn: '2026-06-02', category: 'hygiene', createdAt: at });
    await postLedgerEntry(tx, { householdId: westHousehold.id, villageId: west, kind: 'award', points: 10, conductPoints: 10, occurredOn: '2026-06-01', category: 'public_welfare', createdAt: at });
    await postLedgerEntry(tx, { householdId: westHousehold.id, villageId: west, kind: 'deduction', points: -5, conductPoints: -5, occurredOn: '2026-06-03', category: westOwn.code, createdAt: at });
  });
  return { t, w, cadre, township, county, other, east, west, own, unused, westOwn };
}

const dashboard = async (t: TestApp, cookie: string, areaId: number) => {
  const res = await call(t, 'GET', `/api/dashboard?areaId=${areaId}&period=2026`, { cookie });
  expect(res.status).toBe(200);
  return res.body.categories as Category[];
};

describe('the dashboard groups points under the area’s headings', () => {
  it('a village sees the template’s headings in order, zeros included, then its own, each with its figures', async () => {
    const s = await world();
    const cats = await dashboard(s.t, s.cadre, s.east);
    expect(cats.map((c) => c.name)).toEqual([...TEMPLATE, '矛盾处置', '新风尚']);
    expect(cats.find((c) => c.name === '矛盾处置')).toMatchObject({ category: s.own.code, label: '矛盾处置', place: 'own', areaName: '东村', awarded: 12, entries: 1 });
    expect(cats.find((c) => c.name === '环境卫生')).toMatchObject({ category: 'hygiene', place: 'template', areaName: null, awarded: 3 });
    expect(cats.find((c) => c.name === '教育')).toMatchObject({ awarded: 0, deducted: 0, entries: 0 });
    // The other township's village heading is nowhere in 东村's view.
    expect(cats.map((c) => c.category)).not.toContain(s.westOwn.code);
  });

  it('a township sees the template’s headings, then the headings its villages used, named with the village', async () => {
    const s = await world();
    const cats = await dashboard(s.t, s.township, s.w.areas.townA.id);
    expect(cats.map((c) => c.label)).toEqual([...TEMPLATE, '矛盾处置（东村）']);
    expect(cats.at(-1)).toMatchObject({ place: 'below', areaName: '东村', awarded: 12 });
    // The county sees both townships' villages' headings that carry figures, each under its village.
    const all = await dashboard(s.t, s.county, s.w.areas.county.id);
    expect(all.map((c) => c.label)).toEqual([...TEMPLATE, '矛盾处置（东村）', '减分项目（西村）']);
    expect(all.at(-1)).toMatchObject({ deducted: 5, entries: 1 });
    expect(all.reduce((n, c) => n + c.entries, 0)).toBe(4);
  });

  it('a renamed heading shows its new name; a retired heading still shows the points it carries', async () => {
    const s = await world();
    expect((await call(s.t, 'PATCH', `/api/headings/${s.own.id}`, { cookie: s.cadre, body: { name: '矛盾纠纷化解', active: false } })).status).toBe(200);
    expect((await call(s.t, 'PATCH', `/api/headings/${s.unused.id}`, { cookie: s.cadre, body: { active: false } })).status).toBe(200);
    const cats = await dashboard(s.t, s.cadre, s.east);
    expect(cats.map((c) => c.name)).toEqual([...TEMPLATE, '矛盾纠纷化解']);
    expect(cats.at(-1)).toMatchObject({ category: s.own.code, awarded: 12 });
  });

  it('a code no heading knows is still counted, under its own line', async () => {
    const s = await world();
    await postEntryVia(s.t, { householdId: s.w.household.id, villageId: s.east, kind: 'award', points: 4, conductPoints: 4, occurredOn: '2026-06-05', category: 'h9999', createdAt: Date.parse('2026-06-05T04:00:00Z') });
    const cats = await dashboard(s.t, s.cadre, s.east);
    expect(cats.at(-1)).toMatchObject({ category: 'h9999', name: 'h9999', place: 'unknown', awarded: 4 });
  });

  it('the export’s 分类积分 sheet names the headings and who owns them', async () => {
    const s = await world();
    const res = await s.t.app.request(`/api/exports/dashboard.xlsx?areaId=${s.w.areas.townA.id}&period=2026&chart=categories`, { headers: { cookie: s.township } });
    expect(res.status).toBe(200);
    const rows = await readXlsx(Buffer.from(await res.arrayBuffer()));
    const header = rows.findIndex((r) => r[0] === '类别');
    expect(rows[header]).toEqual(['类别', '所属', '奖励积分', '扣除积分', '笔数']);
    const body = rows.slice(header + 1).filter((r) => r[0]);
    expect(body.map((r) => r[0])).toEqual([...TEMPLATE, '矛盾处置']);
    expect(body[0][1]).toBe('县模板');
    expect(body.at(-1)).toEqual(['矛盾处置', '东村', '12', '0', '1']);
  });
});

describe('GET /api/public/areas/:id/headings', () => {
  it('a village lists the template’s headings and its own active ones, without logging in', async () => {
    const s = await world();
    await call(s.t, 'PATCH', `/api/headings/${s.unused.id}`, { cookie: s.cadre, body: { active: false } });
    const res = await call(s.t, 'GET', `/api/public/areas/${s.east}/headings`);
    expect(res.status).toBe(200);
    expect(res.body.area).toEqual({ id: s.east, name: '东村', kind: 'village' });
    expect(res.body.items.map((h: { label: string }) => h.label)).toEqual([...TEMPLATE, '矛盾处置']);
    expect(res.body.items.at(-1)).toEqual({ code: s.own.code, name: '矛盾处置', label: '矛盾处置', areaName: '东村', place: 'own', blackList: false });
  });

  it('a township lists its villages’ own headings named with the village, and nothing of another township', async () => {
    const s = await world();
    const res = await call(s.t, 'GET', `/api/public/areas/${s.w.areas.townA.id}/headings`);
    expect(res.body.items.map((h: { label: string }) => h.label)).toEqual([...TEMPLATE, '矛盾处置（东村）', '新风尚（东村）']);
    const west = await call(s.t, 'GET', `/api/public/areas/${s.w.areas.townB.id}/headings`);
    expect(west.body.items.map((h: { label: string }) => h.label)).toEqual([...TEMPLATE, '减分项目（西村）']);
    expect(west.body.items.at(-1)).toMatchObject({ blackList: true, place: 'below' });
  });

  it('an unknown area or a 村民小组 is a 404, and a heading’s code filters the live leaderboard', async () => {
    const s = await world();
    expect((await call(s.t, 'GET', '/api/public/areas/99999/headings')).status).toBe(404);
    const group = await call(s.t, 'POST', '/api/areas', { cookie: s.township, body: { name: '一组', kind: 'group', parentId: s.east } });
    expect(group.status).toBe(201);
    expect((await call(s.t, 'GET', `/api/public/areas/${group.body.id}/headings`)).status).toBe(404);
    const board = await call(s.t, 'GET', `/api/public/areas/${s.w.areas.townA.id}/live/leaderboard?period=2026&category=${s.own.code}`);
    expect(board.status).toBe(200);
    expect(board.body.board.items).toHaveLength(1);
    expect(board.body.board.items[0]).toMatchObject({ points: 12 });
  });
});
