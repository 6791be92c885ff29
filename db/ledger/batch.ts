import { IN_CHUNK } from '../inChunks';
import type { LedgerKind } from '../schema/ledger';
import { sqlOf, type Sql, type SqlParam } from '../sql';
import { periodsOfDay } from '../time';
import type { Tx } from '../transaction';
import {
  LEDGER_COLUMNS,
  POSTING_SQL as SQL,
  ancestorsOf,
  chainEntry,
  lockVillageChain,
  pushLedgerValues,
  scoreRows,
  type HouseholdLedgerState,
  type LedgerRow,
  type NewLedgerEntry,
  type ReversedEntry,
  type VillageChain,
} from './posting';
import { NO_CATEGORY, type TotalledEntry } from './totals';

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

// Rows per multi-row statement: 23 parameters a ledger row, far below SQLite's 32,766 and PostgreSQL's 65,535;
// a fixed size keeps the set of statement texts (each compiled once per connection) small.
const ROWS_PER_INSERT = 200;

function* parts<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Rows keyed by id for an IN list, in parts. */
async function byId<R extends { id: number }>(q: Sql, select: string, ids: readonly number[]): Promise<Map<number, R>> {
  const out = new Map<number, R>();
  for (const part of parts([...new Set(ids)], IN_CHUNK)) for (const r of await q.all<R>(`${select} WHERE id IN (${marks(part.length)})`, part)) out.set(r.id, r);
  return out;
}

/**
 * Store function: appends `entries` in the order given, exactly as calling `postLedgerEntry` for each in
 * turn would (same seq order per village chain, each household's balance_after running through the batch,
 * the same conduct scores and ledger totals), in a few statements instead of a dozen round trips per entry:
 * the chains are locked (village id order), households, reversed entries and village paths read once, every
 * row linked and hashed in memory, then multi-row INSERTs and one UPDATE per changed chain and household.
 * Inside the caller's transaction: a failure anywhere leaves nothing written.
 */
export async function postLedgerEntries(tx: Tx, entries: readonly NewLedgerEntry[]): Promise<LedgerRow[]> {
  if (!entries.length) return [];
  const q = sqlOf(tx);
  const chains = new Map<number, VillageChain>();
  for (const villageId of [...new Set(entries.map((e) => e.villageId))].sort((a, b) => a - b)) chains.set(villageId, await lockVillageChain(tx, villageId));
  const households = await byId<HouseholdLedgerState & { id: number }>(
    q,
    'SELECT id, balance, pseudonym_seed AS "pseudonymSeed" FROM households',
    entries.map((e) => e.householdId),
  );
  const reversedRows = await byId<ReversedEntry & { id: number }>(
    q,
    'SELECT id, kind, chain_id AS "chainId", seq, rule_public AS "rulePublic" FROM ledger_entries',
    entries.flatMap((e) => (e.reversesId ? [e.reversesId] : [])),
  );
  const paths = await byId<{ id: number; path: string }>(q, 'SELECT id, path FROM areas', [...chains.keys()]);

  const built: Omit<LedgerRow, 'id'>[] = [];
  const reversedOf: (ReversedEntry | undefined)[] = [];
  const balances = new Map<number, { balance: number; at: number }>();
  for (const entry of entries) {
    const household = households.get(entry.householdId);
    if (!household) throw new Error(`unknown household ${entry.householdId}`);
    const row = entry.reversesId ? reversedRows.get(entry.reversesId) : undefined;
    const reversed = row && { ...row, rulePublic: Boolean(row.rulePublic) };
    // Deductions with a rule are rare in a batch: their black-list flag is read one by one, as postLedgerEntry does.
    const black =
      entry.kind === 'deduction' && entry.ruleId != null && Boolean((await q.get<{ black: number | boolean }>(SQL.ruleBlack, [entry.awardId ?? null, entry.ruleId]))?.black);
    const next = chainEntry(chains.get(entry.villageId)!, household.balance, entry, { pseudonymSeed: household.pseudonymSeed, reversed, ruleBlackListed: black });
    household.balance = next.balanceAfter;
    if (next.points !== 0) balances.set(entry.householdId, { balance: next.balanceAfter, at: entry.createdAt });
    built.push(next);
    reversedOf.push(reversed);
  }

  // RETURNING's row order is not promised: ids are matched back by (chain, seq), which is unique.
  const ids = new Map<string, number>();
  for (const part of parts(built, ROWS_PER_INSERT)) {
    const values: SqlParam[] = [];
    for (const r of part) pushLedgerValues(values, r);
    const row = `(${marks(LEDGER_COLUMNS.length)})`;
    const text = `INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')}) VALUES ${Array<string>(part.length).fill(row).join(', ')} RETURNING id, chain_id AS "chainId", seq`;
    for (const r of await q.all<{ id: number; chainId: number; seq: number }>(text, values)) ids.set(`${r.chainId}.${r.seq}`, r.id);
  }
  const rows: LedgerRow[] = built.map((r) => {
    const id = ids.get(`${r.chainId}.${r.seq}`);
    if (id === undefined) throw new Error(`ledger insert returned no id for chain ${r.chainId} seq ${r.seq}`);
    return { ...r, id };
  });

  for (const chain of chains.values()) await q.run(SQL.saveChain, [chain.lastSeq, chain.headHash, chain.villageId]);
  for (const part of parts([...balances], IN_CHUNK / 2)) {
    const params: SqlParam[] = [];
    for (const [id, b] of part) params.push(id, b.balance);
    for (const [id, b] of part) params.push(id, b.at);
    for (const [id] of part) params.push(id);
    const cases = (n: number) => Array<string>(n).fill('WHEN ? THEN CAST(? AS BIGINT)').join(' ');
    await q.run(
      `UPDATE households SET balance = CASE id ${cases(part.length)} END, updated_at = CASE id ${cases(part.length)} END WHERE id IN (${marks(part.length)})`,
      params,
    );
  }

  // One row per household and period: PostgreSQL refuses an upsert that meets the same row twice.
  const scores = new Map<string, unknown[]>();
  entries.forEach((entry, i) => {
    for (const row of scoreRows(entry, reversedOf[i]?.kind, () => ancestorsOf(paths.get(entry.villageId)?.path, entry.villageId))) {
      const key = `${row[0] as number}|${row[1] as string}`;
      const seen = scores.get(key);
      if (!seen) scores.set(key, row);
      else for (const c of [5, 6, 7]) seen[c] = (seen[c] as number) + (row[c] as number);
    }
  });
  const [upsertHead, upsertTail] = SQL.upsertScore.split(/VALUES \(\?, \?, \?, \?, \?, \?, \?, \?\)/);
  for (const part of parts([...scores.values()], ROWS_PER_INSERT)) {
    await q.run(`${upsertHead}VALUES ${Array<string>(part.length).fill(`(${marks(8)})`).join(', ')}${upsertTail}`, part.flat() as SqlParam[]);
  }
  await moveLedgerTotalsMany(q, rows);
  return rows;
}

