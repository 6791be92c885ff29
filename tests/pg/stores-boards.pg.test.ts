/**
 * The boards, public-ledger, proof and dashboard stores answer alike on both engines: a board world is built
 * on SQLite through the real routes, copied to a fresh PostgreSQL database (db:copy), and every store function
 * is called once against each; the answers must be equal, order and types included (booleans stay booleans,
 * counts and sums numbers). Until sqlOf() picks the engine from the handle, this file points it at PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sql } from '../../db/sql';

const engine = vi.hoisted(() => ({ pg: null as Sql | null }));
vi.mock('../../db/sql', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../db/sql')>();
  return { ...real, sqlOf: (db: Parameters<typeof real.sqlOf>[0]) => engine.pg ?? real.sqlOf(db) };
});

import * as areas from '../../db/boards/areas';
import * as chainHeads from '../../db/boards/chainHeads';
import * as donations from '../../db/boards/donations';
import * as boardHouseholds from '../../db/boards/households';
import * as leaderboard from '../../db/boards/leaderboard';
import * as notices from '../../db/boards/notices';
import * as publications from '../../db/boards/publications';
import * as rectifications from '../../db/boards/rectifications';
import * as scores from '../../db/boards/scores';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { applyStockMovement } from '../../db/goods/stock';
import * as figures from '../../db/dashboard/figures';
import { openPgPools, type PgPools } from '../../db/pg/pool';
import * as chains from '../../db/proofs/chains';
import * as checkpoints from '../../db/proofs/checkpoints';
import * as frontiers from '../../db/proofs/frontiers';
import * as householdEntries from '../../db/proofs/householdEntries';
import * as publicLedger from '../../db/publicLedger/entries';
import { pgSql } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { makeBoardWorld } from '../boards/world';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeGoods, makeRule, writeNow } from '../support/factories';
import { freshDatabase, type FreshDatabase } from './support/database';

let t: TestApp;
let target: FreshDatabase;
let pools: PgPools;
let pg: Sql;
const dir = mkdtempSync(join(tmpdir(), 'jifen-stores-boards-'));
const PERIODS = ['2026', '2026-06', '2026-Q2', '2025'];

/** The store's answer on SQLite and on PostgreSQL (a write runs once on each). */
async function both<T>(f: () => Promise<T>): Promise<{ sqlite: T; pg: T }> {
  engine.pg = null;
  const sqlite = await f();
  engine.pg = pg;
  try {
    return { sqlite, pg: await f() };
  } finally {
    engine.pg = null;
  }
}

async function expectSame<T>(f: () => Promise<T>): Promise<T> {
  const r = await both(f);
  expect(r.pg).toStrictEqual(r.sqlite);
  return r.sqlite;
}

const rows = <R>(text: string, ...params: unknown[]) => t.db.$client.prepare(text).all(...params) as R[];
let areaList: { id: number; path: string; kind: string }[];
let householdIds: number[];
let v: number;

