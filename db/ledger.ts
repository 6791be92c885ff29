import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db } from './client';
import type { LedgerKind } from './schema/ledger';
import { periodsOfDay } from './time';

export const GENESIS_HASH = '0'.repeat(64);

export interface NewLedgerEntry {
  householdId: number;
  villageId: number;
  kind: LedgerKind;
  points: number;
  conductPoints: number;
  occurredOn: string;
  ruleId?: number | null;
  category?: string | null;
  awardId?: number | null;
  redemptionId?: number | null;
  reversesId?: number | null;
  note?: string | null;
  createdBy?: number | null;
  createdAt: number;
}

export interface LedgerRow extends Required<NewLedgerEntry> {
  id: number;
  balanceAfter: number;
  prevHash: string;
  hash: string;
}

/**
 * The fields a ledger hash covers: every column but the hash itself, in a fixed order, JSON-encoded so
 * no field value can imitate a separator. Changing this breaks every existing chain.
 */
export function ledgerHash(row: Omit<LedgerRow, 'hash'>): string {
  const fields = [
    row.id,
    row.householdId,
    row.villageId,
    row.kind,
    row.points,
    row.balanceAfter,
    row.conductPoints,
    row.occurredOn,
    row.ruleId ?? null,
    row.category ?? null,
    row.awardId ?? null,
    row.redemptionId ?? null,
    row.reversesId ?? null,
    row.note ?? null,
    row.createdBy ?? null,
    row.createdAt,
    row.prevHash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

interface Statements {
  head: Database.Statement<[], { lastEntryId: number; hash: string }>;
  initHead: Database.Statement<[string]>;
  setHead: Database.Statement<[number, string]>;
  balance: Database.Statement<[number], { balance: number }>;
  setBalance: Database.Statement<[number, number, number]>;
  reversedKind: Database.Statement<[number], { kind: LedgerKind; reversesId: number | null }>;
  insert: Database.Statement<unknown[]>;
  villageAncestry: Database.Statement<[number], { path: string }>;
  upsertScore: Database.Statement<unknown[]>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      head: client.prepare('SELECT last_entry_id AS lastEntryId, hash FROM chain_head WHERE id = 1'),
      initHead: client.prepare('INSERT INTO chain_head (id, last_entry_id, hash) VALUES (1, 0, ?)'),
      setHead: client.prepare('UPDATE chain_head SET last_entry_id = ?, hash = ? WHERE id = 1'),
      balance: client.prepare('SELECT balance FROM households WHERE id = ?'),
      setBalance: client.prepare('UPDATE households SET balance = ?, updated_at = ? WHERE id = ?'),
      reversedKind: client.prepare('SELECT kind, reverses_id AS reversesId FROM ledger_entries WHERE id = ?'),
      insert: client.prepare(
        `INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, conduct_points,
          occurred_on, rule_id, category, award_id, redemption_id, reverses_id, note, created_by, created_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      villageAncestry: client.prepare('SELECT path FROM areas WHERE id = ?'),
      upsertScore: client.prepare(
        `INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (household_id, period) DO UPDATE SET
           score = score + excluded.score, earned = earned + excluded.earned, deducted = deducted + excluded.deducted`,
      ),
    };
    cache.set(client, s);
  }
  return s;
}

/** Township and county ids of a village, from its materialised path "/county/township/village/". */
export function villageAncestors(db: Db, villageId: number): { townshipId: number; countyId: number } {
  const row = statements(db.$client).villageAncestry.get(villageId);
  if (!row) throw new Error(`unknown village ${villageId}`);
  const ids = row.path.split('/').filter(Boolean).map(Number);
  return { countyId: ids[0], townshipId: ids[1] ?? ids[0] };
}

function scoreBucket(s: Statements, e: NewLedgerEntry): 'earned' | 'deducted' | null {
  if (e.conductPoints === 0) return null;
  if (e.kind === 'award') return 'earned';
  if (e.kind === 'deduction') return 'deducted';
  if (e.kind === 'reversal' && e.reversesId) {
    const original = s.reversedKind.get(e.reversesId);
    if (original?.kind === 'award') return 'earned';
    if (original?.kind === 'deduction') return 'deducted';
  }
  return e.conductPoints > 0 ? 'earned' : 'deducted';
}

/**
 * Appends one entry to the ledger: chains its hash, moves the cached balance and the conduct-score
 * totals. Must run inside the caller's transaction. Outgoing entries other than redemptions are
 * limited to what the household holds (积分扣完为止); the conduct score still takes the full value.
 * Redemptions must be checked by the caller: one that would go below zero throws.
 */
export function appendLedgerEntry(db: Db, entry: NewLedgerEntry): LedgerRow {
  const s = statements(db.$client);
  let head = s.head.get();
  if (!head) {
    s.initHead.run(GENESIS_HASH);
    head = { lastEntryId: 0, hash: GENESIS_HASH };
  }
  const current = s.balance.get(entry.householdId);
  if (!current) throw new Error(`unknown household ${entry.householdId}`);
  let points = entry.points;
  if (points < 0 && current.balance + points < 0) {
    if (entry.kind === 'redemption') throw new Error('redemption would overdraw the balance');
    points = -current.balance;
  }
  const balanceAfter = current.balance + points;
  const row: LedgerRow = {
    id: head.lastEntryId + 1,
    householdId: entry.householdId,
    villageId: entry.villageId,
    kind: entry.kind,
    points,
    balanceAfter,
    conductPoints: entry.conductPoints,
    occurredOn: entry.occurredOn,
    ruleId: entry.ruleId ?? null,
    category: entry.category ?? null,
    awardId: entry.awardId ?? null,
    redemptionId: entry.redemptionId ?? null,
    reversesId: entry.reversesId ?? null,
    note: entry.note ?? null,
    createdBy: entry.createdBy ?? null,
    createdAt: entry.createdAt,
    prevHash: head.hash,
    hash: '',
  };
  row.hash = ledgerHash(row);
  s.insert.run(
    row.id,
    row.householdId,
    row.villageId,
    row.kind,
    row.points,
    row.balanceAfter,
    row.conductPoints,
    row.occurredOn,
    row.ruleId,
    row.category,
    row.awardId,
    row.redemptionId,
    row.reversesId,
    row.note,
    row.createdBy,
    row.createdAt,
    row.prevHash,
    row.hash,
  );
  s.setHead.run(row.id, row.hash);
  if (points !== 0) s.setBalance.run(balanceAfter, entry.createdAt, entry.householdId);
  const bucket = scoreBucket(s, entry);
  if (bucket) {
    const { townshipId, countyId } = villageAncestors(db, entry.villageId);
    const earned = bucket === 'earned' ? entry.conductPoints : 0;
    const deducted = bucket === 'deducted' ? -entry.conductPoints : 0;
    for (const period of periodsOfDay(entry.occurredOn)) {
      s.upsertScore.run(entry.householdId, period, entry.villageId, townshipId, countyId, entry.conductPoints, earned, deducted);
    }
  }
  return row;
}

export function chainHeadOf(db: Db): { lastEntryId: number; hash: string } {
  return statements(db.$client).head.get() ?? { lastEntryId: 0, hash: GENESIS_HASH };
}
