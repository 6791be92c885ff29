/**
 * The generator with a county number: every id of every table in the county's range (so counties generated
 * apart can share one provincial database), usernames, ID numbers and phones of its own, and a clean verify.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCountyNumber, CountyNumberRefused, recordedCountyNumber } from '../../db/bootstrap';
import { openDb, type SqliteDb } from '../../db/client';
import { COUNTY_ID_SPAN, rangeOf } from '../../db/idRange';
import { verifyDatabase } from '../../db/verify';
import { countyUsername, generateCounty, regionCodeOf, type GeneratedCounty } from '../../seeds/generate';
import { expectAllInvariants } from './invariants';

const NOW = new Date('2026-03-28T09:00:00.000Z');
const HASH = 'scrypt$1024$8$1$AAAA$AAAA';

async function generate(countyNumber: number | undefined, writer: 'bulk' | 'direct' = 'bulk'): Promise<{ db: SqliteDb; county: GeneratedCounty }> {
  const db = openDb({ file: ':memory:' });
  const county = await generateCounty(db, { households: 120, months: 3, villages: 2, now: NOW, passwordHash: HASH, writer, auditHistory: true, countyNumber });
  return { db, county };
}

/** Smallest and largest value of every id column (keys, columns holding one, the audit's numeric entity ids). */
function idColumns(db: SqliteDb): { col: string; lo: number; hi: number }[] {
  const c = db.$client;
  const out: { col: string; lo: number; hi: number }[] = [];
  const tables = c.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`).all() as { name: string }[];
  for (const { name } of tables) {
    for (const col of c.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string }[]) {
      if (col.type.toLowerCase() !== 'integer' || !(col.name === 'id' || col.name.endsWith('_id') || col.name.endsWith('_by'))) continue;
      // The seven built-in catalogue headings (area NULL, ids 1-7) come with every database: the same rows everywhere.
      const where = name === 'rule_headings' && col.name === 'id' ? 'AND area_id IS NOT NULL' : '';
      const r = c.prepare(`SELECT MIN("${col.name}") AS lo, MAX("${col.name}") AS hi FROM "${name}" WHERE "${col.name}" IS NOT NULL ${where}`).get() as { lo: number | null; hi: number | null };
      if (r.lo !== null && r.hi !== null) out.push({ col: `${name}.${col.name}`, lo: r.lo, hi: r.hi });
    }
  }
  const entity = c.prepare(`SELECT MIN(CAST(entity_id AS INTEGER)) AS lo, MAX(CAST(entity_id AS INTEGER)) AS hi FROM audit_log WHERE entity_id GLOB '[0-9]*'`).get() as { lo: number; hi: number };
  out.push({ col: 'audit_log.entity_id', ...entity });
  return out;
}

const column = <T>(db: SqliteDb, q: string) => (db.$client.prepare(q).all() as Record<string, T>[]).map((r) => Object.values(r)[0]);

describe('a generated county with a county number', () => {
  let two: { db: SqliteDb; county: GeneratedCounty };
  let three: { db: SqliteDb; county: GeneratedCounty };
  beforeAll(async () => {
    two = await generate(2);
    three = await generate(3);
  }, 180_000);

  it('puts every id of every table in its range, and the next ids too', () => {
    const cols = idColumns(two.db);
    expect(cols.length).toBeGreaterThan(60);
    expect(cols.map((c) => c.col)).toEqual(expect.arrayContaining(['ledger_entries.id', 'households.id', 'awards.id', 'award_batches.id', 'redemptions.id', 'donations.id', 'stock_movements.id', 'audit_log.id', 'users.id', 'areas.id']));
    expect(cols.filter((c) => rangeOf(c.lo) !== 2 || rangeOf(c.hi) !== 2)).toEqual([]);
    // Tables the generator leaves empty (objections, checkpoints …) start in the range as well.
    const seqs = column<number>(two.db, 'SELECT seq FROM sqlite_sequence');
    expect(seqs.every((s) => rangeOf(s) === 2)).toBe(true);
    expect(two.db.$client.prepare(`SELECT MIN(id) AS id FROM households`).get()).toEqual({ id: 2 * COUNTY_ID_SPAN + 1 });
    expect(two.county.countyId).toBe(2 * COUNTY_ID_SPAN + 1);
  });

  it('verifies clean and keeps every ledger, stock and record invariant', async () => {
    expect(await verifyDatabase(two.db)).toMatchObject({ ok: true });
    expectAllInvariants(two.db);
  }, 120_000);

  it('writes the same county entry by entry as in bulk', async () => {
    const direct = await generate(2, 'direct');
    for (const q of ['SELECT id, household_id, village_id, kind, points, balance_after, award_id, redemption_id, reverses_id, chain_id, seq FROM ledger_entries ORDER BY id', 'SELECT * FROM stock_movements ORDER BY id']) {
      expect(direct.db.$client.prepare(q).all(), q).toEqual(two.db.$client.prepare(q).all());
    }
  }, 120_000);

  it('gives staff usernames, ID numbers and phones of its own: two counties never share one', () => {
    const names2 = column<string>(two.db, 'SELECT username FROM users');
    const names3 = column<string>(three.db, 'SELECT username FROM users');
    expect(names2).toContain(countyUsername(2, 'cadre'));
    expect(names2.every((n) => n.startsWith('c2-'))).toBe(true);
    expect(names2.filter((n) => names3.includes(n))).toEqual([]);
    expect([...two.county.users.keys()].every((n) => n.startsWith('c2-'))).toBe(true);

    const ids2 = column<string>(two.db, 'SELECT id_number FROM households UNION ALL SELECT id_number FROM household_members WHERE id_number IS NOT NULL');
    const ids3 = new Set(column<string>(three.db, 'SELECT id_number FROM households UNION ALL SELECT id_number FROM household_members WHERE id_number IS NOT NULL'));
    expect(ids2.every((n) => n.startsWith(regionCodeOf(2)))).toBe(true);
    expect(regionCodeOf(2)).not.toBe(regionCodeOf(3));
    expect(ids2.filter((n) => ids3.has(n))).toEqual([]);
    const phones3 = new Set(column<string>(three.db, 'SELECT phone FROM households WHERE phone IS NOT NULL'));
    const phones2 = column<string>(two.db, 'SELECT phone FROM households WHERE phone IS NOT NULL');
    expect(phones2.length).toBeGreaterThan(20);
    expect(phones2.filter((p) => phones3.has(p)).length).toBeLessThan(2);
  });

  it('records its number: the database refuses another, and generating again follows the recorded one', async () => {
    expect(await recordedCountyNumber(two.db)).toBe(2);
    await expect(applyCountyNumber(two.db, 5)).rejects.toThrow(CountyNumberRefused);
    const numbered = openDb({ file: ':memory:' });
    await applyCountyNumber(numbered, 9);
    const county = await generateCounty(numbered, { households: 20, months: 1, villages: 1, now: NOW, passwordHash: HASH, writer: 'bulk' });
    expect(rangeOf(county.countyId)).toBe(9);
    expect([...county.users.keys()].every((n) => n.startsWith('c9-'))).toBe(true);
    await expect(generateCounty(openDbNumbered(4), { households: 20, months: 1, now: NOW, passwordHash: HASH, countyNumber: 6 })).rejects.toThrow(CountyNumberRefused);
  }, 60_000);

  it('number 0 is the county as it always was: ids from 1, plain usernames, the old region code, no recorded number', async () => {
    const zero = await generate(undefined);
    expect(zero.county.countyId).toBe(1);
    expect(zero.county.users.has('cadre')).toBe(true);
    expect(regionCodeOf(0)).toBe('430726');
    expect(column<string>(zero.db, 'SELECT id_number FROM households').every((n) => n.startsWith('430726'))).toBe(true);
    expect(await recordedCountyNumber(zero.db)).toBeNull();
  }, 60_000);

  it('regionCodeOf gives every number 0..99999 its own six digits', () => {
    const seen = new Set<string>();
    for (let k = 0; k <= 99_999; k++) seen.add(regionCodeOf(k));
    expect(seen.size).toBe(100_000);
    expect([...seen].every((s) => /^\d{6}$/.test(s))).toBe(true);
  });
});

function openDbNumbered(k: number): SqliteDb {
  const db = openDb({ file: ':memory:' });
  db.$client.prepare(`INSERT INTO meta (key, value) VALUES ('county_number', ?)`).run(String(k));
  return db;
}
