import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp, pgSwitch, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeWorld } from '../support/factories';

async function setup() {
  const t = makeTestApp('2026-05-10T02:00:00.000Z');
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 1000);
  const rice = makeGoods(t.db, w.areas.villageA.id, { name: '大米', price: 20 });
  const as = {
    cadre: await login(t, 'cadre'),
    clerk: await login(t, 'clerk'),
    county: await login(t, 'county'),
    township: await login(t, 'township'),
    household: await login(t, 'household'),
    otherClerk: await login(t, 'otherclerk'),
    otherCadre: await login(t, 'othercadre'),
  };
  return { t, w, rice, as };
}

const storeOf = (w: Awaited<ReturnType<typeof makeWorld>>) => w.areas.villageA.id;

async function redeem(t: TestApp, w: Awaited<ReturnType<typeof makeWorld>>, as: { household: string; clerk: string }, goodsId: number, quantity: number) {
  const code = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: as.household })).body.code as string;
  const res = await call(t, 'POST', '/api/redemptions', { cookie: as.clerk, headers: { 'idempotency-key': `k-${Math.random().toString(36).slice(2, 12)}` }, body: { code, items: [{ goodsId, quantity }] } });
  expect(res.status).toBe(201);
  return res.body;
}

/**
 * The hand-made month (June 2026) at 东村's store, with point value 0.50 元:
 * May: 预算 1000.00 元 in; 10 bags of rice bought at 5.00 (50.00 spent).
 * June: 帮扶单位 200.00 in; 5 bags donated valued 25.00; 12 redeemed (10 May bags at 5.00 + 2 donated at 5.00
 * = 60.00, of which 10.00 donated); 10 bought at 6.00 (60.00); 1 lost (a donated bag, 5.00).
 */
async function handMadeMonth() {
  const s = await setup();
  const { t, w, rice, as } = s;
  const store = storeOf(w);
  expect((await call(t, 'PATCH', `/api/areas/${w.areas.county.id}/settings`, { cookie: as.county, body: { pointValueFen: 50 } })).status).toBe(200);
  const may = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: 'budget', sourceName: '县财政局', amountFen: 100_000, receivedOn: '2026-05-10', note: '爱心超市运营经费' } });
  expect(may.status).toBe(201);
  const bought = await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'purchase', quantity: 10, supplier: '镇供销社', invoiceNo: 'FP-0501', unitCostFen: 500 } });
  expect(bought.status).toBe(200);
  t.clock.set('2026-06-02T02:00:00.000Z');
  const partner = await call(t, 'POST', '/api/funds', { cookie: as.township, body: { storeAreaId: store, source: 'partner', sourceName: '县农业银行', amountFen: 20_000, receivedOn: '2026-06-02' } });
  expect(partner.status).toBe(201);
  expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.cadre, body: { kind: 'donation', quantity: 5, donor: '爱心粮店', valueFen: 2500 } })).status).toBe(200);
  t.clock.set('2026-06-05T02:00:00.000Z');
  const redemption = await redeem(t, w, as, rice.id, 12);
  t.clock.set('2026-06-08T02:00:00.000Z');
  expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'purchase', quantity: 10, supplier: '镇供销社', invoiceNo: 'FP-0608', totalCostFen: 6000 } })).status).toBe(200);
  expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'loss', quantity: 1, note: '受潮' } })).status).toBe(200);
  t.clock.set('2026-06-20T02:00:00.000Z');
  return { ...s, store, may: may.body, partner: partner.body, bought: bought.body, redemption };
}

