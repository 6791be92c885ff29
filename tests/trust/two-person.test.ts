import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { OWN_PASSWORD_BUDGET } from '../../server/modules/users/changeOwnPassword';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeUser, makeWorld, PASSWORD } from '../support/factories';

type World = Awaited<ReturnType<typeof makeWorld>>;

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  return { t, w, cadre: await login(t, 'cadre') };
}

// Through t.sql: the app's database on either engine.
function auditRows(t: TestApp, action: string) {
  return t.sql.all<{ actorId: number | null; entity: string; entityId: string; before: string | null; after: string | null }>(
    'SELECT actor_id AS "actorId", entity, entity_id AS "entityId", before, after FROM audit_log WHERE action = ? ORDER BY id',
    [action],
  );
}

const newAccount = (w: World, role: string, areaId: number, extra: Record<string, unknown> = {}) => ({
  username: `acct-${role}-${Math.random().toString(36).slice(2, 8)}`,
  password: 'a-strong-password-1',
  role,
  areaId,
  ...extra,
});

describe('accounts are managed from above the village', () => {
  it.each(['reviewer', 'clerk', 'village_cadre', 'township_admin', 'county_admin'])('a village cadre cannot create a %s account, even in its own village', async (role) => {
    const { t, w, cadre } = await setup();
    const r = await call(t, 'POST', '/api/users', { cookie: cadre, body: newAccount(w, role, w.areas.villageA.id) });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('role_not_allowed');
    expect(Number((await t.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'acct-%'"))?.n)).toBe(0);
  });

  it('so a cadre cannot approve its own proposal through an account it made', async () => {
    const { t, w, cadre } = await setup();
    const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } });
    expect(award.status).toBe(201);
    const made = await call(t, 'POST', '/api/users', { cookie: cadre, body: { ...newAccount(w, 'reviewer', w.areas.villageA.id), username: 'sock-puppet' } });
    expect(made.status).toBe(403);
    await expect(login(t, 'sock-puppet', 'a-strong-password-1')).rejects.toThrow(/401/);
    // Nor by taking over the real reviewer's account.
    const reset = await call(t, 'PATCH', `/api/users/${w.users.reviewer.id}`, { cookie: cadre, body: { password: 'taken-over-123' } });
    expect(reset.status).toBe(403);
    await expect(login(t, 'reviewer', 'taken-over-123')).rejects.toThrow(/401/);
    expect((await call(t, 'GET', `/api/awards/${award.body.id}`, { cookie: cadre })).body.status).toBe('pending');
  });

  it.each([
    ['password', { password: 'taken-over-123' }],
    ['active flag', { active: false }],
    ['display name', { displayName: '假评议员' }],
    ['role', { role: 'household' }],
  ])('a village cadre cannot change the %s of its village reviewer, clerk or fellow cadre', async (_what, patch) => {
    const { t, w, cadre } = await setup();
    for (const target of [w.users.reviewer, w.users.clerk, w.users.cadre2]) {
      const r = await call(t, 'PATCH', `/api/users/${target.id}`, { cookie: cadre, body: patch });
      expect(r.status).toBe(403);
    }
    expect(await auditRows(t, 'user.update')).toEqual([]);
  });

  it('a village cadre manages the household accounts of its own village, and only those', async () => {
    const { t, w, cadre } = await setup();
    const made = await call(t, 'POST', '/api/users', { cookie: cadre, body: newAccount(w, 'household', w.areas.villageA.id, { householdId: w.household.id }) });
    expect(made.status).toBe(201);
    expect((await call(t, 'PATCH', `/api/users/${w.users.household.id}`, { cookie: cadre, body: { password: 'new-household-pw' } })).status).toBe(200);
    // Another village's household is not even visible.
    const elsewhere = await call(t, 'POST', '/api/users', { cookie: cadre, body: newAccount(w, 'household', w.areas.villageB.id, { householdId: w.otherHousehold.id }) });
    expect(elsewhere.status).toBe(404);
  });

  it('a township admin manages its villages’ staff and its own township clerks, but not a peer township admin', async () => {
    const { t, w } = await setup();
    const township = await login(t, 'township');
    const peer = await makeUser(t.db, 'township_admin', w.areas.townA.id, { username: 'township-peer' });
    for (const [role, areaId] of [
      ['village_cadre', w.areas.villageA.id],
      ['reviewer', w.areas.villageA2.id],
      ['clerk', w.areas.townA.id],
      ['reviewer', w.areas.townA.id],
    ] as const) {
      expect((await call(t, 'POST', '/api/users', { cookie: township, body: newAccount(w, role, areaId) })).status).toBe(201);
    }
    expect((await call(t, 'PATCH', `/api/users/${w.users.reviewer.id}`, { cookie: township, body: { password: 'reset-by-town-1' } })).status).toBe(200);

    const peerReset = await call(t, 'PATCH', `/api/users/${peer.id}`, { cookie: township, body: { password: 'taken-over-123' } });
    expect(peerReset.status).toBe(403);
    expect(peerReset.body.error.code).toBe('role_not_allowed');
    await expect(login(t, 'township-peer', 'taken-over-123')).rejects.toThrow(/401/);
    expect((await call(t, 'PATCH', `/api/users/${peer.id}`, { cookie: township, body: { active: false } })).status).toBe(403);
    expect((await call(t, 'POST', '/api/users', { cookie: township, body: newAccount(w, 'township_admin', w.areas.townA.id) })).status).toBe(403);
    // Another township's staff lie outside its area.
    expect((await call(t, 'PATCH', `/api/users/${w.users.otherCadre.id}`, { cookie: township, body: { password: 'taken-over-123' } })).status).toBe(404);
    expect((await call(t, 'POST', '/api/users', { cookie: township, body: newAccount(w, 'clerk', w.areas.townB.id) })).status).toBe(404);

    // The county admin stands above both.
    const county = await login(t, 'county');
    expect((await call(t, 'PATCH', `/api/users/${peer.id}`, { cookie: county, body: { password: 'reset-by-county-1' } })).status).toBe(200);
    const otherCounty = await makeUser(t.db, 'county_admin', w.areas.county.id, { username: 'county-peer' });
    expect((await call(t, 'PATCH', `/api/users/${otherCounty.id}`, { cookie: county, body: { password: 'taken-over-123' } })).status).toBe(403);
  });

  it('tells the account screen which roles the actor may create, and which listed accounts it may manage', async () => {
    const { t, w, cadre } = await setup();
    const roles = async (cookie: string) => (await call(t, 'GET', '/api/users/roles', { cookie })).body.items.map((i: { role: string }) => i.role);
    expect(await roles(cadre)).toEqual(['household']);
    expect(await roles(await login(t, 'township'))).toEqual(['village_cadre', 'reviewer', 'clerk', 'household']);
    expect(await roles(await login(t, 'county'))).toEqual(['township_admin', 'village_cadre', 'reviewer', 'clerk', 'household']);
    expect((await call(t, 'GET', '/api/users/roles', { cookie: await login(t, 'reviewer') })).status).toBe(403);

    const list = await call(t, 'GET', '/api/users?limit=100', { cookie: cadre });
    const manageable = Object.fromEntries(list.body.items.map((u: { username: string; manageable: boolean }) => [u.username, u.manageable]));
    expect(manageable).toMatchObject({ household: true, reviewer: false, clerk: false, cadre: false, cadre2: false });
    void w;
  });
});

