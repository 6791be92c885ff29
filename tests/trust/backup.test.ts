import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import { sealedLedgerHash, yearlyPseudonym } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { grantPoints } from '../support/factories';
import { HttpClient, seedTrustWorld, serveInProcess } from './support';

const root = resolve(import.meta.dirname, '../..');

/** Runs a CLI without blocking this process, so the in-process server keeps taking writes meanwhile. */
function cli(script: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: root, encoding: 'utf8' }, (err, stdout) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout.trim() });
    });
  });
}

/** Rows per table: a backup is complete when every table has as many rows as the source. */
function rowCounts(db: Database.Database): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n]));
}

/**
 * Appends an entry the way an old version did when a note held a lone surrogate: the hash covers the
 * JavaScript string, SQLite keeps other bytes. Written directly, as the check that now refuses such
 * text is in the way of the app. Returns the entry's id.
 */
function damageLikeAnOldVersion(raw: Database.Database, householdId: number, villageId: number): number {
  raw.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update');
  const chain = raw.prepare('SELECT last_seq AS seq, head_hash AS head FROM ledger_chains WHERE village_id = ?').get(villageId) as { seq: number; head: string };
  const balance = (raw.prepare('SELECT balance FROM households WHERE id = ?').get(householdId) as { balance: number }).balance;
  const entry = {
    householdId, villageId, kind: 'adjustment' as const, points: 1, balanceAfter: balance + 1, conductPoints: 0, occurredOn: '2026-06-03', ruleId: null, category: null,
    awardId: null, redemptionId: null, reversesId: null, note: '补录\uD83D', createdBy: null, createdAt: 1, prevHash: chain.head, chainId: villageId, seq: chain.seq + 1,
    salt: 'cd'.repeat(16),
  };
  // Sealed as version 3, the chain's version now (an older version after it would be refused).
  const seed = (raw.prepare('SELECT pseudonym_seed AS seed FROM households WHERE id = ?').get(householdId) as { seed: string }).seed;
  const { hash, privateDigest } = sealedLedgerHash(entry, { pseudonym: yearlyPseudonym(seed, entry.occurredOn.slice(0, 4)), reversesSeq: null });
  const id = raw
    .prepare(
      `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, note, created_at, prev_hash, hash, chain_id, seq, hash_version, salt, private_digest)
       VALUES (?, ?, 'adjustment', 1, ?, 0, '2026-06-03', ?, 1, ?, ?, ?, ?, 3, ?, ?)`,
    )
    .run(householdId, villageId, entry.balanceAfter, entry.note, entry.prevHash, hash, villageId, entry.seq, entry.salt, privateDigest).lastInsertRowid;
  raw.prepare('UPDATE households SET balance = balance + 1 WHERE id = ?').run(householdId);
  raw.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = ?').run(entry.seq, hash, villageId);
  // As the upgrade's backfill (migration 0015) counts the old row in the dashboard's totals.
  raw
    .prepare(`INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries) VALUES (?, '2026-06', 'adjustment', '', 1, 1)
              ON CONFLICT (village_id, month, kind, category) DO UPDATE SET points = points + 1, entries = entries + 1`)
    .run(villageId);
  return Number(id);
}

const headOf = (line: string) => {
  const m = /^OK .*head ([0-9a-f]{64}) at entry (\d+);/.exec(line);
  if (!m) throw new Error(`no chain head in: ${line}`);
  return { hash: m[1], lastEntryId: Number(m[2]) };
};

