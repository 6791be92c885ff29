import { describe, expect, it } from 'vitest';
import { call, grantPoints, login, makeHousehold, makeWorld } from '../support/factories';
import { makeTestApp } from '../support/app';

async function setUp() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 20, '2026-06-01');
  const board = `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-06`;
  return { t, w, board };
}

const securityHeaders = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'strict-transport-security', 'referrer-policy', 'permissions-policy'];

describe('public board: prepared answer with an ETag', () => {
  it('answers with a strong ETag, no-cache and every security header; the same answer again from the prepared string', async () => {
    const { t, board } = await setUp();
    const first = await call(t, 'GET', board);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    for (const h of securityHeaders) expect(first.headers.get(h), h).toBeTruthy();
    expect(first.body.items[0]).toMatchObject({ rank: 1, points: 20 });
    const second = await call(t, 'GET', board);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('a repeat visitor with If-None-Match gets 304 without a body, still with the security headers', async () => {
    const { t, board } = await setUp();
    const first = await call(t, 'GET', board);
    const etag = first.headers.get('etag')!;
    for (const sent of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await t.app.request(board, { headers: { 'if-none-match': sent } });
      expect(res.status, sent).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
      for (const h of securityHeaders) expect(res.headers.get(h), h).toBeTruthy();
    }
    const stale = await t.app.request(board, { headers: { 'if-none-match': '"not-this-one"' } });
    expect(stale.status).toBe(200);
  });

  it('a commit that changes the board changes the ETag; the old one gets the new board', async () => {
    const { t, w, board } = await setUp();
    const first = await call(t, 'GET', board);
    const etag = first.headers.get('etag')!;
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    // An unrelated commit (the logins) leaves the board and its ETag as they were.
    expect((await t.app.request(board, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const newcomer = makeHousehold(t.db, w.areas.villageA.id, { headName: '新来户', idNumber: null });
    const proposed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: newcomer.id, ruleId: w.rule.id, occurredOn: '2026-06-10' } });
    expect(proposed.status).toBe(201);
    const approved = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: [proposed.body.id] } });
    expect(approved.status).toBe(200);
    const after = await t.app.request(board, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const body = (await after.json()) as { total: number };
    expect(body.total).toBe(first.body.total + 1);
  });

  it('an invalid query is still refused though a valid one was prepared', async () => {
    const { t, w, board } = await setUp();
    expect((await call(t, 'GET', board)).status).toBe(200);
    const bad = await call(t, 'GET', `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-13`);
    expect(bad.status).toBe(400);
    expect((await call(t, 'GET', `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-13`)).status).toBe(400);
  });
});

describe('public board: the prepared answer served ahead of the middleware chain', () => {
  it('carries the same headers as the full chain: security headers, a request id, the rate-limit headers', async () => {
    const { t, board } = await setUp();
    const full = await t.app.request(board);
    const fast = await t.app.request(board);
    expect(fast.status).toBe(200);
    expect(await fast.text()).toBe(await full.text());
    for (const h of [...securityHeaders, 'etag', 'cache-control', 'content-type', 'ratelimit', 'ratelimit-policy', 'x-request-id']) {
      expect(fast.headers.get(h), h).toBeTruthy();
    }
    expect(fast.headers.get('x-request-id')).not.toBe(full.headers.get('x-request-id'));
    expect(fast.headers.get('ratelimit')).toMatch(/remaining=598\b/);
  });

  it('counts against the same per-address limit: past it even a prepared board is 429', async () => {
    const t = makeTestApp(undefined, { publicRateLimitPerMinute: 5 });
    const w = await makeWorld(t);
    const board = `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-06`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.app.request(board)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await t.app.request(board);
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_requests' } });
    expect(refused.headers.get('content-security-policy')).toBeTruthy();
  });
});
