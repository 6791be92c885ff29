import { asc } from 'drizzle-orm';
import { expect } from 'vitest';
import type { SqliteDb } from '../../db/client';
import { chainHeadOf, GENESIS_HASH, ledgerHash, yearlyPseudonym } from '../../db/ledger';
import { countyIdBase, rangeOf } from '../../db/idRange';
import { ledgerEntries } from '../../db/schema';
import { periodsOfDay } from '../../db/time';

type Row = Record<string, number | string | null>;
const all = (db: SqliteDb, q: string) => db.$client.prepare(q).all() as Row[];

/** The ledger's promises, checked over a whole seeded database. */
export function expectLedgerInvariants(db: SqliteDb): void {
  // Balance = sum of entries, never negative, and each entry's balanceAfter follows from the one before.
  const mismatched = all(
    db,
    `SELECT h.id, h.balance, COALESCE(SUM(l.points), 0) AS total FROM households h LEFT JOIN ledger_entries l ON l.household_id = h.id
     GROUP BY h.id HAVING h.balance != total OR h.balance < 0`,
  );
  expect(mismatched).toEqual([]);
  const running = new Map<number, number>();
  // One chain per village: each entry links to the one before it in its village, seq 1, 2, 3 …
  const chains = new Map<number | null, { seq: number; hash: string }>();
  let lastHash = GENESIS_HASH;
  // Ids run on from the county's range start (db/idRange.ts): 1, 2, 3 … or k·10^10 + 1, + 2 …
  const firstId = Number(all(db, 'SELECT MIN(id) AS id FROM ledger_entries')[0].id ?? 1);
  let lastId = countyIdBase(rangeOf(firstId));
  let lastAt = 0;
  const broken: number[] = [];
  // Version 3 hashes also cover the household's pseudonym of the entry's year and the reversed entry's seq.
  const seeds = new Map(all(db, 'SELECT id, pseudonym_seed AS seed FROM households').map((r) => [Number(r.id), String(r.seed)]));
  const places = new Map<number, { chainId: number | null; seq: number | null }>();
  for (const row of db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id)).all()) {
    const reversed = row.reversesId ? places.get(row.reversesId) : undefined;
    const reversesSeq = reversed && reversed.chainId === row.chainId ? reversed.seq : null;
    places.set(row.id, { chainId: row.chainId, seq: row.seq });
    const after = (running.get(row.householdId) ?? 0) + row.points;
    running.set(row.householdId, after);
    // Contiguous ids, chained hashes, running balances, never negative, appended in time order.
    const chain = chains.get(row.chainId) ?? { seq: 0, hash: GENESIS_HASH };
    const ok = row.id === lastId + 1 && row.seq === chain.seq + 1 && row.prevHash === chain.hash && ledgerHash({ ...row, pseudonym: yearlyPseudonym(seeds.get(row.householdId)!, row.occurredOn.slice(0, 4)), reversesSeq }) === row.hash && row.balanceAfter === after && after >= 0 && row.createdAt >= lastAt;
    if (!ok) broken.push(row.id);
    chains.set(row.chainId, { seq: row.seq ?? 0, hash: row.hash });
    lastHash = row.hash;
    lastId = row.id;
    lastAt = row.createdAt;
  }
  expect(broken).toEqual([]);
  expect(chainHeadOf(db)).toEqual({ lastEntryId: lastId, hash: lastHash });
}

/** Cached period scores equal the conduct points of the ledger, per household and period. */
export function expectScoresMatchLedger(db: SqliteDb): void {
  const expected = new Map<string, number>();
  for (const r of all(db, 'SELECT household_id AS h, occurred_on AS d, conduct_points AS c FROM ledger_entries WHERE conduct_points != 0')) {
    for (const p of periodsOfDay(String(r.d))) expected.set(`${r.h}|${p}`, (expected.get(`${r.h}|${p}`) ?? 0) + Number(r.c));
  }
  const actual = new Map(all(db, 'SELECT household_id AS h, period AS p, score AS s FROM household_period_scores').map((r) => [`${r.h}|${r.p}`, Number(r.s)]));
  expect(actual).toEqual(expected);
}

/** Stock = sum of movements, never negative, each movement's stockAfter consistent. */
export function expectStockInvariants(db: SqliteDb): void {
  expect(
    all(db, `SELECT g.id FROM goods g LEFT JOIN stock_movements m ON m.goods_id = g.id GROUP BY g.id HAVING g.stock != COALESCE(SUM(m.quantity), 0) OR g.stock < 0`),
  ).toEqual([]);
  const running = new Map<number, number>();
  const broken: number[] = [];
  for (const m of all(db, 'SELECT id, goods_id AS g, quantity AS q, stock_after AS s FROM stock_movements ORDER BY id')) {
    const after = (running.get(Number(m.g)) ?? 0) + Number(m.q);
    if (Number(m.s) !== after || after < 0) broken.push(Number(m.id));
    running.set(Number(m.g), after);
  }
  expect(broken).toEqual([]);
}

