import { describe, expect, it } from 'vitest';
import type { SqlParam } from '../../db/sql';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeRule, makeWorld } from '../support/factories';

/** `fixtures` run before the first request: on PostgreSQL they move with the data then. */
async function setup<X>(fixtures: (t: TestApp, w: Awaited<ReturnType<typeof makeWorld>>) => X = () => undefined as X) {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const made = fixtures(t, w);
  const cadre = await login(t, 'cadre');
  const clerk = await login(t, 'clerk');
  const county = await login(t, 'county');
  const household = await login(t, 'household');
  return { t, w, made, cadre, clerk, county, household };
}

// The app's database on either engine.
const q = <T>(t: TestApp, sql: string, ...args: SqlParam[]) => t.sql.all<T>(sql, args);

describe('stock under parallel requests', () => {
  it('twenty parallel write-offs of a stock of seven: seven pass, the rest are refused, stock ends at zero and equals its movements', async () => {
    const { t, clerk, made: few } = await setup((t, w) => makeGoods(t.db, w.areas.villageA.id, { name: '洗衣粉', price: 2, stock: 7 }));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(t, 'POST', `/api/goods/${few.id}/stock`, { cookie: clerk, body: { quantity: 1, kind: 'loss', note: '受潮' } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 422 && r.body.error.code === 'insufficient_stock')).toBe(true);
    const [{ stock }] = await q<{ stock: number }>(t, 'SELECT stock FROM goods WHERE id = ?', few.id);
    const [{ sum, n }] = await q<{ sum: number; n: number }>(t, 'SELECT SUM(quantity) AS sum, COUNT(*) AS n FROM stock_movements WHERE goods_id = ?', few.id);
    expect(stock).toBe(0);
    expect(sum).toBe(0);
    // One opening purchase and seven losses; the refused ones left nothing behind.
    expect(n).toBe(8);
    // Each accepted write-off saw the stock the one before it left.
    expect(results.filter((r) => r.status === 200).map((r) => r.body.stock).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Each audit row's "before" is the stock that write-off really started from.
    const audits = await q<{ before: string; after: string }>(t, "SELECT before, after FROM audit_log WHERE action = 'goods.loss' AND entity_id = ?", String(few.id));
    expect(audits.map((a) => JSON.parse(a.before).stock - JSON.parse(a.after).stock)).toEqual(Array(7).fill(1));
  });

  it('twenty parallel donations each leave one donation and one movement, and stock is their sum', async () => {
    const { t, w, cadre } = await setup();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(t, 'POST', `/api/goods/${w.soap.id}/stock`, { cookie: cadre, body: { quantity: i + 1, kind: 'donation', donor: `爱心企业${i}` } }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const donated = (20 * 21) / 2;
    expect((await q<{ stock: number }>(t, 'SELECT stock FROM goods WHERE id = ?', w.soap.id))[0].stock).toBe(100 + donated);
    const donations = await q<{ id: number; quantity: number }>(t, 'SELECT id, quantity FROM donations WHERE goods_id = ?', w.soap.id);
    expect(donations).toHaveLength(20);
    const movements = await q<{ donationId: number; quantity: number }>(t, `SELECT donation_id AS "donationId", quantity FROM stock_movements WHERE goods_id = ? AND kind = 'donation'`, w.soap.id);
    expect(new Map(movements.map((m) => [m.donationId, m.quantity]))).toEqual(new Map(donations.map((d) => [d.id, d.quantity])));
  });

  it('a loss larger than the stock writes no movement, and a refused donation leaves no donation behind', async () => {
    const { t, w, clerk, made: few } = await setup((t, w) => makeGoods(t.db, w.areas.villageA.id, { name: '毛巾', price: 3, stock: 2 }));
    const loss = await call(t, 'POST', `/api/goods/${few.id}/stock`, { cookie: clerk, body: { quantity: 3, kind: 'loss' } });
    expect(loss.status).toBe(422);
    expect(loss.body.error.message).toContain('只剩 2');
    const other = await call(t, 'POST', `/api/goods/${w.otherGoods.id}/stock`, { cookie: clerk, body: { quantity: 3, kind: 'donation', donor: '外村企业' } });
    expect(other.status).toBe(404);
    expect(await q(t, 'SELECT id FROM stock_movements WHERE goods_id IN (?, ?) AND kind != ?', few.id, w.otherGoods.id, 'purchase')).toEqual([]);
    expect(await q(t, 'SELECT id FROM donations')).toEqual([]);
  });

  it('new goods with opening stock start with one purchase movement; without, with none', async () => {
    const { t, w, cadre } = await setup();
    const stocked = await call(t, 'POST', '/api/goods', { cookie: cadre, body: { storeAreaId: w.areas.villageA.id, name: '酱油', price: 6, stock: 12 } });
    const empty = await call(t, 'POST', '/api/goods', { cookie: cadre, body: { storeAreaId: w.areas.villageA.id, name: '醋', price: 6 } });
    expect([stocked.status, empty.status]).toEqual([201, 201]);
    expect(stocked.body.stock).toBe(12);
    expect(await q(t, 'SELECT kind, quantity, stock_after AS "stockAfter", note FROM stock_movements WHERE goods_id = ?', stocked.body.id)).toEqual([
      { kind: 'purchase', quantity: 12, stockAfter: 12, note: '初始库存' },
    ]);
    expect(await q(t, 'SELECT id FROM stock_movements WHERE goods_id = ?', empty.body.id)).toEqual([]);
  });
});

describe('rule edits under parallel requests', () => {
  it('ten parallel edits of one rule make versions 2 to 11, each snapshotted once', async () => {
    const { t, cadre, made: rule } = await setup((t, w) => makeRule(t.db, w.areas.villageA.id, { name: '门前三包', points: 2 }));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(t, 'PATCH', `/api/rules/${rule.id}`, { cookie: cadre, body: { points: i + 1 } })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const versions = await q<{ version: number }>(t, 'SELECT version FROM rule_versions WHERE rule_id = ? ORDER BY version', rule.id);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const [head] = await q<{ version: number; currentVersionId: number; points: number }>(t, 'SELECT version, current_version_id AS "currentVersionId", points FROM rules WHERE id = ?', rule.id);
    const [current] = await q<{ version: number; points: number }>(t, 'SELECT version, points FROM rule_versions WHERE id = ?', head.currentVersionId);
    expect(current).toEqual({ version: 11, points: head.points });
  });

  it('two parallel edits that are each fine alone cannot together make a black-list rule that awards points', async () => {
    const { t, cadre, made: rule } = await setup((t, w) => makeRule(t.db, w.areas.villageA.id, { name: '乱扔垃圾', points: -3 }));
    const [blackList, positive] = await Promise.all([
      call(t, 'PATCH', `/api/rules/${rule.id}`, { cookie: cadre, body: { blackList: true } }),
      call(t, 'PATCH', `/api/rules/${rule.id}`, { cookie: cadre, body: { points: 3 } }),
    ]);
    expect([blackList.status, positive.status].sort()).toEqual([200, 400]);
    const [now] = await q<{ blackList: number | boolean; points: number }>(t, 'SELECT black_list AS "blackList", points FROM rules WHERE id = ?', rule.id);
    expect(Boolean(now.blackList) && now.points > 0).toBe(false);
  });

  it('an edit of the points alone keeps the unit, the evidence flag and the black-list flag', async () => {
    const { t, cadre, made: rule } = await setup((t, w) => makeRule(t.db, w.areas.villageA.id, { name: '酒驾', points: -10, unit: '起', evidenceRequired: true, blackList: true }));
    const edited = await call(t, 'PATCH', `/api/rules/${rule.id}`, { cookie: cadre, body: { points: -20 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ points: -20, unit: '起', evidenceRequired: true, blackList: true, version: 2 });
    expect(await q(t, 'SELECT unit, CASE WHEN evidence_required THEN 1 ELSE 0 END AS e, CASE WHEN black_list THEN 1 ELSE 0 END AS b FROM rule_versions WHERE rule_id = ? AND version = 2', rule.id)).toEqual([{ unit: '起', e: 1, b: 1 }]);
  });

  it('a rule of another village is not found, and a rule inherited from the county is listed as inherited', async () => {
    const { t, w, cadre, made: other } = await setup((t, w) => makeRule(t.db, w.areas.villageB.id, { name: '外村细则' }));
    expect((await call(t, 'PATCH', `/api/rules/${other.id}`, { cookie: cadre, body: { points: 9 } })).status).toBe(404);
    const listed = await call(t, 'GET', `/api/rules?areaId=${w.areas.villageA.id}`, { cookie: cadre });
    expect(listed.status).toBe(200);
    const byId = new Map<number, { inherited: boolean }>(listed.body.items.map((r: { id: number; inherited: boolean }) => [r.id, r]));
    expect(byId.get(w.rule.id)?.inherited).toBe(true);
    expect(byId.has(other.id)).toBe(false);
  });
});

describe('cards and redemptions', () => {
  it('revoking a card twice keeps the first revocation time', async () => {
    const { t, w, cadre, clerk } = await setup();
    const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '2468' } });
    expect(card.status).toBe(201);
    expect((await call(t, 'POST', `/api/cards/${card.body.id}/revoke`, { cookie: cadre })).status).toBe(200);
    const [first] = await q<{ revokedAt: number }>(t, 'SELECT revoked_at AS "revokedAt" FROM household_cards WHERE id = ?', card.body.id);
    t.clock.advance(60_000);
    expect((await call(t, 'POST', `/api/cards/${card.body.id}/revoke`, { cookie: cadre })).status).toBe(200);
    expect(await q(t, 'SELECT revoked_at AS "revokedAt" FROM household_cards WHERE id = ?', card.body.id)).toEqual([first]);
    const audits = await q<{ before: string }>(t, "SELECT before FROM audit_log WHERE action = 'card.revoke' ORDER BY id");
    expect(audits.map((a) => JSON.parse(a.before).revokedAt)).toEqual([null, first.revokedAt]);
    const lookup = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: card.body.code, pin: '2468' } });
    expect(lookup.status).toBe(410);
  });

  it('a household asking for another household’s redemptions gets none, and its own list holds only its own', async () => {
    const { t, w, clerk, household } = await setup((t, w) => grantPoints(t.db, w.household.id, w.areas.villageA.id, 100));
    const pass = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
    const sold = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'own-list-0001' }, body: { code: pass, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(sold.status).toBe(201);
    const own = await call(t, 'GET', '/api/redemptions', { cookie: household });
    expect(own.body).toMatchObject({ total: 1, items: [{ id: sold.body.id, householdId: w.household.id }] });
    const other = await call(t, 'GET', `/api/redemptions?householdId=${w.otherHousehold.id}`, { cookie: household });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ items: [], total: 0 });
  });

  it('a redemption refused for stock after the code was checked leaves the code, the stock and the balance as they were', async () => {
    const { t, w, clerk, household, made: few } = await setup((t, w) => {
      grantPoints(t.db, w.household.id, w.areas.villageA.id, 500);
      return makeGoods(t.db, w.areas.villageA.id, { name: '挂面', price: 4, stock: 1 });
    });
    const pass = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
    const refused = await call(t, 'POST', '/api/redemptions', {
      cookie: clerk,
      headers: { 'idempotency-key': 'refused-0001' },
      body: { code: pass, items: [{ goodsId: w.oil.id, quantity: 1 }, { goodsId: few.id, quantity: 2 }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('insufficient_stock');
    expect(await q(t, 'SELECT nonce FROM pass_uses')).toEqual([]);
    expect(await q(t, 'SELECT id FROM redemptions')).toEqual([]);
    expect(await q(t, 'SELECT stock FROM goods WHERE id IN (?, ?) ORDER BY id', w.oil.id, few.id)).toEqual([{ stock: 100 }, { stock: 1 }]);
    expect(await q(t, 'SELECT balance FROM households WHERE id = ?', w.household.id)).toEqual([{ balance: 500 }]);
    // The same code still works for what is in stock.
    const sold = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'refused-0002' }, body: { code: pass, items: [{ goodsId: few.id, quantity: 1 }] } });
    expect(sold.status).toBe(201);
    expect(sold.body.balanceAfter).toBe(496);
  });
});
