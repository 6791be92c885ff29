import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import { sqlOf } from '../../db/sql';
import { createApp } from '../../server/app';
import { systemCtx } from '../../server/lib/context';
import { postDueAwards } from '../../server/modules/awards/postDueAwards';
import { makeClock, testConfig, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * The app over a database file, so reads outside a transaction go through the separate read
 * connection as in production, while twenty requests interleave at every await.
 */
function makeFileApp(): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-awards-'));
  const db = openDb({ file: join(dir, 'jifen.db') });
  const clock = makeClock('2026-06-15T02:00:00.000Z');
  cleanups.push(() => {
    closeDb(db);
    rmSync(dir, { recursive: true, force: true });
  });
  return { app: createApp({ db, config: testConfig, now: () => clock.now }), db, clock, appDb: async () => db, sql: sqlOf(db) };
}

interface AuditRow {
  actorId: number | null;
  actorRole: string;
  entityId: string;
  areaId: number | null;
}
const auditOf = (t: TestApp, action: string) =>
  t.db.$client.prepare('SELECT actor_id AS actorId, actor_role AS actorRole, entity_id AS entityId, area_id AS areaId FROM audit_log WHERE action = ? ORDER BY id').all(action) as AuditRow[];
const count = (t: TestApp, sql: string, ...args: unknown[]) => (t.db.$client.prepare(sql).get(...args) as { n: number }).n;
const DAY = 86_400_000;

describe('posting due awards', () => {
  it('posts each due award exactly once when runs and objection rulings race', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county, household] = await Promise.all(['cadre', 'reviewer', 'county', 'household'].map((u) => login(t, u)));
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
      ids.push(a.body.id);
    }
    expect((await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids } })).status).toBe(200);
    const objection = await call(t, 'POST', `/api/awards/${ids[0]}/objections`, { cookie: household, body: { reason: '有疑问' } });
    t.clock.advance(2 * DAY);
    const runs = await Promise.all([
      ...Array.from({ length: 10 }, () => call(t, 'POST', '/api/awards/post-due', { cookie: county })),
      ...Array.from({ length: 10 }, () => postDueAwards(systemCtx(t.db, testConfig, t.clock.now)).then((body) => ({ status: 200, body }))),
      call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: county, body: { decision: 'dismissed', resolution: '属实' } }),
    ]);
    expect(runs.every((r) => r.status === 200)).toBe(true);
    expect(count(t, 'SELECT COUNT(*) AS n FROM ledger_entries WHERE award_id IS NOT NULL')).toBe(5);
    expect(count(t, "SELECT COUNT(*) AS n FROM awards WHERE status = 'posted'")).toBe(5);
    expect(count(t, 'SELECT balance AS n FROM households WHERE id = ?', w.household.id)).toBe(25);
  });
});

describe('monthly caps under concurrent proposals', () => {
  it('lets exactly the cap through when twenty single proposals race', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const capped = makeRule(t.db, w.areas.county.id, { name: '志愿服务', points: 2, monthlyCap: 3 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, occurredOn: '2026-06-14' } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 422 && r.body.error.code === 'monthly_cap_exceeded')).toBe(true);
    expect(count(t, 'SELECT COALESCE(SUM(quantity), 0) AS n FROM awards WHERE rule_id = ?', capped.id)).toBe(3);
    expect(auditOf(t, 'award.propose')).toHaveLength(3);
  });
  it('counts batches and single proposals against one cap when they race, across two villages', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, township] = await Promise.all(['cadre', 'township'].map((u) => login(t, u)));
    const capped = makeRule(t.db, w.areas.county.id, { name: '志愿服务', points: 2, monthlyCap: 2 });
    const neighbour = makeHousehold(t.db, w.areas.villageA2.id, { headName: '王五' });
    const batch = { ruleId: capped.id, occurredOn: '2026-06-14', items: [{ householdId: w.household.id, quantity: 1 }, { householdId: neighbour.id, quantity: 1 }] };
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => call(t, 'POST', '/api/awards/batch', { cookie: township, body: batch })),
      ...Array.from({ length: 10 }, () => call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, occurredOn: '2026-06-14' } })),
    ]);
    expect(results.filter((r) => r.status !== 201).every((r) => r.body.error.code === 'monthly_cap_exceeded')).toBe(true);
    const used = (id: number) => count(t, 'SELECT COALESCE(SUM(quantity), 0) AS n FROM awards WHERE rule_id = ? AND household_id = ?', capped.id, id);
    expect(used(w.household.id)).toBe(2);
    expect(used(neighbour.id)).toBeLessThanOrEqual(2);
    // A refused batch wrote nothing at all, not even its batch row.
    const batches = results.slice(0, 10).filter((r) => r.status === 201).length;
    expect(count(t, 'SELECT COUNT(*) AS n FROM award_batches')).toBe(batches);
    expect(used(neighbour.id)).toBe(batches);
  });
});

describe('reviews under concurrent requests', () => {
  it('ends twenty racing approvals and rejections of one award with exactly one outcome', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = await Promise.all(['cadre', 'reviewer', 'county'].map((u) => login(t, u)));
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 0 } });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: i % 4 === 1 ? reviewer : county }) : call(t, 'POST', `/api/awards/${a.body.id}/reject`, { cookie: reviewer, body: { reason: '不符合' } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.error.code === 'invalid_status')).toBe(true);
    const posted = count(t, 'SELECT COUNT(*) AS n FROM ledger_entries WHERE award_id = ?', a.body.id);
    expect(posted + auditOf(t, 'award.reject').length).toBe(1);
    expect(auditOf(t, 'award.approve').length + auditOf(t, 'award.reject').length).toBe(1);
  });


  it('takes one objection per person while twenty of theirs race', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county, household] = await Promise.all(['cadre', 'reviewer', 'county', 'household'].map((u) => login(t, u)));
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 2 } });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    const results = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '有疑问' } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.body.error.code === 'objection_exists')).toBe(true);
  });
});

describe('the dishonesty list under concurrent requests', () => {
  it('opens one listing per household when twenty proposals race', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, cadre2] = await Promise.all(['cadre', 'cadre2'].map((u) => login(t, u)));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(t, 'POST', '/api/dishonesty', { cookie: i % 2 ? cadre : cadre2, body: { householdId: w.household.id, reason: 'other', detail: '严重违反公序良俗' } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'listing_exists')).toBe(true);
    expect(count(t, 'SELECT COUNT(*) AS n FROM dishonesty_listings')).toBe(1);
    expect(auditOf(t, 'dishonesty_listing.propose')).toHaveLength(1);
  });
  it('decides a listing once when twenty decisions race, and suspends redemption', async () => {
    const t = makeFileApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = await Promise.all(['cadre', 'reviewer', 'county'].map((u) => login(t, u)));
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'fraudulent_claim', detail: '虚报冒领' } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: i % 2 ? reviewer : county, body: { decision: i % 3 ? 'approve' : 'reject', note: '评议' } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.error.code === 'invalid_status')).toBe(true);
    expect(auditOf(t, 'dishonesty_listing.decide')).toHaveLength(1);
    const suspended = count(t, 'SELECT redemption_suspended AS n FROM households WHERE id = ?', w.household.id);
    expect(suspended).toBe(ok[0].body.status === 'listed' ? 1 : 0);
    expect(ok[0].body.redemptionSuspended).toBe(suspended === 1);
  });


});
