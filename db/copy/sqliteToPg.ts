import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { openAsIs } from '../client';
import { GENESIS_HASH, ledgerHash, pseudonymMemo, pseudonymYear, PSEUDONYM_SEED } from '../ledger';
import type { LedgerEntryRow } from '../ledger/entries';
import { formatVerdict, verifyDatabase, type VerifiedChain, type VerifyOk } from '../verify';

/**
 * `npm run db:copy`: moves a county from its SQLite file into an empty PostgreSQL database that already has
 * the jifen schema (migratePg). The source is read in one snapshot (the verify that gates the copy and every
 * row copied see the same commit), tables go over in foreign-key order, each in key order in batches; each
 * batch commits together with its row in `copy_progress`, so a copy that dies is run again and resumes
 * after its last committed batch without duplicates. Then every identity sequence is moved past the
 * highest id, and every village chain is recomputed from the PostgreSQL rows and compared with the
 * source's verified heads. The progress table is dropped only after that check passes.
 */

export interface CopyProgress {
  phase: 'copy' | 'sequences' | 'verify';
  table: string;
  /** Rows of this table copied so far (entries checked, in the verify phase). */
  tableDone: number;
  tableRows: number;
  /** Rows of every table copied so far, and in all (ledger entries, in the verify phase). */
  rowsDone: number;
  rowsTotal: number;
}

