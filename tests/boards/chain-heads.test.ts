import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postLedgerEntry } from '../../db/ledger';
import { transaction } from '../../db/transaction';
import { verifyPublication } from '../../server/modules/boards/getPublishedBoard';
import type { PublicationRow } from '../../server/modules/boards/publicationView';
import type { TestApp } from '../support/app';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login } from '../support/factories';
import { makeBoardWorld } from './world';

type Part = { villageId: number; lastSeq: number; headHash: string };

const chainRow = (t: TestApp, villageId: number) =>
  t.db.$client.prepare('SELECT village_id AS villageId, last_seq AS lastSeq, head_hash AS headHash FROM ledger_chains WHERE village_id = ?').get(villageId) as Part;

/** Recomputed here from the documented rule, not with the server's function. */
const areaHash = (parts: Part[]) =>
  createHash('sha256')
    .update(JSON.stringify(['jifen-area-heads/1', ...parts.map((p) => [p.villageId, p.lastSeq, p.headHash])]))
    .digest('hex');

describe('boards pinned to per-village chain heads', () => {
  it('names its own village chain head on a village board, and every village chain under it on a township board', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const proposed = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06' } });
    expect(proposed.status).toBe(201);
    const own = chainRow(t, b.v);
    expect(own.lastSeq).toBe(6);
    expect(proposed.body.board.chainHead).toEqual({ lastEntryId: 6, hash: own.headHash, chains: [own] });
    expect(proposed.body).toMatchObject({ chainEntryId: 6, chainHash: own.headHash });

    const town = await call(t, 'GET', `/api/public/areas/${b.w.areas.townA.id}/live/leaderboard?period=2026-06`);
    const parts = [own, chainRow(t, b.w.areas.villageA2.id)];
    expect(town.body.board.chainHead).toEqual({ lastEntryId: 7, hash: areaHash(parts), chains: parts });
    // The hash anyone recomputes: canonical board JSON, a newline, the head hash.
    const county = await call(t, 'GET', `/api/public/areas/${b.w.areas.county.id}/live/villages?period=2026-06`);
    expect(county.body.board.chainHead.chains.map((c: Part) => c.villageId)).toEqual([b.v, b.w.areas.villageA2.id]);
  });

  it('is not moved by postings in other villages: an unchanged village board is still unchanged', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const spec = { kind: 'red', areaId: b.v, period: '2026-06' };
    const first = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    await call(t, 'POST', `/api/boards/publications/${first.body.id}/approve`, { cookie: b.reviewer });
    await grantPoints(t.db, b.w.otherHousehold.id, b.w.areas.villageB.id, 40, '2026-06-11');
    const again = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('board_unchanged');
    // A posting in the village itself moves its head, even in another month: a new version may be proposed.
    await grantPoints(t.db, b.hh.cq.id, b.v, 5, '2026-05-20');
    const moved = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: spec });
    expect(moved.status).toBe(201);
    expect(moved.body.board.chainHead.lastEntryId).toBe(7);
  });

  it('verifies a published board against the ledger, and fails a board whose named head is not in it', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.county, body: { kind: 'leaderboard', areaId: b.w.areas.townA.id, period: '2026-06' } });
    expect(p.status).toBe(201);
    expect((await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: await login(t, 'township') })).status).toBe(200);
    const published = await call(t, 'GET', `/api/public/publications/${p.body.id}`);
    expect(published.body.verification).toEqual({ hashMatches: true, chainHeadInLedger: true });

    const row = t.db.$client.prepare('SELECT * FROM board_publications WHERE id = ?').get(p.body.id) as Record<string, unknown>;
    const real: PublicationRow = {
      id: row.id as number,
      kind: 'leaderboard',
      areaId: row.area_id as number,
      period: row.period as string,
      params: row.params as string,
      snapshot: row.snapshot as string,
      hash: row.hash as string,
      chainEntryId: row.chain_entry_id as number,
      chainHash: row.chain_hash as string,
      status: 'approved',
      version: 1,
      proposedBy: row.proposed_by as number,
      proposedAt: row.proposed_at as number,
      reviewedBy: row.reviewed_by as number,
      reviewedAt: row.reviewed_at as number,
      rejectReason: null,
      checkpointId: (row.checkpoint_id as number | null) ?? null,
    };
    expect(await verifyPublication(t.db, real)).toEqual({ hashMatches: true, chainHeadInLedger: true });
    // A forged snapshot that is consistent with itself but names a head the ledger never had.
    const board = JSON.parse(real.snapshot);
    board.chainHead.chains[0].headHash = 'f'.repeat(64);
    board.chainHead.hash = areaHash(board.chainHead.chains);
    const snapshot = JSON.stringify(board);
    const forged = { ...real, snapshot, chainHash: board.chainHead.hash, hash: createHash('sha256').update(`${snapshot}\n${board.chainHead.hash}`).digest('hex') };
    expect(await verifyPublication(t.db, forged)).toEqual({ hashMatches: true, chainHeadInLedger: false });
    // Or one whose head hash does not follow from the chains it lists.
    const skewed = { ...real, chainHash: 'e'.repeat(64), hash: createHash('sha256').update(`${real.snapshot}\n${'e'.repeat(64)}`).digest('hex') };
    expect(await verifyPublication(t.db, skewed)).toEqual({ hashMatches: true, chainHeadInLedger: false });

    // A board published before per-village chains names one global entry, and still verifies by it.
    const entry = t.db.$client.prepare('SELECT id, hash FROM ledger_entries ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
    const old = JSON.parse(real.snapshot);
    old.chainHead = { lastEntryId: entry.id, hash: entry.hash };
    const oldSnapshot = JSON.stringify(old);
    const legacy = { ...real, snapshot: oldSnapshot, chainEntryId: entry.id, chainHash: entry.hash, hash: createHash('sha256').update(`${oldSnapshot}\n${entry.hash}`).digest('hex') };
    expect(await verifyPublication(t.db, legacy)).toEqual({ hashMatches: true, chainHeadInLedger: true });
    expect(await verifyPublication(t.db, { ...legacy, chainHash: 'd'.repeat(64) })).toEqual({ hashMatches: false, chainHeadInLedger: false });
  });

  it('prints the chain head sensibly: the village chain on a village board, the villages together on a township board', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06', params: { categories: ['family_virtue', 'hygiene'] } } });
    await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer });
    const village = await (await t.app.request(`/print/publications/${p.body.id}`)).text();
    expect(village).toContain(`账本链头：本村第 6 笔 ${chainRow(t, b.v).headHash}`);
    // Category labels come from the one server-side owner.
    expect(village).toContain('好人好事（孝老爱亲、环境卫生）');
    const parts = [chainRow(t, b.v), chainRow(t, b.w.areas.villageA2.id)];
    const town = await (await t.app.request(`/print/areas/${b.w.areas.townA.id}/leaderboard?period=2026-06&category=family_virtue`)).text();
    expect(town).toContain(`账本链头：2 个村账本共 7 笔，合并哈希 ${areaHash(parts)}`);
    expect(town).toContain('孝老爱亲排行榜');
  });
});

