import { beforeAll, describe, expect, it } from 'vitest';
import { openDb, type SqliteDb } from '../../db/client';
import { chainHeadOf } from '../../db/ledger';
import { demoAccounts, DEMO_PASSWORD, PUBLISHED_KINDS, seedDemoCounty } from '../../seeds/demo';
import { createApp } from '../../server/app';
import { isValidIdNumber, MOBILE_PATTERN } from '../../server/lib/identity';
import { testConfig } from '../support/app';
import { countOf, expectAllInvariants } from './invariants';

// Early in a month on purpose: the current month's hygiene inspection has not happened yet.
const NOW = new Date('2026-06-03T03:30:00.000Z');
const NOW_MS = NOW.getTime();

async function seeded(now = NOW): Promise<SqliteDb> {
  const db = openDb({ file: ':memory:' });
  await seedDemoCounty(db, { scryptN: 1024, now });
  return db;
}

describe('the demo county', () => {
  let db: SqliteDb;
  beforeAll(async () => {
    db = await seeded();
  });

  it('has one county, two townships, six villages with their groups, and about 600 households', () => {
    const kinds = Object.fromEntries((db.$client.prepare('SELECT kind, COUNT(*) AS n FROM areas GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
    expect(kinds).toMatchObject({ county: 1, township: 2, village: 6 });
    expect(kinds.group).toBeGreaterThanOrEqual(12);
    expect(kinds.group).toBeLessThanOrEqual(24);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM households')).toBe(600);
    expect(countOf(db, 'SELECT MIN(c) AS n FROM (SELECT COUNT(*) AS c FROM household_members GROUP BY household_id)')).toBeGreaterThanOrEqual(1);
    expect(countOf(db, 'SELECT MAX(c) AS n FROM (SELECT COUNT(*) AS c FROM household_members GROUP BY household_id)')).toBeLessThanOrEqual(6);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM household_members WHERE is_proxy = 1')).toBeGreaterThan(10);
  });

  it('gives every household a valid ID number and, when it has one, a valid mobile', () => {
    const rows = db.$client.prepare('SELECT id_number AS id, phone FROM household_members').all() as { id: string; phone: string | null }[];
    expect(rows.every((r) => isValidIdNumber(r.id))).toBe(true);
    const phones = rows.filter((r) => r.phone).map((r) => r.phone!);
    expect(phones.every((p) => MOBILE_PATTERN.test(p))).toBe(true);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM households WHERE phone IS NULL')).toBeGreaterThan(30);
    expect(countOf(db, "SELECT COUNT(DISTINCT substr(head_name, 1, 1)) AS n FROM households")).toBeGreaterThan(40);
  });

  it('keeps a category history with some changes over the year', () => {
    expect(countOf(db, "SELECT COUNT(*) AS n FROM households WHERE category != 'general'")).toBeGreaterThan(40);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM (SELECT household_id FROM household_category_history GROUP BY household_id HAVING COUNT(*) > 1)')).toBeGreaterThan(3);
  });

  it('has a catalogue of about 30 county rules in all seven categories, village rules and rule versions', () => {
    expect(countOf(db, "SELECT COUNT(*) AS n FROM rules r JOIN areas a ON a.id = r.area_id WHERE a.kind = 'county'")).toBeGreaterThanOrEqual(28);
    expect(countOf(db, "SELECT COUNT(DISTINCT category) AS n FROM rules r JOIN areas a ON a.id = r.area_id WHERE a.kind = 'county'")).toBe(7);
    // 龙潭村 keeps its own catalogue under five headings of its own, imported from seeds/catalogue-demo.xlsx.
    expect(countOf(db, "SELECT COUNT(*) AS n FROM rule_headings h JOIN areas a ON a.id = h.area_id WHERE a.name = '龙潭村'")).toBe(5);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM rules r JOIN rule_headings h ON h.code = r.category JOIN areas a ON a.id = r.area_id WHERE a.name = '龙潭村' AND h.area_id = a.id")).toBe(13);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM rules r JOIN areas a ON a.id = r.area_id WHERE a.kind = 'village'")).toBeGreaterThanOrEqual(3);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM rules WHERE black_list = 1 AND points < 0')).toBeGreaterThanOrEqual(4);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM rules WHERE version > 1')).toBeGreaterThanOrEqual(1);
    // Awards before a rule change keep the old version and its points.
    expect(countOf(db, 'SELECT COUNT(DISTINCT a.rule_version_id) AS n FROM awards a JOIN rules r ON r.id = a.rule_id WHERE r.version > 1')).toBeGreaterThanOrEqual(2);
  });

  it('has twelve months of awards, deductions, reversals and redemptions', () => {
    expect(countOf(db, 'SELECT COUNT(DISTINCT substr(occurred_on, 1, 7)) AS n FROM ledger_entries')).toBe(12);
    expect(countOf(db, 'SELECT COUNT(DISTINCT substr(occurred_on, 1, 7)) AS n FROM awards')).toBe(12);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM ledger_entries')).toBeGreaterThan(8000);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'deduction'")).toBeGreaterThan(20);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'reversal'")).toBeGreaterThan(0);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM awards WHERE status = 'rejected'")).toBeGreaterThan(0);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM redemptions')).toBeGreaterThan(500);
    // A monthly hygiene inspection per village and month, graded 优 / 良 / 差 (a deduction).
    expect(countOf(db, "SELECT COUNT(*) AS n FROM award_batches WHERE note LIKE '%环境卫生评比（优）'")).toBe(6 * 11);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM award_batches WHERE note LIKE '%环境卫生评比（差）'")).toBe(6 * 11);
    expect(countOf(db, "SELECT MAX(a.points) AS n FROM awards a JOIN award_batches b ON b.id = a.batch_id WHERE b.note LIKE '%环境卫生评比（差）'")).toBeLessThan(0);
    expect(countOf(db, 'SELECT MAX(balance) AS n FROM households')).toBeGreaterThan(100);
  });

  it('stocks about 40 goods in six village stores and one township store, with purchases and donations', () => {
    const goods = countOf(db, 'SELECT COUNT(*) AS n FROM goods');
    expect(goods).toBeGreaterThanOrEqual(35);
    expect(goods).toBeLessThanOrEqual(50);
    expect(countOf(db, 'SELECT COUNT(DISTINCT store_area_id) AS n FROM goods')).toBe(7);
    expect(countOf(db, 'SELECT MIN(price) AS n FROM goods')).toBeGreaterThanOrEqual(5);
    expect(countOf(db, 'SELECT MAX(price) AS n FROM goods')).toBeLessThanOrEqual(200);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM goods WHERE monthly_limit IS NOT NULL')).toBeGreaterThan(5);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'donation' AND donation_id IS NOT NULL")).toBeGreaterThan(3);
    // The donations page has named and anonymous donors to show; only a person may give anonymously.
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM donations WHERE anonymous = 1')).toBeGreaterThan(0);
    expect(countOf(db, 'SELECT COUNT(*) AS n FROM donations WHERE anonymous = 0')).toBeGreaterThan(0);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM donations WHERE anonymous = 1 AND donor_kind != 'person'")).toBe(0);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'purchase'")).toBeGreaterThan(40);
  });

  // Generous: it recomputes every hash; the limit only guards against a hang.
  it('keeps every ledger, stock and record invariant', () => {
    expectAllInvariants(db);
  }, 180_000);

  it('leaves proposals to review, awards on notice and open objections for today', () => {
    expect(countOf(db, "SELECT COUNT(*) AS n FROM awards WHERE status = 'pending'")).toBeGreaterThanOrEqual(3);
    expect(countOf(db, `SELECT COUNT(*) AS n FROM awards WHERE status = 'notice' AND notice_ends_at > ${NOW_MS}`)).toBeGreaterThanOrEqual(3);
    expect(countOf(db, `SELECT COUNT(*) AS n FROM awards WHERE status = 'notice' AND notice_ends_at <= ${NOW_MS}`)).toBe(0);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM objections o JOIN awards a ON a.id = o.award_id WHERE o.status = 'open' AND a.status = 'notice'")).toBe(2);
    expect(countOf(db, `SELECT COUNT(*) AS n FROM awards WHERE proposed_at > ${NOW_MS} OR posted_at > ${NOW_MS}`)).toBe(0);
    expect(countOf(db, `SELECT COUNT(*) AS n FROM ledger_entries WHERE created_at > ${NOW_MS}`)).toBe(0);
  });

  it('publishes every village’s red list, black list and leaderboard of last month, proposed by the cadre and approved by the reviewer', async () => {
    const app = createApp({ db, config: testConfig, now: () => NOW });
    const villages = db.$client.prepare("SELECT id FROM areas WHERE kind = 'village' ORDER BY id").all() as { id: number }[];
    for (const { id } of villages) {
      for (const kind of PUBLISHED_KINDS) {
        const res = await app.request(`/api/public/areas/${id}/published/${kind}?period=2026-05`);
        expect(res.status, `${kind} ${id}`).toBe(200);
        const body = (await res.json()) as { publication: { version: number; status: string } | null; verification: { hashMatches: boolean; chainHeadInLedger: boolean } | null };
        expect(body.publication, `${kind} ${id}`).toMatchObject({ version: 1, status: 'approved' });
        expect(body.verification).toEqual({ hashMatches: true, chainHeadInLedger: true });
      }
    }
    expect(countOf(db, "SELECT COUNT(*) AS n FROM board_publications WHERE status = 'approved' AND period = '2026-05'")).toBe(6 * PUBLISHED_KINDS.length);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM board_publications WHERE status != 'approved' OR period != '2026-05'")).toBe(0);
    // Two people: the village's cadre proposed, its reviewer published.
    expect(
      countOf(db, "SELECT COUNT(*) AS n FROM board_publications p JOIN users a ON a.id = p.proposed_by JOIN users b ON b.id = p.reviewed_by WHERE a.role = 'village_cadre' AND b.role = 'reviewer' AND a.area_id = p.area_id AND b.area_id = p.area_id"),
    ).toBe(6 * PUBLISHED_KINDS.length);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'board_publication.propose'")).toBe(6 * PUBLISHED_KINDS.length);
    expect(countOf(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'board_publication.approve'")).toBe(6 * PUBLISHED_KINDS.length);
    // Last month's black list names someone: the boards are not empty shells.
    expect(countOf(db, "SELECT COUNT(*) AS n FROM board_publications WHERE kind = 'leaderboard' AND snapshot LIKE '%householdId%'")).toBe(6);
  });

  it('writes one seed.load audit row, the last one', () => {
    expect(countOf(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'seed.load'")).toBe(1);
    expect(db.$client.prepare('SELECT action FROM audit_log ORDER BY id DESC LIMIT 1').get()).toEqual({ action: 'seed.load' });
  });

  it('gives the history its audit rows, by the actor and at the time of each write', () => {
    const count = (q: string) => countOf(db, `SELECT COUNT(*) AS n FROM ${q}`);
    // Every posted award: one posting by the system, one approval by its village's reviewer; one proposal each (or its batch's).
    expect(count("awards a WHERE a.status = 'posted' AND (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'award' AND l.entity_id = CAST(a.id AS TEXT) AND l.action = 'award.post' AND l.actor_role = 'system' AND l.actor_id IS NULL) != 1")).toBe(0);
    expect(count("awards a WHERE a.status IN ('posted', 'notice') AND (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'award' AND l.entity_id = CAST(a.id AS TEXT) AND l.action = 'award.approve' AND l.actor_id = a.reviewed_by AND l.created_at = a.reviewed_at) != 1")).toBe(0);
    expect(count("awards a WHERE a.batch_id IS NULL AND (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'award' AND l.entity_id = CAST(a.id AS TEXT) AND l.action = 'award.propose' AND l.actor_id = a.proposed_by) != 1")).toBe(0);
    expect(count("award_batches b WHERE (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'award_batch' AND l.entity_id = CAST(b.id AS TEXT) AND l.action = 'award_batch.propose' AND l.actor_id = b.proposed_by) != 1")).toBe(0);
    // Every redemption by the clerk who served it, at its moment.
    expect(count("redemptions r WHERE (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'redemption' AND l.entity_id = CAST(r.id AS TEXT) AND l.actor_id = r.clerk_id AND l.actor_role = 'clerk' AND l.created_at = r.created_at) != 1")).toBe(0);
    expect(count("households h WHERE (SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'household' AND l.entity_id = CAST(h.id AS TEXT) AND l.action = 'household.create') != 1")).toBe(0);
    expect(count("stock_movements m WHERE m.kind = 'purchase'")).toBe(count("audit_log WHERE action = 'goods.purchase'"));
    expect(count("ledger_entries WHERE kind = 'reversal'")).toBe(count("audit_log WHERE action = 'ledger_entry.reverse'"));
    // A user's row carries that user's role; nothing is dated after the moment the demo was loaded for.
    expect(count('audit_log l JOIN users u ON u.id = l.actor_id WHERE u.role != l.actor_role')).toBe(0);
    expect(count(`audit_log WHERE created_at > ${NOW_MS}`)).toBe(0);
    expect(count("audit_log WHERE actor_id IS NULL AND actor_role != 'system'")).toBe(0);
  });

  it('lets every demo account log in with the demo password through the real route', async () => {
    const app = createApp({ db, config: testConfig, now: () => NOW });
    for (const account of demoAccounts) {
      const res = await app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: account.username, password: DEMO_PASSWORD }),
      });
      expect(res.status, account.username).toBe(200);
      const body = (await res.json()) as { user: { role: string; householdId: number | null } };
      expect(body.user.role).toBe(account.role);
      if (account.role === 'household') {
        expect(countOf(db, `SELECT balance AS n FROM households WHERE id = ${body.user.householdId}`)).toBeGreaterThanOrEqual(80);
      }
    }
  }, 120_000);

  it('is the same county when loaded again for the same moment', async () => {
    const again = await seeded();
    // The same entries; their hashes differ, as every entry has a random salt and every household a random pseudonym.
    expect(chainHeadOf(again).lastEntryId).toBe(chainHeadOf(db).lastEntryId);
    const entries = 'SELECT id, household_id, kind, points, balance_after, occurred_on, created_at, chain_id, seq FROM ledger_entries ORDER BY id';
    expect(again.$client.prepare(entries).all()).toEqual(db.$client.prepare(entries).all());
    expect(countOf(again, 'SELECT COUNT(*) AS n FROM awards')).toBe(countOf(db, 'SELECT COUNT(*) AS n FROM awards'));
  }, 180_000);
});

