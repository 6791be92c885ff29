import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { closesOfStore, statementFigures, validCloses } from '../../db/funds/closes';
import { fundEntriesOfStore, liveMovementCosts } from '../../db/funds/entries';
import { sumFunds, valueStock } from '../../db/funds/fifo';
import { movementsOfStoreBefore } from '../../db/funds/stock';
import { sqlOf } from '../../db/sql';
import { verifyDatabase } from '../../db/verify';
import { periodSpan } from '../../server/modules/excel/exportScope';
import { closeStoreMonths } from '../../server/modules/funds/closeStoreMonths';
import { moneyOfStores } from '../../server/modules/funds/moneyOfStores';
import { startScheduler } from '../../server/scheduler';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeWorld } from '../support/factories';
import { Random } from '../../seeds/random';

/** mulberry32: a fixed seed gives the same books on every run. */

const PERIODS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-Q1', '2026-Q2', '2026-Q3', '2026', '2025-12', '2025'];

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The statement figures exactly as before month closes: every movement and entry of the store replayed. */
async function replayedAsBefore(db: Db, store: number, period: string) {
  const { from, to, fromMs, toMs } = periodSpan(period);
  const funds = sumFunds(await fundEntriesOfStore(db, store, { beforeDay: nextDay(to) }), from);
  const stock = valueStock(await movementsOfStoreBefore(db, store, toMs), await liveMovementCosts(db, store), fromMs);
  return { funds, stock };
}

async function expectSameStatements(t: TestApp, store: number, label: string) {
  for (const period of PERIODS) {
    const { from, to, fromMs, toMs } = periodSpan(period);
    const kept = await statementFigures(sqlOf(t.db), store, { from, to, fromMs, toMs });
    expect(kept, `${label}: ${period}`).toEqual(await replayedAsBefore(t.db, store, period));
  }
}

const job = (t: TestApp) => closeStoreMonths({ db: t.db, now: new Date(t.clock.now.getTime()), device: { ip: null, userAgent: 'test' }, actor: null });

/**
 * Five months of a village store (January to May 2026) made through the API from a fixed seed:
 * funding (some dated into the previous month), purchases with and without a cost, costs booked months
 * later, reversed costs and funding, valued and unvalued donations, redemptions, reversed redemptions
 * (their goods back at what they were drawn at) and losses. The close job runs at each month's start.
 */