/**
 * `moveLedgerTotals` (db/ledger/totals.ts) for entries already inserted together, in their order: month totals
 * summed per key, and a household counted as a village's new awardee of a period only where neither an award
 * before the batch nor an earlier award of the batch had it.
 */
async function moveLedgerTotalsMany(q: Sql, entries: readonly TotalledEntry[]): Promise<void> {
  const months = new Map<string, { key: SqlParam[]; points: number; entries: number }>();
  for (const e of entries) {
    const key = [e.villageId, e.occurredOn.slice(0, 7), e.kind, e.category ?? NO_CATEGORY];
    const k = JSON.stringify(key);
    const m = months.get(k);
    if (m) {
      m.points += e.points;
      m.entries += 1;
    } else months.set(k, { key, points: e.points, entries: 1 });
  }
  for (const part of parts([...months.values()], ROWS_PER_INSERT)) {
    await q.run(
      `INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries) VALUES ${Array<string>(part.length).fill('(?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (village_id, month, kind, category) DO UPDATE SET
         points = ledger_month_totals.points + excluded.points, entries = ledger_month_totals.entries + excluded.entries`,
      part.flatMap((m) => [...m.key, m.points, m.entries]),
    );
  }

  const awards = entries.filter((e) => e.kind === ('award' satisfies LedgerKind));
  if (!awards.length) return;
  const batchIds = new Set(entries.map((e) => e.id));
  // Periods each (village, household) already had an award in, before the batch: the years the batch touches.
  const had = new Map<string, Set<string>>();
  const keyOf = (e: { villageId: number; householdId: number }) => `${e.villageId}|${e.householdId}`;
  const years = [...new Set(awards.map((e) => e.occurredOn.slice(0, 4)))].sort();
  const from = `${years[0]}-01-01`;
  const to = `${years[years.length - 1]}-12-31`;
  for (const part of parts([...new Set(awards.map((e) => e.householdId))], IN_CHUNK)) {
    const earlier = await q.all<{ id: number; householdId: number; villageId: number; day: string }>(
      `SELECT id, household_id AS "householdId", village_id AS "villageId", occurred_on AS day FROM ledger_entries
        WHERE household_id IN (${marks(part.length)}) AND kind = 'award' AND occurred_on >= ? AND occurred_on <= ?`,
      [...part, from, to],
    );
    for (const r of earlier) {
      if (batchIds.has(r.id)) continue;
      const k = keyOf(r);
      const set = had.get(k) ?? new Set<string>();
      for (const p of periodsOfDay(r.day)) set.add(p);
      had.set(k, set);
    }
  }
  const counts = new Map<string, { villageId: number; period: string; households: number }>();
  for (const e of awards) {
    const k = keyOf(e);
    const set = had.get(k) ?? new Set<string>();
    had.set(k, set);
    for (const period of periodsOfDay(e.occurredOn)) {
      if (set.has(period)) continue;
      set.add(period);
      const c = counts.get(`${e.villageId}|${period}`);
      if (c) c.households += 1;
      else counts.set(`${e.villageId}|${period}`, { villageId: e.villageId, period, households: 1 });
    }
  }
  for (const part of parts([...counts.values()], ROWS_PER_INSERT)) {
    await q.run(
      `INSERT INTO village_period_awardees (village_id, period, households) VALUES ${Array<string>(part.length).fill('(?, ?, ?)').join(', ')}
       ON CONFLICT (village_id, period) DO UPDATE SET households = village_period_awardees.households + excluded.households`,
      part.flatMap((c) => [c.villageId, c.period, c.households]),
    );
  }
}
