/**
 * One county, two engines, one request: the fixture is built on SQLite with the ordinary factories (as a county is
 * built today), copied into a fresh PostgreSQL database by db:copy (as a county moves), and then the same HTTP
 * request goes to an app over the SQLite file and to an app over PostgreSQL. A test compares the two answers.
 *
 * Both apps share one test clock, one configuration and one checkpoint signing key, and each has its own photo folder
 * (a copy of the one the fixture wrote). Sessions are per engine: `login` signs in on each app and gives a
 * `Session` holding both cookies; `both` sends each engine its own.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { closeDb, openDb, openPgDb, type Db } from '../../../db/client';
import { sqlOf } from '../../../db/sql';
import { copySqliteToPg, type CopySummary } from '../../../db/copy/sqliteToPg';
import { createApp } from '../../../server/app';
import { generateCheckpointKey } from '../../../server/lib/checkpointKey';
import type { AppConfig } from '../../../server/lib/context';
import { checkAnswers, makeClock, testConfig, type TestApp, type TestClock } from '../../support/app';
import { PASSWORD } from '../../support/factories';
import { freshDatabase, type FreshDatabase } from './database';

export type Engine = 'sqlite' | 'pg';
export const engines: readonly Engine[] = ['sqlite', 'pg'];

/** A signed-in user: one cookie per engine (each app issued its own session). */
export type Session = Record<Engine, string>;

/** A test app over either engine: the PostgreSQL one's `db` is no SQLite fixture database. */
export type EngineApp<D extends Db = Db> = Omit<TestApp, 'db'> & { db: D };

/** A value that differs per engine (a pass code each app issued), for a request sent to both. */
export class PerEngine<T> {
  constructor(readonly values: Record<Engine, T>) {}
}

export interface RequestOptions {
  cookie?: Session;
  /** JSON (serialised here), a string sent as is, or a PerEngine of either. */
  body?: unknown;
  /** A binary body (a photo), sent as is. */
  raw?: Uint8Array;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text (for binary answers use `bytes`); read an object with `json()`. */
  body: unknown;
  bytes: Buffer;
}

export type Answers = Record<Engine, Answer>;

export type JsonObject = Record<string, unknown>;

/** An answer's body as the JSON object it must be (a test that reads fields of anything else fails here, saying so). */
export function json(a: Answer): JsonObject {
  if (typeof a.body !== 'object' || a.body === null || Array.isArray(a.body)) throw new Error(`expected a JSON object, got ${JSON.stringify(a.body)}`);
  return a.body as JsonObject;
}

/** The error code of an error answer, or null for any other answer. */
export function errorCodeOf(a: Answer): string | null {
  const body = a.body as { error?: { code?: unknown } } | null;
  return typeof body?.error?.code === 'string' ? body.error.code : null;
}

export interface BothEngines<T> {
  /** What the fixture builder returned (ids are the same on both engines: db:copy keeps them). */
  fixture: T;
  clock: TestClock;
  config: AppConfig;
  apps: Record<Engine, EngineApp>;
  copy: CopySummary;
  /** Sends the request to one engine. */
  send(engine: Engine, method: string, path: string, opts?: RequestOptions): Promise<Answer>;
  /** Sends the same request to SQLite, then to PostgreSQL. */
  both(method: string, path: string, opts?: RequestOptions): Promise<Answers>;
  /** Signs in on both apps through the real route. */
  login(username: string, password?: string): Promise<Session>;
  close(): Promise<void>;
}

export interface BothEnginesOptions {
  start?: string;
  config?: Partial<AppConfig>;
  poolSize?: number;
}

const JSON_TYPE = /^application\/(.+\+)?json/;

