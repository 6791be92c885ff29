import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { sealedLedgerHash, yearlyPseudonym, type LedgerRow } from '../../db/ledger';
import { rebuildLedgerTotals } from '../../db/ledger/totals';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld, writeNow } from '../support/factories';

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
  // A second village, so two chains grow side by side.
  const county = await login(t, 'county');
  const adjusted = await call(t, 'POST', `/api/households/${w.otherHousehold.id}/adjust`, { cookie: county, body: { points: 12, reason: '补录' } });
  expect(adjusted.status).toBe(201);
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
    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const head = await call(t, 'GET', '/api/public/chain-head');
    expect(head.status).toBe(200);
    // One chain per village that has entries, each as long as its village's part of the ledger.
    const perVillage = t.db.$client.prepare('SELECT village_id AS villageId, COUNT(*) AS n FROM ledger_entries GROUP BY village_id ORDER BY village_id').all() as { villageId: number; n: number }[];
    expect(perVillage).toHaveLength(2);
    expect(r.chains.map((c) => ({ villageId: c.villageId, n: c.lastSeq }))).toEqual(perVillage);
    expect(head.body).toEqual({
      lastEntryId: r.head.lastEntryId,
      hash: r.head.hash,
      villages: r.chains.map((c) => ({ id: c.villageId, name: c.villageName, lastSeq: c.lastSeq, hash: c.hash })),
    });
    expect(r.entries).toBe(r.head.lastEntryId);
  });

  it('passes on an empty database', async () => {
    const t = makeTestApp();
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true, entries: 0, head: { lastEntryId: 0 } });
  });

  const cases: [string, string, { what: string; table: string; rowId: unknown }][] = [
    ['an entry edited in place', 'UPDATE ledger_entries SET points = points + 100, balance_after = balance_after + 100 WHERE id = 2', { what: 'hash', table: 'ledger_entries', rowId: 2 }],
    ['an entry moved to another day', 'UPDATE ledger_entries SET occurred_on = \'2026-01-01\' WHERE id = 1', { what: 'hash', table: 'ledger_entries', rowId: 1 }],
    ['an entry deleted from the middle', 'DELETE FROM ledger_entries WHERE id = 2', { what: 'chain', table: 'ledger_entries', rowId: 3 }],
    ['the last entry of a village deleted', 'DELETE FROM ledger_entries WHERE id = (SELECT MAX(id) FROM ledger_entries)', { what: 'chain', table: 'ledger_chains', rowId: expect.any(Number) }],
    ['the first entry of a village deleted', 'DELETE FROM ledger_entries WHERE id = 1', { what: 'chain', table: 'ledger_entries', rowId: 2 }],
    ['an entry moved to the other village chain', 'UPDATE ledger_entries SET chain_id = (SELECT MAX(chain_id) FROM ledger_entries), village_id = (SELECT MAX(chain_id) FROM ledger_entries) WHERE id = 3', { what: 'chain', table: 'ledger_entries', rowId: 3 }],
    ['two entries of a chain swapped in seq', 'UPDATE ledger_entries SET seq = -1 WHERE id = 2; UPDATE ledger_entries SET seq = 2 WHERE id = 3; UPDATE ledger_entries SET seq = 3 WHERE id = 2', { what: 'chain', table: 'ledger_entries', rowId: 2 }],
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
    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: false, ...expected });
  });

  it('shows a fully re-chained forgery by a changed village chain head, which is why the heads are published', async () => {
    const { t } = await busyWorld();
    const published = await verifyDatabase(t.db);
    if (!published.ok) throw new Error('setup failed');
    // Someone with the file rewrites entry 1's timestamp and re-hashes its village's chain after it.
    tamper(t, 'UPDATE ledger_entries SET created_at = created_at + 1 WHERE id = 1');
    const c = t.db.$client;
    const rows = c.prepare('SELECT id, household_id AS householdId, village_id AS villageId, kind, points, balance_after AS balanceAfter, conduct_points AS conductPoints, occurred_on AS occurredOn, rule_id AS ruleId, award_id AS awardId, redemption_id AS redemptionId, reverses_id AS reversesId, category, note, created_by AS createdBy, created_at AS createdAt, chain_id AS chainId, seq, hash_version AS hashVersion, salt, rule_public AS rulePublic, (SELECT pseudonym_seed FROM households h WHERE h.id = household_id) AS seed, (SELECT o.seq FROM ledger_entries o WHERE o.id = ledger_entries.reverses_id AND o.chain_id = ledger_entries.chain_id) AS reversesSeq FROM ledger_entries WHERE chain_id = (SELECT chain_id FROM ledger_entries WHERE id = 1) ORDER BY seq').all() as (Omit<LedgerRow, 'prevHash' | 'hash'> & { chainId: number; seq: number; salt: string; seed: string; reversesSeq: number | null })[];
    let prev = (c.prepare('SELECT genesis_hash AS g FROM ledger_chains WHERE village_id = ?').get(rows[0].chainId) as { g: string }).g;
    for (const r of rows) {
      const { hash, privateDigest } = sealedLedgerHash({ ...r, prevHash: prev }, { pseudonym: yearlyPseudonym(r.seed, r.occurredOn.slice(0, 4)), reversesSeq: r.reversesSeq });
      c.prepare('UPDATE ledger_entries SET prev_hash = ?, hash = ?, private_digest = ? WHERE id = ?').run(prev, hash, privateDigest, r.id);
      prev = hash;
    }
    c.prepare('UPDATE ledger_chains SET head_hash = ? WHERE village_id = ?').run(prev, rows[0].chainId);
    const forged = await verifyDatabase(t.db);
    expect(forged.ok).toBe(true);
    if (!forged.ok) return;
    expect(forged.chains[0].hash).not.toBe(published.chains[0].hash);
    // The other village's head is untouched: a forgery shows only in the chain it rewrote.
    expect(forged.chains[1]).toEqual(published.chains[1]);
  });

  // SQLite keeps the bytes better-sqlite3 hands it (ED A0 BD for U+D83D); a copy through other tools may hold U+FFFD instead.
  it.each([
    ['kept as the surrogate\'s bytes', '补录\uD83D'],
    ['turned into U+FFFD', '补录\uFFFD'],
  ])('names text an old version stored with a lone surrogate (%s) as damaged, not tampered, and still checks the rest', async (_how, storedNote) => {
    const { t, w } = await busyWorld();
    const c = t.db.$client;
    // What an old version did: hash the JavaScript string, store what SQLite makes of it. The check that
    // refuses such text now is bypassed by writing the row directly, as that version would have.
    c.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update');
    const note = '补录\uD83D';
    const row = c.prepare('SELECT seq, head_hash AS head FROM ledger_chains c JOIN (SELECT MAX(seq) AS seq FROM ledger_entries WHERE chain_id = ?) ON 1 WHERE village_id = ?').get(w.areas.villageA.id, w.areas.villageA.id) as { seq: number; head: string };
    const balance = (c.prepare('SELECT balance FROM households WHERE id = ?').get(w.household.id) as { balance: number }).balance;
    const entry = { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment' as const, points: 1, balanceAfter: balance + 1, conductPoints: 0, occurredOn: '2026-06-03', ruleId: null, category: null, awardId: null, redemptionId: null, reversesId: null, note, createdBy: null, createdAt: 1, prevHash: row.head, chainId: w.areas.villageA.id, seq: row.seq + 1, salt: 'ab'.repeat(16) };
    // The chain is at version 3 now, so the damaged row is sealed as version 3 (an older version after it would be refused).
    const seed = (c.prepare('SELECT pseudonym_seed AS seed FROM households WHERE id = ?').get(w.household.id) as { seed: string }).seed;
    const { hash, privateDigest } = sealedLedgerHash(entry, { pseudonym: yearlyPseudonym(seed, '2026'), reversesSeq: null });
    c.prepare(
      `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, note, created_at, prev_hash, hash, chain_id, seq, hash_version, salt, private_digest)
       VALUES (?, ?, 'adjustment', 1, ?, 0, '2026-06-03', ?, 1, ?, ?, ?, ?, 3, ?, ?)`,
    ).run(entry.householdId, entry.villageId, entry.balanceAfter, storedNote, entry.prevHash, hash, entry.chainId, entry.seq, entry.salt, privateDigest);
    const damagedId = (c.prepare('SELECT MAX(id) AS id FROM ledger_entries').get() as { id: number }).id;
    c.prepare('UPDATE households SET balance = balance + 1 WHERE id = ?').run(w.household.id);
    c.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = ?').run(entry.seq, hash, entry.villageId);
    // The upgrade's backfill (migration 0015) counts the old row in the dashboard's totals.
    await rebuildLedgerTotals(t.db);
    // The stored text no longer reproduces the hash the old version computed.
    expect(c.prepare('SELECT note FROM ledger_entries WHERE id = ?').get(damagedId)).not.toEqual({ note });

    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: false, what: 'damaged_text', table: 'ledger_entries', rowId: damagedId });
    if (r.ok) return;
    expect(r.damaged).toEqual([{ entryId: damagedId, villageId: w.areas.villageA.id, seq: entry.seq, field: 'note', confirmed: true }]);
    expect(r.detail).toContain(`damaged text written by an old version (lone surrogate) in the note of entry ${entry.seq} of village ${w.areas.villageA.id}`);
    expect(r.detail).toMatch(/not tampering/);

    // The rest of the chain is still checked: a later tampered row is reported as tampering, with the damage.
    tamper(t, 'UPDATE ledger_entries SET points = points + 100, balance_after = balance_after + 100 WHERE id = 2');
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'hash', rowId: 2 });
  });

  it('refuses to post text that would not survive storage, so no new entry can be damaged', async () => {
    const { t, w } = await busyWorld();
    const { appendLedgerEntry } = await import('../../db/ledger');
    expect(() =>
      writeNow(t.db, () => appendLedgerEntry(t.db, { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-06-03', note: 'x\uDC00', createdAt: 1 })),
    ).toThrow(/programming error.*not valid Unicode/);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
  });
});

describe('npm run verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each village chain head and an OK line, and one FAIL line naming the bad row after tampering', async () => {
    const file = join(dir, 'v.db');
    const db = openDb({ file });
    const t = { ...makeTestApp(), db } as TestApp;
    const { createApp } = await import('../../server/app');
    const { testConfig } = await import('../support/app');
    const clock = t.clock;
    t.app = createApp({ db, config: testConfig, now: () => clock.now });
    await busyWorld(t);
    const head = await verifyDatabase(db);
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
    expect(ok.out.trim().split('\n')).toEqual([
      ...head.chains.map((c) => `village ${c.villageName} (id ${c.villageId}): seq ${c.lastSeq} head ${c.hash}`),
      `OK 2 village chains, ledger head ${head.head.hash} at entry ${head.head.lastEntryId}; ${head.entries} entries, ${head.households} households, ${head.goods} goods`,
    ]);

    const raw = openDb({ file, migrate: false });
    raw.$client.exec('DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET points = 1000, balance_after = 1000 WHERE id = 1');
    raw.$client.close();
    const bad = run();
    expect(bad.code).not.toBe(0);
    expect(bad.out.trim().split('\n')).toHaveLength(1);
    expect(bad.out).toMatch(/^FAIL hash at ledger_entries row 1: /);
  });
});
