import { ESLint } from 'eslint';
import { Pool } from 'pg';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { closeDb, dbFileName, openDb, pgHandle, readDb, replicaDb, type Db, type PgDb, type SqliteDb } from '../../db/client';
import { inTransaction, isSqlite, pgSql, sqlOf } from '../../db/sql';
import { transaction, TransactionMisuse, type SqliteTx, type Tx } from '../../db/transaction';

// Issue #15: shared code (server/, stores both engines reach) must not assume SQLite, and tsc must be what proves it.
// The type assertions here are checked by `tsc --noEmit` (and the @ts-expect-error lines fail it if Db ever
// regains drizzle's API); the run-time cases check that the narrowing behind the types is right.

/** Never called: each line must stay a type error. */
export function sqliteOnlyUsesOfADbDoNotCompile(db: Db, tx: Tx): void {
  // @ts-expect-error a Db has no drizzle query API
  db.select();
  // @ts-expect-error nor the raw SQLite connection
  void db.$client;
  // @ts-expect-error nor drizzle's insert on a transaction handle
  tx.insert();
  // @ts-expect-error a Db is not a SqliteDb: a SQLite-only store cannot be handed one
  const lite: SqliteDb = db;
  void lite;
}

describe('Db is engine-neutral in the types', () => {
  it('offers neither drizzle nor $client on a Db or a Tx', () => {
    expectTypeOf<Db>().not.toHaveProperty('select');
    expectTypeOf<Db>().not.toHaveProperty('$client');
    expectTypeOf<Tx>().not.toHaveProperty('insert');
    expectTypeOf<SqliteDb>().toHaveProperty('select');
  });

  it('accepts a SqliteDb or a PostgreSQL handle wherever a Db is taken, and never a Db where SQLite is required', () => {
    expectTypeOf<SqliteDb>().toExtend<Db>();
    expectTypeOf<PgDb>().toExtend<Db>();
    expectTypeOf<SqliteTx>().toExtend<Tx>();
    expectTypeOf<Db>().not.toExtend<SqliteDb>();
    expectTypeOf<PgDb>().not.toExtend<SqliteDb>();
    expectTypeOf<Tx>().not.toExtend<SqliteTx>();
  });
});

/** The handle as shared code sees it (an annotated local would stay narrowed to SqliteDb). */
const neutralOf = (db: Db): Db => db;

describe('the driver narrows inside db/', () => {
  it('keeps a SQLite caller SQLite-typed and answers a neutral caller neutrally', async () => {
    const db = openDb({ file: ':memory:' });
    try {
      expectTypeOf(readDb(db)).toEqualTypeOf<SqliteDb>();
      expectTypeOf(replicaDb(db)).toEqualTypeOf<SqliteDb>();
      const neutral = neutralOf(db);
      expectTypeOf(readDb(neutral)).toEqualTypeOf<Db>();
      expect(isSqlite(db)).toBe(true);
      expect(readDb(neutral)).toBe(db); // ':memory:' has one connection
      expect(sqlOf(neutral).engine).toBe('sqlite');
      const seen = await transaction(db, async (tx) => {
        expectTypeOf(tx).toEqualTypeOf<SqliteTx>();
        return { sqlite: isSqlite(tx), inside: inTransaction(tx), one: await sqlOf(tx).get<{ one: number }>('SELECT 1 AS one') };
      });
      expect(seen).toEqual({ sqlite: true, inside: true, one: { one: 1 } });
      await transaction(neutral, async (tx) => {
        expectTypeOf(tx).toEqualTypeOf<Tx>();
      });
    } finally {
      await closeDb(db);
    }
  });

  it('routes a PostgreSQL handle to its SQL and refuses SQLite-only use of it', async () => {
    // A pool connects on its first query; nothing here queries, so no server is needed.
    const pool = new Pool({ host: '127.0.0.1', port: 1, max: 1 });
    try {
      const sql = pgSql(pool);
      const handle = pgHandle('a test handle', sql, false);
      expectTypeOf(readDb(handle)).toEqualTypeOf<Db>();
      expect(isSqlite(handle)).toBe(false);
      expect(sqlOf(handle)).toBe(sql);
      expect(inTransaction(handle)).toBe(false);
      expect(readDb(handle)).toBe(handle);
      expect(replicaDb(handle)).toBe(handle);
      // Past the type-check (plain JavaScript, a cast), drizzle and $client still fail loudly.
      expect(() => Reflect.get(handle, 'select')).toThrow(/SQLite-only code reached a test handle \(db\.select\)/);
      expect(() => Reflect.get(handle, '$client')).toThrow(/sqlOf\(\)/);
      // Not a database handle from openPgDb: no transaction, no file name (nesting or a replica, not a silent SQLite path).
      await expect(transaction(handle, async () => 1)).rejects.toBeInstanceOf(TransactionMisuse);
      expect(() => dbFileName(handle)).toThrow(/database handle/);
      const txHandle = pgHandle('a test transaction', sql, true);
      expect(inTransaction(txHandle)).toBe(true);
    } finally {
      await pool.end();
    }
  });
});

describe('server/ never names the SQLite handle (eslint.config.js)', () => {
  // Type-aware rules need the file in the project; the restriction rules do not.
  const eslint = new ESLint({
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/await-thenable': 'off' },
    },
  });
  const lint = async (path: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path });
    return result.messages.map((m) => m.ruleId);
  };

  it('refuses SqliteDb, SqliteTx and isSqlite in server/, however they are reached', async () => {
    const cases = [
      "import type { SqliteDb } from '../../db/client';\nexport const f = (db: SqliteDb) => db;\n",
      "import type { SqliteTx } from '../../db/transaction';\nexport const f = (tx: SqliteTx) => tx;\n",
      "import { isSqlite } from '../../db/sql';\nimport type { Db } from '../../db/client';\nexport const f = (db: Db) => isSqlite(db);\n",
      "export type Lite = import('../../db/client').SqliteDb;\n",
    ];
    for (const code of cases) {
      const rules = await lint('server/modules/awards/probe.ts', code);
      expect(rules, code).toContain('no-restricted-syntax');
    }
    expect(await lint('server/modules/awards/probe.ts', cases[0])).toContain('no-restricted-imports');
  }, 60_000);

  it('lets server/ take a Db, and db/ name SqliteDb', async () => {
    expect(await lint('server/modules/awards/probe.ts', "import type { Db } from '../../../db/client';\nexport const f = (db: Db) => db;\n")).toEqual([]);
    expect(await lint('db/probe.ts', "import type { SqliteDb } from './client';\nexport const f = (db: SqliteDb) => db.$client;\n")).toEqual([]);
  }, 60_000);
});
