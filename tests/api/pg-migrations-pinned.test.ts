/**
 * The PostgreSQL migrations, checked without a PostgreSQL: released files never change (as db/migrations is checked
 * in tests/trust/upgrade.test.ts), the journal only moves forward, the schema has no change left ungenerated, and
 * nothing of the SQLite schema is missing from the PostgreSQL one. Runs in `npm test`, so drift on either engine
 * shows on a machine that has no PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../db/client';
import { pgMigrationsFolder } from '../../db/pg/migrate';
import * as pgSchema from '../../db/pg/schema';
import * as liteSchema from '../../db/schema';

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}
const journal = JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta/_journal.json'), 'utf8')) as { dialect: string; entries: JournalEntry[] };
const releases = JSON.parse(readFileSync(join(pgMigrationsFolder, 'RELEASES.json'), 'utf8')) as Record<string, Record<string, string>>;
type Lite = typeof liteSchema;
type Pg = typeof pgSchema;
type TableName = { [K in keyof Lite]: Lite[K] extends SQLiteTable ? K : never }[keyof Lite] & keyof Pg;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Tables whose rows read differently on the two engines; the type check (`npm run typecheck`) names them. */
type SelectDrift = { [K in TableName]: Same<Pg[K]['$inferSelect'], Lite[K]['$inferSelect']> extends true ? never : K }[TableName];
/** Same for inserts, but for the two keyed by village id: SQLite lets an INTEGER PRIMARY KEY default to the rowid. */
type InsertDrift = Exclude<
  { [K in TableName]: Same<Pg[K]['$inferInsert'], Lite[K]['$inferInsert']> extends true ? never : K }[TableName],
  'ledgerChains' | 'merkleFrontiers'
>;
const selectDrift: [SelectDrift] extends [never] ? 'none' : SelectDrift = 'none';
const insertDrift: [InsertDrift] extends [never] ? 'none' : InsertDrift = 'none';

const sha = (tag: string) => createHash('sha256').update(readFileSync(join(pgMigrationsFolder, `${tag}.sql`))).digest('hex');

describe('PostgreSQL migrations (db/pg/migrations)', () => {
  it('released migrations are never edited, and every release is a prefix of the current list', () => {
    const tags = journal.entries.map((e) => e.tag);
    expect(Object.keys(releases).length).toBeGreaterThan(0);
    for (const [version, shipped] of Object.entries(releases)) {
      expect(tags.slice(0, Object.keys(shipped).length), `release ${version}`).toEqual(Object.keys(shipped));
      for (const [tag, hash] of Object.entries(shipped)) expect(sha(tag), `${tag}.sql changed after release ${version}`).toBe(hash);
    }
  });

  it('only move forward, and every file is in the journal', () => {
    expect(journal.dialect).toBe('postgresql');
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i);
      expect(e.tag.startsWith(String(i).padStart(4, '0'))).toBe(true);
      // drizzle skips a migration older than the last applied one, silently.
      if (i > 0) expect(e.when).toBeGreaterThan(journal.entries[i - 1].when);
    });
    const files = readdirSync(pgMigrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(files).toEqual(journal.entries.map((e) => e.tag));
  });

  it('leave no schema change ungenerated: the last snapshot is db/pg/schema', async () => {
    const last = journal.entries.at(-1)!;
    const snapshot = JSON.parse(readFileSync(join(pgMigrationsFolder, `meta/${last.tag.slice(0, 4)}_snapshot.json`), 'utf8')) as Parameters<typeof generateMigration>[0];
    const current = generateDrizzleJson(pgSchema as Record<string, unknown>, snapshot.id);
    expect(await generateMigration(snapshot, current)).toEqual([]);
  });

  it('carry a trigger for every SQLite trigger, under the same name', () => {
    const lite = readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .flatMap((f) => [...readFileSync(join(migrationsFolder, f), 'utf8').matchAll(/CREATE TRIGGER (\w+)/g)].map((m) => m[1]));
    const pg = journal.entries.flatMap((e) => [...readFileSync(join(pgMigrationsFolder, `${e.tag}.sql`), 'utf8').matchAll(/CREATE TRIGGER (\w+)/g)].map((m) => m[1]));
    expect(new Set(lite).size).toBeGreaterThan(20);
    expect([...new Set(lite)].filter((t) => !pg.includes(t))).toEqual([]);
  });
});

describe('PostgreSQL schema (db/pg/schema)', () => {
  it('exports every name the SQLite schema exports, so code can switch by its import', () => {
    expect(Object.keys(liteSchema).filter((name) => !(name in pgSchema))).toEqual([]);
  });

  it('reads and writes rows of the same TypeScript types as the SQLite schema (checked by tsc)', () => {
    expect([selectDrift, insertDrift]).toEqual(['none', 'none']);
  });

  it('keeps the enums of the SQLite schema as they are (one source: db/schema)', () => {
    expect(pgSchema.ledgerKinds).toBe(liteSchema.ledgerKinds);
    expect(pgSchema.roles).toBe(liteSchema.roles);
  });
});