describe('the supermarket money books', () => {
  it('records funding in integer fen with its source and day, and a purchase with supplier, invoice and cost', async () => {
    const { t, store, as, bought } = await handMadeMonth();
    const list = await call(t, 'GET', `/api/funds?storeAreaId=${store}`, { cookie: as.cadre });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(4);
    const purchase = list.body.items.find((e: { invoiceNo: string | null }) => e.invoiceNo === 'FP-0501');
    expect(purchase).toMatchObject({ kind: 'purchase', supplier: '镇供销社', amountFen: -5000, quantity: 10, goodsName: '大米', onDay: '2026-05-10', movementId: bought.movementId });
    expect(bought.fundEntryId).toBe(purchase.id);
    const funding = list.body.items.find((e: { source: string | null }) => e.source === 'budget');
    expect(funding).toMatchObject({ kind: 'funding', sourceName: '县财政局', amountFen: 100_000, onDay: '2026-05-10' });
    // Fractions of a fen, a float, zero and text are refused and write nothing.
    for (const amountFen of [12.5, 0, -100, '100', 2 ** 53]) {
      const bad = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: 'budget', sourceName: 'x', amountFen, receivedOn: '2026-06-20' } });
      expect(bad.status).toBe(400);
    }
    expect((await call(t, 'GET', `/api/funds?storeAreaId=${store}`, { cookie: as.cadre })).body.total).toBe(4);
  });

  it('refuses a purchase cost that does not add up, cost fields on a loss, and a day in the future or a closed month', async () => {
    const { t, w, rice, as } = await setup();
    const store = storeOf(w);
    const mismatch = await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'purchase', quantity: 10, unitCostFen: 500, totalCostFen: 4000 } });
    expect(mismatch.status).toBe(400);
    const noCost = await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'purchase', quantity: 10, invoiceNo: 'FP-1' } });
    expect(noCost.status).toBe(400);
    const onLoss = await call(t, 'POST', `/api/goods/${w.oil.id}/stock`, { cookie: as.clerk, body: { kind: 'loss', quantity: 1, totalCostFen: 100 } });
    expect(onLoss.status).toBe(400);
    // Nothing moved: the refused purchases left no stock and no money entry.
    expect(await t.sql.get('SELECT stock FROM goods WHERE id = ?', [rice.id])).toEqual({ stock: 0 });
    expect(Number((await t.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM fund_entries'))?.n)).toBe(0);
    const future = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: 'budget', sourceName: '县财政局', amountFen: 100, receivedOn: '2026-05-11' } });
    expect(future.body.error.code).toBe('future_date');
    const closed = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: 'budget', sourceName: '县财政局', amountFen: 100, receivedOn: '2026-03-31' } });
    expect(closed.status).toBe(422);
    expect(closed.body.error.code).toBe('period_closed');
    const late = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: 'collective', sourceName: '村委会', amountFen: 100, receivedOn: '2026-04-01' } });
    expect(late.status).toBe(201);
  });

  it('a statement adds up: opening + in − purchases = closing funds; redemptions at points value and at FIFO cost incl. a donated lot; the loss', async () => {
    const { t, store, as } = await handMadeMonth();
    const res = await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-06`, { cookie: as.clerk });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s).toMatchObject({
      pointValueFen: 50,
      openingFundsFen: 95_000,
      fundsInFen: 20_000,
      fundsInBySource: { budget: 0, partner: 20_000, donation: 0, collective: 0 },
      purchasesFen: 6000,
      closingFundsFen: 109_000,
      openingStockFen: 5000,
      purchasesInFen: 6000,
      purchasedQty: 10,
      donationsInFen: 2500,
      donatedQty: 5,
      redeemedQty: 12,
      redeemedPoints: 240,
      redemptionsCostFen: 6000,
      redemptionsDonatedCostFen: 1000,
      redemptionsPointsValueFen: 12_000,
      lostQty: 1,
      lossesCostFen: 500,
      closingStockFen: 7000,
      // The oil and soap of the world came in before costs were kept: on the shelf, counted at 0.
      closingQty: 12 + 200,
      closingUncostedQty: 200,
    });
    expect(s.openingFundsFen + s.fundsInFen - s.purchasesFen).toBe(s.closingFundsFen);
    expect(s.openingStockFen + s.purchasesInFen + s.donationsInFen + s.returnsInFen - s.redemptionsCostFen - s.lossesCostFen).toBe(s.closingStockFen);
    // May closes where June opens.
    const may = (await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-05`, { cookie: as.cadre })).body;
    expect(may).toMatchObject({ openingFundsFen: 0, fundsInFen: 100_000, purchasesFen: 5000, closingFundsFen: 95_000, openingStockFen: 0, closingStockFen: 5000 });
  });

  it('a reversed redemption puts its goods back at the cost they were drawn at', async () => {
    const { t, w, store, as } = await handMadeMonth();
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: as.cadre });
    const entry = ledger.body.items.find((i: { kind: string }) => i.kind === 'redemption');
    expect((await call(t, 'POST', `/api/ledger/${entry.id}/reverse`, { cookie: as.cadre, body: { reason: '未领取' } })).status).toBe(201);
    const s = (await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-06`, { cookie: as.cadre })).body;
    expect(s).toMatchObject({ returnedQty: 12, returnsInFen: 6000, returnedPoints: 240, netRedeemedPoints: 0, redemptionsPointsValueFen: 0, netRedemptionsCostFen: 0 });
    expect(s.openingStockFen + s.purchasesInFen + s.donationsInFen + s.returnsInFen - s.redemptionsCostFen - s.lossesCostFen).toBe(s.closingStockFen);
    expect(s.closingStockFen).toBe(13_000);
  });

  it('corrections are reversing entries: booked today, once, by a cadre, and the statement follows', async () => {
    const { t, store, as, partner, bought } = await handMadeMonth();
    expect((await call(t, 'POST', `/api/funds/${partner.id}/reverse`, { cookie: as.clerk, body: { reason: '重复登记' } })).status).toBe(403);
    const parallel = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', `/api/funds/${partner.id}/reverse`, { cookie: as.cadre, body: { reason: '重复登记' } })));
    expect(parallel.filter((r) => r.status === 201)).toHaveLength(1);
    expect(parallel.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'already_reversed')).toBe(true);
    const reversal = parallel.find((r) => r.status === 201)!.body;
    expect(reversal).toMatchObject({ kind: 'reversal', amountFen: -20_000, reversesId: partner.id, onDay: '2026-06-20', storeAreaId: store, note: '重复登记' });
    expect((await call(t, 'POST', `/api/funds/${reversal.id}/reverse`, { cookie: as.cadre, body: { reason: 'x' } })).body.error.code).toBe('not_reversible');
    // The wrong purchase cost is reversed, then the purchase is costed again.
    const costs = (await call(t, 'GET', `/api/funds?storeAreaId=${store}&month=2026-06`, { cookie: as.cadre })).body.items;
    const june = costs.find((e: { invoiceNo: string | null }) => e.invoiceNo === 'FP-0608');
    expect((await call(t, 'POST', `/api/funds/purchase-costs`, { cookie: as.clerk, body: { movementId: june.movementId, totalCostFen: 5500 } })).body.error.code).toBe('already_costed');
    expect((await call(t, 'POST', `/api/funds/${june.id}/reverse`, { cookie: as.cadre, body: { reason: '发票金额录错' } })).status).toBe(201);
    const recost = await call(t, 'POST', `/api/funds/purchase-costs`, { cookie: as.clerk, body: { movementId: june.movementId, supplier: '镇供销社', invoiceNo: 'FP-0608', totalCostFen: 5500 } });
    expect(recost.status).toBe(201);
    expect((await call(t, 'POST', `/api/funds/purchase-costs`, { cookie: as.clerk, body: { movementId: bought.movementId, totalCostFen: 1 } })).body.error.code).toBe('already_costed');
    const s = (await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-06`, { cookie: as.cadre })).body;
    expect(s).toMatchObject({ fundsInFen: 0, purchasesFen: 5500, closingFundsFen: 95_000 - 5500, purchasesInFen: 5500, closingStockFen: 6500 });
    const audit = await t.sql.all<{ action: string; n: number }>("SELECT action, COUNT(*) AS n FROM audit_log WHERE action LIKE 'fund_entry.%' GROUP BY action ORDER BY action");
    expect(audit.map((r) => ({ action: r.action, n: Number(r.n) }))).toEqual([
      { action: 'fund_entry.funding', n: 2 },
      { action: 'fund_entry.purchase', n: 3 },
      { action: 'fund_entry.reverse', n: 2 },
    ]);
    expect((await verifyDatabase(await t.appDb())).ok).toBe(true);
  });

  it('a clerk of another store, a cadre of another village and a household see nothing: 404 or 403, never the numbers', async () => {
    const { t, store, as, partner } = await handMadeMonth();
    for (const cookie of [as.otherClerk, as.otherCadre]) {
      const st = await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-06`, { cookie });
      expect(st.status).toBe(404);
      expect((await call(t, 'GET', `/api/funds?storeAreaId=${store}`, { cookie })).status).toBe(404);
      expect((await call(t, 'GET', `/api/exports/statement.xlsx?storeAreaId=${store}&month=2026-06`, { cookie })).status).toBe(404);
    }
    expect((await call(t, 'POST', `/api/funds/${partner.id}/reverse`, { cookie: as.otherCadre, body: { reason: 'x' } })).status).toBe(404);
    expect((await call(t, 'POST', '/api/funds', { cookie: as.otherCadre, body: { storeAreaId: store, source: 'budget', sourceName: 'x', amountFen: 1, receivedOn: '2026-06-20' } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/funds/statement?storeAreaId=${store}&month=2026-06`, { cookie: as.household })).status).toBe(403);
    expect((await call(t, 'POST', '/api/funds', { cookie: as.clerk, body: { storeAreaId: store, source: 'budget', sourceName: 'x', amountFen: 1, receivedOn: '2026-06-20' } })).status).toBe(403);
  });

  it('the database refuses to UPDATE or DELETE a money entry', async () => {
    const { t, partner } = await handMadeMonth();
    // PostgreSQL refuses the app's role before its trigger would: no UPDATE or DELETE grant on the table.
    await expect((async () => t.sql.run('UPDATE fund_entries SET amount_fen = 1 WHERE id = ?', [partner.id]))()).rejects.toThrow(/append-only|permission denied/);
    await expect((async () => t.sql.run('DELETE FROM fund_entries WHERE id = ?', [partner.id]))()).rejects.toThrow(/append-only|permission denied/);
    expect(await t.sql.get('SELECT amount_fen AS a FROM fund_entries WHERE id = ?', [partner.id])).toEqual({ a: 20_000 });
  });

  // Tampering needs the table owner on PostgreSQL (tests/pg/verify.pg.test.ts has its tamper reports).
  it.skipIf(pgSwitch)('verify catches a money entry that disagrees with its stock movement or reverses another store', async () => {
    const { t, w, partner, bought } = await handMadeMonth();
    const db = await t.appDb();
    expect((await verifyDatabase(db)).ok).toBe(true);
    await t.sql.run('DROP TRIGGER fund_entries_no_update');
    await t.sql.run('UPDATE fund_entries SET quantity = 9 WHERE id = ?', [bought.fundEntryId]);
    const r1 = await verifyDatabase(db);
    expect(r1).toMatchObject({ ok: false, what: 'funds', table: 'fund_entries', rowId: bought.fundEntryId });
    await t.sql.run('UPDATE fund_entries SET quantity = 10 WHERE id = ?', [bought.fundEntryId]);
    await t.sql.run(`INSERT INTO fund_entries (store_area_id, kind, amount_fen, on_day, reverses_id, created_at) VALUES (?, 'reversal', -20000, '2026-06-20', ?, 0)`, [w.areas.villageB.id, partner.id]);
    expect(await verifyDatabase(db)).toMatchObject({ ok: false, what: 'funds' });
  });

  it('the xlsx statement opens with exceljs and shows the same numbers', async () => {
    const { t, store, as } = await handMadeMonth();
    const res = await t.app.request(`/api/exports/statement.xlsx?storeAreaId=${store}&month=2026-06`, { headers: { cookie: as.township } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('对账单')!;
    const byItem = new Map<string, unknown[]>();
    ws.eachRow((row) => {
      const v = row.values as unknown[];
      byItem.set(String(v[1]), v);
    });
    const fen = (item: string) => Math.round(Number(byItem.get(item)![2]) * 100);
    expect(fen('期初资金余额')).toBe(95_000);
    expect(fen('本月拨入合计')).toBe(20_000);
    expect(fen('本月采购支出')).toBe(6000);
    expect(fen('期末资金余额')).toBe(109_000);
    expect(fen('兑换出库（成本）')).toBe(6000);
    expect(fen('兑换积分折合金额')).toBe(12_000);
    expect(fen('报损出库（成本）')).toBe(500);
    expect(fen('期末库存价值')).toBe(7000);
    expect(byItem.get('兑换积分（净额）')![3]).toBe(240);
    const entries = wb.getWorksheet('资金流水')!;
    expect(entries.rowCount).toBe(2 + 2);
  });

  it('a hostile supplier name is stored as text and exported as text, never a formula', async () => {
    const { t, w, rice, as } = await setup();
    expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: as.clerk, body: { kind: 'purchase', quantity: 1, supplier: '=HYPERLINK("http://x")', invoiceNo: '+123', totalCostFen: 100 } })).status).toBe(200);
    const res = await t.app.request(`/api/exports/statement.xlsx?storeAreaId=${storeOf(w)}&month=2026-05`, { headers: { cookie: as.cadre } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const cells: unknown[] = [];
    wb.getWorksheet('资金流水')!.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    expect(cells).toContain(`'=HYPERLINK("http://x")`);
    expect(cells).toContain(`'+123`);
    expect(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
  });
});