async function fiveMonths(seed: number, onMonth?: (t: TestApp, store: number, day: string) => Promise<void>) {
  const t = makeTestApp('2026-01-03T02:00:00.000Z');
  const w = await makeWorld(t);
  const store = w.areas.villageA.id;
  grantPoints(t.db, w.household.id, store, 1_000_000, '2026-01-01');
  const goods = [makeGoods(t.db, store, { name: '大米', price: 20 }).id, makeGoods(t.db, store, { name: '洗衣粉', price: 7 }).id, w.oil.id];
  const as = { cadre: await login(t, 'cadre'), clerk: await login(t, 'clerk'), household: await login(t, 'household') };
  // Sessions lapse over months of test clock: log in again when the clock has moved a day.
  let loggedInAt = t.clock.now.getTime();
  const fresh = async () => {
    if (t.clock.now.getTime() - loggedInAt < 86_400_000) return;
    Object.assign(as, { cadre: await login(t, 'cadre'), clerk: await login(t, 'clerk'), household: await login(t, 'household') });
    loggedInAt = t.clock.now.getTime();
  };
  const r = new Random(seed);
  const uncosted: number[] = [];
  let key = 0;
  let month = '2026-01';
  for (let ms = Date.parse('2026-01-03T02:00:00Z'); ms < Date.parse('2026-06-01T00:00:00Z'); ms += r.int(1, 3) * 86_400_000 + r.int(0, 5) * 3_600_000) {
    t.clock.set(new Date(ms).toISOString());
    await fresh();
    const today = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    if (today.slice(0, 7) !== month) {
      month = today.slice(0, 7);
      await job(t);
      await onMonth?.(t, store, today);
    }
    const g = r.pick(goods);
    const stock = (t.db.$client.prepare('SELECT stock FROM goods WHERE id = ?').get(g) as { stock: number }).stock;
    const op = r.int(0, 11);
    if (op <= 1) {
      // Money in, sometimes dated back into the previous month (the latest a user may).
      const back = r.next() < 0.4 ? `${month === '2026-01' ? '2025-12' : `2026-${String(Number(month.slice(5)) - 1).padStart(2, '0')}`}-${String(r.int(1, 28)).padStart(2, '0')}` : today;
      const res = await call(t, 'POST', '/api/funds', { cookie: as.cadre, body: { storeAreaId: store, source: r.pick(['budget', 'partner', 'donation', 'collective']), sourceName: '县财政局', amountFen: r.int(1000, 90_000), receivedOn: back } });
      expect(res.status).toBe(201);
    } else if (op <= 3) {
      const costed = r.next() < 0.7;
      const qty = r.int(3, 20);
      const res = await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: as.clerk, body: costed ? { kind: 'purchase', quantity: qty, unitCostFen: r.int(100, 900) } : { kind: 'purchase', quantity: qty } });
      expect(res.status).toBe(200);
      if (!costed) uncosted.push(res.body.movementId as number);
    } else if (op === 4) {
      const res = await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: as.cadre, body: r.next() < 0.6 ? { kind: 'donation', quantity: r.int(1, 9), donor: '爱心粮店', valueFen: r.int(100, 5000) } : { kind: 'donation', quantity: r.int(1, 9), donor: '爱心粮店' } });
      expect(res.status).toBe(200);
    } else if (op <= 7 && stock > 0) {
      const code = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: as.household })).body.code as string;
      const res = await call(t, 'POST', '/api/redemptions', { cookie: as.clerk, headers: { 'idempotency-key': `key-${seed}-${key++}-closes` }, body: { code, items: [{ goodsId: g, quantity: r.int(1, Math.min(stock, 4)) }] } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    } else if (op === 8 && stock > 0) {
      expect((await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: as.clerk, body: { kind: 'loss', quantity: 1, note: '破损' } })).status).toBe(200);
    } else if (op === 9) {
      // A redemption of any earlier month reversed: its goods come back at what they were drawn at.
      const open = t.db.$client
        .prepare("SELECT id FROM ledger_entries e WHERE kind = 'redemption' AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id) ORDER BY id")
        .all() as { id: number }[];
      if (open.length) expect((await call(t, 'POST', `/api/ledger/${r.pick(open).id}/reverse`, { cookie: as.cadre, body: { reason: '未领取' } })).status).toBe(201);
    } else if (op === 10 && uncosted.length) {
      // An invoice that came months later: the goods' lot takes the cost back to when they arrived.
      const movementId = uncosted.splice(r.int(0, uncosted.length - 1), 1)[0];
      expect((await call(t, 'POST', '/api/funds/purchase-costs', { cookie: as.clerk, body: { movementId, totalCostFen: r.int(500, 9000) } })).status).toBe(201);
    } else if (op === 11) {
      const live = t.db.$client
        .prepare('SELECT id, kind, movement_id AS movementId FROM fund_entries e WHERE kind <> ? AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id) ORDER BY id')
        .all('reversal') as { id: number; kind: string; movementId: number | null }[];
      if (live.length) {
        const e = r.pick(live);
        expect((await call(t, 'POST', `/api/funds/${e.id}/reverse`, { cookie: as.cadre, body: { reason: '录错' } })).status).toBe(201);
        if (e.kind === 'purchase' && e.movementId) uncosted.push(e.movementId);
      }
    }
  }
  const relogin = async () => {
    loggedInAt = -Infinity;
    await fresh();
  };
  return { t, w, store, as, relogin };
}

