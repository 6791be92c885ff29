import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openAsIs } from '../client';
import { GENESIS_HASH, ledgerHash, pseudonymMemo, pseudonymYear, PSEUDONYM_SEED } from '../ledger';
import type { LedgerEntryRow } from '../ledger/entries';
import { formatVerdict, verifyDatabase, type VerifiedChain, type VerifyOk } from '../verify';

/**
 * `npm run db:copy`: moves a county from its SQLite file into a PostgreSQL database that already has the jifen
 * schema (migratePg): an empty one, or with `join` one that already serves other counties. The source is read
 * in one snapshot (the verify that gates the copy and every row copied see the same commit), tables go over in
 * foreign-key order, each in key order in chunks sent by COPY FROM STDIN; each chunk commits together with its
 * row in `copy_progress`, so a copy that dies is run again and resumes after its last committed chunk without
 * duplicates. Then every identity sequence is moved past the highest id, and every village chain of the county
 * is recomputed from the PostgreSQL rows and compared with the source's verified heads. The progress table is
 * dropped only after that check passes.
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
  /**
   * Copy into a database that may already hold other counties: refused, before anything is written, unless
   * none of the county's ids, usernames and other unique values is taken there (see `checkJoin`).
   */
  join?: boolean;
  /**
   * Check foreign keys once per table instead of once per row: each table's own foreign keys are dropped
   * (their definitions kept in copy_progress, so a rerun puts them back), its rows copied, and the keys added
   * again, which checks every row in one join. Several times faster; for a target nobody else writes to (a new
   * database: a fresh copy, a province being seeded). Needs the tables' owner; otherwise rows are checked one by one.
   */
  deferForeignKeys?: boolean;
  /** Rows per COPY and per committed chunk (default 10,000). */
  batchRows?: number;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopySummary {
  tables: { name: string; rows: number }[];
  /** Rows of the source copied (or, on a join, found already there: shared photos). */
  rows: number;
  /** Rows this run sent (fewer than `rows` when it finished a copy an earlier run began). */
  rowsCopiedNow: number;
  resumed: boolean;
  joined: boolean;
  /** Rows of the source a join leaves out, per table, and why (the target's own rows of those tables stand). */
  notCopied: { table: string; rows: number; why: string }[];
  chainsChecked: number;
  entriesChecked: number;
  /** Why the copy session ran with session_replication_role = replica, or null when every trigger fired. */
  replica: string | null;
  /**
   * Why the ledger's insert check was switched off inside each ledger batch's own transaction (the role owns the
   * table but may not set replica), or null.
   */
  chainTriggerOff: string | null;
  /** Why foreign keys were checked row by row although deferring them was asked for, or null. */
  foreignKeysPerRow: string | null;
  /** Seconds spent moving rows (the COPY phase alone, foreign-key checks included), and in all (verifying both sides included). */
  copySeconds: number;
  seconds: number;
}

