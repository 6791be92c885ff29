/**
 * The dashboard's kept totals (ledger_month_totals, village_period_awardees) against the ledger itself, on a
 * randomly generated county (fixed seed) whose history mixes every kind the ledger holds, both posting paths
 * (the async one the app uses, the synchronous bulk twin) and real reversals and adjustments over HTTP.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { pointsByCategory, pointsByMonth, awardedHouseholdsPerVillage, type DashboardScope } from '../../db/dashboard/figures';
import { appendLedgerEntry, postLedgerEntry, type NewLedgerEntry } from '../../db/ledger';
import type { LedgerKind } from '../../db/schema/ledger';
import { rebuildLedgerTotals } from '../../db/ledger/totals';
import { ledgerEntries, households as householdsTable } from '../../db/schema';
import { sqlOf } from '../../db/sql';
import { periodRange, periodsOfDay } from '../../db/time';
import { transaction } from '../../db/transaction';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld, writeNow } from '../support/factories';

/** Deterministic pseudo-random numbers (mulberry32): the history is varied, the test repeatable. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * n | 0;
  };
}

const CATEGORIES = ['hygiene', 'public_welfare', 'family_virtue', null] as const;

async function randomCounty(seed: number) {
  const t = makeTestApp('2026-12-20T02:00:00.000Z');
  const w = await makeWorld(t);
  const rand = seeded(seed);
  const villages = [w.areas.villageA, w.areas.villageA2, w.areas.villageB];
  const hs = villages.flatMap((v) => Array.from({ length: 7 }, (_, i) => makeHousehold(t.db, v.id, { headName: `户主${v.id}-${i}`, doorNo: `${v.id}-${i}号` })));
  const balance = (id: number) => t.db.select().from(householdsTable).all().find((h) => h.id === id)!.balance;
  const day = () => `${2025 + rand(2)}-${String(1 + rand(12)).padStart(2, '0')}-${String(1 + rand(28)).padStart(2, '0')}`;
  const posted: { id: number; kind: LedgerKind }[] = [];

  for (let i = 0; i < 500; i++) {
    const h = hs[rand(hs.length)];
    const on = day();
    const at = Date.parse(`${on}T04:00:00Z`);
    const roll = rand(20);
    let entry: NewLedgerEntry | null = null;
    if (roll < 9) {
      const p = 1 + rand(30);
      entry = { householdId: h.id, villageId: h.villageId, kind: 'award', points: p, conductPoints: p, occurredOn: on, category: CATEGORIES[rand(4)], createdAt: at };
    } else if (roll < 11) {
      entry = { householdId: h.id, villageId: h.villageId, kind: 'deduction', points: -(1 + rand(5)), conductPoints: -(1 + rand(5)), occurredOn: on, category: CATEGORIES[rand(4)], createdAt: at };
    } else if (roll < 14) {
      const p = Math.min(balance(h.id), 1 + rand(40));
      if (p > 0) entry = { householdId: h.id, villageId: h.villageId, kind: 'redemption', points: -p, conductPoints: 0, occurredOn: on, createdAt: at };
    } else if (roll < 15) {
      const p = balance(h.id);
      if (p > 0) entry = { householdId: h.id, villageId: h.villageId, kind: 'expiry', points: -p, conductPoints: 0, occurredOn: on, note: '年度清零', createdAt: at };
    } else if (roll < 16) {
      entry = { householdId: h.id, villageId: h.villageId, kind: 'adjustment', points: 1 + rand(10), conductPoints: 0, occurredOn: on, note: '补录', createdAt: at };
    } else if (roll < 18 && posted.length) {
      // A real reversal through the app (any earlier entry that is not itself a reversal, once).
      const target = posted.splice(rand(posted.length), 1)[0];
      if (target.kind !== 'reversal') {
        const county = await login(t, 'county');
        const res = await call(t, 'POST', `/api/ledger/${target.id}/reverse`, { cookie: county, body: { reason: '录入错误' } });
        // A reversal that would overdraw the household is refused; anything else must succeed.
        expect([201, 409, 422], JSON.stringify(res.body)).toContain(res.status);
      }
    } else {
      const county = await login(t, 'county');
      const res = await call(t, 'POST', `/api/households/${h.id}/adjust`, { cookie: county, body: { points: 1 + rand(20), reason: '补发' } });
      expect(res.status).toBe(201);
    }
    if (!entry) continue;
    const e = entry;
    // Half through the async store the app uses, half through the synchronous bulk twin.
    const row = rand(2) ? await transaction(t.db, (tx) => postLedgerEntry(tx, e)) : writeNow(t.db, () => appendLedgerEntry(t.db, e));
    posted.push({ id: row.id, kind: row.kind });
  }
  return { t, w, villages };
}

type Entry = typeof ledgerEntries.$inferSelect;

/** ledger_month_totals as a GROUP BY over the ledger would give it, computed here from the raw rows. */
function monthTotalsOf(entries: readonly Entry[]): Map<string, { points: number; entries: number }> {
  const out = new Map<string, { points: number; entries: number }>();
  for (const e of entries) {
    const key = `${e.villageId}/${e.occurredOn.slice(0, 7)}/${e.kind}/${e.category ?? ''}`;
    const t = out.get(key) ?? { points: 0, entries: 0 };
    out.set(key, { points: t.points + e.points, entries: t.entries + 1 });
  }
  return out;
}

