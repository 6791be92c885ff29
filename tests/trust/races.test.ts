import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type SqliteDb } from '../../db/client';
import type { Sql } from '../../db/sql';
import { verifyDatabase } from '../../db/verify';
import { grantPoints, makeGoods, makeUser } from '../support/factories';
import { HttpClient, seedTrustWorld, serveInProcess } from './support';

const N = 50;
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function setup(opts: { balance: number; stock: number; price: number }) {
  const db: SqliteDb = openDb({ file: ':memory:' });
  const w = await seedTrustWorld(db, { stock: 0 });
  const item = makeGoods(db, w.areas.villageA.id, { name: '大米', price: opts.price, stock: opts.stock });
  const h = w.households[0];
  if (opts.balance) grantPoints(db, h.id, h.villageId, opts.balance);
  const server = await serveInProcess(db);
  closers.push(server.close);
  const clerk = await new HttpClient(server.base).login('clerk');
  const cadre = await new HttpClient(server.base).login('cadre');
  return { db, w, h, item, server, clerk, cadre };
}

async function passes(cadre: HttpClient, householdId: number, n: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const r = await cadre.request('POST', `/api/households/${householdId}/assisted-pass`, { reason: '老人不会用手机' });
    expect(r.status).toBe(201);
    codes.push(r.body.code);
  }
  return codes;
}

/** Read where the app writes (on PostgreSQL in the pg-suite lane). */
async function state(s: { server: { sql: Sql } }, householdId: number, goodsId: number) {
  return {
    balance: Number((await s.server.sql.get<{ v: number }>('SELECT balance AS v FROM households WHERE id = ?', [householdId]))!.v),
    stock: Number((await s.server.sql.get<{ v: number }>('SELECT stock AS v FROM goods WHERE id = ?', [goodsId]))!.v),
  };
}

describe('races over real HTTP', () => {
  it.each([
    { limit: 'the balance', balance: 300, stock: 1000, price: 10, expected: 30 },
    { limit: 'the stock', balance: 100_000, stock: 17, price: 10, expected: 17 },
  ])('50 concurrent redemptions succeed exactly as often as $limit allows, never below zero', async ({ balance, stock, price, expected }) => {
    const s = await setup({ balance, stock, price });
    const codes = await passes(s.cadre, s.h.id, N);
    const replies = await Promise.all(
      codes.map((code, i) => s.clerk.request('POST', '/api/redemptions', { code, items: [{ goodsId: s.item.id, quantity: 1 }] }, { 'idempotency-key': `race-${i}-abcdef` })),
    );
    const ok = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(expected);
    for (const r of refused) {
      expect(r.status).toBe(422);
      expect(['insufficient_points', 'insufficient_stock']).toContain(r.body.error.code);
    }
    const after = await state(s, s.h.id, s.item.id);
    expect(after).toEqual({ balance: balance - expected * price, stock: stock - expected });
    expect(after.balance).toBeGreaterThanOrEqual(0);
    expect(after.stock).toBeGreaterThanOrEqual(0);
    // Every acknowledged balance is distinct: no two redemptions saw the same starting balance.
    expect(new Set(ok.map((r) => r.body.balanceAfter)).size).toBe(expected);
    expect((await verifyDatabase(await s.server.appDb())).ok).toBe(true);
  });

  it('one code used by 50 concurrent requests is spent exactly once; the rest get 409 code_used', async () => {
    const s = await setup({ balance: 10_000, stock: 1000, price: 10 });
    const [code] = await passes(s.cadre, s.h.id, 1);
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => s.clerk.request('POST', '/api/redemptions', { code, items: [{ goodsId: s.item.id, quantity: 1 }] }, { 'idempotency-key': `same-code-${i}-x` })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('code_used');
    }
    expect(await state(s, s.h.id, s.item.id)).toEqual({ balance: 10_000 - 10, stock: 999 });
    expect((await verifyDatabase(await s.server.appDb())).ok).toBe(true);
  });

  it('the same Idempotency-Key sent 50 times at once charges once and every answer equals the first', async () => {
    const s = await setup({ balance: 10_000, stock: 1000, price: 10 });
    const [code] = await passes(s.cadre, s.h.id, 1);
    const body = { code, items: [{ goodsId: s.item.id, quantity: 3 }] };
    const replies = await Promise.all(Array.from({ length: N }, () => s.clerk.request('POST', '/api/redemptions', body, { 'idempotency-key': 'one-key-for-all' })));
    for (const r of replies) expect(r.status).toBe(201);
    const first = replies[0].body;
    for (const r of replies) expect(r.body).toEqual(first);
    expect(await state(s, s.h.id, s.item.id)).toEqual({ balance: 10_000 - 30, stock: 997 });
    expect((await verifyDatabase(await s.server.appDb())).ok).toBe(true);
  });

  it('approve and reject racing on one award leave exactly one outcome', async () => {
    const s = await setup({ balance: 0, stock: 0, price: 10 });
    await makeUser(s.db, 'reviewer', s.w.areas.villageA.id, { username: 'reviewer2' });
    const approver = await new HttpClient(s.server.base).login('reviewer');
    const rejecter = await new HttpClient(s.server.base).login('reviewer2');
    const ids: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const r = await s.cadre.request('POST', '/api/awards', { householdId: s.w.households[i % s.w.households.length].id, ruleId: s.w.rule.id, quantity: 1, occurredOn: '2026-01-02' });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const outcomes = await Promise.all(
      ids.map(async (id, i) => {
        const approve = () => approver.request('POST', `/api/awards/${id}/approve`);
        const reject = () => rejecter.request('POST', `/api/awards/${id}/reject`, { reason: '材料不全' });
        // Alternate who fires first so both orders race.
        const [a, b] = i % 2 ? await Promise.all([approve(), reject()]) : (await Promise.all([reject(), approve()])).reverse();
        return { id, a, b };
      }),
    );
    for (const { id, a, b } of outcomes) {
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.error.code).toBe('invalid_status');
      const award = await approver.request('GET', `/api/awards/${id}`);
      expect(award.body.status).toBe(a.status === 200 ? 'posted' : 'rejected');
    }
    const r = await verifyDatabase(await s.server.appDb());
    expect(r.ok).toBe(true);
    const approved = outcomes.filter((o) => o.a.status === 200).length;
    expect(r.ok && r.entries).toBe(approved);
  });
});
