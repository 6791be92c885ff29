import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type SqliteDb } from '../../db/client';
import { awardById, dueAwards, insertAwards, listAwardsPage, ruleVersionById, type NewAward } from '../../db/awards/awards';
import { monthlyCapUsage } from '../../db/awards/caps';
import { insertObjection, listObjectionsPage, objectionWithAward } from '../../db/awards/objections';
import { approvePendingAward } from '../../db/awards/posting';
import { cardState, insertCard, lockCardIfSpent, releaseCardAttempts, reserveCardAttempt, revokeLiveCards } from '../../db/counter/cards';
import { insertPassCode, passCodeByDigest, passUseOf, prunePassCodes } from '../../db/counter/passCodes';
import { insertRedemption, limitedGoodsOfStores, lockRedeemGoods, redeemHousehold, spendPass, usedThisMonth } from '../../db/counter/redeem';
import { listRedemptionsOf, redemptionReceipt } from '../../db/counter/redemptions';
import { fundEntriesOfStore, insertFundEntry, listFundEntriesOfStore, liveCostsOfMovement, liveMovementCosts, movementForCost } from '../../db/funds/entries';
import { movementsOfStoreBefore } from '../../db/funds/stock';
import { insertDonation } from '../../db/goods/donations';
import { goodsById, insertGoods, listGoodsOfStores, updateGoodsRow } from '../../db/goods/goods';
import { listMovementsOfStores } from '../../db/goods/movements';
import { moveStock, StockShortage } from '../../db/goods/stock';
import { transaction } from '../../db/transaction';
import { makeAreas, makeHousehold, makeRule, makeUser, writeNow } from '../support/factories';

// The stores written in SQL both engines run (issue #15): what they answer on SQLite must not change.
const AT = Date.UTC(2026, 5, 1);

let db: SqliteDb;
let areas: ReturnType<typeof makeAreas>;
beforeEach(() => {
  db = openDb({ file: ':memory:' });
  areas = makeAreas(db);
});
afterEach(() => db.$client.close());

