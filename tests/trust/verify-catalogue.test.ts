import { describe, expect, it } from 'vitest';
import { appendLedgerEntry } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeGoods, makeHousehold, makeWorld, writeNow } from '../support/factories';

/**
 * 东村 has a heading of its own (矛盾处置) with a rule under it and a posted award, written through the
 * app; 西村 has its own heading too. Every write went through the actions, so everything verifies.
 */
async function catalogueWorld() {
  const t: TestApp = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const other = await login(t, 'othercadre');
  const east = w.areas.villageA.id;
  const own = (await call(t, 'POST', `/api/areas/${east}/headings`, { cookie: cadre, body: { name: '矛盾处置' } })).body as { id: number; code: string };
  const westOwn = (await call(t, 'POST', `/api/areas/${w.areas.villageB.id}/headings`, { cookie: other, body: { name: '减分项目', blackList: true } })).body as { id: number; code: string };
  const rule = await call(t, 'POST', '/api/rules', { cookie: cadre, body: { areaId: east, category: '矛盾处置', name: '调解邻里纠纷', points: 5 } });
  expect(rule.status).toBe(201);
  t.clock.set('2026-06-16T02:00:00.000Z');
  const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: rule.body.id, quantity: 1, occurredOn: '2026-06-16' } });
  expect(award.status).toBe(201);
  expect((await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer })).status).toBe(200);
  t.clock.set('2026-06-30T02:00:00.000Z');
  return { t, w, east, own, westOwn, rule: rule.body as { id: number } };
}

/** An entry posted through the ledger's own core: its hash and chain are right, only its category is in question. */
function post(t: TestApp, householdId: number, villageId: number, category: string, at: number) {
  writeNow(t.db, () => appendLedgerEntry(t.db, { householdId, villageId, kind: 'award', points: 2, conductPoints: 2, occurredOn: '2026-06-20', category, createdAt: at }));
}

const latestEntry = (t: TestApp) => (t.db.$client.prepare('SELECT MAX(id) AS id FROM ledger_entries').get() as { id: number }).id;

describe('verify: every category names a heading of its area’s catalogue', () => {
  it('passes when headings, rules and awards were all written through the app', async () => {
    const { t } = await catalogueWorld();
    const r = await verifyDatabase(t.db);
    expect(r).toMatchObject({ ok: true });
    expect(t.db.$client.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE category LIKE 'h%'").get()).toEqual({ n: 1 });
  });

  it('an entry under a code no heading or history knows is an orphan_heading', async () => {
    const { t, w, east } = await catalogueWorld();
    post(t, w.household.id, east, 'h9999', Date.parse('2026-06-30T02:00:00Z'));
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'orphan_heading', table: 'ledger_entries', rowId: latestEntry(t), detail: expect.stringContaining('neither in rule_headings nor in the heading history') });
  });

  it('an entry of 东村 under 西村’s own heading is an orphan_heading', async () => {
    const { t, w, east, westOwn } = await catalogueWorld();
    post(t, w.household.id, east, westOwn.code, Date.parse('2026-06-30T02:00:00Z'));
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'orphan_heading', table: 'ledger_entries', rowId: latestEntry(t), detail: expect.stringContaining('belongs to 西村') });
  });

  it('an entry written before its heading existed is an orphan_heading', async () => {
    const { t, east, own } = await catalogueWorld();
    const h = makeHousehold(t.db, east, { headName: '赵六' });
    post(t, h.id, east, own.code, Date.parse('2026-01-02T02:00:00Z'));
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'orphan_heading', table: 'ledger_entries', rowId: latestEntry(t), detail: expect.stringContaining('after its use') });
  });

  it('a rule version moved under an unknown heading is an orphan_heading of rule_versions', async () => {
    const { t, rule } = await catalogueWorld();
    const v = t.db.$client.prepare('SELECT id FROM rule_versions WHERE rule_id = ?').get(rule.id) as { id: number };
    t.db.$client.prepare("UPDATE rule_versions SET category = 'h777' WHERE id = ?").run(v.id);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'orphan_heading', table: 'rule_versions', rowId: v.id });
  });

  it('a heading removed from the table, or moved to another village, is a heading failure named by its history', async () => {
    const removed = await catalogueWorld();
    removed.t.db.$client.prepare('DELETE FROM rule_headings WHERE id = ?').run(removed.own.id);
    expect(await verifyDatabase(removed.t.db)).toMatchObject({ ok: false, what: 'heading', table: 'rule_headings', rowId: removed.own.id, detail: expect.stringContaining('is gone') });

    const moved = await catalogueWorld();
    moved.t.db.$client.prepare('UPDATE rule_headings SET area_id = ? WHERE id = ?').run(moved.w.areas.villageB.id, moved.own.id);
    expect(await verifyDatabase(moved.t.db)).toMatchObject({ ok: false, what: 'heading', rowId: moved.own.id, detail: expect.stringContaining('but is now') });
  });

  it('a renamed or retired heading still verifies: the code is what the ledger keeps', async () => {
    const { t, own } = await catalogueWorld();
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'PATCH', `/api/headings/${own.id}`, { cookie: cadre, body: { name: '矛盾纠纷化解', active: false } })).status).toBe(200);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
  });
});

