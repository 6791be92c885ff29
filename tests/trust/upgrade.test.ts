import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openDb } from '../../db/client';
import { appendLedgerEntry, GENESIS_HASH, legacyLedgerHash } from '../../db/ledger';
import { writeNow } from '../support/factories';
import { periodsOfDay } from '../../db/time';
import { verifyDatabase } from '../../db/verify';

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: JournalEntry[] };
/** Each released version and the migrations it shipped, with the SHA-256 of each file as released. */
const releases = JSON.parse(readFileSync(join(migrationsFolder, 'RELEASES.json'), 'utf8')) as Record<string, Record<string, string>>;
const versions = Object.keys(releases).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
const previous = versions.at(-1)!;
const sha = (tag: string) => createHash('sha256').update(readFileSync(join(migrationsFolder, `${tag}.sql`))).digest('hex');

/** A migrations folder holding only what the given release shipped. */
function releaseFolder(dir: string, version: string): string {
  const folder = join(dir, `migrations-${version}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const tags = Object.keys(releases[version]);
  for (const tag of tags) copyFileSync(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.filter((e) => tags.includes(e.tag)) }));
  return folder;
}

const T = Date.UTC(2026, 2, 1);

/** Data as the old release wrote it: plain inserts into its own columns, ledger rows hashed and chained. */
function fillAsOldRelease(c: Database.Database) {
  c.exec(`
    INSERT INTO areas (id, name, kind, parent_id, path, notice_days, created_at) VALUES
      (1, '旧县', 'county', NULL, '/1/', 0, ${T}), (2, '旧乡', 'township', 1, '/1/2/', NULL, ${T}), (3, '旧村', 'village', 2, '/1/2/3/', NULL, ${T});
    INSERT INTO users (id, username, password_hash, role, area_id, created_at, updated_at) VALUES
      (1, 'cadre', 'scrypt$1024$8$1$x$y', 'village_cadre', 3, ${T}, ${T}), (2, 'clerk', 'scrypt$1024$8$1$x$y', 'clerk', 3, ${T}, ${T});
    INSERT INTO households (id, village_id, head_name, name_initials, balance, created_at, updated_at) VALUES
      (1, 3, '张三明', 'zsm', 0, ${T}, ${T}), (2, 3, '李四', 'ls', 0, ${T}, ${T});
    INSERT INTO rules (id, area_id, category, name, points, unit, created_at, updated_at) VALUES (1, 1, 'hygiene', '庭院整洁', 5, '次', ${T}, ${T});
    INSERT INTO rule_versions (id, rule_id, version, category, name, points, unit, evidence_required, black_list, created_at) VALUES (1, 1, 1, 'hygiene', '庭院整洁', 5, '次', 0, 0, ${T});
    UPDATE rules SET current_version_id = 1;
    INSERT INTO goods (id, store_area_id, name, price, unit, stock, created_at, updated_at) VALUES (1, 3, '食用油', 10, '桶', 0, ${T}, ${T});
  `);
  const balances = new Map<number, number>();
  let prev = GENESIS_HASH;
  let id = 0;
  const entry = (e: { householdId: number; kind: 'award' | 'redemption'; points: number; conductPoints: number; awardId?: number; redemptionId?: number; ruleId?: number }) => {
    id += 1;
    const balanceAfter = (balances.get(e.householdId) ?? 0) + e.points;
    balances.set(e.householdId, balanceAfter);
    const row = { id, householdId: e.householdId, villageId: 3, kind: e.kind, points: e.points, balanceAfter, conductPoints: e.conductPoints, occurredOn: '2026-03-01', ruleId: e.ruleId ?? null, awardId: e.awardId ?? null, redemptionId: e.redemptionId ?? null, reversesId: null, category: null, note: null, createdBy: null, createdAt: T + id, prevHash: prev };
    const hash = legacyLedgerHash(row);
    c.prepare(
      `INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, rule_id, award_id, redemption_id, reverses_id, created_at, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.id, row.householdId, row.villageId, row.kind, row.points, row.balanceAfter, row.conductPoints, row.occurredOn, row.ruleId, row.awardId, row.redemptionId, null, row.createdAt, row.prevHash, hash);
    c.prepare('UPDATE households SET balance = ? WHERE id = ?').run(balanceAfter, e.householdId);
    if (e.conductPoints) {
      for (const period of periodsOfDay(row.occurredOn)) {
        c.prepare(
          `INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted) VALUES (?, ?, 3, 2, 1, ?, ?, 0)
           ON CONFLICT (household_id, period) DO UPDATE SET score = score + excluded.score, earned = earned + excluded.earned`,
        ).run(e.householdId, period, e.conductPoints, e.conductPoints);
      }
    }
    prev = hash;
    c.prepare('INSERT INTO chain_head (id, last_entry_id, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET last_entry_id = excluded.last_entry_id, hash = excluded.hash').run(id, hash);
    return id;
  };
  for (const [awardId, householdId] of [[1, 1], [2, 2], [3, 1]]) {
    c.prepare(`INSERT INTO awards (id, household_id, village_id, rule_id, rule_version_id, quantity, points, occurred_on, status, proposed_by, proposed_at) VALUES (?, ?, 3, 1, 1, 4, 20, '2026-03-01', 'pending', 1, ${T})`).run(awardId, householdId);
    const entryId = entry({ householdId, kind: 'award', points: 20, conductPoints: 20, awardId, ruleId: 1 });
    c.prepare(`UPDATE awards SET status = 'posted', posted_at = ${T}, ledger_entry_id = ? WHERE id = ?`).run(entryId, awardId);
  }
  c.prepare(`INSERT INTO awards (id, household_id, village_id, rule_id, rule_version_id, quantity, points, occurred_on, status, proposed_by, proposed_at) VALUES (4, 2, 3, 1, 1, 1, 5, '2026-03-02', 'pending', 1, ${T})`).run();
  c.exec(`INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, created_at) VALUES (1, 3, 'purchase', 10, 10, ${T}); UPDATE goods SET stock = 10;`);
  c.exec(`INSERT INTO redemptions (id, household_id, village_id, store_area_id, clerk_id, points, balance_after, via, created_at) VALUES (1, 1, 3, 3, 2, 20, 20, 'pass', ${T})`);
  c.exec(`INSERT INTO redemption_items (redemption_id, goods_id, household_id, month, quantity, price, points) VALUES (1, 1, 1, '2026-03', 2, 10, 20)`);
  c.exec(`INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, redemption_id, created_at) VALUES (1, 3, 'redemption', -2, 8, 1, ${T}); UPDATE goods SET stock = 8;`);
  const redemptionEntry = entry({ householdId: 1, kind: 'redemption', points: -20, conductPoints: 0, redemptionId: 1 });
  c.prepare('UPDATE redemptions SET ledger_entry_id = ? WHERE id = 1').run(redemptionEntry);
}

