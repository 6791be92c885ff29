import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login } from '../support/factories';
import { makeBoardWorld } from './world';

const preview = (t: ReturnType<typeof makeTestApp>, cookie: string, kind: string, areaId: number, query: string) =>
  call(t, 'GET', `/api/boards/preview/${kind}/${areaId}?${query}`, { cookie });

describe('board computation', () => {
  it('ranks the red list by points earned, ties share a rank in pinyin order, with named good deeds', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const res = await preview(t, b.cadre, 'red', b.v, 'period=2026-06');
    expect(res.status).toBe(200);
    expect(res.body.board.items.map((i: { rank: number; name: string; earned: number; deeds: string[] }) => [i.rank, i.name, i.earned, i.deeds])).toEqual([
      [1, '李*', 20, ['好媳妇']],
      [1, '张*明', 20, []],
      [3, '王*', 15, []],
    ]);
    expect(res.body.board.area.trail).toBe('测试县 东乡 东村');
    expect(res.body.hash).toMatch(/^[0-9a-f]{64}$/);
    const quarter = await preview(t, b.cadre, 'red', b.v, 'period=2026-Q2&categories=hygiene');
    expect(quarter.body.board.items[0]).toMatchObject({ name: '李*', deeds: ['庭院整洁'] });
    const may = await preview(t, b.cadre, 'red', b.v, 'period=2026-05');
    expect(may.body.board.items).toEqual([]);
  });

  it('puts black-list deductions on the black list by conduct until a reviewed rectification', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const black = await preview(t, b.cadre, 'black', b.v, 'period=2026-06');
    expect(black.body.board.items.map((i: { name: string; conduct: string; occurredOn: string; points: number }) => [i.name, i.conduct, i.occurredOn, i.points])).toEqual([
      ['王*', '乱倒垃圾', '2026-06-12', 5],
      ['赵*', '乱倒垃圾', '2026-06-05', 5],
    ]);
    const entryId = b.zlDeduction.ledgerEntryId!;
    const proposed = await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: entryId, rectifiedOn: '2026-06-14', note: '已清理房前屋后' } });
    expect(proposed.status).toBe(201);
    const again = await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: entryId, rectifiedOn: '2026-06-14', note: '重复' } });
    expect(again.status).toBe(409);
    const during = await preview(t, b.cadre, 'black', b.v, 'period=2026-06');
    expect(during.body.board.items[1]).toMatchObject({ name: '赵*', rectification: 'pending' });
    const self = await call(t, 'POST', `/api/boards/rectifications/${proposed.body.id}/approve`, { cookie: b.cadre });
    expect(self.status).toBe(403);
    const ok = await call(t, 'POST', `/api/boards/rectifications/${proposed.body.id}/approve`, { cookie: b.reviewer });
    expect(ok.status).toBe(200);
    const after = await preview(t, b.cadre, 'black', b.v, 'period=2026-06');
    expect(after.body.board.items.map((i: { name: string }) => i.name)).toEqual(['王*']);
    const notBlack = await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: 1, rectifiedOn: '2026-06-14', note: '不是黑榜' } });
    expect(notBlack.status).toBe(422);
    const audit = t.db.$client.prepare("SELECT action FROM audit_log WHERE entity = 'rectification' ORDER BY id").all();
    expect(audit).toEqual([{ action: 'rectification.propose' }, { action: 'rectification.approve' }]);
  });

  it('gives stars by the area thresholds on the year score, or one per dimension reached', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    b.setThresholds([10, 20, 30, 40, 50]);
    const byScore = await preview(t, b.cadre, 'stars', b.v, 'period=2026');
    expect(byScore.status).toBe(200);
    expect(byScore.body.board.items.map((i: { rank: number; name: string; stars: number; score: number }) => [i.rank, i.name, i.stars, i.score])).toEqual([
      [1, '李*', 2, 20],
      [1, '张*明', 2, 20],
      [3, '王*', 1, 10],
      [4, '陈*', 0, 0],
      [4, '赵*', 0, -5],
    ]);
    const byDims = await preview(t, b.cadre, 'stars', b.v, 'period=2026&method=dimensions&dimensionThreshold=10');
    expect(byDims.body.board.items.map((i: { name: string; stars: number; dimensions: string[] }) => [i.name, i.stars, i.dimensions])).toEqual([
      ['李*', 2, ['孝老爱亲星', '卫生清洁星']],
      ['王*', 1, ['卫生清洁星']],
      ['张*明', 1, ['卫生清洁星']],
      ['陈*', 0, []],
      ['赵*', 0, []],
    ]);
    const monthly = await preview(t, b.cadre, 'stars', b.v, 'period=2026-06');
    expect(monthly.status).toBe(400);
    const own = await call(t, 'GET', `/api/boards/stars/household/${b.hh.zsm.id}?year=2026`, { cookie: await login(t, 'household') });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ computed: { stars: 2, score: 20 }, published: null });
  });

  it('ranks leaderboards by conduct score and by category across a township', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const town = await preview(t, b.county, 'leaderboard', b.w.areas.townA.id, 'period=2026-06');
    expect(town.body.board.items.map((i: { rank: number; name: string; village: string; points: number }) => [i.rank, i.name, i.village, i.points])).toEqual([
      [1, '李*', '东村', 20],
      [1, '张*明', '东村', 20],
      [3, '孙*', '南村', 10],
      [3, '王*', '东村', 10],
      [5, '赵*', '东村', -5],
    ]);
    const virtue = await preview(t, b.county, 'leaderboard', b.w.areas.townA.id, 'period=2026&category=family_virtue');
    expect(virtue.body.board.items.map((i: { rank: number; name: string; points: number }) => [i.rank, i.name, i.points])).toEqual([
      [1, '李*', 10],
      [1, '孙*', 10],
    ]);
    const top2 = await preview(t, b.county, 'leaderboard', b.w.areas.townA.id, 'period=2026-06&limit=3');
    // The cut keeps everyone tied with the last place shown.
    expect(top2.body.board.items).toHaveLength(4);
    const legacy = await call(t, 'GET', `/api/public/areas/${b.w.areas.townA.id}/leaderboard?period=2026-06`);
    expect(legacy.status).toBe(200);
    expect(legacy.body.items[0]).toMatchObject({ rank: 1, name: '李*', points: 20 });
  });

  it('compares villages by participation rate and points per household, not only totals', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const res = await call(t, 'GET', `/api/public/areas/${b.w.areas.townA.id}/live/villages?period=2026-06`);
    expect(res.status).toBe(200);
    expect(res.body.board.items).toEqual([
      { rank: 1, villageId: b.v, name: '东村', households: 5, participants: 3, participationRate: 0.6, totalPoints: 45, pointsPerHousehold: 9, rankByPerHousehold: 1, rankByTotal: 1 },
      { rank: 2, villageId: b.w.areas.villageA2.id, name: '南村', households: 2, participants: 1, participationRate: 0.5, totalPoints: 10, pointsPerHousehold: 5, rankByPerHousehold: 2, rankByTotal: 2 },
    ]);
    const wrong = await call(t, 'GET', `/api/public/areas/${b.v}/live/villages?period=2026-06`);
    expect(wrong.status).toBe(422);
  });
});