/** village_period_awardees from the raw rows: distinct households with an award per village and period. */
function awardeesOf(entries: readonly Entry[]): Map<string, number> {
  const sets = new Map<string, Set<number>>();
  for (const e of entries.filter((x) => x.kind === 'award')) {
    for (const p of periodsOfDay(e.occurredOn)) {
      const key = `${e.villageId}/${p}`;
      sets.set(key, (sets.get(key) ?? new Set()).add(e.householdId));
    }
  }
  return new Map([...sets].map(([k, s]) => [k, s.size]));
}

async function keptTotals(db: Db) {
  const q = sqlOf(db);
  const months = await q.all<{ villageId: number; month: string; kind: string; category: string; points: number; entries: number }>(
    'SELECT village_id AS "villageId", month, kind, category, points, entries FROM ledger_month_totals',
  );
  const awardees = await q.all<{ villageId: number; period: string; households: number }>('SELECT village_id AS "villageId", period, households FROM village_period_awardees');
  return {
    months: new Map(months.map((r) => [`${r.villageId}/${r.month}/${r.kind}/${r.category}`, { points: r.points, entries: r.entries }])),
    awardees: new Map(awardees.map((r) => [`${r.villageId}/${r.period}`, r.households])),
  };
}

/** The dashboard's three ledger figures as they were computed before the totals: straight from the ledger. */
async function fromLedger(db: Db, s: DashboardScope) {
  const q = sqlOf(db);
  const villages = s.villageIds.length ? [...s.villageIds] : [-1];
  const where = `village_id IN (${villages.map(() => '?').join(', ')}) AND occurred_on >= ? AND occurred_on <= ?`;
  const params = [...villages, s.from, s.to];
  const byMonth = await q.all<{ month: string; kind: string; points: number }>(
    `SELECT substr(occurred_on, 1, 7) AS month, kind, SUM(points) AS points FROM ledger_entries
      WHERE ${where} AND kind IN ('award', 'deduction', 'redemption') GROUP BY substr(occurred_on, 1, 7), kind ORDER BY substr(occurred_on, 1, 7), kind`,
    params,
  );
  const byCategory = await q.all<{ category: string | null; kind: string; points: number; entries: number }>(
    `SELECT category, kind, SUM(points) AS points, COUNT(*) AS entries FROM ledger_entries
      WHERE ${where} AND kind IN ('award', 'deduction') GROUP BY category, kind ORDER BY category IS NOT NULL, category, kind`,
    params,
  );
  const awarded = await q.all<{ villageId: number; n: number }>(
    `SELECT village_id AS "villageId", COUNT(DISTINCT household_id) AS n FROM ledger_entries WHERE ${where} AND kind = 'award' GROUP BY village_id`,
    params,
  );
  return { byMonth, byCategory, awarded: new Map(awarded.map((r) => [r.villageId, r.n])) };
}