describe('store month closes', () => {
  it.each([15, 23])('give every month, quarter and the year the same statement as replaying the whole history, with closes made month by month and reached back into (seed %i)', async (seed) => {
    let checks = 0;
    const { t, store } = await fiveMonths(seed, async (t2, s, day) => {
      await expectSameStatements(t2, s, `after the job on ${day}`);
      checks++;
    });
    expect(checks).toBe(4);
    // Books of January to May are final once July has begun.
    t.clock.set('2026-07-01T00:00:00.000Z');
    await expectSameStatements(t, store, 'before the last run');
    const run = await job(t);
    expect(run.months).toBeGreaterThan(0);
    const closes = await closesOfStore(sqlOf(t.db), store);
    // Through June (nothing happened in it: an empty month still closes, so the chain has no gaps).
    // From the first month with anything in the books (December when a January funding was dated back).
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
    expect(closes.map((c) => c.month)).toEqual(closes[0].month === '2025-12' ? ['2025-12', ...months] : months);
    expect(await validCloses(sqlOf(t.db), store, closes)).toBe(closes.length);
    await expectSameStatements(t, store, 'all months closed');
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
    // The dashboard's rows follow too.
    const money = await moneyOfStores(t.db, { path: '/' }, '2026');
    expect(money.find((m) => m.storeAreaId === store)).toMatchObject({ closingStockFen: (await replayedAsBefore(t.db, store, '2026')).stock.closingStockFen });
  });

  it('a late cost, a reversed redemption or a funding dated back reaches into closed months: statements stay right at once, and the next run rewrites the closes', async () => {
    const { t, store, as, relogin } = await fiveMonths(7);
    t.clock.set('2026-07-01T00:00:00.000Z');
    await job(t);
    const before = await closesOfStore(sqlOf(t.db), store);
    // A redemption from February reversed in July, and a purchase costed late: both reach into closed months.
    t.clock.set('2026-07-02T03:00:00.000Z');
    await relogin();
    const feb = t.db.$client
      .prepare("SELECT id FROM ledger_entries e WHERE kind = 'redemption' AND created_at < ? AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id) ORDER BY id LIMIT 1")
      .get(Date.parse('2026-03-01T00:00:00+08:00')) as { id: number } | undefined;
    expect(feb).toBeDefined();
    expect((await call(t, 'POST', `/api/ledger/${feb!.id}/reverse`, { cookie: as.cadre, body: { reason: '退货' } })).status).toBe(201);
    const uncosted = t.db.$client
      .prepare("SELECT m.id FROM stock_movements m WHERE m.kind = 'purchase' AND NOT EXISTS (SELECT 1 FROM fund_entries e WHERE e.movement_id = m.id AND e.kind = 'purchase' AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id)) ORDER BY m.id LIMIT 1")
      .get() as { id: number } | undefined;
    expect(uncosted).toBeDefined();
    expect((await call(t, 'POST', '/api/funds/purchase-costs', { cookie: as.clerk, body: { movementId: uncosted!.id, totalCostFen: 4321 } })).status).toBe(201);
    await expectSameStatements(t, store, 'reached back, not yet re-closed');
    t.clock.set('2026-07-02T04:00:00.000Z');
    expect((await job(t)).months).toBeGreaterThan(0);
    const after = await closesOfStore(sqlOf(t.db), store);
    expect(after.map((c) => c.month)).toEqual(before.map((c) => c.month));
    expect(await validCloses(sqlOf(t.db), store, after)).toBe(after.length);
    expect(after.some((c, i) => c.closedAt !== before[i].closedAt)).toBe(true);
    await expectSameStatements(t, store, 're-closed');
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
    const audit = t.db.$client.prepare("SELECT actor_role AS role, area_id AS areaId, \"after\" FROM audit_log WHERE action = 'store_month.close' ORDER BY id").all() as { role: string; areaId: number; after: string }[];
    expect(audit.filter((a) => a.areaId === store).length).toBeGreaterThanOrEqual(2);
    expect(audit.every((a) => a.role === 'system')).toBe(true);
    expect(JSON.parse(audit.at(-1)!.after)).toMatchObject({ months: after.filter((c) => c.closedAt === t.clock.now.getTime()).map((c) => c.month) });
  });

  it('the job is idempotent and two runs at once write each close once', async () => {
    const { t, store } = await fiveMonths(3);
    t.clock.set('2026-07-01T00:00:00.000Z');
    const runs = await Promise.all([job(t), job(t), job(t)]);
    const closes = await closesOfStore(sqlOf(t.db), store);
    expect(runs.reduce((s, r) => s + r.months, 0)).toBe(closes.length);
    const audits = () => (t.db.$client.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'store_month.close'").get() as { n: number }).n;
    const n = audits();
    expect(n).toBeGreaterThan(0);
    expect(await job(t)).toEqual({ stores: 0, months: 0 });
    expect(audits()).toBe(n);
    expect(await closesOfStore(sqlOf(t.db), store)).toEqual(closes);
    // A month closes once its end has settled (transactions begun before it are done), not before.
    const edge = makeTestApp('2026-01-20T02:00:00.000Z');
    const ew = await makeWorld(edge);
    expect(await job(edge)).toEqual({ stores: 0, months: 0 });
    edge.clock.set('2026-01-31T16:03:00.000Z');
    expect(await job(edge)).toEqual({ stores: 0, months: 0 });
    edge.clock.set('2026-01-31T16:06:00.000Z');
    const first = await job(edge);
    expect(first.months).toBeGreaterThan(0);
    expect((await closesOfStore(sqlOf(edge.db), ew.areas.villageA.id)).map((c) => c.month)).toEqual(['2026-01']);
  });

  it('the scheduler closes the months on its first tick after start, and not again the same day', async () => {
    const { t, store } = await fiveMonths(19);
    t.clock.set('2026-07-01T00:00:00.000Z');
    const s = startScheduler(t.db, testConfig, { firstDelayMs: 3_600_000, now: () => t.clock.now });
    try {
      await s.tick();
      const closes = await closesOfStore(sqlOf(t.db), store);
      expect(closes.at(-1)?.month).toBe('2026-06');
      await expectSameStatements(t, store, 'closed by the scheduler');
      const audits = () => (t.db.$client.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'store_month.close'").get() as { n: number }).n;
      const n = audits();
      await s.tick();
      expect(audits()).toBe(n);
    } finally {
      await s.stop();
    }
  });

  it('verify recomputes every close from the books and names the store and month of one tampered with', async () => {
    const { t, store } = await fiveMonths(11);
    t.clock.set('2026-07-01T00:00:00.000Z');
    await job(t);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
    const tamper = (sql: string) => t.db.$client.prepare(sql).run(store);
    tamper("UPDATE store_month_closes SET closing_stock_fen = closing_stock_fen + 1 WHERE store_area_id = ? AND month = '2026-03'");
    let v = await verifyDatabase(t.db);
    expect(v).toMatchObject({ ok: false, what: 'closes', table: 'store_month_closes', rowId: `${store}:2026-03` });
    expect(v.ok ? '' : v.detail).toContain(`store ${store}, month 2026-03`);
    tamper("UPDATE store_month_closes SET closing_stock_fen = closing_stock_fen - 1 WHERE store_area_id = ? AND month = '2026-03'");
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
    // The shelf itself: a lot made cheaper would carry into every later statement.
    const layers = (t.db.$client.prepare("SELECT closing_layers AS l FROM store_month_closes WHERE store_area_id = ? AND month = '2026-04'").get(store) as { l: string }).l;
    const parsed = JSON.parse(layers) as { l: [number, [number, number, number][]][] };
    const lot = parsed.l.find(([, q]) => q.length)![1][0];
    lot[1] += 100;
    t.db.$client.prepare("UPDATE store_month_closes SET closing_layers = ? WHERE store_area_id = ? AND month = '2026-04'").run(JSON.stringify(parsed), store);
    v = await verifyDatabase(t.db);
    expect(v).toMatchObject({ ok: false, what: 'closes', rowId: `${store}:2026-04` });
    expect(v.ok ? '' : v.detail).toContain('FIFO layers');
    // A month's figures edited.
    t.db.$client.prepare("UPDATE store_month_closes SET closing_layers = ? WHERE store_area_id = ? AND month = '2026-04'").run(layers, store);
    tamper("UPDATE store_month_closes SET figures = replace(figures, '\"fundsInFen\":', '\"fundsInFen\":1') WHERE store_area_id = ? AND month = '2026-02'");
    v = await verifyDatabase(t.db);
    expect(v).toMatchObject({ ok: false, what: 'closes', rowId: `${store}:2026-02` });
    tamper("UPDATE store_month_closes SET figures = replace(figures, '\"fundsInFen\":1', '\"fundsInFen\":') WHERE store_area_id = ? AND month = '2026-02'");
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
    // A high-water id raised past the books would hide the next late entry from every statement.
    tamper("UPDATE store_month_closes SET fund_hwm = 1000000 WHERE store_area_id = ? AND month = '2026-05'");
    v = await verifyDatabase(t.db);
    expect(v).toMatchObject({ ok: false, what: 'closes', rowId: `${store}:2026-05` });
    expect(v.ok ? '' : v.detail).toContain('high-water');
  });
});
