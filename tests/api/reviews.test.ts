import { describe, expect, it } from 'vitest';
import type { SqlParam } from '../../db/sql';
import { systemCtx } from '../../server/lib/context';
import { postDueAwards } from '../../server/modules/awards/postDueAwards';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

interface AuditRow {
  actorId: number | null;
  actorRole: string;
  entityId: string;
  areaId: number | null;
}
// Reads through t.sql: the database the app runs over, on either engine.
const auditOf = (t: TestApp, action: string) =>
  t.sql.all<AuditRow>('SELECT actor_id AS "actorId", actor_role AS "actorRole", entity_id AS "entityId", area_id AS "areaId" FROM audit_log WHERE action = ? ORDER BY id', [action]);
const count = async (t: TestApp, sql: string, ...args: SqlParam[]) => (await t.sql.get<{ n: number }>(sql, args))!.n;
const DAY = 86_400_000;

describe('posting due awards', () => {
  it('audits an admin-triggered run with the admin, the scheduled run as system, and an admin posts only in its own area', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, other, reviewer, county, township] = await Promise.all(['cadre', 'othercadre', 'reviewer', 'county', 'township'].map((u) => login(t, u)));
    await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
    const east = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const west = await call(t, 'POST', '/api/awards', { cookie: other, body: { householdId: w.otherHousehold.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    expect((await call(t, 'POST', `/api/awards/${east.body.id}/approve`, { cookie: reviewer })).body.status).toBe('notice');
    expect((await call(t, 'POST', `/api/awards/${west.body.id}/approve`, { cookie: county })).body.status).toBe('notice');
    t.clock.advance(2 * DAY);

    // The east township's admin: its own award only, and the audit row names it.
    expect((await call(t, 'POST', '/api/awards/post-due', { cookie: township })).body.posted).toBe(1);
    expect(await auditOf(t, 'award.post')).toEqual([{ actorId: w.users.township.id, actorRole: 'township_admin', entityId: String(east.body.id), areaId: w.areas.villageA.id }]);
    expect((await call(t, 'GET', `/api/awards/${west.body.id}`, { cookie: county })).body.status).toBe('notice');

    // The scheduler's run: no user, role system; the ledger entry has no creator either.
    expect(await postDueAwards(systemCtx(await t.appDb(), testConfig, t.clock.now))).toEqual({ posted: 1 });
    expect((await auditOf(t, 'award.post'))[1]).toEqual({ actorId: null, actorRole: 'system', entityId: String(west.body.id), areaId: w.areas.villageB.id });
    const createdBy = (awardId: number) => t.sql.get('SELECT created_by AS "createdBy" FROM ledger_entries WHERE award_id = ?', [awardId]);
    expect(await createdBy(west.body.id)).toEqual({ createdBy: null });
    expect(await createdBy(east.body.id)).toEqual({ createdBy: w.users.township.id });
    expect(await postDueAwards(systemCtx(await t.appDb(), testConfig, t.clock.now))).toEqual({ posted: 0 });
  });
});

describe('batch approval', () => {
  it('approves a batch all or nothing: one already rejected award leaves the other 19 pending and unposted', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = await Promise.all(['cadre', 'reviewer', 'county'].map((u) => login(t, u)));
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 0 } });
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push((await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } })).body.id);
    await call(t, 'POST', `/api/awards/${ids[13]}/reject`, { cookie: reviewer, body: { reason: '重复' } });
    const r = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('invalid_status');
    expect(await count(t, "SELECT COUNT(*) AS n FROM awards WHERE status = 'pending'")).toBe(19);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM ledger_entries')).toBe(0);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM ledger_chains WHERE last_seq > 0')).toBe(0);
    expect(await auditOf(t, 'award.approve')).toHaveLength(0);
  });

  it('answers an award of another area with 404 in a batch approval, and approves nothing', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, other, reviewer] = await Promise.all(['cadre', 'othercadre', 'reviewer'].map((u) => login(t, u)));
    const mine = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const theirs = await call(t, 'POST', '/api/awards', { cookie: other, body: { householdId: w.otherHousehold.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const r = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: [mine.body.id, theirs.body.id] } });
    expect(r.status).toBe(404);
    expect(await count(t, "SELECT COUNT(*) AS n FROM awards WHERE status = 'pending'")).toBe(2);
  });
});

describe('the dishonesty list', () => {
  it('does not let the one who proposed a removal decide it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = await Promise.all(['cadre', 'reviewer', 'county'].map((u) => login(t, u)));
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'other', detail: '扰乱秩序' } });
    await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: reviewer, body: { decision: 'approve', note: '属实' } });
    expect((await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/removal`, { cookie: county, body: { reason: '已整改' } })).status).toBe(200);
    const own = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: county, body: { decision: 'approve', note: '同意' } });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own_proposal');
    expect(await count(t, 'SELECT COUNT(*) AS n FROM households WHERE id = ? AND redemption_suspended', w.household.id)).toBe(1);
  });

  it('answers a household or listing of another village like one that does not exist', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, other] = await Promise.all(['cadre', 'othercadre'].map((u) => login(t, u)));
    const foreign = await call(t, 'POST', '/api/dishonesty', { cookie: other, body: { householdId: w.household.id, reason: 'other', detail: '越权' } });
    expect(foreign.status).toBe(404);
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'other', detail: '扰乱秩序' } });
    const removal = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/removal`, { cookie: other, body: { reason: '越权' } });
    expect(removal.status).toBe(404);
    expect((await call(t, 'GET', '/api/dishonesty', { cookie: other })).body).toEqual({ items: [], total: 0 });
  });
});
