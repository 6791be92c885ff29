/**
 * The pg-suite engine switch itself (tests/pg/support/engine-switch.ts), run in the pg-suite lane: the app of
 * makeTestApp answers from PostgreSQL, fixture rows written between requests follow it there, and a test that
 * reads the stale SQLite after the move fails loudly.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { households } from '../../db/schema';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld } from '../support/factories';
import { OFFSET, StaleSqliteRead } from './support/engine-switch';

describe('pg-suite engine switch', () => {
  it('serves the app from PostgreSQL with the fixture the test wrote to SQLite', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    expect(t.sql.engine).toBe('pg');
    const cadre = await login(t, 'cadre');
    const list = await call(t, 'GET', `/api/households?villageId=${w.areas.villageA.id}`, { cookie: cadre });
    expect(list.status).toBe(200);
    const row = await t.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM households');
    expect(Number(row!.n)).toBeGreaterThan(0);
    // The engine really is PostgreSQL: this function does not exist on SQLite.
    expect(await t.sql.get<{ v: string }>('SELECT current_setting(?) AS v', ['server_version_num'])).toBeDefined();
  });

  it('moves fixture rows inserted and updated after the first request, keeping what the app wrote since', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const proposed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 2, occurredOn: '2026-06-10' } });
    expect(proposed.status).toBe(201);
    // The app's row takes an id past the fixture's range, so a later fixture row cannot collide with it.
    expect(proposed.body.id).toBeGreaterThan(OFFSET);
    expect((await call(t, 'POST', `/api/awards/${proposed.body.id}/approve`, { cookie: reviewer })).status).toBe(200);

    const later = makeHousehold(t.db, w.areas.villageA.id, { headName: '李后来' });
    expect(later.id).toBeLessThan(OFFSET);
    const shown = await call(t, 'GET', `/api/households/${later.id}`, { cookie: cadre });
    expect(shown.status).toBe(200);
    expect(shown.body.headName).toBe('李后来');

    // A column the test changes goes over alone: the balance the app posted on PostgreSQL stays.
    t.db.update(households).set({ phone: '13900000000' }).where(eq(households.id, w.household.id)).run();
    const after = await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre });
    expect(after.body.phone).toBe('13900000000');
    const balance = await t.sql.get<{ b: number }>('SELECT balance AS b FROM households WHERE id = ?', [w.household.id]);
    expect(Number(balance!.b)).toBe(w.household.balance + 10);
  });

  it('refuses a SQLite read through the test db once the app has moved', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    // Before the first request SQLite is the truth, and reads are fine.
    expect(t.db.select().from(households).where(eq(households.id, w.household.id)).get()?.id).toBe(w.household.id);
    await login(t, 'cadre');
    expect(() => t.db.select().from(households).all()).toThrow(StaleSqliteRead);
    expect(() => t.db.$client.prepare('SELECT COUNT(*) FROM households').get()).toThrow(StaleSqliteRead);
    expect(() => t.db.query.households.findFirst().sync()).toThrow(StaleSqliteRead);
    expect(() => t.db.$client.pragma('table_info(households)')).toThrow(StaleSqliteRead);
  });

  it('reports a fixture row that PostgreSQL refuses instead of hiding it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    // Foreign keys are PostgreSQL's to check after the move: a household in a village that does not exist is refused there.
    makeHousehold(t.db, 999_999, { headName: '王无村' });
    await expect(call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).rejects.toThrow(/households could not be moved to PostgreSQL/);
  });
});