beforeAll(async () => {
  t = makeTestApp('2026-06-20T02:00:00.000Z');
  const b = await makeBoardWorld(t);
  v = b.v;
  const c = t.db.$client;
  const now = t.clock.now.getTime();
  // A deduction under a rule that is not on the black list: its rule is hidden on the public ledger.
  const quiet = makeRule(t.db, b.w.areas.county.id, { name: '不文明', points: -3, category: 'hygiene', blackList: false });
  await b.post(b.hh.cq.id, quiet.id, 1, '2026-06-11');
  const donate = c.prepare('INSERT INTO donations (store_area_id, donor_name, donor_kind, anonymous, goods_id, quantity, amount_fen, description, received_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)');
  donate.run(v, `某企业 O'Brien ?`, 'enterprise', 0, b.w.oil.id, 10, null, null, '2026-03-02', now);
  donate.run(v, '某单位', 'unit', 0, null, null, 50000, '现金', '2026-03-15', now);
  donate.run(v, '好心人', 'person', 1, null, null, 1000, null, '2025-12-31', now);
  donate.run(v, '匿名企业', 'enterprise', 1, null, null, 3000, null, '2026-05-01', now);
  // Stock × price past 2^31: PostgreSQL's 32-bit integer product would overflow.
  makeGoods(t.db, v, { name: '农机', price: 5000, stock: 1_000_000 });
  writeNow(t.db, () => {
    for (const [goodsId, kind, quantity] of [[b.w.oil.id, 'redemption', -3], [b.w.soap.id, 'redemption', -5], [b.w.oil.id, 'purchase', 20], [b.w.soap.id, 'redemption', -1]] as const)
      applyStockMovement(t.db, { goodsId, kind, quantity, createdAt: Date.UTC(2026, 4, 3) });
  });
  // Two awards on public notice, one with an objection.
  c.prepare('UPDATE areas SET notice_days = 5 WHERE id = ?').run(v);
  for (const [householdId, ruleId] of [[b.hh.cq.id, b.virtue.id], [b.hh.ls.id, b.w.rule.id]]) {
    const p = await call(t, 'POST', '/api/awards', { cookie: b.cadre, body: { householdId, ruleId, occurredOn: '2026-06-14' } });
    expect(p.status).toBe(201);
    expect((await call(t, 'POST', `/api/awards/${p.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
    if (householdId === b.hh.cq.id) expect((await call(t, 'POST', `/api/awards/${p.body.id}/objections`, { cookie: await login(t, 'household'), body: { reason: '情况不属实' } })).status).toBe(201);
  }
  const rect = await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: b.wwDeduction.ledgerEntryId, rectifiedOn: '2026-06-15', note: '已清理' } });
  expect(rect.status).toBe(201);
  expect((await call(t, 'POST', `/api/boards/rectifications/${rect.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
  expect((await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: b.zlDeduction.ledgerEntryId, rectifiedOn: '2026-06-16', note: '已改' } })).status).toBe(201);
  for (const kind of ['red', 'black', 'leaderboard']) {
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind, areaId: v, period: '2026-06' } });
    expect(p.status).toBe(201);
    if (kind !== 'leaderboard') expect((await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
  }
  c.prepare("UPDATE households SET status = 'archived' WHERE id = (SELECT MAX(id) FROM households)").run();

  const file = join(dir, 'world.db');
  c.exec(`VACUUM INTO '${file}'`);
  target = await freshDatabase();
  await copySqliteToPg({ from: file, to: target.url });
  pools = openPgPools({ url: target.url, poolSize: 4 });
  pg = pgSql(pools.primary);
  areaList = rows('SELECT id, path, kind FROM areas ORDER BY id');
  areaList.push({ id: 999, path: '/999/', kind: 'village' });
  householdIds = rows<{ id: number }>('SELECT id FROM households ORDER BY id').map((h) => h.id);
});

afterAll(async () => {
  await pools?.close();
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard figures on both engines', () => {
  it('answer the same sums, counts and months, in the same order, for every scope', async () => {
    const villages = areaList.filter((a) => a.kind === 'village').map((a) => a.id);
    const scopes = [
      { villageIds: villages, storeIds: villages, period: '2026', from: '2026-01-01', to: '2026-12-31', fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2027, 0, 1) },
      { villageIds: [], storeIds: [], period: '2026', from: '2026-01-01', to: '2026-12-31', fromMs: 0, toMs: 1e13 },
      { villageIds: [v], storeIds: [v], period: '2026-Q2', from: '2026-04-01', to: '2026-06-30', fromMs: 0, toMs: 1e13 },
      { villageIds: [v], storeIds: [v], period: '2026-06', from: '2026-06-01', to: '2026-06-30', fromMs: 0, toMs: 1e13 },
    ];
    for (const s of scopes) {
      await expectSame(() => figures.pointsByMonth(t.db, s));
      await expectSame(() => figures.pointsByCategory(t.db, s));
      await expectSame(() => figures.activeHouseholdsPerVillage(t.db, s));
      await expectSame(() => figures.awardedHouseholdsPerVillage(t.db, s));
      await expectSame(() => figures.topRedeemedGoods(t.db, s));
      await expectSame(() => figures.stockValuePerStore(t.db, s));
      await expectSame(() => figures.lowStockGoods(t.db, s, 100));
      await expectSame(() => figures.donationsByMonth(t.db, s));
    }
    const stock = await expectSame(() => figures.stockValuePerStore(t.db, scopes[0]));
    expect(stock.find((r) => r.storeId === v)?.value).toBeGreaterThan(5_000_000_000);
    const top = await expectSame(() => figures.topRedeemedGoods(t.db, scopes[0]));
    expect(top.map((g) => g.quantity)).toEqual([6, 3]);
  });
});