describe('goods store', () => {
  async function addGoods(name: string, category: string | null, price: number) {
    return transaction(db, (tx) => insertGoods(tx, { storeAreaId: areas.villageA.id, name, category, price, createdAt: AT, updatedAt: AT }));
  }

  it('answers flags as booleans and fills the unit default', async () => {
    const g = await addGoods('大米', '粮油', 30);
    expect(g).toMatchObject({ unit: '件', stock: 0, active: true, monthlyLimit: null, category: '粮油' });
    const off = await transaction(db, (tx) => updateGoodsRow(tx, g.id, { active: false, monthlyLimit: 2 }, AT + 1));
    expect(off).toMatchObject({ active: false, monthlyLimit: 2, updatedAt: AT + 1, name: '大米' });
    expect((await goodsById(db, g.id))?.active).toBe(false);
    expect(await transaction(db, (tx) => updateGoodsRow(tx, 9999, { name: 'x' }, AT))).toBeUndefined();
  });

  it('lists goods without a category first, then by category, price and id', async () => {
    const b = await addGoods('酱油', '调料', 5);
    const a = await addGoods('毛巾', null, 8);
    const c = await addGoods('大米', '粮油', 30);
    const d = await addGoods('面粉', '粮油', 20);
    const page = await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, limit: 10, offset: 0 });
    // Categories compare by their UTF-8 bytes: 粮 (U+7CAE) before 调 (U+8C03).
    expect(page.items.map((i) => i.id)).toEqual([a.id, d.id, c.id, b.id]);
    expect(page.total).toBe(4);
    const second = await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, limit: 2, offset: 2 });
    expect(second.items.map((i) => i.id)).toEqual([c.id, b.id]);
    expect(second.total).toBe(4);
  });

  it('searches names ignoring the case of ASCII letters only, and takes % and _ literally', async () => {
    const soap = await addGoods('Soap 香皂', null, 5);
    const wide = await addGoods('ＡＢ牌牙膏', null, 6);
    await addGoods('100%纯棉', null, 7);
    const find = async (q: string) => (await listGoodsOfStores(db, { storeIds: [areas.villageA.id], includeInactive: true, nameContains: q, limit: 10, offset: 0 })).items.map((i) => i.id);
    expect(await find('SOAP')).toEqual([soap.id]);
    expect(await find('soap')).toEqual([soap.id]);
    // Full-width letters are not folded (as SQLite's LIKE always did): ａｂ does not find ＡＢ.
    expect(await find('ａｂ')).toEqual([]);
    expect(await find('ＡＢ')).toEqual([wide.id]);
    // The wildcard characters are dropped, so "%" alone matches everything rather than being an error.
    expect((await find('%')).length).toBe(3);
    expect(await find('_香')).toEqual([soap.id]);
  });

  it('hides inactive goods unless asked and counts only what matches', async () => {
    const g = await addGoods('肥皂', null, 5);
    await addGoods('牙刷', null, 5);
    await transaction(db, (tx) => updateGoodsRow(tx, g.id, { active: false }, AT));
    const active = await listGoodsOfStores(db, { storeIds: [areas.villageA.id, areas.villageB.id], includeInactive: false, limit: 10, offset: 0 });
    expect(active.items.map((i) => i.name)).toEqual(['牙刷']);
    expect(active.total).toBe(1);
    expect(active.items[0]!.active).toBe(true);
    expect(await listGoodsOfStores(db, { storeIds: [areas.villageB.id], includeInactive: true, limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
  });
});

describe('stock movements store', () => {
  async function goodsWith(stock: number) {
    const g = await transaction(db, (tx) => insertGoods(tx, { storeAreaId: areas.villageA.id, name: '食用油', price: 10, unit: '桶', createdAt: AT, updatedAt: AT }));
    if (stock) await transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'purchase', quantity: stock, createdAt: AT }));
    return g;
  }

  it('keeps the cached stock equal to the movements and refuses to go below zero', async () => {
    const g = await goodsWith(3);
    const shortage = await transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'loss', quantity: -4, createdAt: AT })).catch((e: unknown) => e);
    expect(shortage).toBeInstanceOf(StockShortage);
    expect((shortage as StockShortage).available).toBe(3);
    await expect(transaction(db, (tx) => moveStock(tx, { goodsId: 9999, kind: 'loss', quantity: -1, createdAt: AT }))).rejects.toThrow('unknown goods 9999');
    const moved = await transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'loss', quantity: -3, note: '损耗', createdAt: AT + 5 }));
    expect(moved.stockAfter).toBe(0);
    const page = await listMovementsOfStores(db, { storeIds: [areas.villageA.id], goodsId: g.id, limit: 10, offset: 0 });
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({ id: moved.movementId, kind: 'loss', quantity: -3, stockAfter: 0, note: '损耗', donor: null, goodsName: '食用油', unit: '桶' });
    expect((await goodsById(db, g.id))!.stock).toBe(0);
  });

  it('sells the last units once when 20 takers race for them', async () => {
    const g = await goodsWith(5);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'redemption', quantity: -1, createdAt: AT + i }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof StockShortage)).toHaveLength(15);
    const all = await listMovementsOfStores(db, { storeIds: [areas.villageA.id], limit: 100, offset: 0 });
    expect(all.items.map((m) => m.stockAfter)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('records a donation with the column defaults and shows its donor on the movement', async () => {
    const g = await goodsWith(0);
    const donationId = await transaction(db, (tx) => insertDonation(tx, { storeAreaId: areas.villageA.id, donorName: '爱心企业', goodsId: g.id, quantity: 2, receivedOn: '2026-06-01', createdAt: AT }));
    const row = db.$client.prepare('SELECT donor_kind AS kind, anonymous FROM donations WHERE id = ?').get(donationId);
    expect(row).toEqual({ kind: 'enterprise', anonymous: 0 });
    await transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'donation', quantity: 2, donationId, createdAt: AT }));
    const other = await listMovementsOfStores(db, { storeIds: [areas.villageB.id], limit: 10, offset: 0 });
    expect(other).toEqual({ items: [], total: 0 });
    const page = await listMovementsOfStores(db, { storeIds: [areas.villageA.id], limit: 10, offset: 0 });
    expect(page.items[0]).toMatchObject({ kind: 'donation', donor: '爱心企业', stockAfter: 2 });
  });
});