export interface CopyOptions {
  /** The SQLite file of the county. */
  from: string;
  /** postgres:// URL of the target database. */
  to: string;
  /** Rows per INSERT and per committed batch (default 1000). */
  batchRows?: number;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopySummary {
  tables: { name: string; rows: number }[];
  rows: number;
  /** Rows this run inserted (fewer than `rows` when it finished a copy an earlier run began). */
  rowsCopiedNow: number;
  resumed: boolean;
  chainsChecked: number;
  entriesChecked: number;
  /** Why the copy session ran with session_replication_role = replica, or null when every trigger fired. */
  replica: string | null;
  /**
   * Why the ledger's insert check was switched off inside each ledger batch's own transaction (the role owns the
   * table but may not set replica), or null.
   */
  chainTriggerOff: string | null;
  seconds: number;
}

/** The copy will not run (or stopped) for a reason the operator must act on; nothing half-done is hidden. */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/** Drizzle's own bookkeeping: each engine keeps its own migrations record. */
const SKIPPED_TABLES = new Set(['__drizzle_migrations', 'sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);
const PROGRESS_TABLE = 'copy_progress';
/** The row of copy_progress that names the source snapshot the copy began from. */
const SOURCE_ROW = '*';
/** Session advisory lock: one copy at a time into a database. */
const COPY_LOCK_KEY = '7596373622883651913';
const DEFAULT_BATCH = 1000;
const INT8 = 20;
/** The insert check of ledger_entries (0001_append_only.sql): only chained entries (hash version 2 or 3) may be added. */
const CHAIN_TRIGGER = 'ledger_entries_in_village_chain';

type SqliteValue = bigint | number | string | Buffer | null;
type PgValue = string | number | boolean | Buffer | null;
type Kind = 'boolean' | 'integer' | 'float' | 'text' | 'bytea' | 'json';

interface TargetColumn {
  name: string;
  kind: Kind;
  /** The target's type name (int4, int8, bool, text …), for the array each batch binds per column. */
  udt: string;
  identity: boolean;
  required: boolean;
}

interface TablePlan {
  name: string;
  columns: TargetColumn[];
  /** The key the copy walks in order: the primary key, or SQLite's rowid. */
  key: string[];
  rowidKey: boolean;
  rows: number;
  identity: string | null;
  /** The highest id SQLite ever handed out (sqlite_sequence), which may pass max(id) after deletes. */
  sqliteSequence: number;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

function kindOf(dataType: string, table: string, column: string): Kind {
  switch (dataType) {
    case 'boolean':
      return 'boolean';
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer';
    case 'real':
    case 'double precision':
    case 'numeric':
      return 'float';
    case 'text':
    case 'character varying':
    case 'character':
      return 'text';
    case 'bytea':
      return 'bytea';
    case 'json':
    case 'jsonb':
      return 'json';
    default:
      throw new CopyRefused(`target column ${table}.${column} has type ${dataType}, which the copy does not convert to`);
  }
}

function rowRef(plan: TablePlan, row: SqliteValue[]): string {
  return plan.key.map((k, i) => `${k}=${String(row[plan.columns.length + i])}`).join(',');
}

/** One SQLite value as the target column's type; anything that would change on the way is refused. */
function convert(v: SqliteValue, col: TargetColumn, where: () => string): PgValue {
  if (v === null) return null;
  switch (col.kind) {
    case 'boolean':
      if (v === 0n || v === 0) return false;
      if (v === 1n || v === 1) return true;
      throw new CopyRefused(`${where()}: ${col.name} holds ${String(v)}, not a flag (0 or 1)`);
    case 'integer':
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      throw new CopyRefused(`${where()}: ${col.name} holds ${JSON.stringify(typeof v === 'string' ? v : String(v))}, not a whole number`);
    case 'float':
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number') return v;
      throw new CopyRefused(`${where()}: ${col.name} holds ${JSON.stringify(String(v))}, not a number`);
    case 'bytea':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    case 'text':
    case 'json': {
      const s = Buffer.isBuffer(v) ? null : String(v);
      // PostgreSQL text cannot hold NUL, and a blob in a text column would be re-encoded: refuse both.
      if (s === null) throw new CopyRefused(`${where()}: ${col.name} holds binary data in a text column`);
      if (s.includes('\u0000')) throw new CopyRefused(`${where()}: ${col.name} contains a NUL character, which PostgreSQL text cannot store`);
      return s;
    }
  }
}

function pgError(err: unknown): { code?: string; message: string } {
  if (err && typeof err === 'object' && 'message' in err) {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    return { code, message: String(err.message) };
  }
  return { message: String(err) };
}

/** Source tables, columns, keys and counts, read inside the snapshot. */
function sourceTables(src: Database.Database): { name: string; columns: string[]; key: string[]; rowidKey: boolean; rows: number; sequence: number }[] {
  const names = (src.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name).filter((n) => !SKIPPED_TABLES.has(n));
  const hasSequence = src.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).get();
  const sequences = new Map<string, number>(
    hasSequence ? (src.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((r) => [r.name, Number(r.seq)]) : [],
  );
  return names.map((name) => {
    const info = src.pragma(`table_info(${q(name)})`) as { name: string; pk: number }[];
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const rows = Number((src.prepare(`SELECT COUNT(*) AS n FROM ${q(name)}`).get() as { n: number }).n);
    return { name, columns: info.map((c) => c.name), key: pk.length ? pk : ['rowid'], rowidKey: pk.length === 0, rows, sequence: sequences.get(name) ?? 0 };
  });
}

interface TargetSchema {
  columns: Map<string, { name: string; dataType: string; udt: string; identity: boolean; required: boolean }[]>;
  /** child → parents, foreign keys among the target's tables. */
  references: Map<string, Set<string>>;
}

async function targetSchema(client: pg.Client): Promise<TargetSchema> {
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_identity: string; is_nullable: string; column_default: string | null; is_generated: string }>(
    `SELECT table_name, column_name, data_type, udt_name, is_identity, is_nullable, column_default, is_generated
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const columns: TargetSchema['columns'] = new Map();
  for (const c of cols.rows) {
    const list = columns.get(c.table_name) ?? [];
    const identity = c.is_identity === 'YES';
    list.push({ name: c.column_name, dataType: c.data_type, udt: c.udt_name, identity, required: c.is_nullable === 'NO' && c.column_default === null && !identity && c.is_generated !== 'ALWAYS' });
    columns.set(c.table_name, list);
  }
  const fks = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  const references: TargetSchema['references'] = new Map();
  for (const r of fks.rows) {
    const set = references.get(r.child) ?? new Set<string>();
    set.add(r.parent);
    references.set(r.child, set);
  }
  return { columns, references };
}

/** Parents before children (Kahn, by name among equals); a cycle is reported, its tables appended in name order. */
function foreignKeyOrder(names: string[], references: TargetSchema['references']): { order: string[]; cycle: string[] } {
  const inSet = new Set(names);
  const waiting = new Map(names.map((n) => [n, new Set([...(references.get(n) ?? [])].filter((p) => p !== n && inSet.has(p)))]));
  const order: string[] = [];
  for (;;) {
    const ready = [...waiting].filter(([, parents]) => parents.size === 0).map(([n]) => n).sort();
    if (!ready.length) break;
    for (const n of ready) {
      order.push(n);
      waiting.delete(n);
      for (const parents of waiting.values()) parents.delete(n);
    }
  }
  const cycle = [...waiting.keys()].sort();
  return { order: [...order, ...cycle], cycle };
}

/** Self-references that point forward in key order (a row naming a later row): plain inserts in id order would fail them. */
function forwardSelfReferences(src: Database.Database): string | null {
  const areas = src.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'areas'`).get();
  if (!areas) return null;
  const row = src.prepare('SELECT a.id FROM areas a JOIN areas p ON p.id = a.parent_id WHERE p.id > a.id LIMIT 1').get() as { id: number } | undefined;
  return row ? `area ${row.id} lies under an area created after it` : null;
}

function sourceFingerprint(v: VerifyOk, tables: { name: string; rows: number }[]): string {
  const canonical = JSON.stringify({ head: v.head, legacy: v.legacy, chains: v.chains.map((c) => [c.villageId, c.lastSeq, c.hash]), tables: tables.map((t) => [t.name, t.rows]) });
  return createHash('sha256').update(canonical).digest('hex');
}

function newClient(url: string): pg.Client {
  return new pg.Client({
    connectionString: url,
    application_name: 'jifen db:copy',
    // int8 as numbers: ids and milliseconds stay below 2^53; the chain check compares them as the hashes saw them.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
    },
  });
}

export async function copySqliteToPg(opts: CopyOptions): Promise<CopySummary> {
  const started = Date.now();
  if (!existsSync(opts.from)) throw new CopyRefused(`source ${opts.from} does not exist`);
  const src = openAsIs(opts.from);
  const client = newClient(opts.to);
  let locked = false;
  try {
    src.pragma('query_only = ON');
    // One read snapshot for the verify and the whole copy: the server may still be writing to the file.
    src.prepare('BEGIN').run();
    const verdict = await verifyDatabase(src);
    if (!verdict.ok) throw new CopyRefused(`the source does not verify, so it is not copied: ${formatVerdict(verdict)}`);
    const tables = sourceTables(src);
    try {
      await client.connect();
    } catch (err) {
      throw new CopyRefused(`cannot connect to the target: ${pgError(err).message}`);
    }
    const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [COPY_LOCK_KEY]);
    if (!lock.rows[0].ok) throw new CopyRefused('another db:copy is running into this database');
    locked = true;
    // A crash loses at most the last batches, and their progress rows with them: the rerun copies them again.
    await client.query('SET synchronous_commit = off');
    const schema = await targetSchema(client);
    const plans = planTables(tables, schema);
    const { order, cycle } = foreignKeyOrder(plans.map((p) => p.name), schema.references);
    const byName = new Map(plans.map((p) => [p.name, p]));
    const ordered = order.map((n) => byName.get(n)!);
    const fingerprint = sourceFingerprint(verdict, tables);
    const progress = await startOrResume(client, ordered, fingerprint);

    let replica: string | null = null;
    const needReplica = async (reason: string, fallback?: () => Promise<boolean>) => {
      if (replica) return;
      try {
        await client.query('SET session_replication_role = replica');
      } catch (err) {
        if (fallback && (await fallback())) return;
        throw new CopyRefused(
          `${reason}; copying it faithfully needs the target's triggers and foreign-key checks off for this session (session_replication_role = replica), which this role may not set (${pgError(err).message}). Run the copy as a superuser of the target (the triggers stay on for everyone else).`,
        );
      }
      replica = reason;
    };
    // Entries of the old single chain (hash version 1) are refused by the insert trigger, which admits only chained entries.
    const legacy = Number((src.prepare(`SELECT COUNT(*) AS n FROM ledger_entries WHERE hash_version = 1`).get() as { n: number }).n);
    let chainTriggerOff: string | null = null;
    if (legacy) {
      const reason = `the source holds ${legacy} ledger entries of the old single chain (hash version 1), which the target's insert trigger admits only from the app's old versions`;
      await needReplica(reason, async () => {
        // The table's owner may switch that one trigger off inside each batch's own transaction: no other session ever sees it off.
        const r = await client.query<{ owner: boolean; trigger: boolean }>(
          `SELECT pg_has_role(current_user, c.relowner, 'USAGE') AS owner,
                  EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $1) AS trigger
             FROM pg_class c WHERE c.oid = to_regclass('ledger_entries')`,
          [CHAIN_TRIGGER],
        );
        if (!r.rows[0]?.owner) return false;
        if (r.rows[0].trigger) chainTriggerOff = reason;
        return true;
      });
    }
    if (cycle.length) await needReplica(`tables ${cycle.join(', ')} reference each other, so no order inserts them with every foreign key already satisfied`);
    const forward = forwardSelfReferences(src);
    if (forward) await needReplica(forward);

    const rowsTotal = plans.reduce((s, p) => s + p.rows, 0);
    let rowsDone = [...progress.values()].reduce((s, p) => s + p.rows, 0);
    let copiedNow = 0;
    for (const plan of ordered) {
      const state = progress.get(plan.name) ?? { lastKey: null, rows: 0, done: false };
      if (state.done) continue;
      const report = () => opts.onProgress?.({ phase: 'copy', table: plan.name, tableDone: state.rows, tableRows: plan.rows, rowsDone, rowsTotal });
      report();
      const batch = Math.max(1, opts.batchRows ?? DEFAULT_BATCH);
      const read = readBatches(src, plan, batch);
      let lastKey = state.lastKey;
      for (;;) {
        const rows = read(lastKey);
        if (!rows.length) break;
        const values = rows.map((r) => r.slice(0, plan.columns.length).map((v, i) => convert(v, plan.columns[i], () => `${plan.name} row ${rowRef(plan, r)}`)));
        const key = rows[rows.length - 1].slice(plan.columns.length).map((v) => (typeof v === 'bigint' ? v.toString() : v));
        const commit = async () => {
          await client.query('BEGIN');
          try {
            const bypass = chainTriggerOff && plan.name === 'ledger_entries' && !replica;
            if (bypass) await client.query(`ALTER TABLE ledger_entries DISABLE TRIGGER ${CHAIN_TRIGGER}`);
            await insertRows(client, plan, values);
            if (bypass) await client.query(`ALTER TABLE ledger_entries ENABLE TRIGGER ${CHAIN_TRIGGER}`);
            await client.query(`UPDATE ${PROGRESS_TABLE} SET last_key = $2, rows_done = rows_done + $3 WHERE table_name = $1`, [plan.name, JSON.stringify(key), rows.length]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          }
        };
        try {
          await commit();
        } catch (err) {
          const e = pgError(err);
          // A trigger's own refusal or a foreign key the id order cannot satisfy: the source verified, so the rows are right.
          if (replica || (e.code !== 'P0001' && e.code !== '23503')) throw new CopyRefused(`copying ${plan.name} failed at the batch after key ${String(lastKey)}: ${e.message}`);
          await needReplica(`inserting ${plan.name} as it is in the source was refused by the target (${e.message})`);
          await commit();
        }
        lastKey = JSON.stringify(key);
        state.rows += rows.length;
        rowsDone += rows.length;
        copiedNow += rows.length;
        report();
      }
      await client.query(`UPDATE ${PROGRESS_TABLE} SET done = TRUE WHERE table_name = $1`, [plan.name]);
    }

    opts.onProgress?.({ phase: 'sequences', table: '', tableDone: 0, tableRows: 0, rowsDone, rowsTotal });
    await setSequences(client, ordered);
    const counted = await checkCounts(client, ordered);
    const checked = await verifyTargetChains(client, verdict, (done, total) =>
      opts.onProgress?.({ phase: 'verify', table: 'ledger_entries', tableDone: done, tableRows: total, rowsDone: done, rowsTotal: total }),
    );
    await client.query(`DROP TABLE ${PROGRESS_TABLE}`);
    return {
      tables: counted,
      rows: rowsTotal,
      rowsCopiedNow: copiedNow,
      resumed: progress.size > 0,
      chainsChecked: checked.chains,
      entriesChecked: checked.entries,
      replica,
      chainTriggerOff,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (src.inTransaction) src.prepare('COMMIT').run();
    src.close();
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [COPY_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

function planTables(tables: ReturnType<typeof sourceTables>, schema: TargetSchema): TablePlan[] {
  return tables.map((t) => {
    const target = schema.columns.get(t.name);
    if (!target) throw new CopyRefused(`the target has no table ${t.name}: migrate it first (it must have the jifen schema of the same version as the source)`);
    const byName = new Map(target.map((c) => [c.name, c]));
    const columns = t.columns.map((name) => {
      const c = byName.get(name);
      if (!c) throw new CopyRefused(`the target's table ${t.name} has no column ${name}: the two schemas differ`);
      return { name, kind: kindOf(c.dataType, t.name, name), udt: c.udt, identity: c.identity, required: c.required };
    });
    const missing = target.find((c) => c.required && !t.columns.includes(c.name));
    if (missing) throw new CopyRefused(`the target's ${t.name}.${missing.name} is required but the source has no such column: the two schemas differ`);
    const identity = columns.find((c) => c.identity)?.name ?? null;
    return { name: t.name, columns, key: t.key, rowidKey: t.rowidKey, rows: t.rows, identity, sqliteSequence: t.sequence };
  });
}

/** Key-ordered pages of a table: each row is its columns, then its key values. */
function readBatches(src: Database.Database, plan: TablePlan, batch: number): (after: string | null) => SqliteValue[][] {
  const select = `SELECT ${[...plan.columns.map((c) => q(c.name)), ...plan.key.map((k) => (plan.rowidKey ? 'rowid' : q(k)))].join(', ')} FROM ${q(plan.name)}`;
  const keyList = plan.key.map((k) => (plan.rowidKey ? 'rowid' : q(k))).join(', ');
  const first = src.prepare(`${select} ORDER BY ${keyList} LIMIT ?`).raw(true).safeIntegers(true);
  const next = src.prepare(`${select} WHERE (${keyList}) > (${plan.key.map(() => '?').join(', ')}) ORDER BY ${keyList} LIMIT ?`).raw(true).safeIntegers(true);
  return (after) => {
    if (after === null) return first.all(batch) as SqliteValue[][];
    const key = (JSON.parse(after) as (string | number | null)[]).map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : v));
    return next.all(...key, batch) as SqliteValue[][];
  };
}

/**
 * One INSERT per batch with one array parameter per column (unnest): the statement stays the same whatever the
 * batch size, so it is parsed and planned once per table, and PostgreSQL binds a dozen arrays, not 20,000 values.
 */
async function insertRows(client: pg.Client, plan: TablePlan, rows: PgValue[][]): Promise<void> {
  const arrays = plan.columns.map((_c, i) => rows.map((r) => r[i]));
  const text =
    `INSERT INTO ${q(plan.name)} (${plan.columns.map((c) => q(c.name)).join(', ')})${plan.identity ? ' OVERRIDING SYSTEM VALUE' : ''} ` +
    `SELECT * FROM unnest(${plan.columns.map((c, i) => `$${i + 1}::${q(c.udt)}[]`).join(', ')})`;
  await client.query({ text, values: arrays, name: `jifen_copy_${plan.name}` });
}

interface TableState {
  lastKey: string | null;
  rows: number;
  done: boolean;
}

/**
 * A fresh copy needs an empty target: no area (so no county, account or household) and no other rows but
 * the migrations' own seed rows, which every jifen database holds and which are replaced by the source's.
 * A target with copy_progress is this copy's unfinished run only when it began from the same source snapshot.
 */
async function startOrResume(client: pg.Client, plans: TablePlan[], fingerprint: string): Promise<Map<string, TableState>> {
  const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, [PROGRESS_TABLE]);
  if (exists.rowCount) {
    const rows = await client.query<{ table_name: string; last_key: string | null; rows_done: number; done: boolean }>(`SELECT table_name, last_key, rows_done, done FROM ${PROGRESS_TABLE}`);
    const source = rows.rows.find((r) => r.table_name === SOURCE_ROW);
    if (!source || source.last_key !== fingerprint) {
      throw new CopyRefused(
        'the target holds an unfinished copy of another source, or the source changed since that copy began: drop and recreate the target database, then copy again',
      );
    }
    return new Map(rows.rows.filter((r) => r.table_name !== SOURCE_ROW).map((r) => [r.table_name, { lastKey: r.last_key, rows: Number(r.rows_done), done: r.done }]));
  }
  const areas = plans.find((p) => p.name === 'areas');
  const seeded: TablePlan[] = [];
  for (const plan of plans) {
    const r = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${q(plan.name)}`);
    const n = r.rows[0].n;
    if (!n) continue;
    if (plan === areas || !areas) throw new CopyRefused(`the target already holds data (${plan.name}: ${n} rows): copy only into a new, migrated, empty database`);
    seeded.push(plan);
  }
  await client.query('BEGIN');
  try {
    // Migration seed rows (default catalogue headings) go: the source's own versions of them are copied.
    for (const plan of seeded) await client.query(`DELETE FROM ${q(plan.name)}`);
    await client.query(`CREATE TABLE ${PROGRESS_TABLE} (table_name text PRIMARY KEY, last_key text, rows_done bigint NOT NULL DEFAULT 0, done boolean NOT NULL DEFAULT FALSE)`);
    await client.query(`INSERT INTO ${PROGRESS_TABLE} (table_name, last_key) VALUES ($1, $2)`, [SOURCE_ROW, fingerprint]);
    for (const plan of plans) await client.query(`INSERT INTO ${PROGRESS_TABLE} (table_name) VALUES ($1)`, [plan.name]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new CopyRefused(`the target could not be prepared for the copy: ${pgError(err).message}`);
  }
  return new Map();
}

/** Every identity past the highest id the source ever gave out, so the app's next insert takes a new id. */
async function setSequences(client: pg.Client, plans: TablePlan[]): Promise<void> {
  for (const plan of plans) {
    if (!plan.identity) continue;
    const max = await client.query<{ n: number | null }>(`SELECT MAX(${q(plan.identity)})::bigint AS n FROM ${q(plan.name)}`);
    const next = Math.max(max.rows[0].n ?? 0, plan.sqliteSequence);
    if (next > 0) await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, true)`, [q(plan.name), plan.identity, next]);
    else await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), 1, false)`, [q(plan.name), plan.identity]);
  }
}

async function checkCounts(client: pg.Client, plans: TablePlan[]): Promise<{ name: string; rows: number }[]> {
  const out: { name: string; rows: number }[] = [];
  for (const plan of plans) {
    const r = await client.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${q(plan.name)}`);
    if (r.rows[0].n !== plan.rows) throw new CopyRefused(`the target's ${plan.name} has ${r.rows[0].n} rows, the source ${plan.rows}`);
    out.push({ name: plan.name, rows: r.rows[0].n });
  }
  return out;
}

