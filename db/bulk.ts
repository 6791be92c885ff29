import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { SqliteDb } from './client';
import {
  appendLedgerEntry,
  chainEntry,
  LEDGER_COLUMNS,
  nextLedgerEntryId,
  postingContext,
  pushLedgerValues,
  reversedEntry,
  saveVillageChain,
  scoreBucket,
  takeVillageChain,
  villageAncestors,
  type LedgerRow,
  type NewLedgerEntry,
  type ReversedEntry,
  type VillageChain,
} from './ledger';
import { applyStockMovement, StockShortage, type NewMovement } from './goods/stock';
import { periodsOfDay } from './time';

/**
 * Where generated history goes. Both implementations leave the database in the same state
 * (same ids, hashes, balances, period scores and stock) once `flush()` has run.
 */
export interface HistoryWriter {
  appendLedger(entry: NewLedgerEntry): LedgerRow;
  moveStock(m: NewMovement): { stockAfter: number; movementId: number };
  /** Writes whatever is buffered; call it before the surrounding transaction commits. */
  flush(): void;
}

/** One entry at a time through the ledger's and stock's own functions (the reference behaviour). */
export function directWriter(db: SqliteDb): HistoryWriter {
  return {
    appendLedger: (entry) => appendLedgerEntry(db, entry),
    moveStock: (m) => applyStockMovement(db, m),
    flush: () => {},
  };
}

const MOVEMENT_COLUMNS = ['id', 'goods_id', 'store_area_id', 'kind', 'quantity', 'stock_after', 'donation_id', 'redemption_id', 'note', 'created_by', 'created_at'];
const SCORE_COLUMNS = ['household_id', 'period', 'village_id', 'township_id', 'county_id', 'score', 'earned', 'deducted'];
const SCORE_UPSERT = `ON CONFLICT (household_id, period) DO UPDATE SET
  score = score + excluded.score, earned = earned + excluded.earned, deducted = deducted + excluded.deducted`;

/** Multi-row INSERT for `rows` rows: one statement execution carries many rows. */
function multiInsert(client: Database.Database, table: string, columns: string[], rows: number, suffix = ''): Database.Statement<unknown[]> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return client.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')} ${suffix}`);
}

/** Collects rows into one flat parameter array and runs a chunked multi-row statement, then a single-row one for the rest. */
class ChunkedInsert {
  private readonly many: Database.Statement<unknown[]>;
  private readonly one: Database.Statement<unknown[]>;
  private readonly width: number;
  private pending: unknown[] = [];

  constructor(client: Database.Database, table: string, columns: string[], private readonly chunk: number, suffix = '') {
    this.width = columns.length;
    this.many = multiInsert(client, table, columns, chunk, suffix);
    this.one = multiInsert(client, table, columns, 1, suffix);
  }

  /** Where the next row's values go, appended directly (no array per row); then call rowDone(). */
  get out(): unknown[] {
    return this.pending;
  }

  rowDone(): void {
    if (this.pending.length === this.chunk * this.width) {
      this.many.run(this.pending);
      this.pending = [];
    }
  }

  push(params: unknown[]): void {
    for (const p of params) this.pending.push(p);
    this.rowDone();
  }

  flush(): void {
    const rows = this.pending;
    this.pending = [];
    for (let i = 0; i < rows.length; i += this.width) this.one.run(rows.slice(i, i + this.width));
  }
}

/** Distinct periods (years, quarters, months) one BulkWriter can track: a century of them. */
const PERIOD_SLOTS = 2048;

interface ScoreDelta {
  householdId: number;
  period: string;
  villageId: number;
  score: number;
  earned: number;
  deducted: number;
}

/**
 * Does what `appendLedgerEntry` and `applyStockMovement` do, with far fewer statement executions per
 * row: the village chains, balances, stock and period scores are kept in memory and written once per
 * flush; rows go in through multi-row INSERTs. Each entry is built by the ledger's own `chainEntry` and
 * its score bucket by `scoreBucket`, so the ledger is identical to one written entry by entry. For
 * generating history inside one transaction per flush; nothing else may write the ledger or stock of
 * this database meanwhile.
 */
export class BulkWriter implements HistoryWriter {
  private readonly ledgerInsert: ChunkedInsert;
  private readonly movementInsert: ChunkedInsert;
  private readonly scoreUpsert: ChunkedInsert;
  private readonly st: {
    balance: Database.Statement<[number], { balance: number; pseudonymSeed: string }>;
    setBalance: Database.Statement<[number, number, number]>;
    goods: Database.Statement<[number], { stock: number; storeAreaId: number }>;
    setStock: Database.Statement<[number, number, number]>;
    lastMovement: Database.Statement<[], { id: number | null }>;
  };
  private readonly chains = new Map<number, VillageChain>();
  private nextId: number | null = null;
  private readonly balances = new Map<number, { balance: number; pseudonymSeed: string; changedAt: number | null }>();
  /** Entries appended since the last flush (ids are contiguous from recentFrom), for reversals of recent entries. */
  private recent: ReversedEntry[] = [];
  private recentFrom = 0;
  /** Score deltas keyed by householdId * PERIOD_SLOTS + period slot: numeric keys keep the hot path cheap. */
  private readonly scores = new Map<number, ScoreDelta>();
  private readonly periodSlots = new Map<string, number>();
  private readonly periodNames: string[] = [];
  private readonly dayPeriods = new Map<string, number[]>();
  private readonly ancestors = new Map<number, { townshipId: number; countyId: number }>();
  private readonly stock = new Map<number, { stock: number; storeAreaId: number; changedAt: number | null }>();
  private nextMovementId: number | null = null;

