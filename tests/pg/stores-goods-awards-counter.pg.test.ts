/**
 * The goods, funds, awards and counter stores answer alike on both engines: the demo county is seeded on SQLite,
 * copied to a fresh PostgreSQL database (db:copy), and every read is called against each; the answers must be
 * equal, order and types included. Writes run once on each engine and must answer alike too. Until sqlOf()
 * picks the engine from the handle, this file points it at PostgreSQL.
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

import * as awards from '../../db/awards/awards';
import * as caps from '../../db/awards/caps';
import * as objections from '../../db/awards/objections';
import * as posting from '../../db/awards/posting';
import * as proposals from '../../db/awards/proposals';
import * as record from '../../db/awards/awardRecord';
import { openDb, type SqliteDb } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import * as cards from '../../db/counter/cards';
import * as passCodes from '../../db/counter/passCodes';
import * as redeem from '../../db/counter/redeem';
import * as redemptions from '../../db/counter/redemptions';
import * as funds from '../../db/funds/entries';
import * as fundStock from '../../db/funds/stock';
import * as donations from '../../db/goods/donations';
import * as goods from '../../db/goods/goods';
import * as movements from '../../db/goods/movements';
import * as stock from '../../db/goods/stock';
import { openPgPools, type PgPools } from '../../db/pg/pool';
import { pgSql } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { seedDemoCounty } from '../../seeds/demo';
import { freshDatabase, type FreshDatabase } from './support/database';

let db: SqliteDb;
let target: FreshDatabase;
let pools: PgPools;
let pg: Sql;
const dir = mkdtempSync(join(tmpdir(), 'jifen-stores-goods-'));

/** The answer on SQLite and on PostgreSQL (a write runs once on each); a throw is an answer too. */
async function both<T>(f: () => Promise<T>): Promise<{ sqlite: unknown; pg: unknown }> {
  const settle = async () => f().then((v) => v as unknown, (e: unknown) => ({ threw: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) }));
  engine.pg = null;
  const sqlite = await settle();
  engine.pg = pg;
  try {
    return { sqlite, pg: await settle() };
  } finally {
    engine.pg = null;
  }
}

/** Equal answers on both engines, neither of them a throw (no call here is meant to throw). */
async function expectSame<T>(f: () => Promise<T>): Promise<void> {
  const r = await both(f);
  expect(r.pg).toStrictEqual(r.sqlite);
  expect(r.sqlite instanceof Object && 'threw' in r.sqlite ? r.sqlite : 'no throw').toBe('no throw');
}

const ids = (text: string) => (db.$client.prepare(text).all() as { id: number }[]).map((r) => r.id);
let stores: number[];
let villages: number[];
let goodsIds: number[];
let households: number[];
let users: number[];

beforeAll(async () => {
  db = openDb({ file: ':memory:' });
  await seedDemoCounty(db, { scryptN: 1024, now: new Date('2026-06-03T03:30:00.000Z') });
  // Goods whose names try the search: upper and lower ASCII, full-width letters, no category.
  db.$client
    .prepare('INSERT INTO goods (store_area_id, name, category, price, unit, stock, active, created_at, updated_at) VALUES (?, ?, NULL, 5, ?, 0, ?, 0, 0)')
    .run(ids("SELECT id FROM areas WHERE kind = 'village' ORDER BY id LIMIT 1")[0], 'Soap ＡＢ香皂', '块', 1);
  const file = join(dir, 'world.db');
  db.$client.exec(`VACUUM INTO '${file}'`);
  target = await freshDatabase();
  await copySqliteToPg({ from: file, to: target.url });
  pools = openPgPools({ url: target.url, poolSize: 4 });
  pg = pgSql(pools.primary);
  stores = ids('SELECT DISTINCT store_area_id AS id FROM goods ORDER BY 1');
  villages = ids("SELECT id FROM areas WHERE kind = 'village' ORDER BY id");
  goodsIds = ids('SELECT id FROM goods ORDER BY id');
  households = ids('SELECT id FROM households ORDER BY id');
  users = ids('SELECT id FROM users ORDER BY id');
}, 300_000);