describe('verify: every money entry matches the audit row written with it', () => {
  async function booksWorld() {
    const t: TestApp = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const clerk = await login(t, 'clerk');
    const township = await login(t, 'township');
    const store = w.areas.villageA.id;
    const rice = makeGoods(t.db, store, { name: '大米', price: 20, stock: 0 });
    const funded = await call(t, 'POST', '/api/funds', { cookie: cadre, body: { storeAreaId: store, source: 'budget', sourceName: '县财政局', amountFen: 100_000, receivedOn: '2026-06-10' } });
    expect(funded.status).toBe(201);
    const wrong = await call(t, 'POST', '/api/funds', { cookie: cadre, body: { storeAreaId: store, source: 'donation', sourceName: '爱心人士', amountFen: 5_000, receivedOn: '2026-06-11' } });
    expect((await call(t, 'POST', `/api/funds/${wrong.body.id}/reverse`, { cookie: township, body: { reason: '重复登记' } })).status).toBe(201);
    const bought = await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: clerk, body: { kind: 'purchase', quantity: 10, supplier: '镇供销社', invoiceNo: 'FP-1', unitCostFen: 500 } });
    expect(bought.status).toBe(200);
    const c = t.db.$client;
    c.exec('DROP TRIGGER fund_entries_no_update; DROP TRIGGER fund_entries_no_delete');
    return { t, store, funded: funded.body as { id: number } };
  }

  it('passes on books written through the app: funding, a reversal and a costed purchase', async () => {
    const { t } = await booksWorld();
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
  });

  it('a funding amount changed in place is a funds failure naming the audited amount', async () => {
    const { t, funded } = await booksWorld();
    t.db.$client.prepare('UPDATE fund_entries SET amount_fen = 10000 WHERE id = ?').run(funded.id);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'funds', table: 'fund_entries', rowId: funded.id, detail: expect.stringContaining('amountFen 10000 (audited 100000)') });
  });

  it('a funding entry removed is a funds failure', async () => {
    const { t, funded } = await booksWorld();
    t.db.$client.prepare('DELETE FROM fund_entries WHERE id = ?').run(funded.id);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'funds', table: 'fund_entries', rowId: funded.id, detail: expect.stringContaining('is gone from the books') });
  });

  it('an entry slipped in without the app is a funds failure', async () => {
    const { t, store } = await booksWorld();
    const id = Number(
      t.db.$client.prepare("INSERT INTO fund_entries (store_area_id, kind, source, source_name, amount_fen, on_day, created_at) VALUES (?, 'funding', 'partner', '某单位', 50000, '2026-06-12', 0)").run(store).lastInsertRowid,
    );
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'funds', table: 'fund_entries', rowId: id, detail: expect.stringContaining('has no audit row') });
  });
});