  constructor(private readonly db: SqliteDb, chunk = 100) {
    const c = db.$client;
    this.ledgerInsert = new ChunkedInsert(c, 'ledger_entries', ['id', ...LEDGER_COLUMNS], chunk);
    this.movementInsert = new ChunkedInsert(c, 'stock_movements', MOVEMENT_COLUMNS, chunk);
    this.scoreUpsert = new ChunkedInsert(c, 'household_period_scores', SCORE_COLUMNS, chunk, SCORE_UPSERT);
    this.st = {
      balance: c.prepare('SELECT balance, pseudonym_seed AS pseudonymSeed FROM households WHERE id = ?'),
      setBalance: c.prepare('UPDATE households SET balance = ?, updated_at = ? WHERE id = ?'),
      goods: c.prepare('SELECT stock, store_area_id AS storeAreaId FROM goods WHERE id = ?'),
      setStock: c.prepare('UPDATE goods SET stock = ?, updated_at = ? WHERE id = ?'),
      // What AUTOINCREMENT would give next: past the sequence too, which a numbered county starts at k·10^10 (db/idRange.ts).
      lastMovement: c.prepare(
        `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'stock_movements'), 0), COALESCE((SELECT MAX(id) FROM stock_movements), 0)) AS id`,
      ),
    };
  }

  appendLedger(entry: NewLedgerEntry): LedgerRow {
    let chain = this.chains.get(entry.villageId);
    if (!chain) this.chains.set(entry.villageId, (chain = takeVillageChain(this.db, entry.villageId)));
    let current = this.balances.get(entry.householdId);
    if (!current) {
      const row = this.st.balance.get(entry.householdId);
      if (!row) throw new Error(`unknown household ${entry.householdId}`);
      current = { balance: row.balance, pseudonymSeed: row.pseudonymSeed, changedAt: null };
      this.balances.set(entry.householdId, current);
    }
    // The ids AUTOINCREMENT would give, so the rows equal those written one by one.
    this.nextId ??= nextLedgerEntryId(this.db);
    const reversed = this.reversed(entry);
    const row: LedgerRow = { ...chainEntry(chain, current.balance, entry, postingContext(this.db, entry, current.pseudonymSeed, reversed)), id: this.nextId++ };
    const out = this.ledgerInsert.out;
    out.push(row.id);
    pushLedgerValues(out, row);
    this.ledgerInsert.rowDone();
    if (!this.recent.length) this.recentFrom = row.id;
    this.recent.push({ kind: row.kind, chainId: row.chainId, seq: row.seq, rulePublic: row.rulePublic });
    const points = row.points;
    if (points !== 0) {
      current.balance = row.balanceAfter;
      current.changedAt = entry.createdAt;
    }
    const bucket = scoreBucket(entry.kind, entry.conductPoints, entry.kind === 'reversal' ? reversed?.kind : undefined);
    if (bucket) {
      let anc = this.ancestors.get(entry.villageId);
      if (!anc) this.ancestors.set(entry.villageId, (anc = villageAncestors(this.db, entry.villageId)));
      const earned = bucket === 'earned' ? entry.conductPoints : 0;
      const deducted = bucket === 'deducted' ? -entry.conductPoints : 0;
      for (const slot of this.slotsOf(entry.occurredOn)) {
        const key = entry.householdId * PERIOD_SLOTS + slot;
        let s = this.scores.get(key);
        if (!s) this.scores.set(key, (s = { householdId: entry.householdId, period: this.periodNames[slot], villageId: entry.villageId, score: 0, earned: 0, deducted: 0 }));
        s.score += entry.conductPoints;
        s.earned += earned;
        s.deducted += deducted;
      }
    }
    return row;
  }

  private slotsOf(day: string): number[] {
    let slots = this.dayPeriods.get(day);
    if (!slots) {
      slots = periodsOfDay(day).map((p) => {
        let slot = this.periodSlots.get(p);
        if (slot === undefined) {
          slot = this.periodNames.push(p) - 1;
          if (slot >= PERIOD_SLOTS) throw new Error('too many distinct periods in one bulk load');
          this.periodSlots.set(p, slot);
        }
        return slot;
      });
      this.dayPeriods.set(day, slots);
    }
    return slots;
  }

  private reversed(e: NewLedgerEntry): ReversedEntry | undefined {
    if (!e.reversesId) return undefined;
    const recent = e.reversesId >= this.recentFrom ? this.recent[e.reversesId - this.recentFrom] : undefined;
    return recent ?? reversedEntry(this.db, e.reversesId);
  }