afterAll(async () => {
  await pools?.close();
  await target?.drop();
  db?.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('goods and funds stores on both engines', () => {
  it('really reach PostgreSQL through sqlOf', async () => {
    const { sqlOf } = await import('../../db/sql');
    expect(await both(async () => sqlOf(db).engine)).toEqual({ sqlite: 'sqlite', pg: 'pg' });
  });

  it('answer the same goods, searches, pages and movements', async () => {
    for (const id of [...goodsIds, 99999]) {
      await expectSame(() => goods.goodsById(db, id));
      await expectSame(() => goods.goodsWithStorePath(db, id));
    }
    for (const includeInactive of [true, false])
      for (const nameContains of [undefined, '米', 'soap', 'SOAP', 'ａｂ', 'ＡＢ', '%', "O'", '?'])
        for (const [limit, offset] of [[5, 0], [1000, 3]])
          await expectSame(() => goods.listGoodsOfStores(db, { storeIds: stores, includeInactive, nameContains, limit: limit!, offset: offset! }));
    for (const storeIds of [stores, [stores[0]!], []])
      for (const goodsId of [undefined, goodsIds[0], goodsIds[3]])
        await expectSame(() => movements.listMovementsOfStores(db, { storeIds, goodsId, limit: 30, offset: 5 }));
  });

  it('answer the same money books and valuations', async () => {
    for (const id of [...ids('SELECT id FROM fund_entries ORDER BY id'), 99999]) {
      await expectSame(() => funds.fundEntryById(db, id));
      await expectSame(() => funds.reversalOf(db, id));
    }
    for (const id of ids("SELECT id FROM stock_movements WHERE kind = 'purchase' ORDER BY id LIMIT 40")) {
      await expectSame(() => funds.liveCostsOfMovement(db, id));
      await expectSame(() => funds.movementForCost(db, id));
    }
    for (const s of stores) {
      for (const r of [{}, { fromDay: '2026-03-01', toDay: '2026-03-31' }]) await expectSame(() => funds.listFundEntriesOfStore(db, { storeAreaId: s, ...r, limit: 20, offset: 1 }));
      await expectSame(() => funds.fundEntriesOfStore(db, s, { beforeDay: '2026-07-01' }));
      await expectSame(() => funds.fundEntriesOfStore(db, s, { fromDay: '2026-03-01', beforeDay: '2026-04-01' }));
      await expectSame(() => funds.liveMovementCosts(db, s));
      await expectSame(() => fundStock.movementsOfStoreBefore(db, s, Date.UTC(2026, 6, 1)));
    }
  });
});

describe('awards stores on both engines', () => {
  it('answer the same awards, pages, caps, objections and records', async () => {
    const rules = ids('SELECT id FROM rules ORDER BY id');
    for (const r of rules.slice(0, 10)) await expectSame(() => caps.monthlyCapUsage(db, r, households, '2026-05-10'));
    await expectSame(() => proposals.proposalHouseholds(db, [...households, 99999]));
    const awardIds = ids('SELECT id FROM awards ORDER BY id');
    for (const id of [...awardIds.filter((_, i) => i % 41 === 0), 99999]) {
      await expectSame(() => awards.awardWithVillagePath(db, id));
      const a = await awards.awardById(db, id);
      if (a) await expectSame(() => record.awardRecordParts(db, a));
    }
    await expectSame(() => awards.awardsWithVillagePaths(db, awardIds.slice(0, 1100)));
    for (const at of [Date.UTC(2026, 5, 3), Date.UTC(2026, 6, 3)])
      for (const p of [undefined, '/1/', '/1/2/', '/9/']) await expectSame(() => awards.dueAwards(db, at, 50, p));
    for (const id of ids('SELECT id FROM rule_versions ORDER BY id LIMIT 20')) await expectSame(() => awards.ruleVersionById(db, id));
    await expectSame(() => awards.householdNoticeName(db, households[0]!));
    for (const f of [{}, { status: 'pending' as const }, { onlyHouseholdId: households[3] }, { batchId: ids('SELECT id FROM award_batches LIMIT 1')[0] }])
      await expectSame(() => awards.listAwardsPage(db, { villageIds: villages, ...f, limit: 30, offset: 10 }));
    await expectSame(() => awards.listAwardsPage(db, { villageIds: [], limit: 30, offset: 0 }));
    for (const a of ids('SELECT DISTINCT award_id AS id FROM objections ORDER BY 1')) await expectSame(() => objections.objectionsOfAward(db, a));
    for (const id of ids('SELECT id FROM objections ORDER BY id')) await expectSame(() => objections.objectionWithAward(db, id));
    for (const status of [undefined, 'open' as const, 'dismissed' as const]) await expectSame(() => objections.listObjectionsPage(db, { villageIds: villages, status, limit: 20, offset: 0 }));
    await expectSame(() => objections.objectionsByUsers(db, users, 30));
    await expectSame(() => record.userNames(db, [...users, null, 99999]));
    for (const r of rules.slice(0, 5)) await expectSame(() => posting.ruleCategory(db, r));
  });

  it('write awards, batches, reviews and objections alike', async () => {
    const rv = db.$client.prepare('SELECT id, rule_id AS ruleId FROM rule_versions ORDER BY id LIMIT 1').get() as { id: number; ruleId: number };
    const base = { householdId: households[0]!, villageId: villages[0]!, ruleId: rv.ruleId, ruleVersionId: rv.id, quantity: 1, points: 5, occurredOn: '2026-06-02', status: 'pending' as const, proposedBy: users[3]!, proposedAt: 1 };
    await expectSame(() => transaction(db, (tx) => awards.insertAward(tx, base)));
    await expectSame(() => transaction(db, (tx) => awards.insertAwardBatch(tx, { ruleId: rv.ruleId, occurredOn: '2026-06-02', count: 2, proposedBy: users[3]!, createdAt: 1 })));
    await expectSame(() => transaction(db, (tx) => awards.insertAwards(tx, households.slice(0, 230).map((h) => ({ ...base, householdId: h, memberName: 'm' })))));
    const last = ids('SELECT MAX(id) AS id FROM awards')[0]!;
    await expectSame(() => transaction(db, (tx) => awards.rejectPendingAward(tx, last, users[4]!, 2, '不符合')));
    await expectSame(() => transaction(db, (tx) => posting.approvePendingAward(tx, last - 1, users[4]!, 2, 10, null)));
    await expectSame(() => transaction(db, (tx) => objections.insertObjection(tx, { awardId: last - 1, userId: users[5]!, reason: '异议', createdAt: 3 })));
    await expectSame(() => transaction(db, async (tx) => [await objections.openObjectionOf(tx, last - 1, users[5]!), await objections.hasOpenObjection(tx, last - 1)]));
    await expectSame(() => transaction(db, (tx) => objections.upholdOpenObjections(tx, last - 1, '成立', users[4]!, 4)));
    await expectSame(() => transaction(db, (tx) => awards.returnAwardToReview(tx, last - 1)));
    await expectSame(() => awards.awardById(db, last - 1));
  });
});

describe('counter stores on both engines', () => {
  it('answer the same cards, codes, redemptions and receipts', async () => {
    for (const id of ids('SELECT id FROM household_cards ORDER BY id')) {
      await expectSame(() => cards.cardById(db, id));
      await expectSame(() => cards.cardState(db, id));
    }
    for (const c of db.$client.prepare('SELECT code, number FROM household_cards ORDER BY id').all() as { code: string; number: string | null }[]) {
      await expectSame(() => cards.cardForPin(db, c.code));
      if (c.number) await expectSame(() => cards.cardForPin(db, c.number!, 'number'));
    }
    for (const n of (db.$client.prepare('SELECT nonce FROM pass_uses ORDER BY nonce LIMIT 20').all() as { nonce: string }[]).map((r) => r.nonce)) {
      await expectSame(() => passCodes.passUseOf(db, n));
      await expectSame(() => redeem.isPassUsed(db, n));
    }
    for (const f of [{}, { householdId: households[2] }, { storeAreaId: stores[0] }, { since: Date.UTC(2026, 4, 1) }])
      await expectSame(() => redemptions.listRedemptionsOf(db, { villageIds: villages, ...f, limit: 20, offset: 5 }));
    for (const id of ids('SELECT id FROM redemptions ORDER BY id').filter((_, i) => i % 17 === 0)) await expectSame(() => redemptions.redemptionReceipt(db, id));
    for (const h of households.slice(0, 40)) {
      await expectSame(() => redeem.redeemHousehold(db, h));
      await expectSame(() => redeem.usedThisMonth(db, h, '2026-05', goodsIds));
    }
    await expectSame(() => redeem.limitedGoodsOfStores(db, stores));
  });

  it('write goods, stock, money, cards, codes and a redemption alike', async () => {
    const store = stores[0]!;
    const hh = households[7]!;
    await expectSame(() => transaction(db, (tx) => goods.insertGoods(tx, { storeAreaId: store, name: '测试米', price: 30, createdAt: 1, updatedAt: 1 })));
    const g = goodsIds.length + 1;
    expect(ids('SELECT MAX(id) AS id FROM goods')[0]).toBe(g);
    await expectSame(() => transaction(db, (tx) => goods.updateGoodsRow(tx, g, { name: '改名', active: false, monthlyLimit: null }, 2)));
    await expectSame(() => transaction(db, (tx) => donations.insertDonation(tx, { storeAreaId: store, donorName: '某企业', anonymous: true, goodsId: g, quantity: 5, receivedOn: '2026-06-03', createdAt: 1 })));
    await expectSame(() => transaction(db, (tx) => stock.moveStock(tx, { goodsId: g, kind: 'purchase', quantity: 7, note: 'n', createdAt: 3 })));
    expect(await both(() => transaction(db, (tx) => stock.moveStock(tx, { goodsId: g, kind: 'loss', quantity: -8, createdAt: 3 })))).toEqual({
      sqlite: { threw: `StockShortage: goods ${g}: only 7 in stock` },
      pg: { threw: `StockShortage: goods ${g}: only 7 in stock` },
    });
    await expectSame(() => transaction(db, (tx) => funds.insertFundEntry(tx, { storeAreaId: store, kind: 'funding', source: 'budget', amountFen: 500, onDay: '2026-06-03', createdAt: 1 })));
    await expectSame(() => transaction(db, (tx) => cards.insertCard(tx, { householdId: hh, code: 'PG-CARD', number: 'PG-1', pinHash: 'h', createdBy: null, createdAt: 1 })));
    const card = ids('SELECT MAX(id) AS id FROM household_cards')[0]!;
    for (let i = 0; i < 4; i++) await expectSame(() => transaction(db, (tx) => cards.reserveCardAttempt(tx, card, 3)));
    await expectSame(() => transaction(db, (tx) => cards.lockCardIfSpent(tx, card, 3, 5)));
    await expectSame(() => transaction(db, (tx) => cards.releaseCardAttempts(tx, card, 9)));
    await expectSame(() => transaction(db, (tx) => cards.unlockCardRow(tx, card)));
    await expectSame(() => transaction(db, (tx) => cards.releaseCardAttempts(tx, card, 9)));
    await expectSame(() => transaction(db, (tx) => cards.revokeCardRow(tx, card, 6)));
    await expectSame(() => transaction(db, (tx) => cards.revokeLiveCards(tx, hh, 7)));
    await expectSame(() => cards.cardById(db, card));
    await expectSame(() => cards.cardNumberTaken(db, 'PG-1'));
    await expectSame(() => transaction(db, (tx) => passCodes.insertPassCode(tx, { digest: 'pg-d', nonce: 'pg-n', householdId: hh, expiresAt: 10 })));
    await expectSame(() => transaction(db, (tx) => passCodes.insertPassCode(tx, { digest: 'pg-d', nonce: 'pg-n2', householdId: hh, expiresAt: 10 })));
    await expectSame(() => transaction(db, (tx) => passCodes.prunePassCodes(tx, 11)));
    await expectSame(() => passCodes.passCodeByDigest(db, 'pg-d'));
    await expectSame(() => transaction(db, (tx) => redeem.lockRedeemGoods(tx, [goodsIds[3]!, goodsIds[0]!, 99999])));
    await expectSame(() =>
      transaction(db, (tx) =>
        redeem.insertRedemption(tx, {
          householdId: hh,
          villageId: villages[0]!,
          storeAreaId: store,
          clerkId: users[10]!,
          points: 70,
          balanceAfter: 10,
          via: 'card',
          createdAt: 9,
          month: '2026-06',
          lines: [{ goodsId: goodsIds[0]!, quantity: 1, price: 30, points: 30 }],
        }),
      ),
    );
    const rid = ids('SELECT MAX(id) AS id FROM redemptions')[0]!;
    await expectSame(() => transaction(db, (tx) => redeem.linkRedemptionEntry(tx, rid, 1)));
    await expectSame(() => transaction(db, (tx) => redeem.spendPass(tx, 'pg-nonce', hh, 9, rid)));
    await expectSame(() => transaction(db, (tx) => redeem.spendPass(tx, 'pg-nonce', hh, 9, rid)));
    await expectSame(() => transaction(db, (tx) => redeem.storeResponse(tx, users[10]!, 'pg-key', 'h', 201, '{}', 9)));
    await expectSame(() => redeem.storedResponse(db, users[10]!, 'pg-key'));
    await expectSame(() => redemptions.redemptionReceipt(db, rid));
    await expectSame(() => passCodes.passUseOf(db, 'pg-nonce'));
  });
});