describe('one’s own account', () => {
  it('cannot be changed through the management route, only with the current password', async () => {
    const { t, w } = await setup();
    const township = await login(t, 'township');
    const own = await call(t, 'PATCH', `/api/users/${w.users.township.id}`, { cookie: township, body: { password: 'hijacked-123' } });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own_account');

    const other = await login(t, 'township');
    const wrong = await call(t, 'POST', '/api/users/me/password', { cookie: township, body: { currentPassword: 'not-it-at-all', newPassword: 'hijacked-123' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('bad_credentials');
    const ok = await call(t, 'POST', '/api/users/me/password', { cookie: township, body: { currentPassword: PASSWORD, newPassword: 'my-new-password-1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.otherSessionsEnded).toBe(1);
    // This session goes on; the other one ended; the new password works and the old one does not.
    expect((await call(t, 'GET', '/api/auth/me', { cookie: township })).status).toBe(200);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: other })).status).toBe(401);
    await expect(login(t, 'township', PASSWORD)).rejects.toThrow(/401/);
    await login(t, 'township', 'my-new-password-1');
    const rows = await auditRows(t, 'user.change_own_password');
    expect(rows).toHaveLength(1);
    expect(rows[0].after).not.toMatch(/my-new-password|scrypt/);
  });

  it('lets a burst of 20 parallel guesses of the current password through no further than the budget', async () => {
    const { t, cadre } = await setup();
    const guesses = Array.from({ length: 20 }, (_, i) => call(t, 'POST', '/api/users/me/password', { cookie: cadre, body: { currentPassword: `guess-${i}`, newPassword: 'hijacked-123' } }));
    const right = call(t, 'POST', '/api/users/me/password', { cookie: cadre, body: { currentPassword: PASSWORD, newPassword: 'hijacked-123' } });
    const answers = await Promise.all([...guesses, right]);
    const evaluated = answers.filter((a) => a.status !== 429);
    expect(evaluated.length).toBeLessThanOrEqual(OWN_PASSWORD_BUDGET.max);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(21 - OWN_PASSWORD_BUDGET.max);
  });
});

describe('one-time codes', () => {
  it('are issued only to the household’s own account: not to a cadre, a clerk or an administrator', async () => {
    const { t, w, cadre } = await setup();
    for (const who of [cadre, await login(t, 'clerk'), await login(t, 'township'), await login(t, 'county'), await login(t, 'reviewer')]) {
      expect((await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: who })).status).toBe(403);
    }
    const household = await login(t, 'household');
    const own = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    expect(own.status).toBe(201);
    expect(own.body.assisted).toBe(false);
    const rows = await auditRows(t, 'household.pass');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: w.users.household.id, entity: 'household', entityId: String(w.household.id) });
    // The row never carries the code: an audit reader must not be able to spend it.
    expect(JSON.stringify(rows[0])).not.toContain(own.body.code);
    expect(JSON.stringify(rows[0])).not.toContain(own.body.code.split('.')[3]);
  });

  it('a cadre shows a code only through assisted redemption, with a reason the household reads on its own page', async () => {
    // Fixtures before the first request (on PostgreSQL they move with the data then).
    const t = makeTestApp();
    const w = await makeWorld(t);
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 100);
    t.db.run(sql`UPDATE users SET display_name = '张三' WHERE id = ${w.users.cadre.id}`);
    const cadre = await login(t, 'cadre');
    const noReason = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cadre, body: {} });
    expect(noReason.status).toBe(400);
    for (const who of [await login(t, 'clerk'), await login(t, 'township'), await login(t, 'household')]) {
      expect((await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: who, body: { reason: '代为兑换' } })).status).toBe(403);
    }
    expect((await call(t, 'POST', `/api/households/${w.otherHousehold.id}/assisted-pass`, { cookie: cadre, body: { reason: '代为兑换' } })).status).toBe(404);

    const pass = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cadre, body: { reason: '老人卧床，由村干部代为兑换' } });
    expect(pass.status).toBe(201);
    expect(pass.body.assisted).toBe(true);
    const rows = await auditRows(t, 'household.assisted_pass');
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].after!)).toMatchObject({ assisted: true, reason: '老人卧床，由村干部代为兑换' });
    expect(rows[0].after).not.toContain(pass.body.code.split('.')[3]);

    // The code works at the counter like the household's own.
    const clerk = await login(t, 'clerk');
    const redeemed = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'assisted-1' }, body: { code: pass.body.code, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(redeemed.status).toBe(201);

    const page = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: await login(t, 'household') });
    expect(page.body.notices).toEqual([{ kind: 'assisted_pass', at: t.clock.now.getTime(), actorName: '张三', actorRole: 'village_cadre', reason: '老人卧床，由村干部代为兑换' }]);
  });

  it('cannot be spent by one person: the cadre has no clerk account and cannot make one', async () => {
    const { t, w, cadre } = await setup();
    const clerk = await call(t, 'POST', '/api/users', { cookie: cadre, body: newAccount(w, 'clerk', w.areas.villageA.id) });
    expect(clerk.status).toBe(403);
    const pass = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cadre, body: { reason: '代为兑换' } });
    const spent = await call(t, 'POST', '/api/redemptions', { cookie: cadre, headers: { 'idempotency-key': 'cadre-spend-1' }, body: { code: pass.body.code, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(spent.status).toBe(403);
  });
});