  moveStock(m: NewMovement): { stockAfter: number; movementId: number } {
    let g = this.stock.get(m.goodsId);
    if (!g) {
      const row = this.st.goods.get(m.goodsId);
      if (!row) throw new Error(`unknown goods ${m.goodsId}`);
      this.stock.set(m.goodsId, (g = { ...row, changedAt: null }));
    }
    const stockAfter = g.stock + m.quantity;
    if (stockAfter < 0) throw new StockShortage(m.goodsId, g.stock);
    this.nextMovementId ??= (this.st.lastMovement.get()?.id ?? 0) + 1;
    const movementId = this.nextMovementId++;
    this.movementInsert.push([movementId, m.goodsId, g.storeAreaId, m.kind, m.quantity, stockAfter, m.donationId ?? null, m.redemptionId ?? null, m.note ?? null, m.createdBy ?? null, m.createdAt]);
    g.stock = stockAfter;
    g.changedAt = m.createdAt;
    return { stockAfter, movementId };
  }

  flush(): void {
    this.ledgerInsert.flush();
    for (const chain of this.chains.values()) saveVillageChain(this.db, chain);
    for (const [id, b] of this.balances) if (b.changedAt != null) this.st.setBalance.run(b.balance, b.changedAt, id);
    for (const s of this.scores.values()) {
      const anc = this.ancestors.get(s.villageId)!;
      this.scoreUpsert.push([s.householdId, s.period, s.villageId, anc.townshipId, anc.countyId, s.score, s.earned, s.deducted]);
    }
    this.scoreUpsert.flush();
    this.movementInsert.flush();
    for (const [id, g] of this.stock) if (g.changedAt != null) this.st.setStock.run(g.stock, g.changedAt, id);
    // Everything is in the database now; re-read it next time rather than trust a cache across commits.
    this.chains.clear();
    this.nextId = null;
    this.balances.clear();
    this.recent = [];
    this.scores.clear();
    this.stock.clear();
    this.nextMovementId = null;
  }
}

/**
 * Buffers rows of one table and inserts them with multi-row statements. Columns are named by their
 * drizzle keys; every row must give every listed column (no defaults are applied here).
 */
export class InsertBuffer<T extends SQLiteTable, K extends keyof T['$inferInsert'] & string> {
  private readonly insert: ChunkedInsert;

  constructor(db: SqliteDb, table: T, private readonly keys: readonly K[], chunk = 100) {
    const columns = getTableColumns(table) as Record<string, { name: string }>;
    this.insert = new ChunkedInsert(db.$client, getTableConfig(table).name, keys.map((k) => columns[k].name), chunk);
  }

  push(row: { [P in K]-?: T['$inferInsert'][P] | null }): void {
    const out = this.insert.out;
    for (const k of this.keys) {
      const v = row[k];
      out.push(typeof v === 'boolean' ? Number(v) : (v ?? null));
    }
    this.insert.rowDone();
  }

  flush(): void {
    this.insert.flush();
  }
}

/**
 * Fast, non-durable settings for generating data into a database nobody else uses yet; the previous
 * settings (durable `synchronous`, foreign keys) come back afterwards, even on error.
 */
export async function withBulkLoadSettings<R>(db: SqliteDb, fn: () => Promise<R>, opts: { deferIndexesOf?: readonly string[] } = {}): Promise<R> {
  const c = db.$client;
  // Secondary indexes are cheaper built once, sorted, than kept up to date row by row.
  const deferred = opts.deferIndexesOf?.length
    ? c
        .prepare<string[], { name: string; sql: string }>(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${opts.deferIndexesOf.map(() => '?').join(', ')})`,
        )
        .all(...opts.deferIndexesOf)
    : [];
  for (const ix of deferred) c.exec(`DROP INDEX "${ix.name}"`);
  const before = {
    synchronous: c.pragma('synchronous', { simple: true }) as number,
    foreignKeys: c.pragma('foreign_keys', { simple: true }) as number,
    cacheSize: c.pragma('cache_size', { simple: true }) as number,
    threads: c.pragma('threads', { simple: true }) as number,
  };
  // Rows are written parent-after-child within one transaction (award before its batch is flushed, ...).
  c.pragma('foreign_keys = OFF');
  c.pragma('synchronous = OFF');
  c.pragma('cache_size = -524288');
  // Lets CREATE INDEX sort with helper threads when the secondary indexes are rebuilt.
  c.pragma('threads = 4');
  try {
    return await fn();
  } finally {
    for (const ix of deferred) c.exec(ix.sql);
    c.pragma(`synchronous = ${before.synchronous}`);
    c.pragma(`foreign_keys = ${before.foreignKeys}`);
    c.pragma(`cache_size = ${before.cacheSize}`);
    c.pragma(`threads = ${before.threads}`);
  }
}

/** After a bulk load: planner statistics (sampled, so it stays quick) and the WAL folded into the main file. */
export function finishBulkLoad(db: SqliteDb): void {
  const c = db.$client;
  c.pragma('analysis_limit = 1000');
  c.exec('ANALYZE');
  c.pragma('wal_checkpoint(TRUNCATE)');
}
