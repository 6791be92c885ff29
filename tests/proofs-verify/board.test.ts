import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { verifyBoard } from '../../server/lib/publicVerify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeRule, makeUser } from '../support/factories';
import { makeBoardWorld } from '../boards/world';
import { appApi, tamperedApi } from './support';

type BoardWorld = Awaited<ReturnType<typeof makeBoardWorld>>;

async function publish(t: TestApp, b: BoardWorld, spec: Record<string, unknown>, proposer = b.cadre, reviewer = b.reviewer): Promise<number> {
  const p = await call(t, 'POST', '/api/boards/publications', { cookie: proposer, body: spec });
  if (p.status !== 201) throw new Error(`propose: ${p.status} ${JSON.stringify(p.body)}`);
  const a = await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: reviewer });
  if (a.status !== 200) throw new Error(`approve: ${a.status} ${JSON.stringify(a.body)}`);
  return p.body.id as number;
}

/** A server that serves a board with a changed row and the published hash recomputed to match (the board's own hash cannot tell). */
function withRow(t: TestApp, id: number, change: (board: { items: Array<Record<string, unknown>> }) => void) {
  return tamperedApi(appApi(t), (path, body) => {
    if (path !== `/public/publications/${id}`) return body;
    const pub = body as { board: { items: Array<Record<string, unknown>> }; publication: { hash: string; chainHash: string } };
    change(pub.board);
    pub.publication.hash = createHash('sha256').update(`${canonicalize(pub.board)}\n${pub.publication.chainHash}`).digest('hex');
    return pub;
  });
}