describe('printed cards', () => {
  it('audits issue, reissue, revoke and unlock without the code or PIN, and shows each to the household', async () => {
    const { t, w, cadre } = await setup();
    const first = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '864209' } });
    const second = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '135791' } });
    expect((await call(t, 'POST', `/api/cards/${second.body.id}/unlock`, { cookie: cadre })).status).toBe(200);
    expect((await call(t, 'POST', `/api/cards/${second.body.id}/revoke`, { cookie: cadre })).status).toBe(200);

    const issued = await auditRows(t, 'card.issue');
    expect(issued.map((r) => JSON.parse(r.after!))).toEqual([
      { householdId: w.household.id, replacedCardIds: [] },
      { householdId: w.household.id, replacedCardIds: [first.body.id] },
    ]);
    expect(await auditRows(t, 'card.unlock')).toHaveLength(1);
    expect(await auditRows(t, 'card.revoke')).toHaveLength(1);
    const everything = JSON.stringify(await t.sql.all('SELECT * FROM audit_log'));
    for (const secret of [first.body.code, second.body.code, '864209', '135791']) expect(everything).not.toContain(secret);

    const page = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: await login(t, 'household') });
    expect(page.body.notices.map((n: { kind: string }) => n.kind)).toEqual(['card_revoked', 'card_unlocked', 'card_issued', 'card_issued']);
  });

  it('a household account made or reset by staff shows on the household’s page', async () => {
    const { t, w, cadre } = await setup();
    expect((await call(t, 'POST', '/api/users', { cookie: cadre, body: newAccount(w, 'household', w.areas.villageA.id, { householdId: w.household.id }) })).status).toBe(201);
    expect((await call(t, 'PATCH', `/api/users/${w.users.household.id}`, { cookie: cadre, body: { password: 'reset-by-cadre' } })).status).toBe(200);
    const page = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: await login(t, 'household', 'reset-by-cadre') });
    expect(page.body.notices.map((n: { kind: string; actorRole: string }) => [n.kind, n.actorRole])).toEqual([
      ['account_changed', 'village_cadre'],
      ['account_created', 'village_cadre'],
    ]);
  });
});

