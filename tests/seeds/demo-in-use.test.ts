import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type SqliteDb } from '../../db/client';
import { evidencePath } from '../../db/evidence/files';
import { verifyDatabase } from '../../db/verify';
import { DEMO_PASSWORD, seedDemoCounty } from '../../seeds/demo';
import { CATALOGUE_IMPORTED_DAYS_AGO } from '../../seeds/inUse';
import { createApp } from '../../server/app';
import { testConfig } from '../support/app';
import { countOf } from './invariants';

// Early in a month, as demo.test.ts: 龙潭村's awards (proposed nine days ago) fall in last month.
const NOW = new Date('2026-06-03T03:30:00.000Z');
const DAY = 86_400_000;

describe('the demo county in use: headings, photos, a listed household, a year of money', () => {
  let db: SqliteDb;
  let dir: string;
  const config = () => ({ ...testConfig, evidenceDir: join(dir, 'evidence') });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jifen-demo-'));
    db = openDb({ file: ':memory:' });
    await seedDemoCounty(db, { scryptN: 1024, now: NOW, config: config() });
  });
  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('龙潭村 imported its own catalogue ten days ago and awards under its own headings were posted through the app', () => {
    const imported = db.$client.prepare("SELECT created_at AS at FROM audit_log WHERE action = 'rule_heading.create' ORDER BY id LIMIT 1").get() as { at: number };
    expect(imported.at).toBe(NOW.getTime() - CATALOGUE_IMPORTED_DAYS_AGO * DAY);
    const own = db.$client
      .prepare(
        `SELECT h.name, e.kind, e.points FROM ledger_entries e JOIN rule_headings h ON h.code = e.category JOIN areas a ON a.id = h.area_id
          WHERE a.name = '龙潭村' AND e.village_id = a.id ORDER BY e.id`,
      )
      .all() as { name: string; kind: string; points: number }[];
    expect(own.length).toBe(6);
    // In the catalogue's order, the deductions last, as the template lists them.
    const order = db.$client.prepare("SELECT h.name FROM rule_headings h JOIN areas a ON a.id = h.area_id WHERE a.name = '龙潭村' ORDER BY h.sort_order, h.id").all() as { name: string }[];
    expect(order.map((h) => h.name)).toEqual(['思想文化建设', '文明乡村建设', '美丽家园建设', '村民自强自立', '减分项目']);
    expect(new Set(own.map((r) => r.name))).toEqual(new Set(['思想文化建设', '文明乡村建设', '美丽家园建设', '减分项目']));
    expect(own.find((r) => r.name === '减分项目')).toMatchObject({ kind: 'deduction', points: -5 });
    // Proposed by 龙潭村's cadre, approved by its reviewer, posted by the system: the app's own audit trail.
    expect(countOf(db, "SELECT COUNT(*) AS n FROM awards w JOIN areas a ON a.id = w.village_id JOIN rule_headings h ON h.area_id = a.id JOIN rules r ON r.id = w.rule_id AND r.category = h.code WHERE a.name = '龙潭村' AND w.status = 'posted' AND w.proposed_by <> w.reviewed_by")).toBe(6);
  });

  it('has photos on some awards, generated, stored beside the database, and verify checks them', async () => {
    const withPhotos = countOf(db, 'SELECT COUNT(DISTINCT award_id) AS n FROM award_evidence');
    expect(withPhotos).toBe(5);
    const hashes = (db.$client.prepare('SELECT hash FROM evidence_files').all() as { hash: string }[]).map((r) => r.hash);
    expect(hashes.length).toBe(7);
    for (const h of hashes) expect(existsSync(evidencePath(config().evidenceDir, h))).toBe(true);
    // 石门村's reviewer has a proposal with two photos waiting.
    expect(countOf(db, "SELECT COUNT(*) AS n FROM awards w JOIN award_evidence v ON v.award_id = w.id JOIN areas a ON a.id = w.village_id WHERE a.name = '石门村' AND w.status = 'pending'")).toBe(2);
    expect(await verifyDatabase(db, { evidenceDir: config().evidenceDir })).toMatchObject({ ok: true, photos: 7 });
  });

  it('has one listed household whose redemption is suspended, decided by a second person', async () => {
    const listed = db.$client.prepare("SELECT household_id AS householdId, proposed_by AS p, decided_by AS d, suspend_redemption AS s FROM dishonesty_listings WHERE status = 'listed'").all() as { householdId: number; p: number; d: number; s: number }[];
    expect(listed).toHaveLength(1);
    expect(listed[0].p).not.toBe(listed[0].d);
    expect(countOf(db, `SELECT redemption_suspended AS n FROM households WHERE id = ${listed[0].householdId}`)).toBe(1);
    // The household the demo logs in as is not the listed one.
    const app = createApp({ db, config: config(), now: () => NOW });
    const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'household', password: DEMO_PASSWORD }) });
    const me = (await login.json()) as { user: { householdId: number } };
    expect(me.user.householdId).not.toBe(listed[0].householdId);
  });

  it('funds every store with purchases a year long: funding each quarter and every purchase costed', () => {
    const stores = db.$client
      .prepare(
        `SELECT store_area_id AS store, COUNT(DISTINCT substr(on_day, 1, 7)) AS months,
                SUM(kind = 'funding') AS funding, SUM(kind = 'purchase') AS purchases, MIN(on_day) AS first, MAX(on_day) AS last
           FROM fund_entries GROUP BY store_area_id`,
      )
      .all() as { store: number; months: number; funding: number; purchases: number; first: string; last: string }[];
    expect(stores.length).toBe(7);
    for (const s of stores) {
      expect(s.funding).toBeGreaterThanOrEqual(5);
      expect(s.purchases).toBeGreaterThan(0);
      expect(Date.parse(s.last) - Date.parse(s.first)).toBeGreaterThan(300 * DAY);
    }
    expect(countOf(db, "SELECT COUNT(*) AS n FROM stock_movements m WHERE m.kind = 'purchase' AND NOT EXISTS (SELECT 1 FROM fund_entries f WHERE f.movement_id = m.id)")).toBe(0);
  });

  it('passes verify as a whole', async () => {
    expect(await verifyDatabase(db, { evidenceDir: config().evidenceDir })).toMatchObject({ ok: true });
  });
});
