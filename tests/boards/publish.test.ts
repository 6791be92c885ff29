import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { areas } from '../../db/schema';
import { createApp } from '../../server/app';
import { makeTestApp, testConfig } from '../support/app';
import { call, login } from '../support/factories';
import { makeBoardWorld } from './world';

describe('publishing a board', () => {
  it('publishes only through review, as a frozen snapshot whose hash anyone can recompute', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const spec = { kind: 'red', areaId: b.v, period: '2026-06' };
    const before = await call(t, 'GET', `/api/public/areas/${b.v}/published/red?period=2026-06`);
    expect(before.status).toBe(200);
    expect(before.body.board).toBeNull();

    const forbidden = await call(t, 'POST', '/api/boards/publications', { cookie: b.reviewer, body: spec });
    expect(forbidden.status).toBe(403);
    const proposed = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'pending', version: null });
    const twice = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    expect(twice.status).toBe(409);

    const stillNone = await call(t, 'GET', `/api/public/areas/${b.v}/published/red?period=2026-06`);
    expect(stillNone.body.board).toBeNull();
    const own = await call(t, 'POST', `/api/boards/publications/${proposed.body.id}/approve`, { cookie: b.cadre });
    expect(own.status).toBe(403);
    const approved = await call(t, 'POST', `/api/boards/publications/${proposed.body.id}/approve`, { cookie: b.reviewer });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', version: 1 });
    const again = await call(t, 'POST', `/api/boards/publications/${proposed.body.id}/approve`, { cookie: await login(t, 'township') });
    expect(again.status).toBe(409);

    const pub = await call(t, 'GET', `/api/public/areas/${b.v}/published/red?period=2026-06`);
    expect(pub.body.verification).toEqual({ hashMatches: true, chainHeadInLedger: true });
    expect(pub.body.board.items.map((i: { name: string }) => i.name)).toEqual(['李*', '张*明', '王*']);
    const row = t.db.$client.prepare('SELECT snapshot, hash, chain_hash AS chainHash FROM board_publications WHERE id = ?').get(proposed.body.id) as { snapshot: string; hash: string; chainHash: string };
    expect(createHash('sha256').update(`${row.snapshot}\n${row.chainHash}`).digest('hex')).toBe(row.hash);
    expect(JSON.parse(row.snapshot)).toEqual(pub.body.board);
    expect(pub.body.board.chainHead.hash).toBe(row.chainHash);

    // Unchanged ledger: nothing new to publish.
    const same = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('board_unchanged');

    // A later award makes a new version; version 1 stays exactly as it was.
    await b.post(b.hh.cq.id, b.virtue.id, 3);
    const v2 = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    await call(t, 'POST', `/api/boards/publications/${v2.body.id}/approve`, { cookie: b.reviewer });
    const latest = await call(t, 'GET', `/api/public/areas/${b.v}/published/red?period=2026-06`);
    expect(latest.body.publication.version).toBe(2);
    expect(latest.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(latest.body.board.items[0]).toMatchObject({ name: '陈*', earned: 30, deeds: ['好媳妇'] });
    const first = await call(t, 'GET', `/api/public/publications/${proposed.body.id}`);
    expect(first.body.board).toEqual(pub.body.board);

    const audit = t.db.$client.prepare("SELECT action FROM audit_log WHERE entity = 'board_publication' ORDER BY id").all();
    expect(audit.map((a) => (a as { action: string }).action)).toEqual([
      'board_publication.propose',
      'board_publication.approve',
      'board_publication.propose',
      'board_publication.approve',
    ]);
  });

  it('refuses to alter or delete a published snapshot in the database itself', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'black', areaId: b.v, period: '2026-06' } });
    expect(() => t.db.$client.prepare("UPDATE board_publications SET snapshot = '{}' WHERE id = ?").run(p.body.id)).toThrow(/append-only/);
    await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer });
    expect(() => t.db.$client.prepare("UPDATE board_publications SET status = 'rejected' WHERE id = ?").run(p.body.id)).toThrow(/final/);
    expect(() => t.db.$client.prepare('DELETE FROM board_publications WHERE id = ?').run(p.body.id)).toThrow(/append-only/);
  });

  it('rejects with a reason and keeps boards to the kinds of area they fit', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'stars', areaId: b.v, period: '2026', params: { method: 'dimensions' } } });
    expect(p.status).toBe(201);
    const noReason = await call(t, 'POST', `/api/boards/publications/${p.body.id}/reject`, { cookie: b.reviewer, body: {} });
    expect(noReason.status).toBe(400);
    const rejected = await call(t, 'POST', `/api/boards/publications/${p.body.id}/reject`, { cookie: b.reviewer, body: { reason: '数据有误' } });
    expect(rejected.body.status).toBe('rejected');
    const wrongArea = await call(t, 'POST', '/api/boards/publications', { cookie: b.county, body: { kind: 'red', areaId: b.w.areas.townA.id, period: '2026-06' } });
    expect(wrongArea.status).toBe(422);
    const outside = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.w.areas.villageB.id, period: '2026-06' } });
    expect(outside.status).toBe(404);
    const badPeriod = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-13' } });
    expect(badPeriod.status).toBe(400);
  });

  it("shows a household's published stars on its page and its public star page", async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'stars', areaId: b.v, period: '2026' } });
    await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer });
    const pub = await call(t, 'GET', `/api/public/households/${b.hh.zsm.id}/stars?year=2026`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ name: '张*明', year: '2026', published: { stars: 1, version: 1 } });
    const page = await call(t, 'GET', `/api/boards/stars/household/${b.hh.zsm.id}?year=2026`, { cookie: b.cadre });
    expect(page.body.published.stars).toBe(1);
    const plaque = await t.app.request(`/print/households/${b.hh.zsm.id}/plaque?year=2026`);
    const html = await plaque.text();
    expect(plaque.status).toBe(200);
    expect(html).toContain('★☆☆☆☆');
    expect(html).toContain('<svg');
    expect(html).not.toContain('张三明');
  });
});

