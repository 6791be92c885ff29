import type Database from 'better-sqlite3';
import type { Db } from './client';
import { GENESIS_HASH, ledgerHash, type LedgerRow } from './ledger';

export interface VerifyOk {
  ok: true;
  head: { lastEntryId: number; hash: string };
  entries: number;
  households: number;
  goods: number;
}

export interface VerifyFailure {
  ok: false;
  /** What kind of check failed: hash, chain, balance, stock, score, award, redemption, integrity, foreign_key. */
  what: string;
  table: string;
  rowId: string | number | null;
  detail: string;
}

export type VerifyResult = VerifyOk | VerifyFailure;

class Mismatch extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.detail);
  }
}

function fail(what: string, table: string, rowId: string | number | null, detail: string): never {
  throw new Mismatch({ ok: false, what, table, rowId, detail });
}

interface RawEntry {
  id: number;
  householdId: number;
  villageId: number;
  kind: LedgerRow['kind'];
  points: number;
  balanceAfter: number;
  conductPoints: number;
  occurredOn: string;
  ruleId: number | null;
  awardId: number | null;
  redemptionId: number | null;
  reversesId: number | null;
  category: string | null;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
  prevHash: string;
  hash: string;
}

/** Walks the chain in id order: every hash, every link, every running balance; returns balances per household. */
function checkLedger(client: Database.Database): { balances: Map<number, number>; head: { lastEntryId: number; hash: string }; entries: number } {
  const rows = client
    .prepare(
      `SELECT id, household_id AS householdId, village_id AS villageId, kind, points, balance_after AS balanceAfter,
              conduct_points AS conductPoints, occurred_on AS occurredOn, rule_id AS ruleId, award_id AS awardId,
              redemption_id AS redemptionId, reverses_id AS reversesId, category, note, created_by AS createdBy,
              created_at AS createdAt, prev_hash AS prevHash, hash
         FROM ledger_entries ORDER BY id`,
    )
    .iterate() as IterableIterator<RawEntry>;
  const balances = new Map<number, number>();
  let prev = GENESIS_HASH;
  let lastId = 0;
  let entries = 0;
  for (const e of rows) {
    // Ids are assigned as head + 1, so a gap means a row was removed.
    if (e.id !== lastId + 1) fail('chain', 'ledger_entries', e.id, `expected entry ${lastId + 1} next, found ${e.id}`);
    if (e.prevHash !== prev) fail('chain', 'ledger_entries', e.id, `prev_hash ${e.prevHash} does not match the previous entry's hash ${prev}`);
    const expected = ledgerHash(e);
    if (e.hash !== expected) fail('hash', 'ledger_entries', e.id, `stored hash ${e.hash} but the row's fields hash to ${expected}`);
    const before = balances.get(e.householdId) ?? 0;
    if (e.balanceAfter !== before + e.points) {
      fail('balance', 'ledger_entries', e.id, `balance_after ${e.balanceAfter} but household ${e.householdId} had ${before} and the entry moves ${e.points}`);
    }
    if (e.balanceAfter < 0) fail('balance', 'ledger_entries', e.id, `balance_after ${e.balanceAfter} is below zero`);
    balances.set(e.householdId, e.balanceAfter);
    prev = e.hash;
    lastId = e.id;
    entries += 1;
  }
  const head = client.prepare('SELECT last_entry_id AS lastEntryId, hash FROM chain_head WHERE id = 1').get() as { lastEntryId: number; hash: string } | undefined;
  const published = head ?? { lastEntryId: 0, hash: GENESIS_HASH };
  if (published.lastEntryId !== lastId || published.hash !== prev) {
    fail('chain', 'chain_head', 1, `chain_head says entry ${published.lastEntryId} ${published.hash}, the ledger ends at entry ${lastId} ${prev}`);
  }
  return { balances, head: { lastEntryId: lastId, hash: prev }, entries };
}

function checkHouseholds(client: Database.Database, balances: Map<number, number>): number {
  let n = 0;
  const seen = new Set<number>();
  for (const h of client.prepare('SELECT id, balance FROM households ORDER BY id').iterate() as IterableIterator<{ id: number; balance: number }>) {
    const sum = balances.get(h.id) ?? 0;
    if (h.balance !== sum) fail('balance', 'households', h.id, `cached balance ${h.balance} but its ledger entries sum to ${sum}`);
    seen.add(h.id);
    n += 1;
  }
  for (const id of balances.keys()) if (!seen.has(id)) fail('balance', 'ledger_entries', null, `entries name household ${id}, which does not exist`);
  return n;
}