describe('fund books store', () => {
  it('classifies a reversal by what it reverses and leaves reversed costs out of the live ones', async () => {
    const store = areas.villageA.id;
    const g = await transaction(db, (tx) => insertGoods(tx, { storeAreaId: store, name: '大米', price: 30, createdAt: AT, updatedAt: AT }));
    const m = await transaction(db, (tx) => moveStock(tx, { goodsId: g.id, kind: 'purchase', quantity: 10, createdAt: AT }));
    const funding = await transaction(db, (tx) => insertFundEntry(tx, { storeAreaId: store, kind: 'funding', source: 'budget', sourceName: '县财政', amountFen: 50_000, onDay: '2026-06-01', createdAt: AT }));
    expect(funding).toMatchObject({ kind: 'funding', source: 'budget', supplier: null, movementId: null, reversesId: null, createdBy: null });
    const cost = await transaction(db, (tx) => insertFundEntry(tx, { storeAreaId: store, kind: 'purchase', amountFen: -20_000, onDay: '2026-06-02', movementId: m.movementId, goodsId: g.id, quantity: 10, createdAt: AT }));
    expect((await liveCostsOfMovement(db, m.movementId)).map((e) => e.id)).toEqual([cost.id]);
    expect(await liveMovementCosts(db, store)).toEqual(new Map([[m.movementId, 20_000]]));
    const reversal = await transaction(db, (tx) => insertFundEntry(tx, { storeAreaId: store, kind: 'reversal', amountFen: 20_000, onDay: '2026-06-03', reversesId: cost.id, createdAt: AT }));
    expect(await liveCostsOfMovement(db, m.movementId)).toEqual([]);
    expect(await liveMovementCosts(db, store)).toEqual(new Map());
    const booked = await fundEntriesOfStore(db, store, { beforeDay: '2026-07-01' });
    expect(booked.map((b) => [b.kind, b.effectiveKind, b.source])).toEqual([
      ['funding', 'funding', 'budget'],
      ['purchase', 'purchase', null],
      ['reversal', 'purchase', null],
    ]);
    expect(await fundEntriesOfStore(db, store, { fromDay: '2026-06-02', beforeDay: '2026-06-03' })).toHaveLength(1);
    const page = await listFundEntriesOfStore(db, { storeAreaId: store, limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => [i.id, i.reversedBy, i.goodsName])).toEqual([
      [reversal.id, null, null],
      [cost.id, reversal.id, '大米'],
    ]);
    expect(await movementForCost(db, m.movementId)).toEqual({ id: m.movementId, goodsId: g.id, storeAreaId: store, kind: 'purchase', quantity: 10, createdAt: AT, goodsName: '大米', unit: '件' });
    expect(await movementsOfStoreBefore(db, store, AT)).toEqual([]);
    expect((await movementsOfStoreBefore(db, store, AT + 1)).map((v) => [v.id, v.pricePoints, v.donationValueFen])).toEqual([[m.movementId, null, null]]);
  });
});