describe('public ledger and household proofs on both engines', () => {
  it('serve the same entries, pseudonyms and hidden rules', async () => {
    for (const a of areaList) await expectSame(() => publicLedger.publicVillageChain(t.db, a.id));
    const entries = await expectSame(() => publicLedger.publicLedgerEntries(t.db, v, 1, 1000));
    // The deduction under a rule off the black list keeps its rule hidden on PostgreSQL too (a boolean there).
    expect(entries.some((e) => e.kind === 'deduction' && e.ruleId === null)).toBe(true);
    expect(entries.some((e) => e.ruleId !== null)).toBe(true);
    await expectSame(() => publicLedger.publicLedgerEntries(t.db, v, 5, 3));
    for (const h of rows<{ id: number; v: number }>('SELECT id, village_id AS v FROM households')) {
      await expectSame(() => householdEntries.householdChainEntries(t.db, h.id, h.v));
      await expectSame(() => householdEntries.householdPseudonymSeed(t.db, h.id));
    }
  });

  it('read the same chains, hashes, checkpoints and frontiers', async () => {
    for (const a of areaList) {
      await expectSame(() => chains.countyVillageChains(t.db, a.path));
      await expectSame(() => chains.villageChainInfo(t.db, a.id));
      await expectSame(() => chains.villageEntryHashes(t.db, a.id, 1, 100));
      await expectSame(() => chains.villageEntryHash(t.db, a.id, 2));
      await expectSame(() => checkpoints.lastCheckpointOfCounty(t.db, a.id));
      await expectSame(() => checkpoints.lastCheckpointOfReason(t.db, a.id, 'board'));
      await expectSame(() => checkpoints.checkpointById(t.db, a.id));
    }
    await expectSame(() => checkpoints.newestCheckpoint(t.db));
    await expectSame(() => checkpoints.counties(t.db));
    for (const f of [{ limit: 10 }, { countyId: 1, before: 3, limit: 1 }, { before: 2, limit: 5 }]) await expectSame(() => checkpoints.listCheckpointRows(t.db, f));
    const stored = await expectSame(() => frontiers.frontiersOf(t.db, areaList.map((a) => a.id)));
    expect(stored.size).toBeGreaterThan(0);
  });

  it('write a checkpoint and replace a frontier alike', async () => {
    const last = (await checkpoints.newestCheckpoint(t.db))!;
    const made = await expectSame(() =>
      transaction(t.db, (tx) =>
        checkpoints.insertCheckpoint(tx, { countyId: last.countyId, seq: last.seq + 1, issuedAt: 1_780_000_000_000, reason: 'manual', body: '{}', hash: 'ab', prevHash: last.hash, signature: 's', keyFingerprint: 'fp' }),
      ),
    );
    expect(made.seq).toBe(last.seq + 1);
    await expectSame(() => transaction(t.db, (tx) => frontiers.saveFrontier(tx, { villageId: v, treeSize: 99, nodes: ['cc', "d'd"] })));
    const after = await expectSame(() => frontiers.frontiersOf(t.db, [v]));
    expect(after.get(v)).toEqual({ villageId: v, treeSize: 99, nodes: ['cc', "d'd"] });
  });
});

