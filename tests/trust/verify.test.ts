import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { GENESIS_HASH, ledgerHash } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

/** A world that has been through every kind of ledger write the API offers. */
async function busyWorld(t: TestApp = makeTestApp()) {
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const clerk = await login(t, 'clerk');
  const township = await login(t, 'township');
  const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 20, occurredOn: '2026-03-10' } });
  await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer });
  const deduction = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.deduction.id, quantity: 1, occurredOn: '2026-06-01' } });
  const posted = await call(t, 'POST', `/api/awards/${deduction.body.id}/approve`, { cookie: reviewer });
  await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: w.rule.id, occurredOn: '2026-06-02', items: [{ householdId: w.household.id, quantity: 2 }] } });
  const pass = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cadre, body: { reason: '老人不会用手机' } });
  const redeemed = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'verify-0001' }, body: { code: pass.body.code, items: [{ goodsId: w.oil.id, quantity: 1 }] } });
  expect(redeemed.status).toBe(201);
  const reversed = await call(t, 'POST', `/api/ledger/${posted.body.ledgerEntryId}/reverse`, { cookie: township, body: { reason: '误扣' } });
  expect(reversed.status).toBe(201);
  return { t, w };
}

function tamper(t: TestApp, sql: string) {
  const c = t.db.$client;
  c.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete; DROP TRIGGER IF EXISTS stock_movements_no_update; DROP TRIGGER IF EXISTS stock_movements_no_delete');
  c.exec(sql);
}

describe('verifyDatabase', () => {
  it('passes on a ledger written only through the app and reports its chain head', async () => {
    const { t } = await busyWorld();
    const r = verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const head = await call(t, 'GET', '/api/public/chain-head');
    expect(head.status).toBe(200);
    expect(head.body).toEqual({ lastEntryId: r.head.lastEntryId, hash: r.head.hash });
    expect(r.entries).toBe(r.head.lastEntryId);
  });

  it('passes on an empty database', () => {
    const t = makeTestApp();
    expect(verifyDatabase(t.db)).toMatchObject({ ok: true, entries: 0, head: { lastEntryId: 0 } });
  });

  const cases: [string, string, { what: string; table: string; rowId: unknown }][] = [
    ['an entry edited in place', 'UPDATE ledger_entries SET points = points + 100, balance_after = balance_after + 100 WHERE id = 2', { what: 'hash', table: 'ledger_entries', rowId: 2 }],
    ['an entry moved to another day', 'UPDATE ledger_entries SET occurred_on = \'2026-01-01\' WHERE id = 1', { what: 'hash', table: 'ledger_entries', rowId: 1 }],
    ['an entry deleted from the middle', 'DELETE FROM ledger_entries WHERE id = 2', { what: 'chain', table: 'ledger_entries', rowId: 3 }],
    ['the last entry deleted', 'DELETE FROM ledger_entries WHERE id = (SELECT MAX(id) FROM ledger_entries)', { what: 'chain', table: 'chain_head', rowId: 1 }],
    ['the reason on an entry rewritten', "UPDATE ledger_entries SET note = '已核实' WHERE id = 1", { what: 'hash', table: 'ledger_entries', rowId: 1 }],
    ['who made an entry rewritten', 'UPDATE ledger_entries SET created_by = 999 WHERE id = 2', { what: 'hash', table: 'ledger_entries', rowId: 2 }],
    ['a cached balance changed', 'UPDATE households SET balance = balance + 1', { what: 'balance', table: 'households', rowId: expect.any(Number) }],
    ['a cached stock changed', 'UPDATE goods SET stock = stock + 5 WHERE id = 1', { what: 'stock', table: 'goods', rowId: 1 }],
    ['a stock movement edited', 'UPDATE stock_movements SET quantity = quantity + 1 WHERE id = 1', { what: 'stock', table: 'stock_movements', rowId: 1 }],
    ['a conduct score changed', "UPDATE household_period_scores SET score = score + 10 WHERE period LIKE '2026-Q%'", { what: 'score', table: 'household_period_scores', rowId: expect.stringMatching(/Q/) }],
    ['a conduct score row removed', "DELETE FROM household_period_scores WHERE period = '2026-06'", { what: 'score', table: 'household_period_scores', rowId: expect.stringMatching(/2026-06$/) }],
    ['a posted award unlinked from its entry', "UPDATE awards SET ledger_entry_id = NULL WHERE status = 'posted' AND id = 1", { what: 'award', table: 'awards', rowId: 1 }],
    ['a pending award marked posted without an entry', "UPDATE awards SET status = 'posted' WHERE status = 'pending'", { what: 'award', table: 'awards', rowId: expect.any(Number) }],
    ['a redemption whose points were changed', 'UPDATE redemptions SET points = points - 1', { what: 'redemption', table: 'redemptions', rowId: 1 }],
  ];
  it.each(cases)('catches %s and names the first bad row', async (_name, sql, expected) => {
    const { t } = await busyWorld();
    tamper(t, sql);
    const r = verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: false, ...expected });
  });

  it('shows a fully re-chained forgery by a changed chain head, which is why the head is published', async () => {
    const { t } = await busyWorld();
    const published = verifyDatabase(t.db);
    if (!published.ok) throw new Error('setup failed');
    // Someone with the file rewrites entry 1's timestamp and re-hashes the whole chain after it.
    tamper(t, 'UPDATE ledger_entries SET created_at = created_at + 1 WHERE id = 1');
    const rows = t.db.$client.prepare('SELECT id, household_id AS householdId, village_id AS villageId, kind, points, balance_after AS balanceAfter, conduct_points AS conductPoints, occurred_on AS occurredOn, rule_id AS ruleId, award_id AS awardId, redemption_id AS redemptionId, reverses_id AS reversesId, category, note, created_by AS createdBy, created_at AS createdAt FROM ledger_entries ORDER BY id').all() as Parameters<typeof ledgerHash>[0][];
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const hash = ledgerHash({ ...r, prevHash: prev });
      t.db.$client.prepare('UPDATE ledger_entries SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    t.db.$client.prepare('UPDATE chain_head SET hash = ?').run(prev);
    const forged = verifyDatabase(t.db);
    expect(forged.ok).toBe(true);
    if (forged.ok) expect(forged.head.hash).not.toBe(published.head.hash);
  });
});

