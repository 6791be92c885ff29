import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld } from '../support/factories';

const DAY = 86_400_000;

/** A county with a one-day notice, and one award in village A taken through its whole life. */
async function lifecycle(t: TestApp) {
  const w = await makeWorld(t);
  const [cadre, reviewer, county, household] = await Promise.all(['cadre', 'reviewer', 'county', 'household'].map((u) => login(t, u)));
  await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
  const proposed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14', note: '内部：与村支书核对过' } });
  expect(proposed.status).toBe(201);
  const id = proposed.body.id as number;
  t.clock.advance(60_000);
  expect((await call(t, 'POST', `/api/awards/${id}/approve`, { cookie: reviewer })).body.status).toBe('notice');
  t.clock.advance(60_000);
  const objection = await call(t, 'POST', `/api/awards/${id}/objections`, { cookie: household, body: { reason: '那天我家也去了' } });
  expect(objection.status).toBe(201);
  t.clock.advance(60_000);
  expect((await call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: county, body: { decision: 'dismissed', resolution: '核实无误' } })).status).toBe(200);
  t.clock.advance(2 * DAY);
  expect((await call(t, 'POST', '/api/awards/post-due', { cookie: county })).body.posted).toBe(1);
  t.clock.advance(60_000);
  const posted = await call(t, 'GET', `/api/awards/${id}`, { cookie: county });
  const reversal = await call(t, 'POST', `/api/ledger/${posted.body.ledgerEntryId}/reverse`, { cookie: county, body: { reason: '重复申报' } });
  expect(reversal.status).toBe(201);
  return { w, id, cadre, reviewer, county, household, entryId: posted.body.ledgerEntryId as number };
}

describe('an award’s record (GET /api/awards/:id/record)', () => {
  it('tells staff the whole story in order: proposed, approved, objected, objection dismissed, posted, reversed, with names, heading and both ledger entries', async () => {
    const t = makeTestApp();
    const { w, id, cadre, entryId } = await lifecycle(t);
    const res = await call(t, 'GET', `/api/awards/${id}/record`, { cookie: cadre });
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.household).toEqual({ id: w.household.id, headName: w.household.headName, doorNo: w.household.doorNo ?? null, archived: false });
    expect(r.village.name).toBe(w.areas.villageA.name);
    expect(r.rule.name).toBe(w.rule.name);
    expect(typeof r.heading).toBe('string');
    expect(r.heading.length).toBeGreaterThan(0);
    expect(r.status).toBe('posted');
    expect(r.reversed).toBe(true);
    expect(r.note).toBe('内部：与村支书核对过');
    expect(r.history.map((h: { step: string }) => h.step)).toEqual(['proposed', 'approved', 'objected', 'objection_dismissed', 'posted', 'reversed']);
    expect(r.history[0].by).not.toBeNull();
    expect(r.history[2].text).toBe('那天我家也去了');
    expect(r.history[3].text).toBe('核实无误');
    expect(r.history[5].text).toBe('重复申报');
    expect(r.ledgerEntry).toMatchObject({ id: entryId, kind: 'award', points: r.points });
    expect(r.reversal).toMatchObject({ kind: 'reversal', points: -r.points });
    expect(r.photos).toEqual([]);
  });

  it('shows a household its own award without the proposer’s note, staff names or the reversal’s internal reason', async () => {
    const t = makeTestApp();
    const { id, household } = await lifecycle(t);
    const r = (await call(t, 'GET', `/api/awards/${id}/record`, { cookie: household })).body;
    expect(r.note).toBeNull();
    expect(r.proposedBy).toBeNull();
    expect(r.reviewedBy).toBeNull();
    expect(r.history.every((h: { by: string | null }) => h.by === null)).toBe(true);
    // Its own objection it may read; the reversal's reason is staff's.
    expect(r.history.find((h: { step: string }) => h.step === 'objected').text).toBe('那天我家也去了');
    expect(r.history.find((h: { step: string }) => h.step === 'reversed').text).toBeNull();
    expect(JSON.stringify(r)).not.toContain('内部');
  });

  it('is 403 for a clerk, 404 for another village’s cadre and for another household, and 400/404 for ids that are not awards', async () => {
    const t = makeTestApp();
    const { w, id } = await lifecycle(t);
    const [clerk, other, township] = await Promise.all(['clerk', 'othercadre', 'township'].map((u) => login(t, u)));
    expect((await call(t, 'GET', `/api/awards/${id}/record`, { cookie: clerk })).status).toBe(403);
    const far = await call(t, 'GET', `/api/awards/${id}/record`, { cookie: other });
    const none = await call(t, 'GET', `/api/awards/999999/record`, { cookie: other });
    expect(far.status).toBe(404);
    // Out of scope answers exactly like an id that does not exist.
    expect(far.body).toMatchObject({ error: { code: none.body.error.code, message: none.body.error.message } });
    expect((await call(t, 'GET', `/api/awards/${id}/record`, { cookie: township })).status).toBe(200);
    expect((await call(t, 'GET', `/api/awards/${id}/record`)).status).toBe(401);

    // A neighbour in the same village: its award is on record, but not the household's own.
    const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '王五' });
    const cadre = await login(t, 'cadre');
    const next = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: neighbour.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    expect(next.status).toBe(201);
    const household = await login(t, 'household');
    expect((await call(t, 'GET', `/api/awards/${next.body.id}/record`, { cookie: household })).status).toBe(404);
    for (const bad of ['0', '-1', 'abc', '1.5', String(2 ** 53)]) {
      expect([400, 404]).toContain((await call(t, 'GET', `/api/awards/${bad}/record`, { cookie: township })).status);
    }
  });

  it('answers twenty parallel reads with the same record', async () => {
    const t = makeTestApp();
    const { id, reviewer } = await lifecycle(t);
    const all = await Promise.all(Array.from({ length: 20 }, () => call(t, 'GET', `/api/awards/${id}/record`, { cookie: reviewer })));
    expect(new Set(all.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(all.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });
});