/** Posted awards and redemptions each have exactly their ledger entry; reviewers are never the proposers. */
export function expectRecordsMatchLedger(db: SqliteDb): void {
  expect(
    all(
      db,
      `SELECT a.id FROM awards a LEFT JOIN ledger_entries l ON l.id = a.ledger_entry_id
       WHERE a.status = 'posted' AND (l.id IS NULL OR l.award_id != a.id OR l.conduct_points != a.points OR l.kind NOT IN ('award', 'deduction')
         OR a.posted_at IS NULL OR a.reviewed_by IS NULL OR a.reviewed_by = a.proposed_by OR l.created_at != a.posted_at OR l.occurred_on != a.occurred_on)`,
    ),
  ).toEqual([]);
  expect(all(db, `SELECT a.id FROM awards a WHERE a.status != 'posted' AND (a.ledger_entry_id IS NOT NULL OR a.posted_at IS NOT NULL)`)).toEqual([]);
  expect(all(db, `SELECT l.id FROM ledger_entries l LEFT JOIN awards a ON a.ledger_entry_id = l.id WHERE l.kind IN ('award', 'deduction') AND a.id IS NULL`)).toEqual([]);
  expect(all(db, `SELECT a.id FROM awards a JOIN users u ON u.id = a.reviewed_by WHERE u.role != 'reviewer'`)).toEqual([]);
  expect(
    all(
      db,
      `SELECT r.id FROM redemptions r LEFT JOIN ledger_entries l ON l.id = r.ledger_entry_id
       WHERE l.id IS NULL OR l.kind != 'redemption' OR l.points != -r.points OR l.redemption_id != r.id OR l.balance_after != r.balance_after
         OR r.points != (SELECT SUM(i.points) FROM redemption_items i WHERE i.redemption_id = r.id)`,
    ),
  ).toEqual([]);
  // Each redemption line took exactly its quantity out of stock.
  expect(
    all(
      db,
      `SELECT i.redemption_id FROM redemption_items i
       LEFT JOIN (SELECT redemption_id, goods_id, SUM(quantity) AS q FROM stock_movements WHERE kind = 'redemption' GROUP BY redemption_id, goods_id) m
         ON m.redemption_id = i.redemption_id AND m.goods_id = i.goods_id
       WHERE m.q IS NULL OR m.q != -i.quantity OR i.points != i.price * i.quantity`,
    ),
  ).toEqual([]);
  expect(all(db, `SELECT l.id FROM ledger_entries l JOIN ledger_entries o ON o.id = l.reverses_id WHERE l.kind = 'reversal' AND (l.conduct_points != -o.conduct_points OR l.occurred_on != o.occurred_on)`)).toEqual([]);
  // A deed happens before it is proposed, reviewed, on notice and posted.
  const outOfOrder = all(db, 'SELECT id, occurred_on AS d, proposed_at AS p, reviewed_at AS r, notice_ends_at AS n, posted_at AS t FROM awards').filter((a) => {
    const times = [Date.parse(`${a.d}T00:00:00+08:00`), a.p, a.r, a.n, a.t].filter((x) => x != null).map(Number);
    return times.some((x, i) => i > 0 && x < times[i - 1]);
  });
  expect(outOfOrder.map((a) => a.id)).toEqual([]);
  // Monthly caps of rules hold (rejected proposals do not count).
  expect(
    all(
      db,
      `SELECT a.household_id, a.rule_id, substr(a.occurred_on, 1, 7) AS month FROM awards a JOIN rules r ON r.id = a.rule_id
       WHERE r.monthly_cap IS NOT NULL AND a.status != 'rejected' GROUP BY 1, 2, 3 HAVING SUM(a.quantity) > MAX(r.monthly_cap)`,
    ),
  ).toEqual([]);
  // Monthly limits of goods hold.
  expect(
    all(
      db,
      `SELECT i.household_id, i.goods_id, i.month FROM redemption_items i JOIN goods g ON g.id = i.goods_id
       WHERE g.monthly_limit IS NOT NULL GROUP BY i.household_id, i.goods_id, i.month HAVING SUM(i.quantity) > MAX(g.monthly_limit)`,
    ),
  ).toEqual([]);
  expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
}

export function expectAllInvariants(db: SqliteDb): void {
  expectLedgerInvariants(db);
  expectScoresMatchLedger(db);
  expectStockInvariants(db);
  expectRecordsMatchLedger(db);
}

export function countOf(db: SqliteDb, q: string): number {
  return Number((db.$client.prepare(q).get() as { n: number }).n);
}