function tableCounts(c: Database.Database, tables: string[]) {
  return Object.fromEntries(tables.map((t) => [t, (c.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
}

describe('upgrades keep data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('released migrations are never edited, and every release is a prefix of the current list', () => {
    const tags = journal.entries.map((e) => e.tag);
    for (const version of versions) {
      const shipped = Object.keys(releases[version]);
      expect(tags.slice(0, shipped.length), `release ${version}`).toEqual(shipped);
      for (const [tag, hash] of Object.entries(releases[version])) expect(sha(tag), `${tag}.sql changed after release ${version}`).toBe(hash);
    }
  });

  it('migrations only move forward: journal order, ids and timestamps all increase', () => {
    // drizzle applies only migrations newer than the last applied one, so an out-of-order timestamp
    // would be skipped silently on every upgraded database.
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i);
      expect(e.tag.startsWith(String(i).padStart(4, '0'))).toBe(true);
      if (i > 0) expect(e.when).toBeGreaterThan(journal.entries[i - 1].when);
    });
  });

  it(`a ${previous} database with data upgrades to the current schema and still verifies`, async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.pragma('foreign_keys = ON');
    migrate(drizzle(old), { migrationsFolder: releaseFolder(dir, previous) });
    fillAsOldRelease(old);
    const oldVerdict = await verifyDatabase(old);
    expect(oldVerdict.ok).toBe(true);
    const oldTables = (old.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[]).map((r) => r.name);
    const before = tableCounts(old, oldTables);
    const balances = old.prepare('SELECT id, balance FROM households ORDER BY id').all();
    old.close();

    const db = openDb({ file });
    const c = db.$client;
    const applied = (c.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    expect(applied).toBe(journal.entries.length);
    expect(oldVerdict).toMatchObject({ ok: true, legacy: { lastEntryId: 4 }, chains: [] });
    if (!oldVerdict.ok) return;
    // The old chain still verifies as written, and every village chain starts from its head.
    expect(await verifyDatabase(db)).toEqual({ ...oldVerdict, chains: [{ villageId: 3, villageName: '旧村', lastSeq: 0, hash: oldVerdict.legacy!.hash }] });
    expect(tableCounts(c, oldTables.filter((t) => t !== 'chain_head'))).toEqual(Object.fromEntries(Object.entries(before).filter(([t]) => t !== 'chain_head')));
    expect(c.prepare('SELECT id, balance FROM households ORDER BY id').all()).toEqual(balances);
    // Append-only still holds after the upgrade.
    expect(() => c.exec('UPDATE ledger_entries SET points = 0 WHERE id = 1')).toThrow(/append-only/);
    db.$client.close();
  });

  it(`new entries on an upgraded ${previous} database go into village chains that start from the old head`, async () => {
    const file = join(dir, 'grow.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.pragma('foreign_keys = ON');
    migrate(drizzle(old), { migrationsFolder: releaseFolder(dir, previous) });
    fillAsOldRelease(old);
    const oldHead = old.prepare('SELECT hash FROM chain_head WHERE id = 1').get() as { hash: string };
    old.close();

    const db = openDb({ file });
    const c = db.$client;
    // A village created after the upgrade shares the same genesis.
    c.exec(`INSERT INTO areas (id, name, kind, parent_id, path, created_at) VALUES (4, '新村', 'village', 2, '/1/2/4/', ${T});
            INSERT INTO households (id, village_id, head_name, name_initials, balance, created_at, updated_at) VALUES (3, 4, '王五', 'ww', 0, ${T}, ${T});`);
    const post = (householdId: number, villageId: number, points: number) =>
      writeNow(db, () => appendLedgerEntry(db, { householdId, villageId, kind: 'adjustment', points, conductPoints: 0, occurredOn: '2026-04-01', note: '补录', createdAt: T + 1000 }));
    const first = post(1, 3, 7);
    const second = post(2, 3, 3);
    const other = post(3, 4, 5);
    expect(first).toMatchObject({ chainId: 3, seq: 1, hashVersion: 3, prevHash: oldHead.hash, id: 5 });
    expect(second).toMatchObject({ chainId: 3, seq: 2, prevHash: first.hash });
    expect(other).toMatchObject({ chainId: 4, seq: 1, prevHash: oldHead.hash });
    const r = await verifyDatabase(db);
    expect(r).toMatchObject({
      ok: true,
      entries: 7,
      legacy: { lastEntryId: 4, hash: oldHead.hash },
      head: { lastEntryId: other.id, hash: other.hash },
      chains: [
        { villageId: 3, villageName: '旧村', lastSeq: 2, hash: second.hash },
        { villageId: 4, villageName: '新村', lastSeq: 1, hash: other.hash },
      ],
    });
    // The old chain is closed: nothing can be appended to it any more.
    expect(() =>
      c.exec(`INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, created_at, prev_hash, hash)
              VALUES (1, 3, 'adjustment', 1, 8, 0, '2026-04-01', ${T}, '${second.hash}', 'x')`),
    ).toThrow(/hash_version 2/);
    // Cutting the old chain's tail shows, because every village chain records where it ended.
    c.exec("DROP TRIGGER ledger_entries_no_delete; UPDATE redemptions SET ledger_entry_id = NULL; DELETE FROM ledger_entries WHERE id = 4");
    expect(await verifyDatabase(db)).toMatchObject({ ok: false, what: 'chain', table: 'ledger_chains', rowId: 3 });
    db.$client.close();
  });
});