describe('a published board recomputed from the public ledger', () => {
  it('passes for every kind of village board and the county leaderboard, with what is only checked noted', async () => {
    const t = makeTestApp('2026-06-20T02:00:00.000Z');
    const b = await makeBoardWorld(t);
    // A rectified black-list deduction: off the board, named in rectifiedSeqs.
    const rect = await call(t, 'POST', '/api/boards/rectifications', { cookie: b.cadre, body: { ledgerEntryId: b.zlDeduction.ledgerEntryId, rectifiedOn: '2026-06-15', note: '已清理' } });
    expect(rect.status).toBe(201);
    expect((await call(t, 'POST', `/api/boards/rectifications/${rect.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
    const specs = [
      { kind: 'red', areaId: b.v, period: '2026-06', params: { categories: ['family_virtue', 'hygiene'] } },
      { kind: 'black', areaId: b.v, period: '2026-06' },
      { kind: 'stars', areaId: b.v, period: '2026', params: { method: 'both', dimensionThreshold: 10 } },
      { kind: 'leaderboard', areaId: b.v, period: '2026-Q2', params: { limit: 2 } },
      { kind: 'leaderboard', areaId: b.v, period: '2026', params: { category: 'hygiene', limit: 10 } },
    ];
    for (const spec of specs) {
      const id = await publish(t, b, spec);
      const r = await verifyBoard(appApi(t), id);
      expect(r.firstFailure, `${spec.kind} ${JSON.stringify(r.firstFailure)}`).toBeUndefined();
      expect(r.checks.find((c) => c.name === 'board figures')?.ok).toBe(true);
      if (spec.kind === 'black') expect(r.notes.join(' ')).toContain('rectification');
    }
    const township = await login(t, 'township');
    const town = await publish(t, b, { kind: 'leaderboard', areaId: b.w.areas.townA.id, period: '2026-06', params: { limit: 3 } }, township, b.county);
    const tr = await verifyBoard(appApi(t), town);
    expect(tr.firstFailure, JSON.stringify(tr.firstFailure)).toBeUndefined();
    await makeUser(t.db, 'county_admin', b.w.areas.county.id, { username: 'county2' });
    const county = await publish(t, b, { kind: 'leaderboard', areaId: b.w.areas.county.id, period: '2026-06', params: { limit: 3 } }, b.county, await login(t, 'county2'));
    const cr = await verifyBoard(appApi(t), county);
    expect(cr.firstFailure, JSON.stringify(cr.firstFailure)).toBeUndefined();
    const villages = await publish(t, b, { kind: 'villages', areaId: b.w.areas.townA.id, period: '2026-06' }, township, b.county);
    const vr = await verifyBoard(appApi(t), villages);
    expect(vr.firstFailure, JSON.stringify(vr.firstFailure)).toBeUndefined();
    expect(vr.notes.join(' ')).toContain('active households');
  });

  it("recomputes a black list from deductions whose rule the public ledger shows, and names no seq of a deduction whose rule it hides", async () => {
    const t = makeTestApp('2026-06-20T02:00:00.000Z');
    const b = await makeBoardWorld(t);
    const quiet = makeRule(t.db, b.w.areas.county.id, { name: '邻里争吵', points: -3, category: 'civility', blackList: false });
    const late = makeRule(t.db, b.w.areas.county.id, { name: '占道经营', points: -2, category: 'civility', blackList: false });
    const hidden = [await b.post(b.hh.cq.id, quiet.id, 1, '2026-06-08'), await b.post(b.hh.ls.id, late.id, 1, '2026-06-09')];
    // The rule becomes a black-list rule (a new version): deductions from now on are black-list deductions, the earlier one stays hidden.
    expect((await call(t, 'PATCH', `/api/rules/${late.id}`, { cookie: b.county, body: { blackList: true } })).status).toBe(200);
    const shown = await b.post(b.hh.zsm.id, late.id, 1, '2026-06-11');
    const seqOf = (entryId: number | null) => (t.db.$client.prepare('SELECT seq FROM ledger_entries WHERE id = ?').get(entryId) as { seq: number }).seq;
    const ledger = (await call(t, 'GET', `/api/public/villages/${b.v}/ledger`)).body.entries as Array<{ seq: number; ruleId: number | null; category: string | null }>;
    for (const h of hidden) expect(ledger.find((e) => e.seq === seqOf(h.ledgerEntryId))).toMatchObject({ ruleId: null, category: 'civility' });
    expect(ledger.find((e) => e.seq === seqOf(shown.ledgerEntryId))).toMatchObject({ ruleId: late.id });
    const id = await publish(t, b, { kind: 'black', areaId: b.v, period: '2026-06' });
    const board = (await call(t, 'GET', `/api/public/publications/${id}`)).body.board as { blackRules: number[]; notBlackSeqs: number[]; items: Array<{ seq: number }> };
    expect(board.blackRules).toEqual([b.w.deduction.id, late.id].sort((x, y) => x - y));
    expect(board.notBlackSeqs).toEqual([]);
    expect(board.items.map((i) => i.seq).sort((x, y) => x - y)).toEqual([seqOf(b.wwDeduction.ledgerEntryId), seqOf(b.zlDeduction.ledgerEntryId), seqOf(shown.ledgerEntryId)].sort((x, y) => x - y));
    const r = await verifyBoard(appApi(t), id);
    expect(r.firstFailure, JSON.stringify(r.firstFailure)).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it('names the row whose figures the public ledger does not give, and a deduction left off the black list', async () => {
    const t = makeTestApp('2026-06-20T02:00:00.000Z');
    const b = await makeBoardWorld(t);
    const red = await publish(t, b, { kind: 'red', areaId: b.v, period: '2026-06' });
    const earned = await verifyBoard(withRow(t, red, (board) => (board.items[1].earned = 99)), red);
    expect(earned.ok).toBe(false);
    expect(earned.firstFailure).toMatchObject({ row: 2 });
    expect(earned.firstFailure!.what).toMatch(/^row 2: points earned 99, the public ledger gives \d+/);
    const black = await publish(t, b, { kind: 'black', areaId: b.v, period: '2026-06' });
    const dropped = await verifyBoard(withRow(t, black, (board) => board.items.splice(0, 1)), black);
    expect(dropped.ok).toBe(false);
    expect(dropped.firstFailure!.what).toContain('missing from the board');
    expect(dropped.firstFailure!.seq).toBeGreaterThan(0);
    const stars = await publish(t, b, { kind: 'stars', areaId: b.v, period: '2026' });
    const more = await verifyBoard(withRow(t, stars, (board) => (board.items[2].stars = 5)), stars);
    expect(more.firstFailure).toMatchObject({ row: 3 });
    const lb = await publish(t, b, { kind: 'leaderboard', areaId: b.v, period: '2026-06', params: { limit: 10 } });
    const swapped = await verifyBoard(withRow(t, lb, (board) => ([board.items[0].pseudonym, board.items[3].pseudonym] = [board.items[3].pseudonym, board.items[0].pseudonym])), lb);
    expect(swapped.firstFailure).toMatchObject({ row: 1 });
    // Served with a changed figure but the old hash: the board's own hash check fails first.
    const hashOnly = await verifyBoard(
      tamperedApi(appApi(t), (path, body) => {
        if (path === `/public/publications/${red}`) (body as { board: { items: Array<{ earned: number }> } }).board.items[0].earned += 1;
        return body;
      }),
      red,
    );
    expect(hashOnly.firstFailure!.what).toContain('does not hash to its published hash');
  });
});