interface PgEntry extends LedgerEntryRow {
  pseudonymSeed: string | null;
  reversesSeq: number | null;
}

const ENTRY_COLUMNS = `e.id, e.household_id AS "householdId", e.village_id AS "villageId", e.kind, e.points, e.balance_after AS "balanceAfter",
  e.conduct_points AS "conductPoints", e.occurred_on AS "occurredOn", e.rule_id AS "ruleId", e.award_id AS "awardId",
  e.redemption_id AS "redemptionId", e.reverses_id AS "reversesId", e.category, e.note, e.created_by AS "createdBy",
  e.created_at AS "createdAt", e.prev_hash AS "prevHash", e.hash, e.chain_id AS "chainId", e.seq, e.hash_version AS "hashVersion",
  e.salt, e.private_digest AS "privateDigest", e.rule_public AS "rulePublic", h.pseudonym_seed AS "pseudonymSeed",
  CASE WHEN r.chain_id = e.chain_id THEN r.seq END AS "reversesSeq"`;
const ENTRY_JOINS = 'FROM ledger_entries e LEFT JOIN households h ON h.id = e.household_id LEFT JOIN ledger_entries r ON r.id = e.reverses_id';
const VERIFY_PAGE = 5000;

/**
 * Recomputes every chain from the target's own rows with the ledger's hash functions (old single chain in
 * id order, then each village chain in seq order) and compares every head with the source's verified one
 * and with the target's ledger_chains row.
 */
