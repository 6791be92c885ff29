import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redemptions } from '../../db/schema';
import type { Role } from '../../db/schema/users';
import { createPassToken } from '../../server/modules/counter/passToken';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeUser, makeWorld } from '../support/factories';
import { all, buildWorld, fixtureFor, matrix, send, usernameOf, type Req, type Spec, type World } from './authz-matrix-table';

/**
 * Every route × every role: no session is 401, a role that may not is 403, an id in another area is 404,
 * and the allowed roles succeed in their own area. A route missing from the table (./authz-matrix-table.ts,
 * where a new route gets its row) fails the suite.
 */

describe('role × route matrix', () => {
  let t: TestApp;
  let w: World;
  let cookies: Record<Role, string>;
  let evidenceDir = '';
  beforeAll(async () => {
    ({ t, w, cookies, evidenceDir } = await buildWorld());
  });
  afterAll(() => rmSync(evidenceDir, { recursive: true, force: true }));
  const fresh = () => fixtureFor(t, w);
  let freshUsers = 0;
  const sessionOf = async (role: Role, spec: Spec) => {
    if (spec.freshUser) {
      const username = `fresh-${role}-${++freshUsers}`;
      const areaId = role === 'county_admin' ? w.areas.county.id : role === 'township_admin' ? w.areas.townA.id : w.areas.villageA.id;
      await makeUser(t.db, role, areaId, { username, householdId: role === 'household' ? w.household.id : undefined });
      return login(t, username);
    }
    return spec.endsSession ? login(t, usernameOf[role]) : cookies[role];
  };

  it('has a row for every route the app serves', () => {
    const served = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
        .map((r) => `${r.method} ${r.path}`),
    );
    const missing = [...served].filter((k) => !(k in matrix));
    const stale = Object.keys(matrix).filter((k) => !served.has(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  for (const [key, spec] of Object.entries(matrix)) {
    const [method] = key.split(' ');
    if (spec.roles === 'public') {
      it(`${key} answers without a session`, async () => {
        const res = await send(t, method, spec.own(fresh()));
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      });
      continue;
    }
    const allowed = spec.roles;
    it(`${key} is 401 without a session`, async () => {
      const res = await send(t, method, spec.own(fresh()));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
    for (const role of all) {
      if (!allowed.includes(role)) {
        it(`${key} is 403 for ${role}`, async () => {
          const res = await send(t, method, spec.own(fresh()), await sessionOf(role, spec));
          expect(res.status, JSON.stringify(res.body)).toBe(403);
        });
        continue;
      }
      if (spec.other && role !== 'county_admin') {
        it(`${key} is 404 for ${role} aimed at another area`, async () => {
          const res = await send(t, method, spec.other!(fresh()), await sessionOf(role, spec));
          expect(res.status, JSON.stringify(res.body)).toBe(404);
        });
      }
      it(`${key} succeeds for ${role} in its own area`, async () => {
        const res = await send(t, method, spec.own(fresh()), await sessionOf(role, spec));
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      });
    }
  }
});

/**
 * A clerk serves the store it stands in (issue 12, item 1): the village clerk (东村) against the township
 * store's goods (东乡) above it, the township clerk against the village store's goods below it, and a clerk
 * of a sibling village (南村) against a household it does not serve. Every one of these answers 404.
 */
describe('a clerk of one store against another store', () => {
  type Who = 'village' | 'town' | 'south';
  let t: TestApp;
  let w: World;
  let cookie: Record<Who, string>;
  let townGoods: number;
  let townRedemption: number;
  let villageRedemption: number;
  let k = 0;
  beforeAll(async () => {
    t = makeTestApp();
    w = await makeWorld(t);
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 1000);
    const town = await makeUser(t.db, 'clerk', w.areas.townA.id, { username: 'clerk-town' });
    await makeUser(t.db, 'clerk', w.areas.villageA2.id, { username: 'clerk-south' });
    townGoods = makeGoods(t.db, w.areas.townA.id, { name: '镇超市大米', price: 20, stock: 100 }).id;
    cookie = { village: await login(t, 'clerk'), town: await login(t, 'clerk-town'), south: await login(t, 'clerk-south') };
    const receipt = (storeAreaId: number, clerkId: number) =>
      t.db
        .insert(redemptions)
        .values({ householdId: w.household.id, villageId: w.areas.villageA.id, storeAreaId, clerkId, points: 0, balanceAfter: 0, via: 'pass', createdAt: 0 })
        .returning()
        .get().id;
    townRedemption = receipt(w.areas.townA.id, town.id);
    villageRedemption = receipt(w.areas.villageA.id, w.users.clerk.id);
  });
  const pass = () => createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() + 60_000).token;
  const redeem = (goodsId: number): Req => ({ path: '/api/redemptions', headers: { 'idempotency-key': `cross-store-${++k}` }, body: { code: pass(), items: [{ goodsId, quantity: 1 }] } });
  const rows: [string, Who, () => Req][] = [
    ['GET /api/goods', 'village', () => ({ path: `/api/goods?storeAreaId=${w.areas.townA.id}` })],
    ['GET /api/goods', 'town', () => ({ path: `/api/goods?storeAreaId=${w.areas.villageA.id}` })],
    ['POST /api/goods', 'village', () => ({ path: '/api/goods', body: { storeAreaId: w.areas.townA.id, name: `毛巾${++k}`, price: 8 } })],
    ['POST /api/goods', 'town', () => ({ path: '/api/goods', body: { storeAreaId: w.areas.villageA.id, name: `毛巾${++k}`, price: 8 } })],
    ['PATCH /api/goods/:id', 'village', () => ({ path: `/api/goods/${townGoods}`, body: { price: 1 } })],
    ['PATCH /api/goods/:id', 'town', () => ({ path: `/api/goods/${w.oil.id}`, body: { price: 1 } })],
    ['POST /api/goods/:id/stock', 'village', () => ({ path: `/api/goods/${townGoods}/stock`, body: { quantity: 5, kind: 'purchase' } })],
    ['POST /api/goods/:id/stock', 'town', () => ({ path: `/api/goods/${w.oil.id}/stock`, body: { quantity: 5, kind: 'loss' } })],
    ['GET /api/stock-movements', 'village', () => ({ path: `/api/stock-movements?goodsId=${townGoods}` })],
    ['GET /api/stock-movements', 'town', () => ({ path: `/api/stock-movements?storeAreaId=${w.areas.villageA.id}` })],
    ['POST /api/redemptions', 'village', () => redeem(townGoods)],
    ['POST /api/redemptions', 'town', () => redeem(w.oil.id)],
    ['POST /api/counter/lookup', 'south', () => ({ path: '/api/counter/lookup', body: { code: pass() } })],
    ['POST /api/redemptions', 'south', () => redeem(w.oil.id)],
    ['GET /api/redemptions/:id', 'village', () => ({ path: `/api/redemptions/${townRedemption}` })],
    ['GET /api/redemptions/:id', 'town', () => ({ path: `/api/redemptions/${villageRedemption}` })],
  ];
  for (const [key, who, req] of rows) {
    it(`${key} is 404 for the ${who} clerk aimed at another store`, async () => {
      const res = await send(t, key.split(' ')[0], req(), cookie[who]);
      expect(res.status, JSON.stringify(res.body)).toBe(404);
    });
  }
  it('moves no stock and charges nothing through any of them', async () => {
    const cadre = await login(t, 'county');
    const goods = await call(t, 'GET', '/api/goods', { cookie: cadre });
    const stock = Object.fromEntries(goods.body.items.map((g: { id: number; stock: number }) => [g.id, g.stock]));
    expect(stock[townGoods]).toBe(100);
    expect(stock[w.oil.id]).toBe(100);
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(1000);
  });
});