function checkStock(client: Database.Database): number {
  const stock = new Map<number, number>();
  const movements = client
    .prepare('SELECT id, goods_id AS goodsId, quantity, stock_after AS stockAfter FROM stock_movements ORDER BY id')
    .iterate() as IterableIterator<{ id: number; goodsId: number; quantity: number; stockAfter: number }>;
  for (const m of movements) {
    const before = stock.get(m.goodsId) ?? 0;
    if (m.stockAfter !== before + m.quantity) fail('stock', 'stock_movements', m.id, `stock_after ${m.stockAfter} but goods ${m.goodsId} had ${before} and the movement is ${m.quantity}`);
    if (m.stockAfter < 0) fail('stock', 'stock_movements', m.id, `stock_after ${m.stockAfter} is below zero`);
    stock.set(m.goodsId, m.stockAfter);
  }
  let n = 0;
  for (const g of client.prepare('SELECT id, stock FROM goods ORDER BY id').iterate() as IterableIterator<{ id: number; stock: number }>) {
    const sum = stock.get(g.id) ?? 0;
    if (g.stock !== sum) fail('stock', 'goods', g.id, `cached stock ${g.stock} but its movements sum to ${sum}`);
    n += 1;
  }
  return n;
}

interface ScoreRow {
  householdId: number;
  period: string;
  score: number;
  earned: number;
  deducted: number;
}

// Mirrors appendLedgerEntry's scoreBucket: a reversal counts against the bucket of the entry it reverses.
const BUCKET = `CASE
  WHEN e.kind = 'award' THEN 'e'
  WHEN e.kind = 'deduction' THEN 'd'
  WHEN e.kind = 'reversal' AND o.kind = 'award' THEN 'e'
  WHEN e.kind = 'reversal' AND o.kind = 'deduction' THEN 'd'
  WHEN e.conduct_points > 0 THEN 'e' ELSE 'd' END`;

/** Recomputes every household_period_scores row from the ledger's conduct points and merges the two sorted lists. */
function checkScores(client: Database.Database): void {
  const periodOf = {
    year: 'substr(e.occurred_on, 1, 4)',
    quarter: `substr(e.occurred_on, 1, 4) || '-Q' || ((CAST(substr(e.occurred_on, 6, 2) AS INTEGER) + 2) / 3)`,
    month: 'substr(e.occurred_on, 1, 7)',
  };
  const parts = Object.values(periodOf).map(
    (p) => `SELECT e.household_id AS householdId, ${p} AS period, e.conduct_points AS cp, ${BUCKET} AS bucket
              FROM ledger_entries e LEFT JOIN ledger_entries o ON o.id = e.reverses_id
             WHERE e.conduct_points <> 0`,
  );
  const expected = client
    .prepare(
      `SELECT householdId, period, SUM(cp) AS score,
              SUM(CASE WHEN bucket = 'e' THEN cp ELSE 0 END) AS earned,
              SUM(CASE WHEN bucket = 'd' THEN -cp ELSE 0 END) AS deducted
         FROM (${parts.join(' UNION ALL ')})
        GROUP BY householdId, period ORDER BY householdId, period`,
    )
    .iterate() as IterableIterator<ScoreRow>;
  const stored = client
    .prepare('SELECT household_id AS householdId, period, score, earned, deducted FROM household_period_scores ORDER BY household_id, period')
    .iterate() as IterableIterator<ScoreRow>;
  try {
    mergeScores(expected, stored);
  } finally {
    // Close the cursors even when a mismatch stops the walk, so the read transaction can end.
    expected.return?.();
    stored.return?.();
  }
}

function mergeScores(expected: IterableIterator<ScoreRow>, stored: IterableIterator<ScoreRow>): void {
  const key = (r: ScoreRow) => `${r.householdId}/${r.period}`;
  const before = (a: ScoreRow, b: ScoreRow) => a.householdId < b.householdId || (a.householdId === b.householdId && a.period < b.period);
  let e = expected.next();
  let s = stored.next();
  while (!e.done || !s.done) {
    if (s.done || (!e.done && before(e.value, s.value))) fail('score', 'household_period_scores', key(e.value as ScoreRow), 'missing: the ledger has conduct points for this household and period');
    if (e.done || before(s.value, e.value)) {
      const row = s.value as ScoreRow;
      if (row.score !== 0 || row.earned !== 0 || row.deducted !== 0) fail('score', 'household_period_scores', key(row), 'no conduct points in the ledger for this household and period');
      s = stored.next();
      continue;
    }
    const want = e.value;
    const got = s.value;
    if (got.score !== want.score || got.earned !== want.earned || got.deducted !== want.deducted) {
      fail('score', 'household_period_scores', key(got), `stored score/earned/deducted ${got.score}/${got.earned}/${got.deducted}, ledger gives ${want.score}/${want.earned}/${want.deducted}`);
    }
    e = expected.next();
    s = stored.next();
  }
}