async function verifyTargetChains(client: pg.Client, source: VerifyOk, onProgress: (done: number, total: number) => void): Promise<{ chains: number; entries: number }> {
  const pseudonymOf = pseudonymMemo();
  const total = source.entries;
  let done = 0;
  const hashOf = async (rows: PgEntry[]): Promise<Map<number, string[]>> => {
    const awards = [...new Set(rows.filter((e) => e.awardId != null && (e.kind === 'award' || e.kind === 'deduction')).map((e) => e.awardId!))];
    const photos = new Map<number, string[]>();
    if (!awards.length) return photos;
    const r = await client.query<{ awardId: number; hash: string }>('SELECT award_id AS "awardId", hash FROM award_evidence WHERE award_id = ANY($1::bigint[]) ORDER BY award_id, hash', [awards]);
    for (const p of r.rows) photos.set(p.awardId, [...(photos.get(p.awardId) ?? []), p.hash]);
    return photos;
  };
  const check = (e: PgEntry, photos: Map<number, string[]>, where: string) => {
    const evidence = e.awardId != null && (e.kind === 'award' || e.kind === 'deduction') ? (photos.get(e.awardId) ?? null) : null;
    const pseudonym = e.pseudonymSeed && PSEUDONYM_SEED.test(e.pseudonymSeed) && /^\d{4}/.test(e.occurredOn) ? pseudonymOf(e.pseudonymSeed, pseudonymYear(e.occurredOn)) : '';
    const expected = ledgerHash({ ...e, evidence, pseudonym });
    if (expected !== e.hash) throw new CopyRefused(`the target does not reproduce ${where}: its row hashes to ${expected}, stored ${e.hash}`);
  };

  // The old single chain (version 1), from zeros, ids consecutive.
  let legacyHash = GENESIS_HASH;
  let legacyLast = 0;
  for (;;) {
    const page = await client.query<PgEntry>(`SELECT ${ENTRY_COLUMNS} ${ENTRY_JOINS} WHERE e.hash_version = 1 AND e.id > $1 ORDER BY e.id LIMIT ${VERIFY_PAGE}`, [legacyLast]);
    if (!page.rows.length) break;
    const photos = await hashOf(page.rows);
    for (const e of page.rows) {
      if (e.id !== legacyLast + 1 || e.prevHash !== legacyHash) throw new CopyRefused(`the target's old single chain breaks at entry ${e.id}`);
      check(e, photos, `entry ${e.id} of the old single chain`);
      legacyHash = e.hash;
      legacyLast = e.id;
    }
    done += page.rows.length;
    onProgress(done, total);
  }
  const want = source.legacy ?? { lastEntryId: 0, hash: GENESIS_HASH };
  if (legacyLast !== want.lastEntryId || legacyHash !== want.hash) {
    throw new CopyRefused(`the target's old single chain ends at entry ${legacyLast} ${legacyHash}, the source's at ${want.lastEntryId} ${want.hash}`);
  }

  const expected = new Map<number, VerifiedChain>(source.chains.map((c) => [c.villageId, c]));
  const rows = await client.query<{ villageId: number; lastSeq: number; headHash: string; genesisHash: string }>(
    'SELECT village_id AS "villageId", last_seq AS "lastSeq", head_hash AS "headHash", genesis_hash AS "genesisHash" FROM ledger_chains ORDER BY village_id',
  );
  if (rows.rows.length !== expected.size) throw new CopyRefused(`the target has ${rows.rows.length} village chains, the source ${expected.size}`);
  for (const chain of rows.rows) {
    const want = expected.get(chain.villageId);
    if (!want) throw new CopyRefused(`the target has a chain for village ${chain.villageId}, the source does not`);
    if (chain.genesisHash !== legacyHash) throw new CopyRefused(`the target's chain of village ${chain.villageId} starts at ${chain.genesisHash}, not at the old chain's head ${legacyHash}`);
    let seq = 0;
    let hash = chain.genesisHash;
    for (;;) {
      const page = await client.query<PgEntry>(`SELECT ${ENTRY_COLUMNS} ${ENTRY_JOINS} WHERE e.chain_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT ${VERIFY_PAGE}`, [chain.villageId, seq]);
      if (!page.rows.length) break;
      const photos = await hashOf(page.rows);
      for (const e of page.rows) {
        const where = `entry ${e.seq} of village ${chain.villageId}`;
        if (e.seq !== seq + 1 || e.prevHash !== hash) throw new CopyRefused(`the target's chain of village ${chain.villageId} breaks at ${where}`);
        if (e.hashVersion !== 2 && e.hashVersion !== 3) throw new CopyRefused(`the target's ${where} has hash version ${e.hashVersion}`);
        check(e, photos, where);
        seq = e.seq;
        hash = e.hash;
      }
      done += page.rows.length;
      onProgress(done, total);
    }
    if (seq !== want.lastSeq || hash !== want.hash) {
      throw new CopyRefused(`village ${chain.villageId}: the target's chain ends at ${seq} ${hash}, the source's verified head is ${want.lastSeq} ${want.hash}`);
    }
    if (chain.lastSeq !== seq || chain.headHash !== hash) throw new CopyRefused(`village ${chain.villageId}: the target's chain row says ${chain.lastSeq} ${chain.headHash}, its entries end at ${seq} ${hash}`);
  }
  if (done !== total) throw new CopyRefused(`the target's chains hold ${done} entries, the source's ledger ${total}`);
  return { chains: rows.rows.length, entries: done };
}