/** The copy will not run (or stopped) for a reason the operator must act on; nothing half-done is hidden. */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/** Drizzle's own bookkeeping: each engine keeps its own migrations record. */
const SKIPPED_TABLES = new Set(['__drizzle_migrations', 'sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);

/**
 * What a join leaves in the source, per table: rows of the deployment, not of the county. Every other table is
 * copied whole (its rows are the county's: keyed by its own ids, which the join checks are free). `where`
 * (SQLite SQL) picks the rows left out; without it the whole table is.
 */
const JOIN_LEAVES: Record<string, { where?: string; why: string }> = {
  // Installation facts (the pass-code signing secret): a database has one set, and the deployment's stands.
  meta: { why: "the deployment's own installation facts (pass-code secret) stand" },
  // PostgreSQL only, one row; moved once after the join instead, so every process's caches see the new county.
  data_version: { why: "the deployment's cache version (moved once after the join)" },
  // Counters of the county's own server (by name or address): the deployment counts attempts itself.
  throttle: { why: "login and PIN throttles of the county's old server" },
  public_hits: { why: "public rate-limit counters of the county's old server" },
  // Its cookies are never sent to the provincial address: everyone signs in again there.
  sessions: { why: 'sign-ins on the old server (everyone signs in again)' },
  // Pass digits and tokens made with the county's secret, which the deployment does not use: none would be
  // accepted, and each lived minutes.
  pass_codes: { why: "one-time pass codes made with the old server's secret" },
  pass_uses: { why: "spent pass tokens signed with the old server's secret" },
  // The built-in county template (0011_rule_headings / pg 0001): every migrated database holds the same seven rows.
  rule_headings: { where: 'area_id IS NULL', why: 'the built-in template headings, which the target already holds' },
};

/**
 * Tables keyed by their content (a photo by the sha256 of its bytes): the same key in another county is the
 * same photo, so a join leaves the target's row, not refuses it.
 */
const SHARED_BY_CONTENT: Record<string, string> = { evidence_files: 'hash' };

const PROGRESS_TABLE = 'copy_progress';
/** copy_progress rows `fk:<table>:<constraint>` hold a foreign key dropped while its table is copied (deferForeignKeys). */
const FK_ROW = 'fk:';
/** The row of copy_progress that names the source snapshot (and mode) the copy began from. */
const SOURCE_ROW = '*';
/** Session advisory lock: one copy at a time into a database. */
const COPY_LOCK_KEY = '7596373622883651913';
const DEFAULT_BATCH = 10_000;
/** COPY data is written in pieces of about this many characters, so PostgreSQL parses while the next is built. */
const PIECE = 1 << 16;
const INT8 = 20;
/** The insert check of ledger_entries (0001_append_only.sql): only chained entries (hash version 2 or 3) may be added. */
const CHAIN_TRIGGER = 'ledger_entries_in_village_chain';

type SqliteValue = bigint | number | string | Buffer | null;
type Kind = 'boolean' | 'integer' | 'float' | 'text' | 'bytea' | 'json';

interface TargetColumn {
  name: string;
  kind: Kind;
  /** The target's type name (int4, int8, bool, text …), for casts in the join checks. */
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
  /** Rows to copy (on a join, without the rows it leaves). */
  rows: number;
  identity: string | null;
  /** The highest id SQLite ever handed out (sqlite_sequence), which may pass max(id) after deletes. */
  sqliteSequence: number;
  /** Join: SQLite condition of the rows left out (`JIFEN_LEAVES`), 'TRUE' for the whole table, or null. */
  leave: string | null;
  left: number;
  /** Join: the content key whose rows already in the target are kept instead of copied. */
  sharedKey: string | null;
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

/** The characters COPY's text format gives a meaning: everything else goes as it is (UTF-8, the session's encoding). */
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const escapeCopy = (s: string) => (COPY_SPECIAL.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : s);

/**
 * One SQLite value as a field of COPY's text format (`\N` is NULL, so an empty string stays an empty string);
 * anything that would change on the way is refused.
 */
function copyField(v: SqliteValue, col: TargetColumn, where: () => string): string {
  if (v === null) return '\\N';
  switch (col.kind) {
    case 'boolean':
      if (v === 0n || v === 0) return 'f';
      if (v === 1n || v === 1) return 't';
      throw new CopyRefused(`${where()}: ${col.name} holds ${String(v)}, not a flag (0 or 1)`);
    case 'integer':
      // safeIntegers: a bigint, so milliseconds and ids past 2^53 could not be rounded on the way.
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      throw new CopyRefused(`${where()}: ${col.name} holds ${JSON.stringify(typeof v === 'string' ? v : String(v))}, not a whole number`);
    case 'float':
      if (typeof v === 'bigint') return v.toString();
      // String() is the shortest text that reads back as the same double.
      if (typeof v === 'number') return String(v);
      throw new CopyRefused(`${where()}: ${col.name} holds ${JSON.stringify(String(v))}, not a number`);
    case 'bytea':
      // Hex form; its backslash is COPY's escape, so it is doubled.
      return `\\\\x${(Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')).toString('hex')}`;
    case 'text':
    case 'json': {
      // A blob in a text column would be re-encoded, and PostgreSQL text cannot hold NUL: refuse both.
      if (Buffer.isBuffer(v)) throw new CopyRefused(`${where()}: ${col.name} holds binary data in a text column`);
      const s = typeof v === 'string' ? v : String(v);
      if (s.includes('\u0000')) throw new CopyRefused(`${where()}: ${col.name} contains a NUL character, which PostgreSQL text cannot store`);
      // A lone surrogate would leave as U+FFFD: the row would not be the row the hashes saw.
      if (SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new CopyRefused(`${where()}: ${col.name} holds text that is not valid Unicode (a lone surrogate)`);
      return escapeCopy(s);
    }
  }
}

/** One SQLite value as text for a parameter array of the join checks (cast to the column's type there). */
function paramText(v: SqliteValue): string | null {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return String(v);
}

function pgError(err: unknown): { code?: string; message: string } {
  if (err && typeof err === 'object' && 'message' in err) {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    return { code, message: String(err.message) };
  }
  return { message: String(err) };
}

const hasTable = (src: Database.Database, name: string) => Boolean(src.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name));

/** Source tables, columns, keys and counts, read inside the snapshot. */
function sourceTables(src: Database.Database, join: boolean) {
  const names = (src.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name).filter((n) => !SKIPPED_TABLES.has(n));
  const sequences = new Map<string, number>(
    hasTable(src, 'sqlite_sequence') ? (src.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((r) => [r.name, Number(r.seq)]) : [],
  );
  const count = (sql: string) => Number((src.prepare(sql).get() as { n: number }).n);
  return names.map((name) => {
    const info = src.pragma(`table_info(${q(name)})`) as { name: string; pk: number }[];
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const all = count(`SELECT COUNT(*) AS n FROM ${q(name)}`);
    const rule = join ? JOIN_LEAVES[name] : undefined;
    const leave = rule ? (rule.where ?? 'TRUE') : null;
    const left = leave === null ? 0 : leave === 'TRUE' ? all : count(`SELECT COUNT(*) AS n FROM ${q(name)} WHERE ${leave}`);
    return { name, columns: info.map((c) => c.name), key: pk.length ? pk : ['rowid'], rowidKey: pk.length === 0, rows: all - left, leave, left, sequence: sequences.get(name) ?? 0 };
  });
}

interface TargetSchema {
  columns: Map<string, { name: string; dataType: string; udt: string; identity: boolean; required: boolean }[]>;
  /** child → parents, foreign keys among the target's tables. */
  references: Map<string, Set<string>>;
  /** child → its single-column foreign keys: column → parent table. */
  foreignColumns: Map<string, Map<string, string>>;
  /** Unique indexes and primary keys of plain columns, per table. */
  uniques: Map<string, { index: string; columns: string[] }[]>;
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
  const fks = await client.query<{ child: string; parent: string; column: string | null }>(
    `SELECT c.relname AS child, p.relname AS parent,
            CASE WHEN array_length(k.conkey, 1) = 1 THEN (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = k.conkey[1]) END AS column
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  const references: TargetSchema['references'] = new Map();
  const foreignColumns: TargetSchema['foreignColumns'] = new Map();
  for (const r of fks.rows) {
    const set = references.get(r.child) ?? new Set<string>();
    set.add(r.parent);
    references.set(r.child, set);
    if (r.column) foreignColumns.set(r.child, (foreignColumns.get(r.child) ?? new Map<string, string>()).set(r.column, r.parent));
  }
  const idx = await client.query<{ table: string; index: string; columns: string[] }>(
    `SELECT c.relname AS table, ic.relname AS index,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indisunique AND i.indexprs IS NULL AND c.relnamespace = current_schema()::regnamespace
      ORDER BY c.relname, ic.relname`,
  );
  const uniques: TargetSchema['uniques'] = new Map();
  for (const r of idx.rows) uniques.set(r.table, [...(uniques.get(r.table) ?? []), { index: r.index, columns: r.columns }]);
  return { columns, references, foreignColumns, uniques };
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
  if (!hasTable(src, 'areas')) return null;
  const row = src.prepare('SELECT a.id FROM areas a JOIN areas p ON p.id = a.parent_id WHERE p.id > a.id LIMIT 1').get() as { id: number } | undefined;
  return row ? `area ${row.id} lies under an area created after it` : null;
}

function sourceFingerprint(v: VerifyOk, tables: { name: string; rows: number }[], join: boolean): string {
  const canonical = JSON.stringify({ head: v.head, legacy: v.legacy, chains: v.chains.map((c) => [c.villageId, c.lastSeq, c.hash]), tables: tables.map((t) => [t.name, t.rows]) });
  return `${join ? 'join' : 'copy'}:${createHash('sha256').update(canonical).digest('hex')}`;
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
  const join = opts.join ?? false;
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
    const tables = sourceTables(src, join);
    try {
      await client.connect();
    } catch (err) {
      throw new CopyRefused(`cannot connect to the target: ${pgError(err).message}`);
    }
    const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [COPY_LOCK_KEY]);
    if (!lock.rows[0].ok) throw new CopyRefused('another db:copy is running into this database');
    locked = true;
    // A crash loses at most the last chunks, and their progress rows with them: the rerun copies them again.
    await client.query('SET synchronous_commit = off');
    const schema = await targetSchema(client);
    const plans = planTables(tables, schema, join);
    const { order, cycle } = foreignKeyOrder(plans.map((p) => p.name), schema.references);
    const byName = new Map(plans.map((p) => [p.name, p]));
    const ordered = order.map((n) => byName.get(n)!);
    const fingerprint = sourceFingerprint(verdict, tables, join);
    const progress = await startOrResume(client, ordered, fingerprint, join, () => checkJoin(src, client, ordered, schema, verdict));

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
        // The table's owner may switch that one trigger off inside each chunk's own transaction: no other session ever sees it off.
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

    const copyStarted = Date.now();
    const rowsTotal = plans.reduce((s, p) => s + p.rows, 0);
    let rowsDone = [...progress.values()].reduce((s, p) => s + p.rows, 0);
    let copiedNow = 0;
    let foreignKeysPerRow: string | null = null;
    for (const plan of ordered) {
      const state = progress.get(plan.name) ?? { lastKey: null, rows: 0, done: false };
      if (state.done) continue;
      if (opts.deferForeignKeys && !foreignKeysPerRow && plan.rows > state.rows) foreignKeysPerRow = await dropForeignKeys(client, plan);
      const report = () => opts.onProgress?.({ phase: 'copy', table: plan.name, tableDone: state.rows, tableRows: plan.rows, rowsDone, rowsTotal });
      report();
      const read = readChunks(src, plan, Math.max(1, opts.batchRows ?? DEFAULT_BATCH));
      let lastKey = state.lastKey;
      for (;;) {
        const rows = read(lastKey);
        if (!rows.length) break;
        const key = rows[rows.length - 1].slice(plan.columns.length).map((v) => (typeof v === 'bigint' ? v.toString() : v));
        let sent = 0;
        const commit = async () => {
          await client.query('BEGIN');
          try {
            const bypass = chainTriggerOff && plan.name === 'ledger_entries' && !replica;
            if (bypass) await client.query(`ALTER TABLE ledger_entries DISABLE TRIGGER ${CHAIN_TRIGGER}`);
            sent = await copyChunk(client, plan, plan.sharedKey ? await withoutShared(client, plan, rows) : rows);
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
          if (err instanceof CopyRefused) throw err;
          const e = pgError(err);
          // A trigger's own refusal or a foreign key the id order cannot satisfy: the source verified, so the rows are right.
          if (replica || (e.code !== 'P0001' && e.code !== '23503')) throw new CopyRefused(`copying ${plan.name} failed at the chunk after key ${String(lastKey)}: ${e.message}`);
          await needReplica(`inserting ${plan.name} as it is in the source was refused by the target (${e.message})`);
          await commit();
        }
        lastKey = JSON.stringify(key);
        state.rows += rows.length;
        rowsDone += rows.length;
        copiedNow += sent;
        report();
      }
      await finishTable(client, plan);
    }
    const copySeconds = (Date.now() - copyStarted) / 1000;

    opts.onProgress?.({ phase: 'sequences', table: '', tableDone: 0, tableRows: 0, rowsDone, rowsTotal });
    await setSequences(client, ordered);
    const counted = join ? await checkJoinedCounts(client, ordered) : await checkCounts(client, ordered);
    const checked = await verifyTargetChains(client, verdict, join, (done, total) =>
      opts.onProgress?.({ phase: 'verify', table: 'ledger_entries', tableDone: done, tableRows: total, rowsDone: done, rowsTotal: total }),
    );
    await client.query(`DROP TABLE ${PROGRESS_TABLE}`);
    // Servers already running on the target cache boards and lists by this version: they must see the new county.
    await client.query('UPDATE data_version SET version = version + 1 WHERE id = 1').catch(() => undefined);
    return {
      tables: counted,
      rows: rowsTotal,
      rowsCopiedNow: copiedNow,
      resumed: progress.size > 0,
      joined: join,
      notCopied: ordered.filter((p) => p.left > 0).map((p) => ({ table: p.name, rows: p.left, why: JOIN_LEAVES[p.name]?.why ?? '' })),
      chainsChecked: checked.chains,
      entriesChecked: checked.entries,
      replica,
      chainTriggerOff,
      foreignKeysPerRow: opts.deferForeignKeys ? foreignKeysPerRow : null,
      copySeconds,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (src.inTransaction) src.prepare('COMMIT').run();
    src.close();
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [COPY_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

function planTables(tables: ReturnType<typeof sourceTables>, schema: TargetSchema, join: boolean): TablePlan[] {
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
    const sharedKey = join ? (SHARED_BY_CONTENT[t.name] ?? null) : null;
    return { name: t.name, columns, key: t.key, rowidKey: t.rowidKey, rows: t.rows, identity, sqliteSequence: t.sequence, leave: t.leave, left: t.left, sharedKey };
  });
}

const keyList = (plan: TablePlan) => plan.key.map((k) => (plan.rowidKey ? 'rowid' : q(k))).join(', ');

/** Key-ordered chunks of a table (without the rows a join leaves): each row is its columns, then its key values. */
function readChunks(src: Database.Database, plan: TablePlan, batch: number): (after: string | null) => SqliteValue[][] {
  const select = `SELECT ${[...plan.columns.map((c) => q(c.name)), ...plan.key.map((k) => (plan.rowidKey ? 'rowid' : q(k)))].join(', ')} FROM ${q(plan.name)}`;
  const keys = keyList(plan);
  const kept = plan.leave ? `NOT (${plan.leave})` : 'TRUE';
  const first = src.prepare(`${select} WHERE ${kept} ORDER BY ${keys} LIMIT ?`).raw(true).safeIntegers(true);
  const next = src.prepare(`${select} WHERE ${kept} AND (${keys}) > (${plan.key.map(() => '?').join(', ')}) ORDER BY ${keys} LIMIT ?`).raw(true).safeIntegers(true);
  return (after) => {
    if (after === null) return first.all(batch) as SqliteValue[][];
    const key = (JSON.parse(after) as (string | number | null)[]).map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : v));
    return next.all(...key, batch) as SqliteValue[][];
  };
}

/**
 * One chunk by COPY FROM STDIN (text format), inside the caller's transaction. The data goes in pieces built
 * while PostgreSQL parses the last; PostgreSQL's own count of the rows it stored must equal the rows sent.
 */
async function copyChunk(client: pg.Client, plan: TablePlan, rows: SqliteValue[][]): Promise<number> {
  if (!rows.length) return 0;
  const width = plan.columns.length;
  function* pieces(): Generator<string> {
    let piece = '';
    for (const r of rows) {
      let line = '';
      for (let i = 0; i < width; i++) line += (i ? '\t' : '') + copyField(r[i], plan.columns[i], () => `${plan.name} row ${rowRef(plan, r)}`);
      piece += `${line}\n`;
      if (piece.length >= PIECE) {
        yield piece;
        piece = '';
      }
    }
    if (piece) yield piece;
  }
  const stream = client.query(copyFrom(`COPY ${q(plan.name)} (${plan.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(pieces()), stream);
  if (stream.rowCount !== rows.length) throw new CopyRefused(`copying ${plan.name}: PostgreSQL stored ${stream.rowCount} rows of a chunk of ${rows.length}`);
  return rows.length;
}

/** Join: rows whose content key (a photo's hash) the target already holds stay out; the target's row is the same photo. */
async function withoutShared(client: pg.Client, plan: TablePlan, rows: SqliteValue[][]): Promise<SqliteValue[][]> {
  const at = plan.columns.findIndex((c) => c.name === plan.sharedKey);
  const keys = rows.map((r) => paramText(r[at]));
  const r = await client.query<{ k: string }>(`SELECT ${q(plan.sharedKey!)}::text AS k FROM ${q(plan.name)} WHERE ${q(plan.sharedKey!)}::text = ANY($1::text[])`, [keys]);
  const there = new Set(r.rows.map((x) => x.k));
  return there.size ? rows.filter((_r, i) => !there.has(keys[i]!)) : rows;
}

/** Drops the table's own foreign keys, keeping each definition in copy_progress in the same transaction; null, or why not. */
async function dropForeignKeys(client: pg.Client, plan: TablePlan): Promise<string | null> {
  const fks = await client.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f' ORDER BY conname`,
    [q(plan.name)],
  );
  if (!fks.rows.length) return null;
  await client.query('BEGIN');
  try {
    for (const fk of fks.rows) {
      await client.query(`INSERT INTO ${PROGRESS_TABLE} (table_name, last_key) VALUES ($1, $2)`, [`${FK_ROW}${plan.name}:${fk.name}`, fk.def]);
      await client.query(`ALTER TABLE ${q(plan.name)} DROP CONSTRAINT ${q(fk.name)}`);
    }
    await client.query('COMMIT');
    return null;
  } catch (err) {
    await client.query('ROLLBACK');
    const e = pgError(err);
    if (e.code === '42501') return `this role does not own the tables (${e.message})`;
    throw err;
  }
}

/**
 * The table is marked done in the transaction that adds back the foreign keys dropped for it: adding one
 * checks every row at once, and a refusal leaves the copy unfinished (rerun: it is tried again).
 */
async function finishTable(client: pg.Client, plan: TablePlan): Promise<void> {
  const kept = await client.query<{ row: string; def: string }>(`SELECT table_name AS row, last_key AS def FROM ${PROGRESS_TABLE} WHERE table_name LIKE $1 ORDER BY table_name`, [
    `${FK_ROW}${plan.name}:%`,
  ]);
  await client.query('BEGIN');
  try {
    for (const fk of kept.rows) {
      await client.query(`ALTER TABLE ${q(plan.name)} ADD CONSTRAINT ${q(fk.row.slice(FK_ROW.length + plan.name.length + 1))} ${fk.def}`);
      await client.query(`DELETE FROM ${PROGRESS_TABLE} WHERE table_name = $1`, [fk.row]);
    }
    await client.query(`UPDATE ${PROGRESS_TABLE} SET done = TRUE WHERE table_name = $1`, [plan.name]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new CopyRefused(`the foreign keys of ${plan.name} could not be put back after its rows were copied (${pgError(err).message}); run the copy again to retry`);
  }
}

interface TableState {
  lastKey: string | null;
  rows: number;
  done: boolean;
}

/**
 * A fresh copy needs an empty target: no area (so no county, account or household) and no other rows but
 * the migrations' own seed rows, which every jifen database holds and which are replaced by the source's.
 * A join runs `checkJoin` instead, and deletes nothing. A target with copy_progress is this copy's unfinished
 * run only when it began from the same source snapshot, in the same mode: then it resumes without checks
 * (they passed before its first chunk was written).
 */
async function startOrResume(client: pg.Client, plans: TablePlan[], fingerprint: string, join: boolean, checkJoin: () => Promise<void>): Promise<Map<string, TableState>> {
  const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, [PROGRESS_TABLE]);
  if (exists.rowCount) {
    const rows = await client.query<{ table_name: string; last_key: string | null; rows_done: number; done: boolean }>(`SELECT table_name, last_key, rows_done, done FROM ${PROGRESS_TABLE}`);
    const source = rows.rows.find((r) => r.table_name === SOURCE_ROW);
    const [mode, hash] = (source?.last_key ?? '').split(':');
    if (source && hash === fingerprint.split(':')[1] && mode !== fingerprint.split(':')[0]) {
      throw new CopyRefused(`the unfinished copy of this source into the target was started ${mode === 'join' ? 'with' : 'without'} --join: run it again the same way to finish it`);
    }
    if (!source || source.last_key !== fingerprint) {
      throw new CopyRefused(
        join
          ? 'the target holds an unfinished copy of another county, or the source changed since that copy began: finish that copy first (run it again from its own source)'
          : 'the target holds an unfinished copy of another source, or the source changed since that copy began: drop and recreate the target database, then copy again',
      );
    }
    return new Map(rows.rows.filter((r) => r.table_name !== SOURCE_ROW && !r.table_name.startsWith(FK_ROW)).map((r) => [r.table_name, { lastKey: r.last_key, rows: Number(r.rows_done), done: r.done }]));
  }
  const seeded: TablePlan[] = [];
  if (join) await checkJoin();
  else {
    const areas = plans.find((p) => p.name === 'areas');
    for (const plan of plans) {
      const r = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${q(plan.name)}`);
      const n = r.rows[0].n;
      if (!n) continue;
      if (plan === areas || !areas) {
        throw new CopyRefused(`the target already holds data (${plan.name}: ${n} rows): copy only into a new, migrated, empty database, or add the county to it with --join`);
      }
      seeded.push(plan);
    }
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

const NUMBER_IT =
  'The ids of two counties in one database must lie apart: give each county its own number when it is created ' +
  '(JIFEN_COUNTY_NUMBER=k: its ids then lie in [k·10^10, (k+1)·10^10)); two unnumbered counties cannot share a database';

const fmt = (n: number) => n.toLocaleString('en');

/**
 * Everything a join must know before it writes a row; the first problem is the refusal. The county's area tree
 * stands on its own (roots are counties, paths follow parents: scoping is by path prefix), it is not already
 * there, no county of the target has its name, no id of any table collides with a row already there, no other
 * unique value (usernames, ID numbers, card numbers …) is taken, and no side holds the old single chain
 * (verify requires every village chain of a database to start at that one chain's head).
 */
async function checkJoin(src: Database.Database, client: pg.Client, plans: TablePlan[], schema: TargetSchema, verdict: VerifyOk): Promise<void> {
  const targetAreas = Number((await client.query<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM areas')).rows[0].n);
  const notEmpty = targetAreas > 0;
  const targetLegacy = (await client.query('SELECT 1 FROM ledger_entries WHERE hash_version = 1 LIMIT 1')).rowCount;
  if (notEmpty && (verdict.legacy || targetLegacy)) {
    throw new CopyRefused(
      `${verdict.legacy ? 'the county' : 'the target'} holds ledger entries of the old single chain (from before per-village chains), and verify requires every village chain of a database to start at that chain's head: such a county must have a database of its own`,
    );
  }

  // The area tree.
  const orphan = src.prepare('SELECT a.id, a.parent_id AS parentId FROM areas a LEFT JOIN areas p ON p.id = a.parent_id WHERE a.parent_id IS NOT NULL AND p.id IS NULL LIMIT 1').get() as
    | { id: number; parentId: number }
    | undefined;
  if (orphan) throw new CopyRefused(`area ${orphan.id} of the county lies under area ${orphan.parentId}, which the county does not have: its tree would hang under another county's area`);
  const root = src.prepare(`SELECT id, name, kind FROM areas WHERE parent_id IS NULL AND kind <> 'county' LIMIT 1`).get() as { id: number; name: string; kind: string } | undefined;
  if (root) throw new CopyRefused(`area ${root.id} (${root.name}) is a ${root.kind} with no county above it: only a county's whole tree can join`);
  const badPath = src.prepare(`SELECT a.id, a.path FROM areas a LEFT JOIN areas p ON p.id = a.parent_id WHERE a.path <> COALESCE(p.path, '/') || a.id || '/' LIMIT 1`).get() as { id: number; path: string } | undefined;
  if (badPath) throw new CopyRefused(`area ${badPath.id} has path ${badPath.path}, which does not follow its parents: access is scoped by that path, so it is not joined`);
  const counties = src.prepare(`SELECT id, name, created_at AS createdAt FROM areas WHERE parent_id IS NULL ORDER BY id`).all() as { id: number; name: string; createdAt: number }[];
  if (!counties.length) throw new CopyRefused('the county has no areas: there is nothing to join');
  // The same county: its first ledger entry (id and hash) is there; without a ledger, its county row is.
  const entry = src.prepare('SELECT id, hash FROM ledger_entries ORDER BY id LIMIT 1').get() as { id: number; hash: string } | undefined;
  const copiedBefore = entry ? Boolean((await client.query('SELECT 1 FROM ledger_entries WHERE id = $1 AND hash = $2', [entry.id, entry.hash])).rowCount) : null;
  for (const c of counties) {
    const same = await client.query<{ id: number; name: string; createdAt: number }>('SELECT id, name, created_at AS "createdAt" FROM areas WHERE id = $1 OR (name = $2 AND parent_id IS NULL)', [c.id, c.name]);
    const twin = copiedBefore ?? same.rows.some((r) => r.id === c.id && r.name === c.name && Number(r.createdAt) === c.createdAt);
    if (twin) throw new CopyRefused(`the county ${c.name} (area ${c.id}) is already in the target: it was copied or joined before`);
    const named = same.rows.find((r) => r.name === c.name);
    if (named) throw new CopyRefused(`the target already has a county named ${c.name} (area ${named.id}): counties sharing a database need distinct names`);
  }

  // Ids, table by table: the county's lowest to highest id, then (only if something of the target lies between) id by id.
  for (const plan of plans) {
    if (!plan.identity || !plan.rows) continue;
    const col = q(plan.identity);
    const kept = plan.leave ? `WHERE NOT (${plan.leave})` : '';
    const span = src.prepare(`SELECT MIN(${col}) AS lo, MAX(${col}) AS hi FROM ${q(plan.name)} ${kept}`).get() as { lo: number; hi: number };
    const there = await client.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${q(plan.name)} WHERE ${col} BETWEEN $1 AND $2`, [span.lo, span.hi]);
    if (!Number(there.rows[0].n)) continue;
    const ids = src.prepare(`SELECT ${col} FROM ${q(plan.name)} ${kept} ORDER BY ${col}`).pluck().safeIntegers(true);
    let clash = { n: 0, lo: 0, hi: 0 };
    let chunk: string[] = [];
    const probe = async () => {
      const r = await client.query<{ n: number; lo: number | null; hi: number | null }>(
        `SELECT COUNT(*)::bigint AS n, MIN(${col})::bigint AS lo, MAX(${col})::bigint AS hi FROM ${q(plan.name)} WHERE ${col} = ANY($1::bigint[])`,
        [chunk],
      );
      const x = r.rows[0];
      if (Number(x.n)) clash = { n: clash.n + Number(x.n), lo: clash.n ? clash.lo : x.lo!, hi: x.hi! };
      chunk = [];
    };
    for (const id of ids.iterate() as IterableIterator<bigint>) {
      chunk.push(id.toString());
      if (chunk.length >= 20_000) await probe();
    }
    if (chunk.length) await probe();
    if (clash.n) {
      throw new CopyRefused(
        `${plan.name}: ${fmt(clash.n)} of the county's ids (${fmt(clash.lo)}–${fmt(clash.hi)}; the county's run ${fmt(span.lo)}–${fmt(span.hi)}) are already rows of the target. ${NUMBER_IT}. Nothing was written.`,
      );
    }
  }

  // Other unique values (a username, an ID number, a card number): ids are covered above, and so is a key holding an id.
  for (const plan of plans) {
    if (!plan.rows || plan.sharedKey) continue;
    const fkCols = schema.foreignColumns.get(plan.name) ?? new Map<string, string>();
    const idTables = new Set(plans.filter((p) => p.identity && p.rows).map((p) => p.name));
    for (const u of schema.uniques.get(plan.name) ?? []) {
      const covered = u.columns.some((c) => c === plan.identity || (fkCols.has(c) && idTables.has(fkCols.get(c)!)));
      if (covered) continue;
      const cols = u.columns.map((name) => plan.columns.find((c) => c.name === name));
      if (cols.some((c) => !c)) continue;
      const list = cols.map((c) => q(c!.name)).join(', ');
      const notNull = cols.map((c) => `${q(c!.name)} IS NOT NULL`).join(' AND ');
      const read = src.prepare(`SELECT ${list} FROM ${q(plan.name)} WHERE ${notNull}${plan.leave ? ` AND NOT (${plan.leave})` : ''}`).raw(true).safeIntegers(true);
      let batch: SqliteValue[][] = [];
      const probe = async () => {
        const arrays = cols.map((_c, i) => batch.map((r) => paramText(r[i])));
        const on = cols.map((c, i) => `t.${q(c!.name)} = s.c${i}::${q(c!.udt)}`).join(' AND ');
        const r = await client.query<Record<string, string>>(
          `SELECT ${cols.map((c, i) => `t.${q(c!.name)}::text AS c${i}`).join(', ')} FROM ${q(plan.name)} t
             JOIN unnest(${cols.map((_c, i) => `$${i + 1}::text[]`).join(', ')}) AS s(${cols.map((_c, i) => `c${i}`).join(', ')}) ON ${on} LIMIT 3`,
          arrays,
        );
        batch = [];
        if (!r.rows.length) return;
        const shown = r.rows.map((row) => cols.map((_c, i) => JSON.stringify(row[`c${i}`])).join('/')).join(', ');
        const what = `${plan.name}.${u.columns.join('+')}`;
        const hint =
          plan.name === 'users'
            ? 'Usernames are unique across a database: give the county\'s accounts their own names before it joins (a county generated with a number gets "c<k>-" names)'
            : `Each value is unique across the whole database, so the county cannot join while it shares one with another county`;
        throw new CopyRefused(`${what}: ${shown} of the county ${r.rows.length > 1 ? 'are' : 'is'} already taken in the target. ${hint}. Nothing was written.`);
      };
      for (const row of read.iterate() as IterableIterator<SqliteValue[]>) {
        batch.push(row);
        if (batch.length >= 10_000) await probe();
      }
      if (batch.length) await probe();
    }
  }

  // The built-in template headings a join leaves must be there: rules and ledger rows name them by code.
  const template = hasTable(src, 'rule_headings') ? (src.prepare('SELECT code FROM rule_headings WHERE area_id IS NULL ORDER BY code').pluck().all() as string[]) : [];
  if (template.length) {
    const r = await client.query<{ code: string }>('SELECT code FROM rule_headings WHERE area_id IS NULL AND code = ANY($1::text[])', [template]);
    const have = new Set(r.rows.map((x) => x.code));
    const missing = template.filter((c) => !have.has(c));
    if (missing.length) throw new CopyRefused(`the target lacks the built-in headings ${missing.join(', ')} the county's rules name: it was not migrated by this version of jifen`);
  }
}

/**
 * Every identity past the highest id in its table and the highest the source ever gave out, so the app's next
 * insert takes a new id. Only ever forward: on a join, servers of other counties may be drawing ids meanwhile.
 */
async function setSequences(client: pg.Client, plans: TablePlan[]): Promise<void> {
  for (const plan of plans) {
    if (!plan.identity) continue;
    const seq = (await client.query<{ s: string }>('SELECT pg_get_serial_sequence($1, $2) AS s', [q(plan.name), plan.identity])).rows[0].s;
    const max = await client.query<{ n: number | null }>(`SELECT MAX(${q(plan.identity)})::bigint AS n FROM ${q(plan.name)}`);
    const at = (await client.query<{ last: number; called: boolean }>(`SELECT last_value::bigint AS last, is_called AS called FROM ${seq}`)).rows[0];
    const next = Math.max(max.rows[0].n ?? 0, plan.sqliteSequence);
    if (next > 0 && (!at.called || next > at.last)) await client.query(`SELECT setval($1, $2, true)`, [seq, next]);
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

/**
 * A join cannot count whole tables (other counties' rows are there, and their servers may be writing): each
 * chunk's COPY stored exactly its rows, committed with its progress row, so the progress rows must add up.
 */
async function checkJoinedCounts(client: pg.Client, plans: TablePlan[]): Promise<{ name: string; rows: number }[]> {
  const done = new Map((await client.query<{ t: string; n: number }>(`SELECT table_name AS t, rows_done AS n FROM ${PROGRESS_TABLE}`)).rows.map((r) => [r.t, Number(r.n)]));
  return plans.map((plan) => {
    const n = done.get(plan.name) ?? 0;
    if (n !== plan.rows) throw new CopyRefused(`the copy of ${plan.name} recorded ${n} rows, the source has ${plan.rows}`);
    return { name: plan.name, rows: n };
  });
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
async function verifyTargetChains(
  client: pg.Client,
  source: VerifyOk,
  join: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<{ chains: number; entries: number }> {
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
  // Joined into a database of other counties: their chains are theirs (verify checks them); this county's are compared here.
  const rows = await client.query<{ villageId: number; lastSeq: number; headHash: string; genesisHash: string }>(
    `SELECT village_id AS "villageId", last_seq AS "lastSeq", head_hash AS "headHash", genesis_hash AS "genesisHash" FROM ledger_chains
      ${join ? 'WHERE village_id = ANY($1::bigint[])' : ''} ORDER BY village_id`,
    join ? [[...expected.keys()]] : [],
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
