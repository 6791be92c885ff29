/**
 * County id ranges on PostgreSQL (migration 0003): ids of county 37 (≥ 37·10^10, past 2^31) round-trip through
 * sqlOf on every kind of table — a small table's key, a big table's key, a column pointing at either, a composite
 * key of ids, a key that is a village id — and a county generated as number 37 copies over, keeps every id, verifies,
 * and the next id the database hands out stays in its range.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { COUNTY_ID_SPAN, rangeOf } from '../../db/idRange';
import { sqlOf } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { verifyDatabase } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { freshDatabase, type FreshDatabase } from './support/database';

const NOW = new Date('2026-03-28T09:00:00.000Z');
const BASE = 37 * COUNTY_ID_SPAN;
const ID = BASE + 5;
const dir = mkdtempSync(join(tmpdir(), 'jifen-county-ids-pg-'));

let plain: FreshDatabase;
let copied: FreshDatabase;
let plainDb: Db;
let copiedDb: Db;
let liteIds: Record<string, { lo: number; hi: number; n: number }>;

/** Smallest, largest and count of every id column (keys and columns holding one), by "table.column". */
async function idColumns(db: Db, tables: { table: string; column: string }[]): Promise<Record<string, { lo: number; hi: number; n: number }>> {
  const out: Record<string, { lo: number; hi: number; n: number }> = {};
  for (const { table, column } of tables) {
    const where = table === 'rule_headings' && column === 'id' ? 'AND area_id IS NOT NULL' : '';
    const r = await sqlOf(db).get<{ lo: number | null; hi: number | null; n: number }>(
      `SELECT MIN(${column}) AS lo, MAX(${column}) AS hi, COUNT(${column}) AS n FROM ${table} WHERE ${column} IS NOT NULL ${where}`,
    );
    if (r && r.lo !== null && r.hi !== null) out[`${table}.${column}`] = { lo: Number(r.lo), hi: Number(r.hi), n: Number(r.n) };
  }
  return out;
}

let idColumnList: { table: string; column: string }[];

