import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openDb } from '../../db/client';
import { appendLedgerEntry, chainedLedgerHash, entryHashV3, GENESIS_HASH, legacyLedgerHash, publicDigestOf } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { createApp } from '../../server/app';
import { testConfig } from '../support/app';
import { writeNow } from '../support/factories';

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: JournalEntry[] };

/** A migrations folder holding the migrations up to and including `lastTag`: a database as that version left it. */
function foldersUpTo(dir: string, lastTag: string): string {
  const folder = join(dir, `migrations-${lastTag}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const upTo = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  for (const e of upTo) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: upTo }));
  return folder;
}

const T = Date.UTC(2026, 2, 1);

/** Version 1: the old single chain, ids 1, 2 linked from zeros, its head in chain_head (schema of 0001). */
function writeVersion1(c: Database.Database): string {
  c.exec(`
    INSERT INTO areas (id, name, kind, parent_id, path, notice_days, created_at) VALUES
      (1, '旧县', 'county', NULL, '/1/', 0, ${T}), (2, '旧乡', 'township', 1, '/1/2/', NULL, ${T}), (3, '旧村', 'village', 2, '/1/2/3/', NULL, ${T});
    INSERT INTO households (id, village_id, head_name, name_initials, balance, created_at, updated_at) VALUES
      (1, 3, '张三明', 'zsm', 0, ${T}, ${T}), (2, 3, '李四', 'ls', 0, ${T}, ${T});
  `);
  let prev = GENESIS_HASH;
  for (const [id, householdId, points] of [[1, 1, 30], [2, 2, 8]]) {
    const row = { id, householdId, villageId: 3, kind: 'adjustment' as const, points, balanceAfter: points, conductPoints: 0, occurredOn: '2026-03-01', ruleId: null, awardId: null, redemptionId: null, reversesId: null, category: null, note: '旧账', createdBy: null, createdAt: T + id, prevHash: prev };
    const hash = legacyLedgerHash(row);
    c.prepare(
      `INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, note, created_at, prev_hash, hash)
       VALUES (?, ?, 3, 'adjustment', ?, ?, 0, '2026-03-01', '旧账', ?, ?, ?)`,
    ).run(id, householdId, points, points, row.createdAt, prev, hash);
    c.prepare('UPDATE households SET balance = ? WHERE id = ?').run(points, householdId);
    prev = hash;
  }
  c.prepare('INSERT INTO chain_head (id, last_entry_id, hash) VALUES (1, 2, ?)').run(prev);
  return prev;
}

/** Version 2: what the previous release wrote on a per-village chain (schema of 0012: no salt, no pseudonym). */
function writeVersion2(c: Database.Database, legacyHead: string): { ids: number[]; head: string } {
  const ids: number[] = [];
  let prev = legacyHead;
  const post = (householdId: number, points: number, note: string, reversesId: number | null = null) => {
    const seq = ids.length + 1;
    const balance = (c.prepare('SELECT balance FROM households WHERE id = ?').get(householdId) as { balance: number }).balance;
    const kind = reversesId ? ('reversal' as const) : ('adjustment' as const);
    const row = { householdId, villageId: 3, kind, points, balanceAfter: balance + points, conductPoints: 0, occurredOn: '2026-04-01', ruleId: null, category: null, awardId: null, redemptionId: null, reversesId, note, createdBy: null, createdAt: T + 100 + seq, prevHash: prev, chainId: 3, seq };
    const hash = chainedLedgerHash(row);
    const id = Number(
      c
        .prepare(
          `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, reverses_id, note, created_at, prev_hash, hash, chain_id, seq, hash_version)
           VALUES (?, 3, ?, ?, ?, 0, '2026-04-01', ?, ?, ?, ?, ?, 3, ?, 2)`,
        )
        .run(householdId, kind, points, row.balanceAfter, reversesId, note, row.createdAt, prev, hash, seq).lastInsertRowid,
    );
    c.prepare('UPDATE households SET balance = ? WHERE id = ?').run(row.balanceAfter, householdId);
    c.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = 3').run(seq, hash);
    ids.push(id);
    prev = hash;
  };
  post(1, 5, '补录');
  post(2, 4, '补录');
  // Two deductions of household 1: under a black-list rule (id 1) and under one that is not (id 2).
  c.exec(`INSERT INTO rules (id, area_id, category, name, points, black_list, created_at, updated_at) VALUES
    (1, 1, 'hygiene', '乱倒垃圾', -3, 1, ${T}, ${T}), (2, 1, 'civility', '邻里争吵', -2, 0, ${T}, ${T})`);
  for (const [ruleId, points] of [[1, -3], [2, -2]]) {
    const seq = ids.length + 1;
    const balance = (c.prepare('SELECT balance FROM households WHERE id = 1').get() as { balance: number }).balance;
    const category = ruleId === 1 ? 'hygiene' : 'civility';
    const row = { householdId: 1, villageId: 3, kind: 'deduction' as const, points, balanceAfter: balance + points, conductPoints: points, occurredOn: '2026-04-02', ruleId, category, awardId: null, redemptionId: null, reversesId: null, note: '旧扣分', createdBy: null, createdAt: T + 100 + seq, prevHash: prev, chainId: 3, seq };
    const hash = chainedLedgerHash(row);
    ids.push(
      Number(
        c
          .prepare(
            `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, rule_id, category, note, created_at, prev_hash, hash, chain_id, seq, hash_version)
             VALUES (1, 3, 'deduction', ?, ?, ?, '2026-04-02', ?, ?, '旧扣分', ?, ?, ?, 3, ?, 2)`,
          )
          .run(points, row.balanceAfter, points, ruleId, category, row.createdAt, prev, hash, seq).lastInsertRowid,
      ),
    );
    c.prepare('UPDATE households SET balance = ? WHERE id = 1').run(row.balanceAfter);
    c.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = 3').run(seq, hash);
    prev = hash;
  }
  for (const period of ['2026', '2026-Q2', '2026-04']) {
    c.prepare('INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted) VALUES (1, ?, 3, 2, 1, -5, 0, 5)').run(period);
  }
  return { ids, head: prev };
}

describe('an upgraded database keeps versions 1 and 2 and continues with version 3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-v3-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies old entries as written, seals new ones as version 3 on the same chain, and serves all of them in public', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.pragma('foreign_keys = ON');
    migrate(drizzle(old), { migrationsFolder: foldersUpTo(dir, '0001_append_only_triggers') });
    const legacyHead = writeVersion1(old);
    migrate(drizzle(old), { migrationsFolder: foldersUpTo(dir, '0012_rule_notes') });
    const v2 = writeVersion2(old, legacyHead);
    expect(await verifyDatabase(old)).toMatchObject({ ok: true, entries: 6, legacy: { lastEntryId: 2, hash: legacyHead }, chains: [{ villageId: 3, lastSeq: 4, hash: v2.head }] });
    old.close();

    const db = openDb({ file });
    const c = db.$client;
    // The upgrade gave every household a secret pseudonym seed, hid the rule of the old deduction under a
    // rule that is not a black-list rule, and left the hashed columns of the old rows as they were.
    expect(c.prepare("SELECT COUNT(*) AS n FROM households WHERE length(pseudonym_seed) = 32 AND pseudonym_seed NOT GLOB '*[^0-9a-f]*'").get()).toEqual({ n: 2 });
    expect(c.prepare('SELECT hash_version AS v, salt, private_digest AS d, rule_id AS rule, rule_public AS shown FROM ledger_entries ORDER BY id').all()).toEqual([
      { v: 1, salt: null, d: null, rule: null, shown: 1 },
      { v: 1, salt: null, d: null, rule: null, shown: 1 },
      { v: 2, salt: null, d: null, rule: null, shown: 1 },
      { v: 2, salt: null, d: null, rule: null, shown: 1 },
      { v: 2, salt: null, d: null, rule: 1, shown: 1 },
      { v: 2, salt: null, d: null, rule: 2, shown: 0 },
    ]);
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 6 });
    // The append-only trigger the upgrade lifted for that is back.
    expect(() => c.prepare("UPDATE ledger_entries SET note = 'x' WHERE id = 1").run()).toThrow(/append-only/);

    const post = (e: Parameters<typeof appendLedgerEntry>[1]) => writeNow(db, () => appendLedgerEntry(db, e));
    const base = { villageId: 3, conductPoints: 0, occurredOn: '2026-06-01', createdAt: T + 10_000 };
    const grown = post({ ...base, householdId: 1, kind: 'adjustment', points: 2, note: '新账' });
    const undoV2 = post({ ...base, householdId: 2, kind: 'reversal', points: -4, reversesId: v2.ids[1], note: '冲正' });
    const undoV1 = post({ ...base, householdId: 1, kind: 'reversal', points: -30, reversesId: 1, note: '冲正旧账' });
    // Undoing the old deduction whose rule is hidden hides it again; undoing the black-list one shows it.
    const undoQuiet = post({ ...base, householdId: 1, kind: 'reversal', points: 2, conductPoints: 2, occurredOn: '2026-04-02', ruleId: 2, category: 'civility', reversesId: v2.ids[3], note: '冲正' });
    const undoBlack = post({ ...base, householdId: 1, kind: 'reversal', points: 3, conductPoints: 3, occurredOn: '2026-04-02', ruleId: 1, category: 'hygiene', reversesId: v2.ids[2], note: '冲正' });
    expect(grown).toMatchObject({ hashVersion: 3, chainId: 3, seq: 5, prevHash: v2.head });
    expect(undoV2).toMatchObject({ hashVersion: 3, seq: 6, prevHash: grown.hash });
    expect(undoV1).toMatchObject({ hashVersion: 3, seq: 7, prevHash: undoV2.hash });
    expect(undoQuiet).toMatchObject({ hashVersion: 3, seq: 8, rulePublic: false, ruleId: 2 });
    expect(undoBlack).toMatchObject({ hashVersion: 3, seq: 9, rulePublic: true, ruleId: 1 });
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 11, legacy: { lastEntryId: 2, hash: legacyHead }, chains: [{ villageId: 3, lastSeq: 9, hash: undoBlack.hash }] });

    // The public ledger: versions 1 are not in a village chain; version 2 without a private digest; version 3 checkable from its public part.
    const app = createApp({ db, config: testConfig, now: () => new Date(T + 20_000) });
    const res = await app.request('/api/public/villages/3/ledger');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entries: unknown[] };
    expect(body).toMatchObject({ villageId: 3, villageName: '旧村', treeSize: 9, genesisHash: legacyHead, nextFrom: null });
    const entries = body.entries as { seq: number; hashVersion: number; kind: 'adjustment' | 'reversal'; points: number; conductPoints: number; category: string | null; ruleId: number | null; occurredOn: string; reversesSeq: number | null; pseudonym: string; privateDigest: string | null; prevHash: string; hash: string }[];
    expect(entries.map((e) => [e.seq, e.hashVersion, e.kind, e.ruleId, e.reversesSeq, e.privateDigest === null])).toEqual([
      [1, 2, 'adjustment', null, null, true],
      [2, 2, 'adjustment', null, null, true],
      [3, 2, 'deduction', 1, null, true],
      [4, 2, 'deduction', null, null, true],
      [5, 3, 'adjustment', null, null, false],
      [6, 3, 'reversal', null, 2, false],
      [7, 3, 'reversal', null, null, false],
      [8, 3, 'reversal', null, 4, false],
      [9, 3, 'reversal', 1, 3, false],
    ]);
    // Old entries get yearly pseudonyms too: household 1's of 2026 on every one of its entries.
    const household1 = entries.filter((e) => [3, 4, 5, 7, 8, 9].includes(e.seq)).map((e) => e.pseudonym);
    expect(new Set(household1).size).toBe(1);
    expect(household1[0]).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);
    expect(entries[0].prevHash).toBe(legacyHead);
    for (const e of entries.filter((x) => x.hashVersion === 3)) {
      expect(entryHashV3(3, e.seq, e.prevHash, publicDigestOf(e), e.privateDigest!)).toBe(e.hash);
    }
    expect(JSON.stringify(body)).not.toMatch(/pseudonym_?[sS]eed|"seed"|旧扣分|冲正|张三明/);

    // A version 2 row is still checked exactly as before.
    c.exec('DROP TRIGGER ledger_entries_no_update');
    c.prepare("UPDATE ledger_entries SET note = '改过' WHERE id = ?").run(v2.ids[0]);
    expect(await verifyDatabase(db)).toMatchObject({ ok: false, what: 'hash', rowId: v2.ids[0] });
    db.$client.close();
  });
});