describe('backup and restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up a database while it takes writes, and restores it with the same chain head', async () => {
    const live = join(dir, 'live.db');
    const db = openDb({ file: live });
    const w = await seedTrustWorld(db, { households: 10 });
    for (const h of w.households) grantPoints(db, h.id, h.villageId, 10_000);
    const server = await serveInProcess(db);
    const cadre = await new HttpClient(server.base).login('cadre');
    const reviewer = await new HttpClient(server.base).login('reviewer');
    const clerk = await new HttpClient(server.base).login('clerk');

    let writing = true;
    let writes = 0;
    const load = (async () => {
      for (let i = 0; writing; i += 1) {
        const h = w.households[i % w.households.length];
        const a = await cadre.request('POST', '/api/awards', { householdId: h.id, ruleId: w.rule.id, quantity: 1, occurredOn: '2026-03-01' });
        await reviewer.request('POST', `/api/awards/${a.body.id}/approve`);
        const pass = await cadre.request('POST', `/api/households/${h.id}/assisted-pass`, { reason: '老人不会用手机' });
        await clerk.request('POST', '/api/redemptions', { code: pass.body.code, items: [{ goodsId: w.goods.id, quantity: 1 }] }, { 'idempotency-key': `backup-load-${i}` });
        writes += 1;
      }
    })();
    // Let the load get going before the backup starts; what matters is only that both overlap.
    while (writes < 5) await new Promise((r) => setTimeout(r, 10));

    const backupFile = join(dir, 'copy.db');
    const backup = await cli('backup', [backupFile, '--db', live]);
    expect(backup.code, backup.out).toBe(0);
    const head = headOf(backup.out);

    // The server holds the live file open: restoring over it is refused and nothing changes.
    const busy = await cli('restore', [backupFile, '--db', live]);
    expect(busy.code).not.toBe(0);
    expect(busy.out).toMatch(/^FAIL in_use/);

    writing = false;
    await load;
    await server.close();
    // The backup is a prefix of the live chain: the live entry at the backup's head has the same hash.
    const liveRow = db.$client.prepare('SELECT hash FROM ledger_entries WHERE id = ?').get(head.lastEntryId) as { hash: string } | undefined;
    expect(liveRow?.hash ?? '0'.repeat(64)).toBe(head.hash);
    expect((await verifyDatabase(db)).ok).toBe(true);
    closeDb(db);

    // The backup is one self-contained file.
    expect(existsSync(`${backupFile}-wal`)).toBe(false);

    const target = join(dir, 'restored.db');
    const restored = await cli('restore', [backupFile, '--db', target]);
    expect(restored.code, restored.out).toBe(0);
    expect(headOf(restored.out)).toEqual(head);
    const again = openDb({ file: target });
    const verdict = await verifyDatabase(again);
    expect(verdict).toMatchObject({ ok: true, head });
    closeDb(again);

    // Restoring over an existing database keeps the replaced one beside it.
    const over = await cli('restore', [backupFile, '--db', live]);
    expect(over.code, over.out).toBe(0);
    expect(over.out).toMatch(/previous database kept as .*live\.db\.replaced-/);
    expect(existsSync(`${live}-wal`)).toBe(false);
    const swapped = new Database(live, { readonly: true });
    expect(await verifyDatabase(swapped)).toMatchObject({ ok: true, head });
    swapped.close();
  }, 120_000);

  it('still backs up a database with one bad ledger row, whole, and says so with exit code 3', async () => {
    const file = join(dir, 'damaged.db');
    const db = openDb({ file });
    const w = await seedTrustWorld(db, { households: 3 });
    for (const h of w.households) grantPoints(db, h.id, h.villageId, 40);
    closeDb(db);
    const raw = new Database(file);
    raw.exec('DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET points = 5000, balance_after = 5000 WHERE id = 2');
    const source = rowCounts(raw);
    raw.close();

    const dest = join(dir, 'damaged-copy.db');
    const r = await cli('backup', [dest, '--db', file]);
    expect(r.code, r.out).toBe(3);
    expect(r.out).toMatch(/^FAIL hash at ledger_entries row 2: .*; backup written to .*damaged-copy\.db anyway/);
    // Every row of every table is in the copy, in one self-contained file SQLite itself finds sound.
    expect(existsSync(`${dest}-wal`)).toBe(false);
    const copy = new Database(dest, { readonly: true });
    expect(rowCounts(copy)).toEqual(source);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await verifyDatabase(copy)).toMatchObject({ ok: false, what: 'hash', rowId: 2 });
    copy.close();
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);

    // An unverified copy never replaces a backup already there, which may be the last good one.
    writeFileSync(dest, 'last good backup');
    const again = await cli('backup', [dest, '--db', file]);
    expect(again.code, again.out).toBe(3);
    const beside = /backup written to (\S+damaged-copy\.db\.unverified-\S+) anyway/.exec(again.out)?.[1];
    expect(beside, again.out).toBeDefined();
    expect(readFileSync(dest, 'utf8')).toBe('last good backup');
    const second = new Database(beside!, { readonly: true });
    expect(rowCounts(second)).toEqual(source);
    second.close();
  }, 60_000);

  it('backs up and restores a database with text an old version damaged: a warning naming the entry, not a refusal', async () => {
    const file = join(dir, 'surrogate.db');
    const db = openDb({ file });
    const w = await seedTrustWorld(db, { households: 2 });
    grantPoints(db, w.households[0].id, w.households[0].villageId, 30);
    closeDb(db);
    const raw = new Database(file);
    const damagedId = damageLikeAnOldVersion(raw, w.households[0].id, w.households[0].villageId);
    raw.close();

    // An older backup sits at the destination: a sound copy replaces it, as every night's backup does.
    const dest = join(dir, 'surrogate-copy.db');
    writeFileSync(dest, 'yesterday');
    const r = await cli('backup', [dest, '--db', file]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`^WARN damaged_text at ledger_entries row ${damagedId}: damaged text .*; backup written to .*surrogate-copy\\.db$`));
    const copy = new Database(dest, { readonly: true });
    expect(await verifyDatabase(copy)).toMatchObject({ ok: false, what: 'damaged_text', rowId: damagedId });
    copy.close();

    const target = join(dir, 'surrogate-restored.db');
    const restored = await cli('restore', [dest, '--db', target]);
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toMatch(/^WARN damaged_text .*; restored to /);
  }, 60_000);

  it('refuses a backup that fails verification and leaves the database untouched', async () => {
    const file = join(dir, 'good.db');
    const db = openDb({ file });
    const w = await seedTrustWorld(db);
    grantPoints(db, w.households[0].id, w.households[0].villageId, 50);
    const before = await verifyDatabase(db);
    closeDb(db);

    const bad = join(dir, 'bad.db');
    copyFileSync(file, bad);
    const raw = new Database(bad);
    raw.exec("DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET points = 5000, balance_after = 5000 WHERE id = 1; PRAGMA journal_mode = DELETE");
    raw.close();

    const r = await cli('restore', [bad, '--db', file]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/^FAIL hash at ledger_entries row 1: .*backup refused/);
    const after = new Database(file, { readonly: true });
    expect(await verifyDatabase(after)).toEqual(before);
    after.close();
  }, 60_000);
});
