import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login, makeHousehold, makeUser, makeWorld } from '../support/factories';

/** What the household page reads in one answer: redemptions with their goods, its objections and their outcome. */
async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 200);
  const county = await login(t, 'county');
  await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 3 } });
  const household = await login(t, 'household');
  const clerk = await login(t, 'clerk');
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const ledger = (cookie: string, id = w.household.id) => call(t, 'GET', `/api/households/${id}/ledger?limit=20`, { cookie });
  return { t, w, household, clerk, cadre, reviewer, ledger };
}

describe('the household ledger answer', () => {
  it('lists the goods and the store of a redemption beside its entry', async () => {
    const { t, w, household, clerk, cadre, ledger } = await setup();
    const code = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
    const r = await call(t, 'POST', '/api/redemptions', {
      cookie: clerk,
      headers: { 'idempotency-key': 'ledger-lines-1' },
      body: { code, items: [{ goodsId: w.soap.id, quantity: 2 }, { goodsId: w.oil.id, quantity: 1 }] },
    });
    expect(r.status).toBe(201);
    for (const cookie of [household, cadre]) {
      const res = await ledger(cookie);
      expect(res.status).toBe(200);
      const entry = res.body.items.find((e: { kind: string }) => e.kind === 'redemption');
      expect(entry.points).toBe(-40);
      expect(entry.redemption).toEqual({
        storeName: w.areas.villageA.name,
        lines: [
          { goodsId: w.oil.id, name: '食用油', unit: '桶', quantity: 1, points: 30 },
          { goodsId: w.soap.id, name: '肥皂', unit: '桶', quantity: 2, points: 10 },
        ].sort((a, b) => a.goodsId - b.goodsId),
      });
      // Other entries keep their shape, with no redemption attached.
      const award = res.body.items.find((e: { kind: string }) => e.kind === 'award');
      expect(award.redemption).toBeNull();
    }
  });

  it('tells the household its objections, open and then decided, with the award named as the notice names it', async () => {
    const { t, w, household, cadre, reviewer, ledger } = await setup();
    const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '赵大宝', doorNo: '18号' });
    const propose = async () => {
      const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: neighbour.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } });
      expect((await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer })).body.status).toBe('notice');
      return a.body.id as number;
    };
    const first = await propose();
    const second = await propose();
    const o1 = await call(t, 'POST', `/api/awards/${first}/objections`, { cookie: household, body: { reason: '没有参加劳动' } });
    const o2 = await call(t, 'POST', `/api/awards/${second}/objections`, { cookie: household, body: { reason: '重复申报' } });
    expect([o1.status, o2.status]).toEqual([201, 201]);

    let mine = (await ledger(household)).body.objections;
    expect(mine.map((o: { awardId: number; status: string }) => [o.awardId, o.status])).toEqual([
      [second, 'open'],
      [first, 'open'],
    ]);
    expect(mine[0]).toMatchObject({ name: '赵*宝', rule: w.rule.name, points: 5, awardStatus: 'notice', resolution: null });

    await call(t, 'POST', `/api/objections/${o1.body.id}/resolve`, { cookie: reviewer, body: { decision: 'dismissed', resolution: '经核实确有其事' } });
    await call(t, 'POST', `/api/objections/${o2.body.id}/resolve`, { cookie: reviewer, body: { decision: 'upheld', resolution: '确属重复，退回重审' } });
    mine = (await ledger(household)).body.objections;
    // The upheld one's award has left the notice board: its outcome is still here.
    expect(mine.find((o: { awardId: number }) => o.awardId === second)).toMatchObject({ status: 'upheld', resolution: '确属重复，退回重审', awardStatus: 'pending' });
    expect(mine.find((o: { awardId: number }) => o.awardId === first)).toMatchObject({ status: 'dismissed', resolution: '经核实确有其事', awardStatus: 'notice' });
    expect(mine.every((o: { resolvedAt: number | null }) => typeof o.resolvedAt === 'number')).toBe(true);
  });

  it('shows objections only to the household that raised them: not to staff, not to another household', async () => {
    const { t, w, household, cadre, reviewer, ledger } = await setup();
    const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '赵大宝' });
    await makeUser(t.db, 'household', w.areas.villageA.id, { username: 'neighbour', householdId: neighbour.id });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: neighbour.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } });
    await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    expect((await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '不实' } })).status).toBe(201);

    expect((await ledger(household)).body.objections).toHaveLength(1);
    expect((await ledger(cadre)).body.objections).toEqual([]);
    expect((await ledger(reviewer)).body.objections).toEqual([]);
    const other = await login(t, 'neighbour');
    expect((await ledger(other, neighbour.id)).body.objections).toEqual([]);
    // And a household cannot read another household's ledger to find them.
    expect((await ledger(other, w.household.id)).status).toBe(404);
  });
});