describe('awards stores', () => {
  async function world() {
    const cadre = await makeUser(db, 'village_cadre', areas.villageA.id);
    const reviewer = await makeUser(db, 'reviewer', areas.villageA.id);
    const { rule, households } = writeNow(db, () => ({
      rule: makeRule(db, areas.villageA.id, { evidenceRequired: true }),
      households: Array.from({ length: 450 }, (_, i) => makeHousehold(db, areas.villageA.id, { headName: `户主${i}` })),
    }));
    const award = (householdId: number, i: number): NewAward => ({
      householdId,
      villageId: areas.villageA.id,
      ruleId: rule.id,
      ruleVersionId: rule.currentVersionId,
      quantity: 1 + (i % 3),
      points: 5,
      occurredOn: '2026-06-02',
      status: 'pending',
      proposedBy: cadre.id,
      proposedAt: AT,
    });
    return { cadre, reviewer, rule, households, award };
  }

  it('inserts a batch across statement chunks and answers ids in input order', async () => {
    const w = await world();
    const ids = await transaction(db, (tx) => insertAwards(tx, w.households.map((h, i) => w.award(h.id, i))));
    expect(ids).toHaveLength(450);
    for (const [i, id] of ids.entries()) expect((await awardById(db, id))!.householdId).toBe(w.households[i]!.id);
    expect(await awardById(db, ids[0]!)).toMatchObject({ batchId: null, memberName: null, reviewedBy: null, ledgerEntryId: null, status: 'pending' });
    const used = await monthlyCapUsage(db, w.rule.id, [w.households[0]!.id, w.households[1]!.id, 99999], '2026-06-30');
    expect(used).toEqual(new Map([[w.households[0]!.id, 1], [w.households[1]!.id, 2]]));
    expect(await monthlyCapUsage(db, w.rule.id, [w.households[0]!.id], '2026-07-01')).toEqual(new Map());
  });

  it('reads rule-version flags as booleans', async () => {
    const w = await world();
    expect(await ruleVersionById(db, w.rule.currentVersionId)).toMatchObject({ evidenceRequired: true, blackList: false, monthlyCap: null });
  });

  it('lists nothing for no villages, and counts open objections per award', async () => {
    const w = await world();
    const [a, b] = await transaction(db, (tx) => insertAwards(tx, [w.award(w.households[0]!.id, 0), w.award(w.households[1]!.id, 1)]));
    expect(await listAwardsPage(db, { villageIds: [], limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
    expect(await listObjectionsPage(db, { villageIds: [], limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
    const o = await transaction(db, (tx) => insertObjection(tx, { awardId: a!, userId: w.reviewer.id, reason: '不属实', createdAt: AT }));
    const page = await listAwardsPage(db, { villageIds: [areas.villageA.id], limit: 1, offset: 0 });
    expect(page.total).toBe(2);
    expect(page.items.map((i) => [i.id, i.openObjections, i.proposerName])).toEqual([[b, 0, w.cadre.username]]);
    const withA = await listAwardsPage(db, { villageIds: [areas.villageA.id], householdId: w.households[0]!.id, limit: 5, offset: 0 });
    expect(withA.items.map((i) => i.openObjections)).toEqual([1]);
    const joined = await objectionWithAward(db, o.id);
    expect(joined?.objection).toEqual({ id: o.id, awardId: a, userId: w.reviewer.id, reason: '不属实', status: 'open', resolution: null, resolvedBy: null, resolvedAt: null, createdAt: AT });
    expect(joined?.award).toEqual(await awardById(db, a!));
    expect(joined?.villagePath).toBe(areas.villageA.path);
    expect(await objectionWithAward(db, 9999)).toBeUndefined();
  });

  it('lets one of 20 parallel approvals of an award win, and keeps an objected award from falling due', async () => {
    const w = await world();
    const [id] = await transaction(db, (tx) => insertAwards(tx, [w.award(w.households[0]!.id, 0)]));
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => transaction(db, (tx) => approvePendingAward(tx, id!, w.reviewer.id, AT + i, AT + 10, null))));
    expect(outcomes.filter((o) => o !== null)).toEqual([{ ledgerEntryId: null }]);
    expect(await awardById(db, id!)).toMatchObject({ status: 'notice', reviewedAt: AT, noticeEndsAt: AT + 10 });
    expect((await dueAwards(db, AT + 10, 10)).map((a) => a.id)).toEqual([id]);
    expect(await dueAwards(db, AT + 9, 10)).toEqual([]);
    expect((await dueAwards(db, AT + 10, 10, areas.townA.path)).map((a) => a.id)).toEqual([id]);
    expect(await dueAwards(db, AT + 10, 10, areas.townB.path)).toEqual([]);
    await transaction(db, (tx) => insertObjection(tx, { awardId: id!, userId: w.cadre.id, reason: '异议', createdAt: AT }));
    expect(await dueAwards(db, AT + 10, 10)).toEqual([]);
  });
});

describe('counter stores', () => {
  async function counterWorld() {
    const clerk = await makeUser(db, 'clerk', areas.villageA.id);
    const household = writeNow(db, () => makeHousehold(db, areas.villageA.id));
    const [oil, soap] = await transaction(db, async (tx) => [
      await insertGoods(tx, { storeAreaId: areas.villageA.id, name: '食用油', price: 30, createdAt: AT, updatedAt: AT }),
      await insertGoods(tx, { storeAreaId: areas.villageA.id, name: '肥皂', price: 5, monthlyLimit: 3, createdAt: AT, updatedAt: AT }),
    ]);
    return { clerk, household, oil: oil!, soap: soap! };
  }

  it('counts PIN attempts up to the cap, locks once, and never lets a release go below zero', async () => {
    const { household } = await counterWorld();
    const card = await transaction(db, (tx) => insertCard(tx, { householdId: household.id, code: 'CARD-1', number: '1234', pinHash: 'x', createdBy: null, createdAt: AT }));
    expect(card).toMatchObject({ failedAttempts: 0, lockedAt: null, revokedAt: null, number: '1234' });
    const counts = await Promise.all(Array.from({ length: 20 }, () => transaction(db, (tx) => reserveCardAttempt(tx, card.id, 5))));
    expect(counts.filter((c) => c !== null).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5]);
    await transaction(db, (tx) => releaseCardAttempts(tx, card.id, 9));
    expect(await cardState(db, card.id)).toEqual({ failedAttempts: 0, lockedAt: null, revokedAt: null });
    for (let i = 0; i < 5; i++) await transaction(db, (tx) => reserveCardAttempt(tx, card.id, 5));
    await transaction(db, (tx) => releaseCardAttempts(tx, card.id, 2));
    expect((await cardState(db, card.id))!.failedAttempts).toBe(3);
    const locks = await Promise.all(Array.from({ length: 20 }, (_, i) => transaction(db, (tx) => lockCardIfSpent(tx, card.id, 3, AT + i))));
    expect(locks.filter(Boolean)).toHaveLength(1);
    expect(await transaction(db, (tx) => reserveCardAttempt(tx, card.id, 5))).toBeNull();
    expect(await transaction(db, (tx) => revokeLiveCards(tx, household.id, AT))).toEqual([card.id]);
    expect(await transaction(db, (tx) => revokeLiveCards(tx, household.id, AT))).toEqual([]);
  });

  it('keeps one typed code per digest, prunes expired ones, and spends a code once among 20 racers', async () => {
    const { household } = await counterWorld();
    expect(await transaction(db, (tx) => insertPassCode(tx, { digest: 'd', nonce: 'n1', householdId: household.id, expiresAt: AT }))).toBe(true);
    expect(await transaction(db, (tx) => insertPassCode(tx, { digest: 'd', nonce: 'n2', householdId: household.id, expiresAt: AT }))).toBe(false);
    expect(await passCodeByDigest(db, 'd')).toEqual({ nonce: 'n1', householdId: household.id, expiresAt: AT });
    await transaction(db, (tx) => prunePassCodes(tx, AT));
    expect(await passCodeByDigest(db, 'd')).toBeDefined();
    await transaction(db, (tx) => prunePassCodes(tx, AT + 1));
    expect(await passCodeByDigest(db, 'd')).toBeUndefined();
    const spent = await Promise.all(Array.from({ length: 20 }, (_, i) => transaction(db, (tx) => spendPass(tx, 'nonce-1', household.id, AT + i))));
    expect(spent.filter(Boolean)).toHaveLength(1);
    expect(await passUseOf(db, 'nonce-1')).toEqual({ householdId: household.id, usedAt: AT, redemptionId: null, storeAreaId: null, storeName: null, storePath: null });
  });

  it('reads a redemption back as written: lines, month usage, list, receipt and flags', async () => {
    const w = await counterWorld();
    expect(await redeemHousehold(db, w.household.id)).toMatchObject({ id: w.household.id, redemptionSuspended: false, villagePath: areas.villageA.path, status: 'active' });
    const goods = await transaction(db, (tx) => lockRedeemGoods(tx, [w.soap.id, w.oil.id, 9999]));
    expect(goods.map((g) => [g.id, g.active, g.storePath])).toEqual([
      [w.oil.id, true, areas.villageA.path],
      [w.soap.id, true, areas.villageA.path],
    ]);
    expect(await transaction(db, (tx) => lockRedeemGoods(tx, []))).toEqual([]);
    const id = await transaction(db, (tx) =>
      insertRedemption(tx, {
        householdId: w.household.id,
        villageId: areas.villageA.id,
        storeAreaId: areas.villageA.id,
        clerkId: w.clerk.id,
        points: 40,
        balanceAfter: 60,
        via: 'card',
        createdAt: AT,
        month: '2026-06',
        lines: [
          { goodsId: w.soap.id, quantity: 2, price: 5, points: 10 },
          { goodsId: w.oil.id, quantity: 1, price: 30, points: 30 },
        ],
      }),
    );
    expect(await usedThisMonth(db, w.household.id, '2026-06', [w.oil.id, w.soap.id])).toEqual(new Map([[w.oil.id, 1], [w.soap.id, 2]]));
    expect(await usedThisMonth(db, w.household.id, '2026-07', [w.oil.id])).toEqual(new Map());
    expect(await limitedGoodsOfStores(db, [areas.villageA.id, areas.villageB.id])).toEqual([{ goodsId: w.soap.id, name: '肥皂', unit: '件', monthlyLimit: 3 }]);
    await transaction(db, (tx) => updateGoodsRow(tx, w.soap.id, { active: false }, AT));
    expect(await limitedGoodsOfStores(db, [areas.villageA.id])).toEqual([]);
    const receipt = await redemptionReceipt(db, id);
    expect(receipt).toMatchObject({ id, villageId: areas.villageA.id, villagePath: areas.villageA.path, clerkId: w.clerk.id, storeName: '东村', via: 'card', points: 40 });
    expect(receipt!.items.map((i) => i.goodsId)).toEqual([w.oil.id, w.soap.id].sort((a, b) => a - b));
    const list = await listRedemptionsOf(db, { villageIds: [areas.villageA.id], clerkId: w.clerk.id, since: AT, limit: 10, offset: 0 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toEqual({ id, householdId: w.household.id, headName: w.household.headName, doorNo: w.household.doorNo, villageName: '东村', storeAreaId: areas.villageA.id, storeName: '东村', points: 40, balanceAfter: 60, via: 'card', createdAt: AT });
    expect((await listRedemptionsOf(db, { villageIds: [areas.villageA.id], since: AT + 1, limit: 10, offset: 0 })).total).toBe(0);
    expect((await listRedemptionsOf(db, { villageIds: [areas.villageB.id], limit: 10, offset: 0 })).total).toBe(0);
  });
});
