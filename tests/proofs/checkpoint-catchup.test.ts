import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendLedgerEntry } from '../../db/ledger';
import { checkpoints, ledgerEntries, merkleFrontiers } from '../../db/schema';
import { transaction } from '../../db/transaction';
import { systemCtx } from '../../server/lib/context';
import { EMPTY_FRONTIER, frontierAppend, frontierAppendPacked, MerkleTree, packEntryHashes, rootOf, rootOfFrontier, verifyConsistency } from '../../server/lib/merkle';
import { CATCH_UP_SLICE, catchUpFrontiers } from '../../server/modules/proofs/catchUpFrontiers';
import { makeCheckpoint } from '../../server/modules/proofs/makeCheckpoint';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { makeWorld, writeNow } from '../support/factories';

const T0 = Date.parse('2026-06-01T02:00:00.000Z');

type World = Awaited<ReturnType<typeof makeWorld>>;
let t: TestApp;
let w: World;

beforeEach(async () => {
  t = makeTestApp('2026-06-15T02:00:00.000Z');
  w = await makeWorld(t);
});

const ctx = () => systemCtx(t.db, testConfig, t.clock.now);
const hex = () => randomBytes(32).toString('hex');

function chainHashes(villageId: number): string[] {
  return t.db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(eq(ledgerEntries.chainId, villageId)).orderBy(asc(ledgerEntries.seq)).all().map((r) => r.hash);
}

/** Many entries in one transaction (a slice's worth takes a moment, one transaction each would take long). */
function bulkPost(villageId: number, householdId: number, n: number) {
  writeNow(t.db, () => {
    for (let i = 0; i < n; i++) appendLedgerEntry(t.db, { householdId, villageId, kind: 'award', points: 1 + (i % 3), conductPoints: 1, occurredOn: '2026-06-01', createdAt: T0 });
  });
}

async function postOne(villageId: number, householdId: number) {
  await transaction(t.db, async (tx) => {
    appendLedgerEntry(tx, { householdId, villageId, kind: 'award', points: 1, conductPoints: 1, occurredOn: '2026-06-01', createdAt: T0 });
  });
}

interface Body {
  villages: { villageId: number; treeSize: number; root: string }[];
}
const bodyOf = (id: number) => JSON.parse(t.db.select().from(checkpoints).where(eq(checkpoints.id, id)).get()!.body) as Body;

describe('frontiers built in one pass', () => {
  it('give the from-scratch root for every size, whatever the slices appended', () => {
    const entries = Array.from({ length: 300 }, hex);
    let frontier = EMPTY_FRONTIER;
    let at = 0;
    for (const step of [1, 2, 3, 64, 1, 7, 0, 100, 122]) {
      frontier = frontierAppendPacked(frontier, packEntryHashes(entries.slice(at, at + step)));
      at += step;
      expect(frontier.size).toBe(at);
      expect(rootOfFrontier(frontier)).toBe(rootOf(entries.slice(0, at)));
      expect(frontier.nodes).toHaveLength(at.toString(2).replace(/0/g, '').length);
    }
    expect(frontierAppend(EMPTY_FRONTIER, entries)).toEqual(frontier);
    expect(MerkleTree.ofEntries(entries).root()).toBe(rootOfFrontier(frontier));
  });

  it('refuse a hash that is not 64 lowercase hex digits, wherever it sits in the batch', () => {
    const good = Array.from({ length: 5 }, hex);
    for (const bad of [good[0].toUpperCase(), good[0].slice(1), `${good[0]}0`, `${good[0].slice(0, 63)}g`, '', `${good[0].slice(0, 62)}\u00e9`]) {
      for (const at of [0, 2, 4]) {
        const batch = good.slice();
        batch[at] = bad;
        expect(() => packEntryHashes(batch)).toThrow(/not a 32-byte lowercase hex hash/);
        expect(() => frontierAppend(EMPTY_FRONTIER, batch)).toThrow(/not a 32-byte lowercase hex hash/);
      }
    }
    // Two wrong lengths that add up to the right total are still refused.
    expect(() => packEntryHashes([good[0].slice(1), `${good[1]}0`])).toThrow(/not a 32-byte lowercase hex hash/);
    expect(packEntryHashes([])).toHaveLength(0);
  });
});

