import { describe, expect, it } from 'vitest';
import type { SqlParam } from '../../db/sql';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

// Reads through t.sql: the database the app runs over, on either engine.
const count = async (t: TestApp, sql: string, ...args: SqlParam[]) => (await t.sql.get<{ n: number }>(sql, args))!.n;

describe('dishonesty list decisions and history', () => {
  it('a rejected listing keeps the counter open, records the reviewer’s reason, and leaves the household free to be proposed again', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, household, clerk] = await Promise.all(['cadre', 'reviewer', 'household', 'clerk'].map((u) => login(t, u)));
    const first = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'public_order', detail: '在村委会吵闹' } });
    const rejected = await call(t, 'POST', `/api/dishonesty/${first.body.id}/decision`, { cookie: reviewer, body: { decision: 'reject', note: '情节轻微，批评教育' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', redemptionSuspended: false });
    const pass = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: pass.body.code } })).status).toBe(200);

    const second = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'fraudulent_claim', detail: '冒领慰问品' } });
    expect(second.status).toBe(201);
    // The household's history: both proposals, newest first, each with what was decided and why.
    const history = await call(t, 'GET', `/api/dishonesty?householdId=${w.household.id}&limit=50&offset=0`, { cookie: reviewer });
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: { id: number; status: string; decisionNote: string | null }) => [i.id, i.status, i.decisionNote])).toEqual([
      [second.body.id, 'proposed', null],
      [first.body.id, 'rejected', '情节轻微，批评教育'],
    ]);
  });

  it('refuses a decision without a reason and writes nothing', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer] = await Promise.all(['cadre', 'reviewer'].map((u) => login(t, u)));
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'other', detail: '拒不配合' } });
    const audits = await count(t, 'SELECT count(*) AS n FROM audit_log');
    for (const note of ['', '   ', undefined]) {
      const res = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: reviewer, body: { decision: 'approve', note } });
      expect(res.status).toBe(400);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM audit_log')).toBe(audits);
    expect(await count(t, "SELECT count(*) AS n FROM dishonesty_listings WHERE status = 'proposed'")).toBe(1);
  });

  it('twenty reviewers deciding at once: one decision counts, the others are refused, one audit row', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = await Promise.all(['cadre', 'reviewer', 'county'].map((u) => login(t, u)));
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'concealment', detail: '隐瞒收入申请帮扶' } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: i % 2 ? reviewer : county, body: { decision: i % 3 ? 'approve' : 'reject', note: `评议 ${i}` } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect(await count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'dishonesty_listing.decide' AND entity_id = ?", String(proposed.body.id))).toBe(1);
  });

  it('another village’s cadre neither sees the household’s history nor decides or proposes for it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, other, otherClerk] = await Promise.all(['cadre', 'othercadre', 'otherclerk'].map((u) => login(t, u)));
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'other', detail: '拒不配合' } });
    const seen = await call(t, 'GET', `/api/dishonesty?householdId=${w.household.id}&limit=50&offset=0`, { cookie: other });
    expect(seen.status === 404 || (seen.status === 200 && seen.body.items.length === 0)).toBe(true);
    expect((await call(t, 'POST', '/api/dishonesty', { cookie: other, body: { householdId: w.household.id, reason: 'other', detail: '越权' } })).status).toBe(404);
    expect((await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/removal`, { cookie: other, body: { reason: '越权' } })).status).toBe(404);
    expect((await call(t, 'GET', '/api/dishonesty?limit=50&offset=0', { cookie: otherClerk })).status).toBe(403);
  });
});
