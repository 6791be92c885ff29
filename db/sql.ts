import type Database from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import type { Db, SqliteDb } from './client';

/**
 * Plain SQL that both engines run (docs/POSTGRES.md has the rules): `?` placeholders, quoted camelCase
 * aliases, TRUE/FALSE literals. A store written against `Sql` runs on SQLite and on PostgreSQL alike.
 */
export type SqlParam = string | number | boolean | null | Uint8Array;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface Sql {
  readonly engine: 'sqlite' | 'pg';
  all<T>(text: string, params?: readonly SqlParam[]): Promise<T[]>;
  get<T>(text: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  run(text: string, params?: readonly SqlParam[]): Promise<RunResult>;
}

// SQLite cannot bind booleans; it stores flags as 0/1 and answers them so (read them with Boolean()).
function sqliteParams(params: readonly SqlParam[]): unknown[] {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p));
}

/** Statements compiled once per connection; texts come from code, so the set is small, but a cap keeps a generated IN list from growing it. */
const MAX_STATEMENTS = 1000;

class SqliteSql implements Sql {
  readonly engine = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly client: Database.Database) {}

  private statement(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      s = this.client.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  all<T>(text: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return Promise.resolve(this.statement(text).all(...sqliteParams(params)) as T[]);
  }

  get<T>(text: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
    return Promise.resolve(this.statement(text).get(...sqliteParams(params)) as T | undefined);
  }

  run(text: string, params: readonly SqlParam[] = []): Promise<RunResult> {
    return Promise.resolve({ changes: this.statement(text).run(...sqliteParams(params)).changes });
  }
}

const sqliteHandles = new WeakMap<Database.Database, SqliteSql>();

/** What a handle that is not a SQLite connection stands for: its SQL, and whether it is a transaction's. */
interface BoundHandle {
  sql: Sql;
  inTransaction: boolean;
}
const bound = new WeakMap<object, BoundHandle>();

/**
 * Gives `handle` (a PostgreSQL handle made by `pgHandle` in db/client.ts) its SQL, so stores reach either
 * engine through `sqlOf` alone.
 */
export function bindSql(handle: object, sql: Sql, inTransaction: boolean): void {
  bound.set(handle, { sql, inTransaction });
}

/**
 * Whether `db` is a SQLite database (every PostgreSQL handle is bound to its SQL). For db/ code that is SQLite by
 * nature, or that keeps one small per-engine branch; server/ never asks (ESLint).
 */
export function isSqlite<D extends Db>(db: D): db is Extract<D, SqliteDb> {
  return !bound.has(db);
}

/** Whether `db` is a transaction's handle (SQLite: its connection is inside BEGIN … COMMIT). */
export function inTransaction(db: Db): boolean {
  return isSqlite(db) ? db.$client.inTransaction : bound.get(db)!.inTransaction;
}

/** The neutral SQL handle of a database or transaction handle (one per connection, statements cached). */
export function sqlOf(db: Db): Sql {
  return isSqlite(db) ? sqliteSql(db.$client) : bound.get(db)!.sql;
}

/** The neutral SQL handle of a raw SQLite connection (the checkers open files as they are, without drizzle); shared with `sqlOf`. */
export function sqliteSql(client: Database.Database): Sql {
  let handle = sqliteHandles.get(client);
  if (!handle) {
    handle = new SqliteSql(client);
    sqliteHandles.set(client, handle);
  }
  return handle;
}

const rewritten = new Map<string, string>();

/**
 * `?` placeholders as PostgreSQL's `$1, $2 …`, skipping quoted strings, quoted names and comments, so a
 * literal '?' stays a question mark.
 */
export function toPgPlaceholders(text: string, params?: readonly SqlParam[]): string {
  const wide = params?.some(isWide) ?? false;
  const cached = wide ? undefined : rewritten.get(text);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = closing(text, i, c);
      out += text.slice(i, end);
      i = end;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += `$${++n}`;
      if (wide && isWide(params![n - 1])) out += '::bigint';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (!wide && rewritten.size < MAX_STATEMENTS) rewritten.set(text, out);
  return out;
}

/**
 * An integer past 32 bits. PostgreSQL types an untyped parameter by the column it meets, so an id of 2^31 against
 * an integer key fails (22003, a 500) where SQLite simply finds no row; typed bigint, it compares as SQLite does.
 */
function isWide(p: SqlParam | undefined): boolean {
  return typeof p === 'number' && Number.isSafeInteger(p) && (p > 2_147_483_647 || p < -2_147_483_648);
}

/** The index just past a quoted run starting at `start`; a doubled quote inside is an escaped quote. */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

function pgParams(params: readonly SqlParam[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
}

class PgSql implements Sql {
  readonly engine = 'pg' as const;

  constructor(private readonly client: Pool | PoolClient) {}

  async all<T>(text: string, params: readonly SqlParam[] = []): Promise<T[]> {
    const res = await this.client.query(toPgPlaceholders(text, params), pgParams(params));
    return res.rows as T[];
  }

  async get<T>(text: string, params: readonly SqlParam[] = []): Promise<T | undefined> {
    const res = await this.client.query(toPgPlaceholders(text, params), pgParams(params));
    return res.rows[0] as T | undefined;
  }

  async run(text: string, params: readonly SqlParam[] = []): Promise<RunResult> {
    const res = await this.client.query(toPgPlaceholders(text, params), pgParams(params));
    return { changes: res.rowCount ?? 0 };
  }
}

/** The neutral SQL handle over a PostgreSQL pool (autocommit) or one checked-out client (inside a transaction). */
export function pgSql(client: Pool | PoolClient): Sql {
  return new PgSql(client);
}