describe('npm run verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one OK line with the chain head, and one FAIL line naming the bad row after tampering', async () => {
    const file = join(dir, 'v.db');
    const db = openDb({ file });
    const t = { ...makeTestApp(), db } as TestApp;
    const { createApp } = await import('../../server/app');
    const { testConfig } = await import('../support/app');
    const clock = t.clock;
    t.app = createApp({ db, config: testConfig, now: () => clock.now });
    await busyWorld(t);
    const head = verifyDatabase(db);
    db.$client.close();
    if (!head.ok) throw new Error('setup failed');
    const run = () => {
      try {
        return { code: 0, out: execFileSync('npx', ['tsx', 'server/cli/verify.ts', '--db', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) };
      } catch (err) {
        const e = err as { status: number; stdout: string };
        return { code: e.status, out: e.stdout };
      }
    };
    const ok = run();
    expect(ok.code).toBe(0);
    expect(ok.out.trim()).toBe(`OK chain head ${head.head.hash} at entry ${head.head.lastEntryId}; ${head.entries} entries, ${head.households} households, ${head.goods} goods`);

    const raw = openDb({ file, migrate: false });
    raw.$client.exec('DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET points = 1000, balance_after = 1000 WHERE id = 1');
    raw.$client.close();
    const bad = run();
    expect(bad.code).not.toBe(0);
    expect(bad.out.trim().split('\n')).toHaveLength(1);
    expect(bad.out).toMatch(/^FAIL hash at ledger_entries row 1: /);
  });
});
