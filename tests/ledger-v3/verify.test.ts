import { describe, expect, it } from 'vitest';
import { chainedLedgerHash, yearlyPseudonym } from '../../db/ledger';
import { formatVerdict, verifyDatabase } from '../../db/verify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

/** Awards, a deduction and its reversal, a redemption and an adjustment, all through the API: version 3 entries only. */
async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const clerk = await login(t, 'clerk');
  const township = await login(t, 'township');
  const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 20, occurredOn: '2026-06-01', note: '清扫村道' } });
  await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer });
  const deduction = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.deduction.id, quantity: 1, occurredOn: '2026-06-02' } });
  const posted = await call(t, 'POST', `/api/awards/${deduction.body.id}/approve`, { cookie: reviewer });
  const reversed = await call(t, 'POST', `/api/ledger/${posted.body.ledgerEntryId}/reverse`, { cookie: township, body: { reason: '误扣' } });
  expect(reversed.status).toBe(201);
  const pass = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cadre, body: { reason: '老人不会用手机' } });
  const redeemed = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'v3-verify-1' }, body: { code: pass.body.code, items: [{ goodsId: w.oil.id, quantity: 1 }] } });
  expect(redeemed.status).toBe(201);
  expect(await verifyDatabase(t.db)).toMatchObject({ ok: true, entries: 4 });
  const entry = (kind: string) => (t.db.$client.prepare('SELECT id, seq FROM ledger_entries WHERE kind = ? ORDER BY id LIMIT 1').get(kind) as { id: number; seq: number });
  return { t, w, entry };
}

function tamper(t: TestApp, sql: string) {
  t.db.$client.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS households_pseudonym_seed_fixed');
  t.db.$client.exec(sql);
}

describe('verify on version 3 entries', () => {
  const cases: [string, (id: (kind: string) => number) => string, { kind: string; part: 'public' | 'private' | 'both'; detail: RegExp }][] = [
    ['an edited note', (id) => `UPDATE ledger_entries SET note = '已核实' WHERE id = ${id('award')}`, { kind: 'award', part: 'private', detail: /private fields .* private digest/ }],
    ['an edited author', (id) => `UPDATE ledger_entries SET created_by = 999 WHERE id = ${id('award')}`, { kind: 'award', part: 'private', detail: /public part still matches/ }],
    ['edited points', (id) => `UPDATE ledger_entries SET points = points + 1 WHERE id = ${id('award')}`, { kind: 'award', part: 'public', detail: /public part .* does not reproduce/ }],
    // The rule is in both parts (the private one binds it where the public one hides it).
    ['an edited rule', (id) => `UPDATE ledger_entries SET rule_id = NULL WHERE id = ${id('deduction')}`, { kind: 'deduction', part: 'both', detail: /matches neither/ }],
    ['a black-list rule hidden from the public part', (id) => `UPDATE ledger_entries SET rule_public = 0 WHERE id = ${id('deduction')}`, { kind: 'deduction', part: 'public', detail: /rule or whether it is shown/ }],
    ['an award rule hidden from the public part', (id) => `UPDATE ledger_entries SET rule_public = 0 WHERE id = ${id('award')}`, { kind: 'award', part: 'public', detail: /award whose rule is hidden/ }],
    ['edited points and balance together', (id) => `UPDATE ledger_entries SET points = points + 1, balance_after = balance_after + 1 WHERE id = ${id('award')}`, { kind: 'award', part: 'both', detail: /matches neither/ }],
    ['an edited salt', (id) => `UPDATE ledger_entries SET salt = '${'0'.repeat(32)}' WHERE id = ${id('redemption')}`, { kind: 'redemption', part: 'private', detail: /private fields/ }],
    ['a salt that is not 32 hex', (id) => `UPDATE ledger_entries SET salt = 'x' WHERE id = ${id('redemption')}`, { kind: 'redemption', part: 'private', detail: /salt "x" is not 32 lowercase hex/ }],
    ['an edited private digest alone', (id) => `UPDATE ledger_entries SET private_digest = '${'a'.repeat(64)}' WHERE id = ${id('redemption')}`, { kind: 'redemption', part: 'private', detail: /is not the digest its hash was sealed with/ }],
    ['a reversal pointed at another entry', (id) => `UPDATE ledger_entries SET reverses_id = ${id('award')} WHERE id = ${id('reversal')}`, { kind: 'reversal', part: 'both', detail: /matches neither/ }],
    ['a changed pseudonym seed', () => `UPDATE households SET pseudonym_seed = '${'1'.repeat(32)}' WHERE id = (SELECT household_id FROM ledger_entries ORDER BY id LIMIT 1)`, { kind: 'award', part: 'public', detail: new RegExp(`pseudonym of the year ${yearlyPseudonym('1'.repeat(32), '2026')}`) }],
  ];
  it.each(cases)('catches %s, names the entry and which part no longer matches', async (_name, sql, expected) => {
    const { t, entry } = await world();
    tamper(t, sql((kind) => entry(kind).id));
    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: false, what: 'hash', table: 'ledger_entries', rowId: entry(expected.kind).id, part: expected.part });
    if (r.ok) return;
    expect(r.detail).toMatch(expected.detail);
    expect(formatVerdict(r)).toMatch(/^FAIL hash at ledger_entries row \d+: /);
  });

  it('refuses a version 2 row slipped in after version 3 rows, even when it is hashed and linked correctly', async () => {
    const { t, w } = await world();
    const c = t.db.$client;
    const village = w.areas.villageA.id;
    const chain = c.prepare('SELECT last_seq AS seq, head_hash AS head FROM ledger_chains WHERE village_id = ?').get(village) as { seq: number; head: string };
    const balance = (c.prepare('SELECT balance FROM households WHERE id = ?').get(w.household.id) as { balance: number }).balance;
    const row = {
      householdId: w.household.id, villageId: village, kind: 'adjustment' as const, points: 100, balanceAfter: balance + 100, conductPoints: 0, occurredOn: '2026-06-05',
      ruleId: null, category: null, awardId: null, redemptionId: null, reversesId: null, note: '补录', createdBy: null, createdAt: 1, prevHash: chain.head, chainId: village, seq: chain.seq + 1,
    };
    const hash = chainedLedgerHash(row);
    c.prepare(
      `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, note, created_at, prev_hash, hash, chain_id, seq, hash_version)
       VALUES (?, ?, 'adjustment', 100, ?, 0, '2026-06-05', '补录', 1, ?, ?, ?, ?, 2)`,
    ).run(row.householdId, village, row.balanceAfter, row.prevHash, hash, village, row.seq);
    c.prepare('UPDATE households SET balance = ? WHERE id = ?').run(row.balanceAfter, w.household.id);
    c.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = ?').run(row.seq, hash, village);
    const id = (c.prepare('SELECT MAX(id) AS id FROM ledger_entries').get() as { id: number }).id;
    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: false, what: 'chain', table: 'ledger_entries', rowId: id });
    if (r.ok) return;
    expect(r.detail).toContain(`entry ${row.seq} of village ${village} has hash version 2 after version 3 entries`);
  });
});
