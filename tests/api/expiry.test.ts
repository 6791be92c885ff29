import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld, postEntryVia } from '../support/factories';

// Through the app's database: these entries follow the first request (pg-suite runs the app over PostgreSQL).
async function credit(t: ReturnType<typeof makeTestApp>, householdId: number, villageId: number, points: number, iso: string) {
  await postEntryVia(t, { householdId, villageId, kind: points > 0 ? 'award' : 'redemption', points, conductPoints: points > 0 ? points : 0, occurredOn: iso.slice(0, 10), createdAt: Date.parse(iso) });
}

describe('point expiry', () => {
  it('clears last year’s unspent points at the turn of the year and tells the household in advance', async () => {
    const t = makeTestApp('2025-12-20T04:00:00Z');
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: county, body: { expiryMode: 'year_end' } });
    await credit(t, w.household.id, w.areas.villageA.id, 80, '2025-06-01T02:00:00Z');
    await credit(t, w.household.id, w.areas.villageA.id, -30, '2025-11-01T02:00:00Z');
    const before = await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: county });
    expect(before.body.upcomingExpiry).toEqual({ on: '2026-01-01', points: 50, mode: 'year_end' });

    // 2026-01-01 00:30 in Shanghai; points earned after midnight survive.
    t.clock.set('2025-12-31T16:30:00Z');
    await credit(t, w.household.id, w.areas.villageA.id, 7, '2025-12-31T16:10:00Z');
    const run = await call(t, 'POST', '/api/ledger/expire', { cookie: county });
    expect(run.body).toEqual({ households: 1, points: 50 });
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: county });
    expect(ledger.body.balance).toBe(7);
    expect(ledger.body.items[0]).toMatchObject({ kind: 'expiry', points: -50, conductPoints: 0, note: '年度清零' });
    expect((await call(t, 'POST', '/api/ledger/expire', { cookie: county })).body).toEqual({ households: 0, points: 0 });
  });

  it('expires points unspent for N months, spending the oldest first', async () => {
    const t = makeTestApp('2026-06-15T04:00:00Z');
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    await call(t, 'PATCH', `/api/areas/${w.areas.townA.id}/settings`, { cookie: county, body: { expiryMode: 'months', expiryMonths: 6 } });
    await credit(t, w.household.id, w.areas.villageA.id, 40, '2025-11-01T02:00:00Z');
    await credit(t, w.household.id, w.areas.villageA.id, 30, '2026-03-01T02:00:00Z');
    await credit(t, w.household.id, w.areas.villageA.id, -25, '2026-04-01T02:00:00Z');
    const run = await call(t, 'POST', '/api/ledger/expire', { cookie: county });
    expect(run.body).toEqual({ households: 1, points: 15 });
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: county })).body.balance).toBe(30);
  });

  it('leaves balances alone where points carry over', async () => {
    const t = makeTestApp('2026-01-02T04:00:00Z');
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    await credit(t, w.household.id, w.areas.villageA.id, 40, '2024-01-01T02:00:00Z');
    expect((await call(t, 'POST', '/api/ledger/expire', { cookie: county })).body).toEqual({ households: 0, points: 0 });
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: county })).body.upcomingExpiry).toBeNull();
  });
});