describe('public notices and donations', () => {
  it('lists awards on notice per village with objection status but never the objector', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    t.db.update(areas).set({ noticeDays: 5 }).where(eq(areas.id, b.v)).run();
    const p = await call(t, 'POST', '/api/awards', { cookie: b.cadre, body: { householdId: b.hh.cq.id, ruleId: b.virtue.id, occurredOn: '2026-06-14', memberName: '陈小红', note: '照顾瘫痪婆婆' } });
    await call(t, 'POST', `/api/awards/${p.body.id}/approve`, { cookie: b.reviewer });
    const household = await login(t, 'household');
    const objection = await call(t, 'POST', `/api/awards/${p.body.id}/objections`, { cookie: household, body: { reason: '情况不属实' } });
    expect(objection.status).toBe(201);
    const res = await call(t, 'GET', `/api/public/areas/${b.w.areas.townA.id}/notices`);
    expect(res.status).toBe(200);
    expect(res.body.villages).toHaveLength(1);
    expect(res.body.villages[0]).toMatchObject({ name: '东村', items: [{ awardId: p.body.id, name: '陈*', rule: '好媳妇', points: 10, objections: { open: 1, upheld: 0, dismissed: 0 } }] });
    const text = JSON.stringify(res.body);
    for (const secret of ['陈七', '陈小红', '照顾瘫痪婆婆', '情况不属实', 'household']) expect(text).not.toContain(secret);
    const poster = await (await t.app.request(`/print/areas/${b.w.areas.townA.id}/notices`)).text();
    expect(poster).toContain('1 条处理中');
    expect(poster).not.toContain('陈七');
  });

  it('discloses donations with where the donated goods went (first in, first out) and ranks the honour roll', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const clerk = await login(t, 'clerk');
    const stock = (goodsId: number, body: object) => call(t, 'POST', `/api/goods/${goodsId}/stock`, { cookie: clerk, body });
    // The oil already has 100 bought; then 10 donated by an enterprise, 5 anonymously, 2 by a person.
    expect((await stock(b.w.oil.id, { kind: 'donation', quantity: 10, donor: '某某农业公司', donorKind: 'enterprise', valueFen: 100000, receivedOn: '2026-06-01' })).status).toBe(200);
    await stock(b.w.oil.id, { kind: 'donation', quantity: 5, donor: '王大户', donorKind: 'person', anonymous: true, valueFen: 50000, receivedOn: '2026-06-02' });
    await stock(b.w.soap.id, { kind: 'donation', quantity: 20, donor: '李富贵', donorKind: 'person', valueFen: 2000, receivedOn: '2026-06-03' });
    await stock(b.w.soap.id, { kind: 'donation', quantity: 20, donor: '县妇联', donorKind: 'organisation', valueFen: 200000, receivedOn: '2026-06-04' });
    // 108 oil written off: the 100 bought first, then 8 of the enterprise's 10.
    await stock(b.w.oil.id, { kind: 'loss', quantity: 108 });
    const res = await call(t, 'GET', `/api/public/areas/${b.v}/donations?year=2026`);
    expect(res.status).toBe(200);
    const byWho = Object.fromEntries(res.body.items.map((i: { donor: string; drawdown: unknown }) => [i.donor, i.drawdown]));
    expect(byWho['某某农业公司']).toEqual({ received: 10, redeemed: 0, lost: 8, remaining: 2 });
    expect(byWho['匿名']).toEqual({ received: 5, redeemed: 0, lost: 0, remaining: 5 });
    expect(byWho['李*贵']).toBeDefined();
    expect(JSON.stringify(res.body)).not.toContain('王大户');
    expect(JSON.stringify(res.body)).not.toContain('李富贵');
    const roll = await call(t, 'GET', `/api/public/areas/${b.w.areas.county.id}/honour-roll`);
    expect(roll.body.items.map((i: { rank: number; donor: string; totalFen: number }) => [i.rank, i.donor, i.totalFen])).toEqual([
      [1, '县妇联', 200000],
      [2, '某某农业公司', 100000],
    ]);
  });
});

describe('public endpoints', () => {
  it('answer without a login and refuse with 429 in the error shape past the per-IP limit', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    // Behind a trusted proxy, so X-Forwarded-For names the client.
    const proxied = createApp({ db: t.db, config: { ...testConfig, trustProxy: true }, now: () => t.clock.now });
    const path = `/api/public/areas/${b.v}/notices`;
    let last = 0;
    for (let i = 0; i < 601; i++) last = (await proxied.request(path, { headers: { 'x-forwarded-for': '10.0.0.9' } })).status;
    expect(last).toBe(429);
    const body = await (await proxied.request(path, { headers: { 'x-forwarded-for': '10.0.0.9' } })).json();
    expect(body.error.code).toBe('too_many_requests');
    expect((await proxied.request(path, { headers: { 'x-forwarded-for': '10.0.0.10' } })).status).toBe(200);
    expect((await proxied.request(path, { method: 'POST', headers: { 'x-forwarded-for': '10.0.0.10' } })).status).toBe(404);
  });
});