/** Posted awards and redemptions point at exactly one ledger entry each, and every such entry points back. */
function checkLinks(client: Database.Database): void {
  const award = client
    .prepare(
      `SELECT a.id, a.status, a.points, a.ledger_entry_id AS entryId, e.award_id AS entryAwardId, e.kind, e.conduct_points AS cp
         FROM awards a LEFT JOIN ledger_entries e ON e.id = a.ledger_entry_id
        WHERE (a.status = 'posted' OR a.ledger_entry_id IS NOT NULL)
          AND (a.status <> 'posted' OR e.id IS NULL OR e.award_id IS NOT a.id OR e.kind NOT IN ('award', 'deduction') OR e.conduct_points <> a.points)
        ORDER BY a.id LIMIT 1`,
    )
    .get() as { id: number; status: string; points: number; entryId: number | null; entryAwardId: number | null; kind: string | null; cp: number | null } | undefined;
  if (award) {
    fail('award', 'awards', award.id, `status ${award.status}, ${award.points} points, ledger_entry_id ${award.entryId}: the entry is ${award.kind ?? 'missing'} for award ${award.entryAwardId} with ${award.cp} conduct points`);
  }
  const entry = client
    .prepare(
      `SELECT e.id, e.award_id AS awardId, a.status, a.ledger_entry_id AS entryId
         FROM ledger_entries e LEFT JOIN awards a ON a.id = e.award_id
        WHERE e.kind IN ('award', 'deduction') AND e.award_id IS NOT NULL
          AND (a.id IS NULL OR a.status <> 'posted' OR a.ledger_entry_id IS NOT e.id)
        ORDER BY e.id LIMIT 1`,
    )
    .get() as { id: number; awardId: number; status: string | null; entryId: number | null } | undefined;
  if (entry) fail('award', 'ledger_entries', entry.id, `posts award ${entry.awardId}, but that award is ${entry.status ?? 'missing'} with ledger_entry_id ${entry.entryId}`);
  const redemption = client
    .prepare(
      `SELECT r.id, r.points, r.ledger_entry_id AS entryId, e.kind, e.points AS entryPoints, e.redemption_id AS entryRedemptionId
         FROM redemptions r LEFT JOIN ledger_entries e ON e.id = r.ledger_entry_id
        WHERE e.id IS NULL OR e.kind <> 'redemption' OR e.redemption_id IS NOT r.id OR e.points <> -r.points
        ORDER BY r.id LIMIT 1`,
    )
    .get() as { id: number; points: number; entryId: number | null; kind: string | null; entryPoints: number | null; entryRedemptionId: number | null } | undefined;
  if (redemption) {
    fail('redemption', 'redemptions', redemption.id, `${redemption.points} points, ledger_entry_id ${redemption.entryId}: the entry is ${redemption.kind ?? 'missing'} of ${redemption.entryPoints} for redemption ${redemption.entryRedemptionId}`);
  }
}

function checkIntegrity(client: Database.Database): void {
  const integrity = client.pragma('integrity_check') as { integrity_check: string }[];
  if (integrity.length !== 1 || integrity[0].integrity_check !== 'ok') {
    fail('integrity', 'sqlite', null, integrity.map((r) => r.integrity_check).slice(0, 3).join('; '));
  }
  const fk = client.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  if (fk.length) fail('foreign_key', fk[0].table, fk[0].rowid, `references a missing ${fk[0].parent} row`);
}

/**
 * Recomputes everything the ledger promises from first principles: the hash chain and its head,
 * every running and cached balance, every stock level, every conduct score, the award and redemption
 * links, and SQLite's own integrity checks. Reads one consistent snapshot; stops at the first bad row.
 */
export function verifyDatabase(db: Db | Database.Database): VerifyResult {
  const client = '$client' in db ? db.$client : db;
  const snapshot = client.transaction((): VerifyOk => {
    const ledger = checkLedger(client);
    const households = checkHouseholds(client, ledger.balances);
    const goods = checkStock(client);
    checkScores(client);
    checkLinks(client);
    checkIntegrity(client);
    return { ok: true, head: ledger.head, entries: ledger.entries, households, goods };
  });
  try {
    return snapshot.deferred();
  } catch (err) {
    if (err instanceof Mismatch) return err.failure;
    throw err;
  }
}

/** The one-line verdict `npm run verify` prints. */
export function formatVerdict(r: VerifyResult): string {
  if (r.ok) return `OK chain head ${r.head.hash} at entry ${r.head.lastEntryId}; ${r.entries} entries, ${r.households} households, ${r.goods} goods`;
  return `FAIL ${r.what} at ${r.table} row ${r.rowId ?? '-'}: ${r.detail}`;
}
