import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { householdMembers, households } from '../../db/schema';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';
import { withIdChecksum } from '../../server/lib/identity';
import { readXlsx, xlsxFile } from './sheets';

const ID1 = withIdChecksum('43072119820304001');

async function download(t: TestApp, path: string, cookie: string) {
  const res = await t.app.request(path, { headers: { cookie } });
  return { res, rows: res.status === 200 ? await readXlsx(Buffer.from(await res.arrayBuffer())) : [] };
}

describe('xlsx exports', () => {
  it('round trip: export households, import into an empty village, get the same households', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    const cadre = await login(t, 'cadre');
    insertArea(t.db, { name: '一组', kind: 'group', parentId: w.areas.villageA.id, createdAt: 0 });
    const roster = [
      ['户主姓名', '门牌号', '村民小组', '类别', '手机号', '身份证号', '家庭成员'],
      ['周建华', '101号', '一组', '脱贫户', '13912345678', ID1, '吴丽(配偶);周小明(子女)'],
      ['郑国强', '102号', '', '监测户', '', '', '郑老汉(父母)'],
    ];
    expect((await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(roster) } })).status).toBe(201);

    const { res, rows } = await download(t, `/api/exports/households.xlsx?areaId=${w.areas.villageA.id}`, cadre);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''%E5%86%9C%E6%88%B7/);
    expect(rows[0][0]).toMatch(/东村 农户名单/);
    expect(rows[1].slice(0, 7)).toEqual(roster[0]);

    // An empty village in another township, with the same group names.
    const empty = insertArea(t.db, { name: '新村', kind: 'village', parentId: w.areas.townB.id, createdAt: 0 });
    insertArea(t.db, { name: '一组', kind: 'group', parentId: empty.id, createdAt: 0 });
    const file = { filename: '导出.xlsx', contentBase64: Buffer.from(await (await t.app.request(`/api/exports/households.xlsx?areaId=${w.areas.villageA.id}`, { headers: { cookie: cadre } })).arrayBuffer()).toString('base64') };
    // ID numbers are unique across the county: move the source households' IDs aside first, as a move would.
    const source = t.db.select().from(households).where(eq(households.villageId, w.areas.villageA.id)).all();
    for (const h of source) t.db.update(households).set({ idNumber: null }).where(eq(households.id, h.id)).run();
    const imported = await call(t, 'POST', '/api/imports/households', { cookie: county, body: { villageId: empty.id, file } });
    expect(imported.status).toBe(201);
    expect(imported.body.create).toBe(source.length);

    const shape = (villageId: number) =>
      t.db
        .select()
        .from(households)
        .where(eq(households.villageId, villageId))
        .all()
        .map((h) => ({
          headName: h.headName,
          doorNo: h.doorNo,
          category: h.category,
          phone: h.phone,
          members: t.db.select().from(householdMembers).where(eq(householdMembers.householdId, h.id)).all().filter((m) => m.relation !== 'head').map((m) => [m.name, m.relation]),
        }));
    expect(shape(empty.id)).toEqual(shape(w.areas.villageA.id));
    const newIds = t.db.select().from(households).where(eq(households.villageId, empty.id)).all().map((h) => h.idNumber);
    expect(newIds).toContain(ID1);
  });

  it('exports the ledger of a period, awards by status, redemptions, movements, donations and the leaderboard', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const township = await login(t, 'township');
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 40, '2026-06-03');
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 7, '2026-05-03');
    grantPoints(t.db, w.otherHousehold.id, w.areas.villageB.id, 9, '2026-06-03');
    const clerk = await login(t, 'clerk');
    const cadre = await login(t, 'cadre');
    await call(t, 'POST', `/api/goods/${w.oil.id}/stock`, { cookie: cadre, body: { kind: 'donation', quantity: 5, donor: '爱心企业', valueFen: 15000, receivedOn: '2026-06-05' } });
    const household = await login(t, 'household');
    const pass = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    const redeemed = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'key-00000001' }, body: { code: pass.body.code, items: [{ goodsId: w.oil.id, quantity: 1 }] } });
    expect(redeemed.status).toBe(201);
    await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 1, occurredOn: '2026-06-10' } });

    const ledger = await download(t, '/api/exports/ledger.xlsx?period=2026-06', township);
    expect(ledger.res.status).toBe(200);
    expect(ledger.rows[0][0]).toMatch(/东乡 积分流水 2026-06/);
    const body = ledger.rows.slice(2);
    expect(body.map((r) => r[5]).sort()).toEqual(['兑换', '奖励']); // May's entry and the other township's are out
    expect(body.find((r) => r[5] === '奖励')![6]).toBe('40');

    const pending = await download(t, '/api/exports/awards.xlsx?status=pending', township);
    expect(pending.rows.slice(2).map((r) => r[8])).toEqual(['待评议']);
    const reds = await download(t, '/api/exports/redemptions.xlsx?period=2026-06', township);
    expect(reds.rows.slice(2)[0][5]).toBe('食用油×1桶');
    const moves = await download(t, '/api/exports/movements.xlsx?period=2026', township);
    expect(moves.rows.slice(2).map((r) => r[4])).toEqual(expect.arrayContaining(['捐赠入库', '兑换出库']));
    const gifts = await download(t, '/api/exports/donations.xlsx?period=2026-06', township);
    expect(gifts.rows.slice(2)[0]).toEqual(expect.arrayContaining(['爱心企业', '150']));
    const board = await download(t, `/api/exports/leaderboard.xlsx?areaId=${w.areas.townA.id}&period=2026-06`, township);
    expect(board.rows[1]).toEqual(['名次', '公示名', '户主姓名', '门牌号', '村', '表现积分', '加分', '扣分']);
    expect(board.rows[2].slice(0, 3)).toEqual(['1', '张*明', '张三明']);

    for (const [kind, area, header] of [
      ['red', w.areas.villageA.id, '好人好事'],
      ['black', w.areas.villageA.id, '事项'],
      ['stars', w.areas.villageA.id, '星级'],
      ['leaderboard', w.areas.townA.id, '表现积分'],
      ['villages', w.areas.townA.id, '参与率（%）'],
    ] as const) {
      const b = await download(t, `/api/exports/board.xlsx?kind=${kind}&areaId=${area}&period=${kind === 'stars' ? '2026' : '2026-06'}`, township);
      expect(b.res.status).toBe(200);
      expect(b.rows[1]).toContain(header);
    }
    const villagesBoard = await download(t, `/api/exports/board.xlsx?kind=villages&areaId=${w.areas.townA.id}&period=2026-06`, township);
    expect(villagesBoard.rows.slice(2).map((r) => r[1]).sort()).toEqual(['东村', '南村'].sort());
    expect((await download(t, `/api/exports/board.xlsx?kind=red&areaId=${w.areas.townA.id}&period=2026-06`, township)).res.status).toBe(422);

    // Scope: another township's area is not found; a clerk cannot export the roster.
    expect((await download(t, `/api/exports/ledger.xlsx?areaId=${w.areas.villageB.id}&period=2026`, township)).res.status).toBe(404);
    expect((await download(t, '/api/exports/households.xlsx', clerk)).res.status).toBe(403);
    expect((await download(t, '/api/exports/ledger.xlsx?period=June', township)).res.status).toBe(400);
  });
});