describe('reversal authority', () => {
  it('a village cadre cannot reverse a county administrator’s adjustment; the county can', async () => {
    const { t, w, cadre } = await setup();
    const county = await login(t, 'county');
    const adj = await call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 50, reason: '纸质台账迁移' } });
    expect(adj.status).toBe(201);
    const byCadre = await call(t, 'POST', `/api/ledger/${adj.body.id}/reverse`, { cookie: cadre, body: { reason: '撤销' } });
    expect(byCadre.status).toBe(403);
    expect(byCadre.body.error.code).toBe('not_within_authority');
    expect((await call(t, 'POST', `/api/ledger/${adj.body.id}/reverse`, { cookie: await login(t, 'township'), body: { reason: '撤销' } })).status).toBe(403);
    expect(Number((await t.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'reversal'"))?.n)).toBe(0);
    expect((await call(t, 'POST', `/api/ledger/${adj.body.id}/reverse`, { cookie: county, body: { reason: '撤销' } })).status).toBe(201);
  });

  it('a village cadre cannot reverse an award a township reviewer posted; the township admin can; a village reviewer’s it can', async () => {
    const { t, w, cadre } = await setup();
    await makeUser(t.db, 'reviewer', w.areas.townA.id, { username: 'town-reviewer' });
    const townReviewer = await login(t, 'town-reviewer');
    const villageReviewer = await login(t, 'reviewer');
    const propose = async () => (await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } })).body.id;
    const byTown = await call(t, 'POST', `/api/awards/${await propose()}/approve`, { cookie: townReviewer });
    const byVillage = await call(t, 'POST', `/api/awards/${await propose()}/approve`, { cookie: villageReviewer });
    expect(byTown.body.ledgerEntryId).toBeTruthy();
    expect((await call(t, 'POST', `/api/ledger/${byTown.body.ledgerEntryId}/reverse`, { cookie: cadre, body: { reason: '录入错误' } })).status).toBe(403);
    expect((await call(t, 'POST', `/api/ledger/${byTown.body.ledgerEntryId}/reverse`, { cookie: await login(t, 'township'), body: { reason: '录入错误' } })).status).toBe(201);
    expect((await call(t, 'POST', `/api/ledger/${byVillage.body.ledgerEntryId}/reverse`, { cookie: cadre, body: { reason: '录入错误' } })).status).toBe(201);
  });
});

describe('objections', () => {
  it('the proposer of an award cannot judge objections to it, nor an objector its own objection', async () => {
    const { t, w } = await setup();
    const county = await login(t, 'county');
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 3 } });
    const township = await login(t, 'township');
    const a = await call(t, 'POST', '/api/awards', { cookie: township, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } });
    expect((await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: county })).body.status).toBe('notice');
    const objection = await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: await login(t, 'household'), body: { reason: '没有参加' } });
    const byProposer = await call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: township, body: { decision: 'dismissed', resolution: '属实' } });
    expect(byProposer.status).toBe(403);
    expect(byProposer.body.error.code).toBe('own_proposal');

    const reviewer = await login(t, 'reviewer');
    const own = await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: reviewer, body: { reason: '我也有疑问' } });
    const byObjector = await call(t, 'POST', `/api/objections/${own.body.id}/resolve`, { cookie: reviewer, body: { decision: 'dismissed', resolution: '撤回' } });
    expect(byObjector.status).toBe(403);
    expect(byObjector.body.error.code).toBe('own_objection');
    expect((await call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: reviewer, body: { decision: 'dismissed', resolution: '核实属实' } })).status).toBe(200);
  });
});