async function request(t: EngineApp, engine: Engine, method: string, path: string, opts: RequestOptions): Promise<Answer> {
  const cookie = opts.cookie?.[engine];
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (cookie) headers.cookie = cookie;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.raw) {
    body = Uint8Array.from(opts.raw);
  } else if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    const value = opts.body instanceof PerEngine ? (opts.body.values as Record<Engine, unknown>)[engine] : opts.body;
    body = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const res = await t.app.request(path, { method, headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown = null;
  if (bytes.length > 0) {
    if (JSON_TYPE.test(type)) parsed = JSON.parse(bytes.toString('utf8'));
    else if (type.startsWith('text/') || type === '') parsed = bytes.toString('utf8');
  }
  return { status: res.status, headers: res.headers, body: parsed, bytes };
}

/**
 * Builds the fixture on a SQLite file with `build` (it may use the factories and the app's routes), copies the
 * file into a fresh PostgreSQL database and opens an app over each.
 */
export async function bothEngines<T>(build: (t: TestApp, config: AppConfig) => Promise<T> | T, opts: BothEnginesOptions = {}): Promise<BothEngines<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-both-'));
  const file = join(dir, 'county.db');
  const evidence: Record<Engine, string> = { sqlite: join(dir, 'photos-sqlite'), pg: join(dir, 'photos-pg') };
  mkdirSync(evidence.sqlite);
  const clock = makeClock(opts.start ?? '2026-06-15T02:00:00.000Z');
  // One key: checkpoints and published boards are signed alike on both engines.
  const shared: AppConfig = { ...testConfig, checkpointKey: generateCheckpointKey(), ...opts.config };
  const configOf = (engine: Engine): AppConfig => ({ ...shared, evidenceDir: evidence[engine] });
  const appOver = <D extends Db>(db: D, engine: Engine): EngineApp<D> => {
    const app = createApp({ db, config: configOf(engine), now: () => clock.now });
    checkAnswers(app);
    return { app, db, clock, appDb: async () => db, sql: sqlOf(db) };
  };

  let target: FreshDatabase | undefined;
  const opened: Db[] = [];
  try {
    const builder = openDb({ file });
    opened.push(builder);
    const fixture = await build(appOver(builder, 'sqlite'), configOf('sqlite'));
    await closeDb(builder);
    opened.pop();

    target = await freshDatabase();
    const copy = await copySqliteToPg({ from: file, to: target.url });
    cpSync(evidence.sqlite, evidence.pg, { recursive: true });

    const sqliteDb = openDb({ file });
    opened.push(sqliteDb);
    const pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-data'), poolSize: opts.poolSize ?? 8, migrate: false });
    opened.push(pgDb);
    const apps: Record<Engine, EngineApp> = { sqlite: appOver(sqliteDb, 'sqlite'), pg: appOver(pgDb, 'pg') };

    const send = (engine: Engine, method: string, path: string, o: RequestOptions = {}) => request(apps[engine], engine, method, path, o);
    const db = target;
    return {
      fixture,
      clock,
      config: shared,
      apps,
      copy,
      send,
      async both(method, path, o = {}) {
        const sqlite = await send('sqlite', method, path, o);
        const pg = await send('pg', method, path, o);
        return { sqlite, pg };
      },
      async login(username, password = PASSWORD) {
        const session = {} as Session;
        for (const engine of engines) {
          const res = await send(engine, 'POST', '/api/auth/login', { body: { username, password } });
          if (res.status !== 200) throw new Error(`login ${username} on ${engine} failed: ${res.status} ${JSON.stringify(res.body)}`);
          session[engine] = (res.headers.get('set-cookie') ?? '').split(';')[0];
        }
        return session;
      },
      async close() {
        for (const d of opened.splice(0)) await closeDb(d);
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const d of opened.splice(0)) await closeDb(d).catch(() => undefined);
    await target?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * What must differ between the two engines, and only that; a difference anywhere else fails the comparison.
 * - `requestId` of an error body: a fresh random id per request.
 * - Ledger hashes and what is built on them: every entry written after the copy is sealed with a fresh random
 *   salt (version 3 blinds its private fields), so its hash, the village chain head, Merkle roots and proof paths,
 *   checkpoint hashes and signatures, and a board's chain hash differ by design. Each 64-hex digest and each
 *   Ed25519 signature (base64, 88 characters) becomes `<hash#n>` / `<sig#n>`, numbered by first appearance in the
 *   answer: which values are equal to which is still compared, and so is everything beside them (ids, seq,
 *   sizes, counts). That the hashes are right is checked by verifying each engine's database.
 * - One-time pass codes and card codes (a random nonce or code) and what is drawn from them (digits, card number, QR svg).
 * Not compared at all: the `Set-Cookie`, `ETag` and `X-Request-Id` headers (sessions are per engine; an ETag is a
 * digest of the answer's bytes, salted chain hashes included). tests/pg/api-flows.pg.test.ts checks what an ETag
 * does instead: 304 while current, 200 once a write made it stale, on both engines.
 */
export const NORMALISED = ['requestId', 'sha256 hex digests', 'Ed25519 signatures', 'pass and card codes (code, digits, digitsGrouped, number, svg)'] as const;

const HEX64 = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
const TOKEN = /^[JC]\d\./;

export function normalise(value: unknown): unknown {
  const seen = new Map<string, string>();
  const mark = (kind: string, v: string) => {
    if (!seen.has(v)) seen.set(v, `<${kind}#${[...seen.values()].filter((x) => x.startsWith(`<${kind}#`)).length + 1}>`);
    return seen.get(v)!;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (HEX64.test(v)) return mark('hash', v);
      if (SIGNATURE.test(v)) return mark('sig', v);
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const token = typeof o.code === 'string' && TOKEN.test(o.code);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) {
        if (k === 'requestId') out[k] = '<requestId>';
        else if (token && (k === 'code' || k === 'digits' || k === 'digitsGrouped' || k === 'number' || k === 'svg') && typeof x === 'string') out[k] = mark(k, x);
        else out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

/** Every sheet of a workbook as cell values (what a reader of the file sees), for comparing exports without bytes (zip times differ). */
export async function workbookCells(bytes: Buffer): Promise<{ sheet: string; rows: unknown[][] }[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: unknown[] = [];
      for (let c = 1; c <= ws.columnCount; c++) {
        const v = row.getCell(c).value;
        cells.push(v instanceof Date ? v.toISOString() : v);
      }
      rows[n - 1] = cells;
    });
    return { sheet: ws.name, rows };
  });
}
