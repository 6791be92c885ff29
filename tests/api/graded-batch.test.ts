import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

/** A village with three households and a monthly hygiene inspection graded 优 / 良 / 差, each grade its own rule. */
async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const village = w.areas.villageA.id;
  const hs = [w.household, makeHousehold(t.db, village, { headName: '王小明', idNumber: null }), makeHousehold(t.db, village, { headName: '赵大勇', idNumber: null })];
  const grade = {
    top: makeRule(t.db, w.areas.county.id, { name: '卫生评比优秀', points: 5, unit: '月', monthlyCap: 1 }),
    good: makeRule(t.db, w.areas.county.id, { name: '卫生评比良好', points: 2, unit: '月', monthlyCap: 1 }),
    poor: makeRule(t.db, w.areas.county.id, { name: '卫生评比较差', points: -3, unit: '月', monthlyCap: 1 }),
  };
  return { t, w, hs, grade, cadre: await login(t, 'cadre'), reviewer: await login(t, 'reviewer') };
}

// Reads through t.sql: the database the app runs over, on either engine.
const count = async (t: TestApp, sql: string) => (await t.sql.get<{ n: number }>(sql))!.n;

describe('a graded inspection sheet (one batch, a rule per household)', () => {
  it('takes three grades mapped to three rules as one batch that a reviewer approves in one step', async () => {
    const { t, hs, grade, cadre, reviewer } = await setup();
    const items = [
      { householdId: hs[0].id, ruleId: grade.top.id },
      { householdId: hs[1].id, ruleId: grade.good.id },
      { householdId: hs[2].id, ruleId: grade.poor.id },
    ];
    const res = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', note: '6月环境卫生评比', items } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ count: 3, totalPoints: 4, status: 'pending' });
    expect(res.body.rules).toEqual([
      { ruleId: grade.top.id, count: 1, points: 5 },
      { ruleId: grade.good.id, count: 1, points: 2 },
      { ruleId: grade.poor.id, count: 1, points: -3 },
    ]);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM award_batches')).toBe(1);

    const listed = await call(t, 'GET', `/api/awards?batchId=${res.body.batchId}`, { cookie: reviewer });
    const byHousehold = new Map(listed.body.items.map((a: { householdId: number; ruleId: number; points: number }) => [a.householdId, [a.ruleId, a.points]]));
    expect(byHousehold).toEqual(
      new Map([
        [hs[0].id, [grade.top.id, 5]],
        [hs[1].id, [grade.good.id, 2]],
        [hs[2].id, [grade.poor.id, -3]],
      ]),
    );
    const audit = await t.sql.all<{ after: string }>(`SELECT "after" FROM audit_log WHERE action = 'award_batch.propose'`);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after)).toMatchObject({ ruleIds: [grade.top.id, grade.good.id, grade.poor.id], totalPoints: 4, count: 3 });

    const approved = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: res.body.ids } });
    expect(approved.status).toBe(200);
    // The test county has no notice period: approved awards post at once.
    expect(approved.body.items.map((i: { status: string }) => i.status)).toEqual(['posted', 'posted', 'posted']);
    // A deduction lowers the conduct score in full; the balance never goes below zero.
    const conduct = await Promise.all(hs.map((h) => count(t, `SELECT SUM(conduct_points) AS n FROM ledger_entries WHERE household_id = ${h.id}`)));
    expect(conduct).toEqual([5, 2, -3]);
  });

  it('writes nothing when one household would break its grade’s monthly cap, and names it under that rule', async () => {
    const { t, hs, grade, cadre } = await setup();
    const earlier = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: grade.good.id, occurredOn: '2026-06-02', items: [{ householdId: hs[1].id }] } });
    expect(earlier.status).toBe(201);
    const res = await call(t, 'POST', '/api/awards/batch', {
      cookie: cadre,
      body: {
        occurredOn: '2026-06-14',
        items: [
          { householdId: hs[0].id, ruleId: grade.top.id },
          { householdId: hs[1].id, ruleId: grade.good.id },
          { householdId: hs[2].id, ruleId: grade.poor.id },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('monthly_cap_exceeded');
    expect(res.body.error.message).toContain('卫生评比良好');
    expect(res.body.error.message).toContain('最多 1 次');
    expect(res.body.error.details).toEqual({ householdIds: [hs[1].id], rules: [{ ruleId: grade.good.id, householdIds: [hs[1].id] }] });
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM award_batches')).toBe(1);
    expect(await count(t, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'award_batch.propose'")).toBe(1);
  });

  it('counts a cap per rule: two grades over their caps are both named', async () => {
    const { t, hs, grade, cadre } = await setup();
    await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-02', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[2].id, ruleId: grade.poor.id }] } });
    // The same households again, with other grades: 优 and 差 are each still within their own cap.
    const regraded = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.good.id }] } });
    expect(regraded.status).toBe(201);
    const res = await call(t, 'POST', '/api/awards/batch', {
      cookie: cadre,
      body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[1].id, ruleId: grade.good.id }, { householdId: hs[2].id, ruleId: grade.poor.id }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('卫生评比优秀');
    expect(res.body.error.message).toContain('卫生评比较差');
    expect(res.body.error.details.householdIds.sort()).toEqual([hs[0].id, hs[2].id].sort());
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(3);
  });

  it('keeps the old shape: one rule for the whole batch, and a row may still name its own', async () => {
    const { t, w, hs, grade, cadre } = await setup();
    const old = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: w.rule.id, occurredOn: '2026-06-14', items: hs.map((h) => ({ householdId: h.id, quantity: 2 })) } });
    expect(old.status).toBe(201);
    expect(old.body).toMatchObject({ count: 3, totalPoints: 30, rules: [{ ruleId: w.rule.id, count: 3, points: 30 }] });
    const mixed = await call(t, 'POST', '/api/awards/batch', {
      cookie: cadre,
      body: { ruleId: grade.good.id, occurredOn: '2026-06-14', items: [{ householdId: hs[0].id }, { householdId: hs[1].id }, { householdId: hs[2].id, ruleId: grade.poor.id }] },
    });
    expect(mixed.status).toBe(201);
    expect(mixed.body.totalPoints).toBe(2 + 2 - 3);
  });

  it('refuses a sheet where a row has no rule, with nothing written', async () => {
    const { t, hs, grade, cadre } = await setup();
    const res = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[1].id }] } });
    expect(res.status).toBe(400);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(0);
  });

  it('answers 404 for a household outside the cadre’s village and writes nothing', async () => {
    const { t, w, hs, grade, cadre } = await setup();
    const res = await call(t, 'POST', '/api/awards/batch', {
      cookie: cadre,
      body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: w.otherHousehold.id, ruleId: grade.good.id }] },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    // Exactly as for a household that does not exist.
    const ghost = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: 999_999, ruleId: grade.good.id }] } });
    expect(ghost.status).toBe(404);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(0);
  });

  it('refuses a grade mapped to another village’s rule or to a rule that needs evidence', async () => {
    const { t, w, hs, grade, cadre } = await setup();
    const elsewhere = makeRule(t.db, w.areas.villageB.id, { name: '西村卫生', points: 4, unit: '月' });
    const foreign = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[1].id, ruleId: elsewhere.id }] } });
    expect(foreign.status).toBe(404);
    const photo = makeRule(t.db, w.areas.county.id, { name: '美丽庭院示范户', points: 10, evidenceRequired: true });
    const evidence = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[1].id, ruleId: photo.id }] } });
    expect(evidence.status).toBe(400);
    expect(evidence.body.error.code).toBe('evidence_required');
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(0);
  });

  it('is for proposers only: a reviewer, clerk or household cannot submit a sheet', async () => {
    const { t, hs, grade } = await setup();
    for (const who of ['reviewer', 'clerk', 'household']) {
      const res = await call(t, 'POST', '/api/awards/batch', { cookie: await login(t, who), body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }] } });
      expect(res.status, who).toBe(403);
    }
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(0);
  });

  it('lets exactly one of twenty simultaneous submissions of the same sheet through the caps', async () => {
    const { t, hs, grade, cadre } = await setup();
    const body = { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: grade.top.id }, { householdId: hs[1].id, ruleId: grade.good.id }, { householdId: hs[2].id, ruleId: grade.poor.id }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', '/api/awards/batch', { cookie: cadre, body })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422 && r.body.error.code === 'monthly_cap_exceeded')).toHaveLength(19);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(3);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM award_batches')).toBe(1);
  });

  it('refuses hostile numbers in a row: a rule id past 2^53 and a zero quantity', async () => {
    const { t, hs, cadre } = await setup();
    const huge = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: `{"occurredOn":"2026-06-14","items":[{"householdId":${hs[0].id},"ruleId":9007199254740993}]}` });
    expect(huge.status).toBe(400);
    const zero = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { occurredOn: '2026-06-14', items: [{ householdId: hs[0].id, ruleId: 1, quantity: 0 }] } });
    expect(zero.status).toBe(400);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM awards')).toBe(0);
  });
});
