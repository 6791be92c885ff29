import { describe, expect, it } from 'vitest';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';
import { makeTestApp, type TestApp } from '../support/app';

// The batch sheet's Idempotency-Key (web/src/modules/awards/AwardBatchPage.vue): one key per sheet, kept in its draft.
// Through t.sql: the database the app runs over, on either engine.
const awardCount = async (t: TestApp) => (await t.sql.get<{ n: number }>('SELECT COUNT(*) AS "n" FROM awards'))!.n;

async function setUp() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const second = makeHousehold(t.db, w.areas.villageA.id, { headName: '王五' });
  const sheet = { ruleId: w.rule.id, occurredOn: '2026-06-14', items: [{ householdId: w.household.id, quantity: 1 }, { householdId: second.id, quantity: 2 }] };
  const send = (key: string, body: unknown = sheet) => call(t, 'POST', '/api/awards/batch', { cookie: cadre, body, headers: { 'idempotency-key': key } });
  return { t, w, second, sheet, send };
}

describe('Idempotency-Key on a batch sheet', () => {
  it('the same sheet sent again with its key creates one batch and answers with the first one', async () => {
    const { t, send } = await setUp();
    const first = await send('sheet-open-0001');
    expect(first.status).toBe(201);
    expect(await awardCount(t)).toBe(2);
    // A reload restored the draft and the cadre pressed 提交 again.
    const again = await send('sheet-open-0001');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await awardCount(t)).toBe(2);
  });

  it('twenty parallel submissions of one sheet create one batch', async () => {
    const { t, send } = await setUp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => send('sheet-open-0002')));
    expect(await awardCount(t)).toBe(2);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    for (const a of created) expect(a.body).toEqual(created[0].body);
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.body.error.code).toBe('idempotency_in_progress');
  });

  it('a changed sheet under the key of an accepted one is refused (422 idempotency_mismatch) and creates nothing', async () => {
    const { t, w, sheet, send } = await setUp();
    expect((await send('sheet-open-0003')).status).toBe(201);
    const changed = await send('sheet-open-0003', { ...sheet, items: [{ householdId: w.household.id, quantity: 5 }] });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('idempotency_mismatch');
    expect(await awardCount(t)).toBe(2);
  });

  it('a refused sheet gives its key back: the sheet without the refused households goes through with the same key', async () => {
    const { t, w, second, send } = await setUp();
    const capped = makeRule(t.db, w.areas.county.id, { name: '每月一次', monthlyCap: 1 });
    // This month's one already given to the first household.
    expect((await send('sheet-earlier-01', { ruleId: capped.id, occurredOn: '2026-06-10', items: [{ householdId: w.household.id, quantity: 1 }] })).status).toBe(201);
    const both = { ruleId: capped.id, occurredOn: '2026-06-14', items: [{ householdId: w.household.id, quantity: 1 }, { householdId: second.id, quantity: 1 }] };
    const refused = await send('sheet-open-0004', both);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('monthly_cap_exceeded');
    expect(await awardCount(t)).toBe(1);
    const rest = await send('sheet-open-0004', { ...both, items: [{ householdId: second.id, quantity: 1 }] });
    expect(rest.status).toBe(201);
    expect(await awardCount(t)).toBe(2);
  });

  it("another cadre's sheet with the same key is a batch of its own", async () => {
    const { t, sheet, send } = await setUp();
    expect((await send('sheet-open-0005')).status).toBe(201);
    const cadre2 = await login(t, 'cadre2');
    const theirs = await call(t, 'POST', '/api/awards/batch', { cookie: cadre2, body: sheet, headers: { 'idempotency-key': 'sheet-open-0005' } });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(await awardCount(t)).toBe(4);
  });
});