describe('one leaderboard', () => {
  it('ranks the same households in the same order on the public leaderboard and on the leaderboard board', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const town = b.w.areas.townA.id;
    const paged = await call(t, 'GET', `/api/public/areas/${town}/leaderboard?period=2026-06&limit=500`);
    const live = await call(t, 'GET', `/api/public/areas/${town}/live/leaderboard?period=2026-06`);
    const expected = [
      { rank: 1, name: '李*', village: '东村', points: 20 },
      { rank: 1, name: '张*明', village: '东村', points: 20 },
      { rank: 3, name: '孙*', village: '南村', points: 10 },
      { rank: 3, name: '王*', village: '东村', points: 10 },
      { rank: 5, name: '赵*', village: '东村', points: -5 },
    ];
    expect(paged.body.items).toEqual(expected);
    // The board's rows also carry each household's public pseudonym of the period's year, for the public recomputation.
    expect(live.body.board.items.map(({ householdId: _, pseudonym: __, ...rest }: { householdId: number; pseudonym: string }) => rest)).toEqual(expected);
    expect(live.body.board.items.every((i: { pseudonym: string }) => /^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/.test(i.pseudonym))).toBe(true);
    // A page cuts at its limit; the board keeps everyone tied with its last place.
    const page = await call(t, 'GET', `/api/public/areas/${town}/leaderboard?period=2026-06&limit=3`);
    expect(page.body.items.map((i: { rank: number }) => i.rank)).toEqual([1, 1, 3]);
    expect(page.body.total).toBe(5);
    const cut = await call(t, 'GET', `/api/public/areas/${town}/live/leaderboard?period=2026-06&limit=3`);
    expect(cut.body.board.items.map((i: { rank: number }) => i.rank)).toEqual([1, 1, 3, 3]);
    const second = await call(t, 'GET', `/api/public/areas/${town}/leaderboard?period=2026-06&limit=2&offset=3`);
    expect(second.body.items).toEqual(expected.slice(3));
  });

  it('never caches what it read while a write transaction was open: a rolled-back posting does not linger', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const path = `/api/public/areas/${b.v}/leaderboard?period=2026-06`;
    const poster = `/print/areas/${b.v}/leaderboard?period=2026-06`;
    expect((await call(t, 'GET', path)).body.items[0].points).toBe(20);
    await expect(
      transaction(t.db, async (tx) => {
        await postLedgerEntry(tx, { householdId: b.hh.cq.id, villageId: b.v, kind: 'award', points: 999, conductPoints: 999, occurredOn: '2026-06-13', createdAt: Date.now() });
        // On ':memory:' readers share the write connection and see the uncommitted posting.
        expect((await call(t, 'GET', path)).body.items[0].points).toBe(999);
        expect(await (await t.app.request(poster)).text()).toContain('>999<');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await call(t, 'GET', path)).body.items[0].points).toBe(20);
    expect(await (await t.app.request(poster)).text()).not.toContain('>999<');
  });
});

describe('publishing under contention', () => {
  it('accepts exactly one of twenty simultaneous proposals of the same board', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const spec = { kind: 'leaderboard', areaId: b.w.areas.townA.id, period: '2026-06' };
    const all = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', '/api/boards/publications', { cookie: b.county, body: spec })));
    expect(all.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = all.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(19);
    expect(refused.every((r) => r.status === 409 && r.body.error.code === 'publication_pending')).toBe(true);
    const rows = t.db.$client.prepare("SELECT COUNT(*) AS n FROM board_publications WHERE kind = 'leaderboard'").get() as { n: number };
    expect(rows.n).toBe(1);
  });

  it('records exactly one of twenty simultaneous rectifications of one black-list deduction', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const body = { ledgerEntryId: b.wwDeduction.ledgerEntryId, rectifiedOn: '2026-06-14', note: '已清理门前垃圾' };
    const all = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body })));
    expect(all.filter((r) => r.status === 201)).toHaveLength(1);
    expect(all.filter((r) => r.status === 409 && r.body.error.code === 'rectification_exists')).toHaveLength(19);
    const audit = t.db.$client.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'rectification.propose'").get() as { n: number };
    expect(audit.n).toBe(1);
  });
});