describe('the demo county late in a month', () => {
  // After the 25th: every village but 石门村 has graded this month's hygiene inspection.
  const LATE = new Date('2026-06-27T03:30:00.000Z');
  let db: SqliteDb;
  beforeAll(async () => {
    db = await seeded(LATE);
  }, 180_000);

  const inspected = (villageId: number) =>
    countOf(
      db,
      `SELECT COUNT(*) AS n FROM awards a JOIN rules r ON r.id = a.rule_id WHERE a.village_id = ${villageId} AND a.occurred_on >= '2026-06-01' AND (r.name LIKE '庭院%月评%' OR r.name = '门前三包落实到位')`,
    );

  it('leaves 石门村’s hygiene inspection of this month unrecorded, and only there', () => {
    const villages = db.$client.prepare("SELECT id, name FROM areas WHERE kind = 'village' ORDER BY id").all() as { id: number; name: string }[];
    expect(villages[0].name).toBe('石门村');
    expect(inspected(villages[0].id)).toBe(0);
    for (const v of villages.slice(1)) expect(inspected(v.id), v.name).toBeGreaterThan(20);
    // Last month 石门村 was inspected like everyone else.
    expect(countOf(db, `SELECT COUNT(*) AS n FROM award_batches WHERE village_id = ${villages[0].id} AND occurred_on = '2026-05-25'`)).toBeGreaterThanOrEqual(3);
  });

  it('lets the cadre grade it in one sheet (优 / 良 / 差 → three rules), once', async () => {
    const app = createApp({ db, config: testConfig, now: () => LATE });
    const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'cadre', password: DEMO_PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const village = db.$client.prepare("SELECT id FROM areas WHERE name = '石门村'").get() as { id: number };
    const rule = (name: string) => (db.$client.prepare('SELECT id FROM rules WHERE name = ?').get(name) as { id: number }).id;
    const households = (db.$client.prepare(`SELECT id FROM households WHERE village_id = ${village.id} AND status = 'active' ORDER BY id`).all() as { id: number }[]).map((h) => h.id);
    const grades = [rule('庭院整洁（月评·优）'), rule('庭院整洁（月评·良）'), rule('庭院脏乱（月评·差）')];
    const body = JSON.stringify({ occurredOn: '2026-06-26', note: '2026年6月环境卫生评比', items: households.map((householdId, i) => ({ householdId, ruleId: grades[i % 3] })) });
    const send = () => app.request('/api/awards/batch', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body });
    const res = await send();
    expect(res.status).toBe(201);
    expect(((await res.json()) as { count: number }).count).toBe(households.length);
    expect(inspected(village.id)).toBe(households.length);
    const again = await send();
    expect(again.status).toBe(422);
  });
});