describe('dashboard totals kept at posting', () => {
  it('equal a GROUP BY over the ledger after awards, deductions, redemptions, expiry, adjustments and reversals on both posting paths', async () => {
    const { t } = await randomCounty(20261128);
    const entries = t.db.select().from(ledgerEntries).all();
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of ['award', 'deduction', 'redemption', 'expiry', 'adjustment', 'reversal']) expect(kinds, k).toContain(k);
    const kept = await keptTotals(t.db);
    expect(kept.months).toEqual(monthTotalsOf(entries));
    expect(kept.awardees).toEqual(awardeesOf(entries));
    expect((await verifyDatabase(t.db)).ok).toBe(true);

    // A rebuild from the ledger gives the same tables.
    await rebuildLedgerTotals(t.db);
    expect(await keptTotals(t.db)).toEqual(kept);
  });

  it('give the dashboard the same figures as summing the ledger, for every area and period', async () => {
    const { t, w, villages } = await randomCounty(7);
    const sets = [villages.map((v) => v.id), [w.areas.villageA.id, w.areas.villageA2.id], [w.areas.villageB.id], []];
    for (const villageIds of sets) {
      for (const period of ['2024', '2025', '2026', '2025-Q4', '2026-Q1', '2026-02', '2025-12', '2027-01']) {
        const { from, to } = periodRange(period);
        const s: DashboardScope = { villageIds, storeIds: [], period, from, to, fromMs: 0, toMs: 0 };
        const old = await fromLedger(t.db, s);
        expect(await pointsByMonth(t.db, s), `${period} ${villageIds}`).toEqual(old.byMonth);
        expect(await pointsByCategory(t.db, s), `${period} ${villageIds}`).toEqual(old.byCategory);
        expect(await awardedHouseholdsPerVillage(t.db, s), `${period} ${villageIds}`).toEqual(old.awarded);
      }
    }
  });

  it('are checked by verify, which names the village and month of a kept total that no longer matches the ledger', async () => {
    const { t, w } = await randomCounty(99);
    const c = t.db.$client;
    const v = w.areas.villageA;
    const row = c.prepare(`SELECT month, kind, category FROM ledger_month_totals WHERE village_id = ? AND kind = 'award' ORDER BY month LIMIT 1`).get(v.id) as { month: string; kind: string; category: string };

    // A forger adding points to a month (the totals table has no triggers: it is updated in place).
    c.prepare('UPDATE ledger_month_totals SET points = points + 100 WHERE village_id = ? AND month = ? AND kind = ? AND category = ?').run(v.id, row.month, row.kind, row.category);
    let r = await verifyDatabase(t.db);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.what).toBe('totals');
      expect(r.table).toBe('ledger_month_totals');
      expect(r.detail).toContain(v.name);
      expect(r.detail).toContain(`month ${row.month}`);
    }
    c.prepare('UPDATE ledger_month_totals SET points = points - 100 WHERE village_id = ? AND month = ? AND kind = ? AND category = ?').run(v.id, row.month, row.kind, row.category);
    expect((await verifyDatabase(t.db)).ok).toBe(true);

    // A month dropped, a month made up, an awardee count moved: each one fails.
    const saved = c.prepare('SELECT * FROM ledger_month_totals WHERE village_id = ? AND month = ? AND kind = ? AND category = ?').get(v.id, row.month, row.kind, row.category) as Record<string, unknown>;
    c.prepare('DELETE FROM ledger_month_totals WHERE village_id = ? AND month = ? AND kind = ? AND category = ?').run(v.id, row.month, row.kind, row.category);
    r = await verifyDatabase(t.db);
    expect(r.ok || r.detail).toMatch(/missing, the ledger gives/);
    c.prepare('INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries) VALUES (@village_id, @month, @kind, @category, @points, @entries)').run(saved);
    c.prepare(`INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries) VALUES (?, '2019-01', 'award', 'hygiene', 5, 1)`).run(v.id);
    r = await verifyDatabase(t.db);
    expect(r.ok || r.detail).toMatch(/month 2019-01.*no such entry/);
    c.prepare(`DELETE FROM ledger_month_totals WHERE month = '2019-01'`).run();
    c.prepare(`UPDATE village_period_awardees SET households = households + 1 WHERE village_id = ? AND period = '2026'`).run(v.id);
    r = await verifyDatabase(t.db);
    expect(r.ok || `${r.table} ${r.detail}`).toMatch(new RegExp(`village_period_awardees .*${v.name}.*period 2026:`));
    c.prepare(`UPDATE village_period_awardees SET households = households - 1 WHERE village_id = ? AND period = '2026'`).run(v.id);
    expect((await verifyDatabase(t.db)).ok).toBe(true);
  });
});
