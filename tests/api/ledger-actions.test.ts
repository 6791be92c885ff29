import { describe, expect, it } from 'vitest';
import { systemCtx } from '../../server/lib/context';
import { expirePoints } from '../../server/modules/ledger/expirePoints';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, login, makeWorld, postEntryVia } from '../support/factories';

// Through the app's database: most entries follow the first request (pg-suite runs the app over PostgreSQL).
function credit(t: TestApp, householdId: number, villageId: number, points: number, iso: string) {
  return postEntryVia(t, { householdId, villageId, kind: 'award', points, conductPoints: points, occurredOn: iso.slice(0, 10), createdAt: Date.parse(iso) });
}

describe('expiry as a scheduled job', () => {
  it('four runs at once (two by the scheduler, two asked for by administrators) expire each point once, audited once, as the system or the admin', async () => {
    const t = makeTestApp('2025-12-20T04:00:00Z');
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: county, body: { expiryMode: 'year_end' } });
    await credit(t, w.household.id, w.areas.villageA.id, 80, '2025-06-01T02:00:00Z');
    await credit(t, w.otherHousehold.id, w.areas.villageB.id, 30, '2025-06-01T02:00:00Z');
    t.clock.set('2025-12-31T16:30:00Z');
    const township = await login(t, 'township');
    const runs = await Promise.all([
      expirePoints(systemCtx(await t.appDb(), testConfig, t.clock.now)),
      call(t, 'POST', '/api/ledger/expire', { cookie: county }).then((r) => r.body),
      expirePoints(systemCtx(await t.appDb(), testConfig, t.clock.now)),
      call(t, 'POST', '/api/ledger/expire', { cookie: township }).then((r) => r.body),
    ]);
    expect(runs.reduce((s, r) => s + r.points, 0)).toBe(110);
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: county })).body.balance).toBe(0);
    expect((await call(t, 'GET', `/api/households/${w.otherHousehold.id}`, { cookie: county })).body.balance).toBe(0);
    const rows = await t.sql.all<{ areaId: number; actorRole: string; actorId: number | null }>(
      `SELECT area_id AS "areaId", actor_role AS "actorRole", actor_id AS "actorId" FROM audit_log WHERE action = 'ledger_entry.expire' ORDER BY area_id`,
    );
    expect(rows.map((r) => r.areaId)).toEqual([w.areas.villageA.id, w.areas.villageB.id]);
    for (const r of rows) {
      if (r.actorRole === 'system') expect(r.actorId).toBeNull();
      else expect([w.users.county.id, w.users.township.id]).toContain(r.actorId);
    }
    // And once more later: nothing left.
    expect(await expirePoints(systemCtx(await t.appDb(), testConfig, t.clock.now))).toEqual({ households: 0, points: 0 });
  });

  it('a township administrator’s run expires only its own township', async () => {
    const t = makeTestApp('2025-12-20T04:00:00Z');
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: county, body: { expiryMode: 'year_end' } });
    await credit(t, w.household.id, w.areas.villageA.id, 80, '2025-06-01T02:00:00Z');
    await credit(t, w.otherHousehold.id, w.areas.villageB.id, 30, '2025-06-01T02:00:00Z');
    t.clock.set('2025-12-31T16:30:00Z');
    const run = await call(t, 'POST', '/api/ledger/expire', { cookie: await login(t, 'township') });
    expect(run.body).toEqual({ households: 1, points: 80 });
    expect((await call(t, 'GET', `/api/households/${w.otherHousehold.id}`, { cookie: county })).body.balance).toBe(30);
  });
});

describe('reversal', () => {
  it('twenty parallel reversals of one entry write one reversing entry; the rest answer 409', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const entry = await credit(t, w.household.id, w.areas.villageA.id, 50, '2026-06-01T02:00:00Z');
    const cadre = await login(t, 'cadre');
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', `/api/ledger/${entry.id}/reverse`, { cookie: cadre, body: { reason: '录错了' } })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'already_reversed')).toHaveLength(19);
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: cadre });
    expect(ledger.body.balance).toBe(0);
    expect(ledger.body.items.filter((i: { kind: string }) => i.kind === 'reversal')).toHaveLength(1);
    expect(ledger.body.items.find((i: { id: number }) => i.id === entry.id).reversedById).toBe(ledger.body.items[0].id);
  });

  it('an entry of another village answers like one that does not exist', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const entry = await credit(t, w.otherHousehold.id, w.areas.villageB.id, 50, '2026-06-01T02:00:00Z');
    const cadre = await login(t, 'cadre');
    const other = await call(t, 'POST', `/api/ledger/${entry.id}/reverse`, { cookie: cadre, body: { reason: '试试' } });
    const none = await call(t, 'POST', `/api/ledger/999999/reverse`, { cookie: cadre, body: { reason: '试试' } });
    expect(other.status).toBe(404);
    expect(other.body.error).toEqual({ ...none.body.error, requestId: other.body.error.requestId });
  });
});