describe('catching a county up before its first checkpoint', () => {
  it('builds a village of several slices in pauses, and the checkpoint equals the tree built from scratch', async () => {
    const v = w.areas.villageA.id;
    const n = 2 * CATCH_UP_SLICE + 37;
    bulkPost(v, w.household.id, n);
    bulkPost(w.areas.villageB.id, w.otherHousehold.id, 5);
    // The event loop turns while it works: at least once per slice.
    let turns = 0;
    let done = false;
    const spin = (async () => {
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    })();
    await catchUpFrontiers(ctx(), w.areas.county.path);
    done = true;
    await spin;
    expect(turns).toBeGreaterThanOrEqual(Math.floor(n / CATCH_UP_SLICE));
    const stored = t.db.select().from(merkleFrontiers).where(eq(merkleFrontiers.villageId, v)).get()!;
    expect(stored.treeSize).toBe(n);
    const made = await makeCheckpoint(ctx(), w.areas.county.id, 'manual');
    for (const village of bodyOf(made.id).villages) expect(village.root, `village ${village.villageId}`).toBe(rootOf(chainHashes(village.villageId)));
  });

  it('is correct while postings go on: every village root equals the from-scratch root at its size, and the next checkpoint is consistent', async () => {
    const v = w.areas.villageA.id;
    bulkPost(v, w.household.id, 3 * CATCH_UP_SLICE + 500);
    bulkPost(w.areas.villageB.id, w.otherHousehold.id, 300);
    const before = chainHashes(v).length;
    let done = false;
    let posted = 0;
    const poster = (async () => {
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        await postOne(posted % 2 ? w.areas.villageB.id : v, posted % 2 ? w.otherHousehold.id : w.household.id);
        posted++;
      }
    })();
    const made = await makeCheckpoint(ctx(), w.areas.county.id, 'manual');
    done = true;
    await poster;
    // Postings were committed while the checkpoint was being made, not only before or after it.
    expect(posted).toBeGreaterThanOrEqual(3);
    const first = bodyOf(made.id);
    const a = first.villages.find((x) => x.villageId === v)!;
    expect(a.treeSize).toBeGreaterThan(before);
    for (const village of first.villages) {
      const all = chainHashes(village.villageId);
      expect(village.treeSize).toBeLessThanOrEqual(all.length);
      expect(village.root, `village ${village.villageId}`).toBe(rootOf(all.slice(0, village.treeSize)));
    }
    const next = bodyOf((await makeCheckpoint(ctx(), w.areas.county.id, 'manual')).id);
    for (const village of next.villages) {
      const old = first.villages.find((x) => x.villageId === village.villageId)!;
      const all = chainHashes(village.villageId);
      expect(village.treeSize).toBe(all.length);
      const proof = MerkleTree.ofEntries(all).consistencyProof(old.treeSize, village.treeSize);
      expect(verifyConsistency(old.treeSize, village.treeSize, old.root, village.root, proof)).toBe(true);
    }
  });

  it('two catch-ups at once keep the longer frontier and agree on the roots', async () => {
    const v = w.areas.villageA.id;
    bulkPost(v, w.household.id, CATCH_UP_SLICE + 10);
    const first = catchUpFrontiers(ctx(), w.areas.county.path);
    await new Promise((resolve) => setImmediate(resolve));
    bulkPost(v, w.household.id, 20);
    await Promise.all([first, catchUpFrontiers(ctx(), w.areas.county.path)]);
    expect(t.db.select().from(merkleFrontiers).where(eq(merkleFrontiers.villageId, v)).get()!.treeSize).toBe(CATCH_UP_SLICE + 30);
    const made = await makeCheckpoint(ctx(), w.areas.county.id, 'manual');
    expect(bodyOf(made.id).villages.find((x) => x.villageId === v)).toMatchObject({ treeSize: CATCH_UP_SLICE + 30, root: rootOf(chainHashes(v)) });
  });

  it('stops a village before a deleted row, so the checkpoint shows the tree ending there', async () => {
    const v = w.areas.villageA.id;
    bulkPost(v, w.household.id, CATCH_UP_SLICE + 100);
    t.db.$client.exec('DROP TRIGGER ledger_entries_no_delete');
    const gap = CATCH_UP_SLICE + 3;
    t.db.$client.prepare('DELETE FROM ledger_entries WHERE chain_id = ? AND seq = ?').run(v, gap);
    const made = await makeCheckpoint(ctx(), w.areas.county.id, 'manual');
    const hashes = chainHashes(v);
    expect(bodyOf(made.id).villages.find((x) => x.villageId === v)).toMatchObject({ treeSize: gap - 1, root: rootOf(hashes.slice(0, gap - 1)) });
  });
});