beforeAll(async () => {
  plain = await freshDatabase();
  plainDb = await openPgDb({ url: plain.url, dataDir: join(dir, 'plain'), migrate: false });

  const file = join(dir, 'county37.db');
  const lite = openDb({ file });
  await generateCounty(lite, { households: 80, months: 2, villages: 2, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', writer: 'bulk', auditHistory: true, countyNumber: 37 });
  idColumnList = (
    lite.$client
      .prepare(
        `SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m JOIN pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__drizzle%' AND lower(p.type) = 'integer'
            AND (p.name = 'id' OR p.name LIKE '%\\_id' ESCAPE '\\' OR p.name LIKE '%\\_by' ESCAPE '\\') ORDER BY 1, 2`,
      )
      .all() as { table: string; column: string }[]
  );
  liteIds = await idColumns(lite, idColumnList);
  await closeDb(lite);
  copied = await freshDatabase();
  await copySqliteToPg({ from: file, to: copied.url });
  copiedDb = await openPgDb({ url: copied.url, dataDir: join(dir, 'copied'), migrate: false });
}, 240_000);

afterAll(async () => {
  if (plainDb) await closeDb(plainDb);
  if (copiedDb) await closeDb(copiedDb);
  await plain?.drop();
  await copied?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ids of county 37 on PostgreSQL', () => {
  it('round-trip through sqlOf on every kind of table, as exact numbers', async () => {
    const v = ID + 1;
    await transaction(plainDb, async (tx) => {
      const q = sqlOf(tx);
      // A small table's key, and a column pointing at one (parent_id, area_id, village_id …).
      await q.run(`INSERT INTO areas (id, name, kind, parent_id, path, created_at) VALUES (?, '县', 'county', NULL, ?, 1)`, [ID, `/${ID}/`]);
      await q.run(`INSERT INTO areas (id, name, kind, parent_id, path, created_at) VALUES (?, '村', 'village', ?, ?, 1)`, [v, ID, `/${ID}/${v}/`]);
      await q.run(`INSERT INTO users (id, username, password_hash, role, area_id, created_at, updated_at) VALUES (?, 'c37-cadre', 'x', 'village_cadre', ?, 1, 1)`, [ID, v]);
      await q.run(`INSERT INTO households (id, village_id, head_name, created_at, updated_at) VALUES (?, ?, '张三明', 1, 1)`, [ID, v]);
      // A big table's key, with small ids beside it.
      await q.run(`INSERT INTO audit_log (id, actor_id, area_id, entity, entity_id, action, created_at) VALUES (?, ?, ?, 'household', ?, 'household.create', 1)`, [ID, ID, v, String(ID)]);
      // A composite key made of ids, and a key that is a village id.
      await q.run(`INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score) VALUES (?, '2026', ?, ?, ?, 5)`, [ID, v, ID, ID]);
      await q.run(`INSERT INTO request_keys (user_id, key, request_hash, created_at) VALUES (?, 'k', 'h', 1)`, [ID]);
      await q.run(`INSERT INTO ledger_chains (village_id, last_seq, head_hash, genesis_hash) VALUES (?, 0, 'g', 'g')`, [v]);
    });
    const q = sqlOf(plainDb);
    expect(await q.get(`SELECT id, parent_id AS "parentId" FROM areas WHERE id = ?`, [v])).toEqual({ id: v, parentId: ID });
    expect(await q.get(`SELECT id, area_id AS "areaId" FROM users WHERE id = ?`, [ID])).toEqual({ id: ID, areaId: v });
    expect(await q.get(`SELECT id, village_id AS "villageId" FROM households WHERE village_id = ?`, [v])).toEqual({ id: ID, villageId: v });
    expect(await q.get(`SELECT id, actor_id AS "actorId", area_id AS "areaId", entity_id AS "entityId" FROM audit_log WHERE id = ?`, [ID])).toEqual({ id: ID, actorId: ID, areaId: v, entityId: String(ID) });
    expect(await q.get(`SELECT household_id AS h, village_id AS v, county_id AS c FROM household_period_scores WHERE household_id = ? AND period = '2026'`, [ID])).toEqual({ h: ID, v, c: ID });
    expect(await q.get(`SELECT user_id AS u FROM request_keys WHERE user_id = ? AND key = 'k'`, [ID])).toEqual({ u: ID });
    expect(await q.get(`SELECT village_id AS v FROM ledger_chains WHERE village_id = ?`, [v])).toEqual({ v });
    // The id column of every table is bigint now: the identity hands out ids past 2^31 after a county's rows.
    await q.run(`SELECT setval(pg_get_serial_sequence('rules', 'id'), ?)`, [BASE + 41]);
    const rule = await q.get<{ id: number }>(`INSERT INTO rules (area_id, category, name, points, created_at, updated_at) VALUES (?, 'hygiene', '庭院整洁', 5, 1, 1) RETURNING id`, [ID]);
    expect(rule).toEqual({ id: BASE + 42 });
  });

  it('a county generated as number 37 copies over with every id kept, all in its range, and verifies', async () => {
    const pgIds = await idColumns(copiedDb, idColumnList);
    expect(Object.keys(liteIds).length).toBeGreaterThan(50);
    expect(pgIds).toEqual(liteIds);
    expect(Object.entries(pgIds).filter(([, r]) => rangeOf(r.lo) !== 37 || rangeOf(r.hi) !== 37)).toEqual([]);
    expect(await verifyDatabase(copiedDb)).toMatchObject({ ok: true });
  });

  it('after the copy, the next household the database makes lies in county 37 too', async () => {
    const village = (await sqlOf(copiedDb).get<{ id: number }>(`SELECT MIN(id) AS id FROM areas WHERE kind = 'village'`))!.id;
    const made = await transaction(copiedDb, (tx) =>
      sqlOf(tx).get<{ id: number }>(`INSERT INTO households (village_id, head_name, created_at, updated_at) VALUES (?, '李四', 1, 1) RETURNING id`, [village]),
    );
    expect(rangeOf(made!.id)).toBe(37);
    expect(made!.id).toBe(liteIds['households.id'].hi + 1);
  });
});
