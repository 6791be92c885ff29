import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, awardBatches, awards } from '../../db/schema';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';
import { readXlsx, xlsxFile } from './sheets';

const HEAD = ['户编号', '户主姓名', '门牌号', '细则', '数量'];

async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const a = makeHousehold(t.db, w.areas.villageA.id, { headName: '王芳', doorNo: '8号' });
  const twin1 = makeHousehold(t.db, w.areas.villageA.id, { headName: '刘洋', doorNo: '9号' });
  const twin2 = makeHousehold(t.db, w.areas.villageA.id, { headName: '刘洋', doorNo: '10号' });
  const capped = makeRule(t.db, w.areas.county.id, { name: '门前三包', points: 2, monthlyCap: 2 });
  const evidence = makeRule(t.db, w.areas.county.id, { name: '见义勇为', points: 50, evidenceRequired: true });
  const cadre = await login(t, 'cadre');
  return { t, w, a, twin1, twin2, capped, evidence, cadre };
}

describe('award import from a score sheet', () => {
  it('previews and proposes pending awards, one batch per rule, then the normal review approves them', async () => {
    const { t, w, a, twin1, capped, cadre } = await world();
    const file = await xlsxFile(
      [HEAD, [null, '王芳', '8号', '庭院整洁', 2], [w.household.id, null, null, '门前三包', 1], [null, '刘洋', '9号', '庭院整洁', 1], [null, '张三明', null, '庭院整洁', null]],
      '评分表.xlsx',
      '评分表',
    );
    const body = { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file };
    const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toEqual({ total: 4, propose: 3, skip: 1, error: 0, points: 10 + 2 + 5 });
    expect(t.db.select().from(awards).all()).toHaveLength(0);

    const res = await call(t, 'POST', '/api/imports/awards', { cookie: cadre, body });
    expect(res.status).toBe(201);
    expect(res.body.batches).toHaveLength(2);
    const rows = t.db.select().from(awards).all();
    expect(rows.map((r) => [r.householdId, r.ruleId, r.quantity, r.points, r.status])).toEqual(
      expect.arrayContaining([
        [a.id, w.rule.id, 2, 10, 'pending'],
        [twin1.id, w.rule.id, 1, 5, 'pending'],
        [w.household.id, capped.id, 1, 2, 'pending'],
      ]),
    );
    expect(t.db.select().from(awardBatches).all()).toHaveLength(2);
    const actions = t.db.select().from(auditLog).all().map((r) => r.action);
    expect(actions.filter((x) => x === 'award_batch.propose')).toHaveLength(2);
    expect(actions).toContain('award.import');

    const reviewer = await login(t, 'reviewer');
    const approved = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: rows.map((r) => r.id) } });
    expect(approved.status).toBe(200);
    expect(t.db.select().from(awards).where(eq(awards.status, 'posted')).all()).toHaveLength(3);
  });

  it('marks unknown household, ambiguous name, unknown rule, bad quantity, evidence rule and monthly cap, and writes nothing', async () => {
    const { t, w, capped, cadre } = await world();
    await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, quantity: 1, occurredOn: '2026-06-02' } });
    const rows = [
      HEAD,
      [null, '无此人', null, '庭院整洁', 1], // 2 unknown household
      [null, '刘洋', null, '庭院整洁', 1], // 3 ambiguous name
      [null, '王芳', '8号', '不存在的细则', 1], // 4 unknown rule
      [null, '王芳', '8号', '庭院整洁', 1.5], // 5 quantity not an integer
      [null, '王芳', '8号', '庭院整洁', 5000], // 6 quantity out of range
      [null, '王芳', '8号', '见义勇为', 1], // 7 evidence required
      [w.household.id, null, null, '门前三包', 1], // 8 cap: 1 already + 1 = 2, fine
      [w.household.id, null, null, '门前三包', 1], // 9 same household and rule again
      [w.otherHousehold.id, null, null, '庭院整洁', 1], // 10 household of another village
      [null, '张三明', '8号', '庭院整洁', 1], // 11 name and door disagree
      [null, '王芳', '8号', '门前三包', 3], // 12 monthly cap exceeded
    ];
    const body = { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file: await xlsxFile(rows) };
    const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body });
    expect(preview.status).toBe(200);
    const msg = (row: number) => preview.body.rows.find((r: { row: number }) => r.row === row).errors.map((e: { message: string }) => e.message).join(' ');
    expect(msg(2)).toMatch(/没有户主「无此人」/);
    expect(msg(3)).toMatch(/2 户户主叫「刘洋」/);
    expect(msg(4)).toMatch(/不存在的细则/);
    expect(msg(5)).toMatch(/1 到 1000/);
    expect(msg(6)).toMatch(/1 到 1000/);
    expect(msg(7)).toMatch(/佐证/);
    expect(msg(8)).toBe('');
    expect(msg(9)).toMatch(/第 8 行已有同一细则/);
    expect(msg(10)).toMatch(/编号/);
    expect(msg(11)).toMatch(/不符/);
    expect(msg(12)).toMatch(/每户每月最多 2/);
    expect(preview.body.counts).toMatchObject({ propose: 1, error: 10 });
    const before = t.db.select().from(awards).all().length;
    const res = await call(t, 'POST', '/api/imports/awards', { cookie: cadre, body });
    expect(res.status).toBe(422);
    expect(t.db.select().from(awards).all()).toHaveLength(before);
  });

  it('refuses a future day and a sheet with nothing filled in', async () => {
    const { t, w, cadre } = await world();
    const file = await xlsxFile([HEAD, [null, '王芳', '8号', '庭院整洁', null]]);
    const future = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, occurredOn: '2026-07-01', file } });
    expect(future.status).toBe(400);
    const empty = await call(t, 'POST', '/api/imports/awards', { cookie: cadre, body: { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file } });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('nothing_to_import');
  });

  it('offers a score sheet listing the village households that imports back once filled', async () => {
    const { t, w, cadre } = await world();
    const res = await t.app.request(`/api/imports/awards/template.xlsx?villageId=${w.areas.villageA.id}&ruleId=${w.rule.id}`, { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    const sheet = await readXlsx(Buffer.from(await res.arrayBuffer()), '评分表');
    expect(sheet[0]).toEqual(['户编号', '户主姓名', '门牌号', '村民小组', '细则', '数量']);
    expect(sheet).toHaveLength(5);
    expect(sheet[1][4]).toBe('庭院整洁');
    const filled = sheet.map((r, i) => (i === 0 ? r : [...r.slice(0, 5), '1']));
    const body = { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file: await xlsxFile(filled, '评分表.xlsx', '评分表') };
    const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body });
    expect(preview.body.counts).toMatchObject({ propose: 4, error: 0 });
  });
});
