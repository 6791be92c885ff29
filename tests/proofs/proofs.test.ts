import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { boardPublications, checkpoints, ledgerEntries } from '../../db/schema';
import { EMPTY_ROOT, rootOf, verifyConsistency, verifyInclusion } from '../../server/lib/merkle';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';
import { makeBoardWorld } from '../boards/world';

type World = Awaited<ReturnType<typeof makeWorld>>;
let t: TestApp;
let w: World;
let admin: string;
let v: number;

beforeEach(async () => {
  t = makeTestApp('2026-06-15T02:00:00.000Z');
  w = await makeWorld(t);
  admin = await login(t, 'county');
  v = w.areas.villageA.id;
});

const post = (n: number) => {
  for (let i = 0; i < n; i++) grantPoints(t.db, w.household.id, v, 1 + (i % 5));
};
const hashes = () => t.db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(eq(ledgerEntries.chainId, v)).orderBy(asc(ledgerEntries.seq)).all().map((r) => r.hash);

async function checkpointRoot(): Promise<{ treeSize: number; root: string }> {
  const made = await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.county.id } });
  expect(made.status).toBe(201);
  return made.body.body.villages.find((x: { villageId: number }) => x.villageId === v);
}

const inclusion = (seq: number | string, treeSize?: number | string, village = v) =>
  call(t, 'GET', `/api/public/villages/${village}/proof/inclusion?seq=${seq}${treeSize === undefined ? '' : `&treeSize=${treeSize}`}`);
const consistency = (from: number | string, to?: number | string, village = v) =>
  call(t, 'GET', `/api/public/villages/${village}/proof/consistency?from=${from}${to === undefined ? '' : `&to=${to}`}`);

describe('inclusion proofs', () => {
  it('prove every entry into the current tree and into an old checkpoint\'s tree', async () => {
    post(9);
    const old = await checkpointRoot();
    expect(old.treeSize).toBe(9);
    post(14);
    const now = await checkpointRoot();
    const all = hashes();
    for (let seq = 1; seq <= 23; seq++) {
      const res = await inclusion(seq);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ villageId: v, seq, treeSize: 23, leafIndex: seq - 1, entryHash: all[seq - 1], root: now.root });
      expect(verifyInclusion(seq - 1, 23, all[seq - 1], res.body.path, now.root)).toBe(true);
    }
    for (let seq = 1; seq <= 9; seq++) {
      const res = await inclusion(seq, 9);
      expect(res.body.root).toBe(old.root);
      expect(verifyInclusion(seq - 1, 9, all[seq - 1], res.body.path, old.root)).toBe(true);
      // The path of the old tree does not prove the entry into the new one.
      if (seq === 9) expect(verifyInclusion(seq - 1, 23, all[seq - 1], res.body.path, now.root)).toBe(false);
    }
  });

  it('refuse sizes and seqs outside the chain with a clear 400, and unknown villages with 404', async () => {
    post(4);
    const cases: [string | number, string | number | undefined][] = [
      [0, undefined], [5, undefined], [3, 2], [1, 5], ['abc', undefined], ['1.5', undefined], ['-1', undefined], ['1e2', undefined],
      [1, '9007199254740992'], ['9007199254740992', undefined], ['', undefined], [1, 'x'],
    ];
    for (const [seq, size] of cases) {
      const res = await inclusion(seq, size);
      expect(res.status, `${seq}/${size}`).toBe(400);
      expect(res.body.error.code).toBe('invalid');
    }
    expect((await inclusion(5, 4)).body.error.message).toMatch(/1 到 4/);
    expect((await inclusion(1, 5)).body.error.message).toMatch(/当前的流水条数 4/);
    expect((await inclusion(1, undefined, 999_999)).status).toBe(404);
    expect((await inclusion(1, undefined, w.areas.townA.id)).status).toBe(404);
    expect((await inclusion(1, undefined, w.areas.county.id)).status).toBe(404);
    expect((await call(t, 'GET', `/api/public/villages/abc/proof/inclusion?seq=1`)).status).toBe(400);
    // A village without entries has no entry to prove.
    expect((await inclusion(1, undefined, w.areas.villageA2.id)).status).toBe(400);
  });
});

describe('consistency proofs', () => {
  it('prove each checkpoint\'s tree is a prefix of every later one', async () => {
    const roots: { treeSize: number; root: string }[] = [await checkpointRoot()];
    expect(roots[0]).toMatchObject({ treeSize: 0, root: EMPTY_ROOT });
    for (const n of [1, 1, 2, 5, 9, 16, 3]) {
      post(n);
      roots.push(await checkpointRoot());
    }
    for (let i = 0; i < roots.length; i++) {
      for (let j = i; j < roots.length; j++) {
        const res = await consistency(roots[i].treeSize, roots[j].treeSize);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ villageId: v, from: roots[i].treeSize, to: roots[j].treeSize, fromRoot: roots[i].root, toRoot: roots[j].root });
        expect(verifyConsistency(roots[i].treeSize, roots[j].treeSize, roots[i].root, roots[j].root, res.body.proof)).toBe(true);
      }
    }
    // Default `to`: the chain now.
    expect((await consistency(3)).body).toMatchObject({ from: 3, to: 37, toRoot: rootOf(hashes()) });
  });

  it('refuse from > to, sizes beyond the chain, junk and 2^53 with 400; unknown villages with 404', async () => {
    post(6);
    for (const [from, to] of [[4, 3], [1, 7], [7, undefined], ['x', 2], [1, '2^53'], ['9007199254740992', undefined], ['-0', 1]] as const) {
      const res = await consistency(from, to);
      expect(res.status, `${from}/${to}`).toBe(400);
    }
    expect((await consistency(4, 3)).body.error.message).toMatch(/from 不能大于 to/);
    expect((await consistency(1, 2, 999_999)).status).toBe(404);
  });
});