describe('board stores on both engines', () => {
  it('read areas, households, donations, notices and chain heads alike', async () => {
    await expectSame(() => areas.publicAreaList(t.db));
    await expectSame(() => areas.areaNames(t.db, areaList.map((a) => a.id)));
    for (const a of areaList) {
      await expectSame(() => areas.areaRow(t.db, a.id));
      await expectSame(() => areas.villagesUnder(t.db, a.path));
      await expectSame(() => notices.awardsOnNotice(t.db, a.path));
      await expectSame(() => chainHeads.chainHeadsUnder(t.db, a.path));
      for (const year of [undefined, '2026', '2025']) {
        await expectSame(() => donations.namedOrganisationDonations(t.db, a.path, year));
        for (const [limit, offset] of [[10, 0], [1, 1]]) await expectSame(() => donations.donationPage(t.db, { path: a.path, year, limit, offset }));
      }
    }
    const page = await expectSame(() => donations.donationPage(t.db, { path: '/', limit: 10, offset: 0 }));
    expect(page.rows.map((r) => r.donation.anonymous)).toContain(true);
    expect(page.rows.every((r) => typeof r.donation.anonymous === 'boolean')).toBe(true);
    const onNotice = await expectSame(() => notices.awardsOnNotice(t.db, '/'));
    expect(onNotice).toHaveLength(2);
    for (const h of [...householdIds, 999]) await expectSame(() => boardHouseholds.householdForStars(t.db, h));
    await expectSame(() => donations.movementsOfGoods(t.db, Array.from({ length: 1100 }, (_, i) => 1100 - i)));
    const objected = await expectSame(() => notices.objectionCounts(t.db, rows<{ id: number }>('SELECT id FROM awards').map((a) => a.id)));
    expect([...objected.values()]).toEqual([{ open: 1, upheld: 0, dismissed: 0 }]);
    for (const e of rows<{ id: number; v: number; seq: number }>('SELECT id, chain_id AS v, seq FROM ledger_entries')) {
      await expectSame(() => chainHeads.chainEntryHash(t.db, e.v, e.seq));
      await expectSame(() => chainHeads.ledgerEntryHashById(t.db, e.id));
      await expectSame(() => rectifications.rectifiableEntry(t.db, e.id));
      await expectSame(() => rectifications.isEntryReversed(t.db, e.id));
      await expectSame(() => rectifications.openRectification(t.db, e.id));
    }
  });

  it('read scores, black-list deductions and red-list deeds alike', async () => {
    for (const a of areaList) {
      await expectSame(() => scores.activeHouseholdsPerVillage(t.db, a.path));
      for (const period of PERIODS) {
        await expectSame(() => scores.villagePeriodTotals(t.db, a.path, period));
        await expectSame(() => scores.villageEarners(t.db, a.id, period));
        await expectSame(() => scores.reversedEntryIds(t.db, a.id, period));
        await expectSame(() => scores.villageDeductions(t.db, a.id, period));
        await expectSame(() => scores.villageScores(t.db, a.id, period));
        await expectSame(() => scores.awardDeeds(t.db, a.id, period, ['hygiene', 'family_virtue']));
        await expectSame(() => scores.villageCategoryPoints(t.db, a.id, period, ['hygiene', 'family_virtue']));
        await expectSame(() => scores.activeVillageHouseholds(t.db, a.id, period));
        await expectSame(() => scores.activeVillageHouseholds(t.db, a.id, period, householdIds.slice(1, 4)));
      }
    }
    const deductions = await expectSame(() => scores.villageDeductions(t.db, v, '2026-06'));
    expect(deductions.map((d) => d.black)).toContain(true);
    expect(deductions.map((d) => d.black)).toContain(false);
    await expectSame(() => scores.rectificationStates(t.db, rows<{ id: number }>('SELECT id FROM ledger_entries').map((e) => e.id)));
    await expectSame(() => scores.householdsByIds(t.db, [...householdIds].reverse(), '2026'));
  });

  it('rank households alike, pages, ties carried through and counts', async () => {
    const villages = areaList.filter((a) => a.kind === 'village').map((a) => a.id);
    for (const period of PERIODS) {
      for (const a of areaList)
        for (const scope of ['village', 'township', 'county'] as const) {
          for (const [limit, offset] of [[50, 0], [2, 1], [5, 100]]) await expectSame(() => leaderboard.boardRows(t.db, scope, a.id, period, limit, offset));
          for (const [min, offset] of [[-100, 0], [20, 1]]) await expectSame(() => leaderboard.boardRowsDownTo(t.db, scope, a.id, period, min, offset));
          for (const score of [null, -5, 10, 20]) await expectSame(() => leaderboard.boardCounts(t.db, scope, a.id, period, score));
        }
      for (const h of householdIds) await expectSame(() => leaderboard.townshipRank(t.db, h, 2, period));
      await expectSame(() => leaderboard.categoryPoints(t.db, villages, period, 'hygiene'));
      await expectSame(() => leaderboard.householdsForBoard(t.db, [...householdIds].reverse(), period));
    }
    for (const h of [...householdIds, 999]) await expectSame(() => leaderboard.householdVillagePath(t.db, h));
    const board = await expectSame(() => leaderboard.boardRowsDownTo(t.db, 'county', 1, '2026', -100, 0));
    expect(board.length).toBeGreaterThan(3);
  });

  it('answer 20 parallel reads on the PostgreSQL pool as SQLite answers them one by one', async () => {
    const ask = () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 ? leaderboard.townshipRank(t.db, householdIds[i % householdIds.length], 2, '2026') : leaderboard.boardRows(t.db, 'county', 1, '2026', 3, i % 5),
        ),
      );
    const r = await both(ask);
    expect(r.pg).toHaveLength(20);
    expect(r.pg).toStrictEqual(r.sqlite);
  });

  it('list, insert and decide rectifications and publications alike, text byte for byte', async () => {
    for (const a of areaList) {
      for (const f of [{}, { status: 'pending' as const }, { villageId: v }]) await expectSame(() => rectifications.listRectificationRows(t.db, { path: a.path, ...f, limit: 10, offset: 0 }));
      for (const f of [{}, { status: 'approved' as const }, { kind: 'red' as const, areaId: v }]) await expectSame(() => publications.listPublicationRows(t.db, { path: a.path, ...f, limit: 10, offset: 0 }));
      for (const kind of ['red', 'black', 'leaderboard'] as const) {
        const key = { kind, areaId: a.id, period: '2026-06' };
        await expectSame(() => publications.approvedPublications(t.db, key));
        await expectSame(() => publications.latestApprovedPublication(t.db, key));
        await expectSame(() => publications.pendingPublicationId(t.db, key));
        await expectSame(() => transaction(t.db, (tx) => publications.nextPublicationVersion(tx, key)));
      }
    }
    for (const { id } of rows<{ id: number }>('SELECT id FROM board_publications')) {
      await expectSame(() => publications.publicationWithPath(t.db, id));
      await expectSame(() => publications.approvedPublicationById(t.db, id));
    }
    const entry = rows<{ id: number; householdId: number; villageId: number }>('SELECT id, household_id AS householdId, village_id AS villageId FROM ledger_entries ORDER BY id LIMIT 1')[0];
    const note = `O'Brien ? $1 "x" \\ 😀\n整改`;
    const r = await expectSame(() => transaction(t.db, (tx) => rectifications.insertRectification(tx, { ledgerEntryId: entry.id, householdId: entry.householdId, villageId: entry.villageId, note, rectifiedOn: '2026-06-18', proposedBy: 1, proposedAt: 1 })));
    expect(r).toMatchObject({ note, status: 'pending', reviewedBy: null });
    const decide = (status: 'approved' | 'rejected') => transaction(t.db, (tx) => rectifications.decidePendingRectification(tx, r.id, { status, reviewedBy: 2, reviewedAt: 2, rejectReason: status === 'rejected' ? '不行' : null }));
    expect(await expectSame(() => decide('rejected'))).toBe(true);
    expect(await expectSame(() => decide('approved'))).toBe(false);
    await expectSame(() => rectifications.rectificationWithPath(t.db, r.id));
    const pending = rows<{ id: number }>("SELECT id FROM board_publications WHERE status = 'pending'")[0];
    const publish = () => transaction(t.db, (tx) => publications.decidePendingPublication(tx, pending.id, { status: 'approved', version: 1, reviewedBy: 2, reviewedAt: 3, rejectReason: null }));
    expect(await expectSame(publish)).toBe(true);
    expect(await expectSame(publish)).toBe(false);
    const p = await expectSame(() => transaction(t.db, (tx) => publications.insertPublication(tx, { kind: 'stars', areaId: v, period: '2026', params: '{}', snapshot: note, hash: 'h', chainEntryId: 1, chainHash: 'ch', proposedBy: 1, proposedAt: 4 })));
    expect(p).toMatchObject({ snapshot: note, status: 'pending', version: null, checkpointId: null });
    await expectSame(() => publications.publicationById(t.db, p.id));
  });
});