describe('the kept village trees', () => {
  it('are rebuilt once the chain grows or its last entry changes', async () => {
    post(5);
    expect((await inclusion(2)).body.root).toBe(rootOf(hashes()));
    post(3);
    const grown = await inclusion(2);
    expect(grown.body).toMatchObject({ treeSize: 8, root: rootOf(hashes()) });
    // An old size is answered from the kept tree, the same as from scratch.
    expect((await inclusion(2, 5)).body.root).toBe(rootOf(hashes().slice(0, 5)));
    t.db.$client.exec('DROP TRIGGER ledger_entries_no_update');
    t.db.$client.prepare('UPDATE ledger_entries SET hash = ? WHERE chain_id = ? AND seq = 8').run('d'.repeat(64), v);
    const changed = await consistency(5);
    expect(changed.body.toRoot).toBe(rootOf(hashes()));
    expect(changed.body.toRoot).not.toBe(grown.body.root);
  });
});

describe('a ledger row changed behind the ledger\'s back', () => {
  it('makes the served proofs fail against the checkpoint signed before it', async () => {
    post(10);
    const before = await checkpointRoot();
    const target = t.db.select().from(ledgerEntries).where(eq(ledgerEntries.chainId, v)).orderBy(asc(ledgerEntries.seq)).all()[3];
    t.db.$client.exec('DROP TRIGGER ledger_entries_no_update');
    t.db.$client.prepare('UPDATE ledger_entries SET points = points + 100, hash = ? WHERE id = ?').run('f'.repeat(64), target.id);
    post(5);
    const after = await checkpointRoot();
    // The next checkpoint still extends what was signed (the frontier), so the signed history stays honest ...
    const proof = await consistency(before.treeSize, after.treeSize);
    // ... and the proof the server can compute from the changed rows fails against it.
    expect(verifyConsistency(before.treeSize, after.treeSize, before.root, after.root, proof.body.proof)).toBe(false);
    expect(proof.body.fromRoot).not.toBe(before.root);
    const changed = await inclusion(4, before.treeSize);
    expect(verifyInclusion(3, before.treeSize, changed.body.entryHash, changed.body.path, before.root)).toBe(false);
  });

  it('when the frontier cache is rebuilt from the changed rows, the next root changes and is inconsistent with the previous checkpoint', async () => {
    post(10);
    const before = await checkpointRoot();
    t.db.$client.exec('DROP TRIGGER ledger_entries_no_update');
    t.db.$client.prepare('UPDATE ledger_entries SET hash = ? WHERE chain_id = ? AND seq = 7').run('e'.repeat(64), v);
    t.db.$client.exec('DELETE FROM merkle_frontiers');
    post(2);
    const after = await checkpointRoot();
    expect(after.root).toBe(rootOf(hashes()));
    const proof = await consistency(before.treeSize, after.treeSize);
    expect(proof.body.toRoot).toBe(after.root);
    expect(verifyConsistency(before.treeSize, after.treeSize, before.root, after.root, proof.body.proof)).toBe(false);
  });

  it('a deleted row ends the village tree before it, and proofs past it answer 409', async () => {
    post(6);
    t.db.$client.exec('DROP TRIGGER ledger_entries_no_delete');
    t.db.$client.prepare('DELETE FROM ledger_entries WHERE chain_id = ? AND seq = 3').run(v);
    const cp = await checkpointRoot();
    expect(cp.treeSize).toBe(2);
    const res = await inclusion(5);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/第 3 条缺失/);
    expect((await inclusion(1, 2)).status).toBe(200);
  });
});

describe('board proposals', () => {
  it('make a board checkpoint of the county in the same transaction and record it on the publication', async () => {
    const tb = makeTestApp('2026-07-02T02:00:00.000Z');
    const b = await makeBoardWorld(tb);
    const res = await call(tb, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06' } });
    expect(res.status).toBe(201);
    const pub = tb.db.select().from(boardPublications).where(eq(boardPublications.id, res.body.id)).get()!;
    const cp = tb.db.select().from(checkpoints).where(eq(checkpoints.id, pub.checkpointId!)).get()!;
    expect(cp).toMatchObject({ countyId: b.w.areas.county.id, reason: 'board', seq: 1 });
    const body = JSON.parse(cp.body) as { villages: { villageId: number; treeSize: number }[] };
    const chain = tb.db.$client.prepare('SELECT last_seq AS lastSeq FROM ledger_chains WHERE village_id = ?').get(b.v) as { lastSeq: number };
    expect(body.villages.find((x) => x.villageId === b.v)!.treeSize).toBe(chain.lastSeq);
    // A refused proposal (one already pending) makes no checkpoint.
    const twice = await call(tb, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06' } });
    expect(twice.status).toBe(409);
    expect(tb.db.select().from(checkpoints).all()).toHaveLength(1);
    // The public publication names it.
    const reviewer = b.reviewer;
    await call(tb, 'POST', `/api/boards/publications/${res.body.id}/approve`, { cookie: reviewer });
    const fetched = await call(tb, 'GET', `/api/public/checkpoints/${cp.id}`);
    expect(fetched.body.body.reason).toBe('board');
  });
});
