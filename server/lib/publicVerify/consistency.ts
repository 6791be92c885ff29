import canonicalize from 'canonicalize';
import { fetchParsed, type PublicApi } from './api';
import type { VerifiedCheckpoint } from './checkpoint';
import { sha256Hex, utf8 } from './crypto';
import { verifyConsistency } from './merkle';
import { Recorder, Stop, guarded, optionsOf, type Progress, type VerifyOptions, type VerifyReport } from './report';
import { CheckpointList, ConsistencyProof, SignedCheckpoint } from './schemas';

/** What a verifier remembers of a checkpoint it checked: enough to demand that the next one extends it. */
export interface RememberedCheckpoint {
  id: number;
  countyId: number;
  seq: number;
  hash: string;
  body: { villages: Array<{ villageId: number; villageName: string; treeSize: number; root: string }> };
}

/**
 * Walks the county's checkpoint chain from `current` back to `previous`: every checkpoint in between is
 * fetched, its hash recomputed from its body, and each body's previousHash must be the hash of the one before,
 * ending at exactly the hash remembered for `previous`. A re-signed history breaks this walk.
 */
async function checkChain(api: PublicApi, rec: Recorder, previous: RememberedCheckpoint, current: VerifiedCheckpoint): Promise<void> {
  if (current.seq === previous.seq) {
    rec.expect(current.hash === previous.hash, 'checkpoint chain', `checkpoint No. ${current.seq} is the one seen before`, {
      what: `checkpoint No. ${current.seq} of county ${current.countyId} now has hash ${current.hash.slice(0, 16)}…, but ${previous.hash.slice(0, 16)}… was seen before: the server re-signed a different history`,
    });
    return;
  }
  if (current.seq < previous.seq) throw new Stop('checkpoint chain', { what: `the latest checkpoint is No. ${current.seq}, older than No. ${previous.seq} seen before: checkpoints were removed` });
  // Checkpoints between the two, by seq, from the list (newest first, paged by id).
  const wanted = new Map<number, number>();
  let before: number | undefined;
  for (let pages = 0; pages < 1000 && wanted.size < current.seq - previous.seq; pages++) {
    const list = await fetchParsed(api, `/public/checkpoints?countyId=${current.countyId}&limit=100${before ? `&before=${before}` : ''}`, CheckpointList, 'checkpoint chain');
    if (!list.items.length) break;
    for (const item of list.items) if (item.countyId === current.countyId && item.seq >= previous.seq && item.seq < current.seq) wanted.set(item.seq, item.id);
    const last = list.items[list.items.length - 1];
    if (last.seq < previous.seq) break;
    before = last.id;
  }
  let expected = current.body.previousHash;
  for (let seq = current.seq - 1; seq >= previous.seq; seq--) {
    const id = wanted.get(seq);
    if (id === undefined) throw new Stop('checkpoint chain', { what: `checkpoint No. ${seq} of county ${current.countyId} is no longer listed: the chain from No. ${current.seq} back to No. ${previous.seq} (seen before) is broken` });
    const served = await fetchParsed(api, `/public/checkpoints/${id}`, SignedCheckpoint, 'checkpoint chain');
    const canonical = canonicalize(served.body);
    const hash = canonical === undefined ? '' : await sha256Hex(utf8(canonical));
    const body = served.body as { previousHash?: unknown; seq?: unknown };
    if (hash !== expected || body.seq !== seq) {
      throw new Stop('checkpoint chain', { what: `checkpoint No. ${seq + 1}'s previousHash is not the hash of checkpoint No. ${seq}: the checkpoint chain is broken` });
    }
    if (seq === previous.seq && hash !== previous.hash) {
      throw new Stop('checkpoint chain', {
        what: `checkpoint No. ${current.seq} does not link back to checkpoint No. ${previous.seq} seen before (hash ${previous.hash.slice(0, 16)}…, now ${hash.slice(0, 16)}…): the history was rewritten and re-signed`,
      });
    }
    expected = typeof body.previousHash === 'string' ? body.previousHash : null;
  }
  rec.pass('checkpoint chain', `checkpoints No. ${previous.seq} → No. ${current.seq} link by hash`);
}

/**
 * Does `current` extend `previous` (an earlier checkpoint of the same county, e.g. from a state file)? The
 * checkpoint chain must link back by hash, and for every village the ledger must only have grown: an RFC 6962
 * consistency proof from the old tree size to the new one, checked against the two signed roots.
 */
export async function checkConsistency(api: PublicApi, previous: RememberedCheckpoint, current: VerifiedCheckpoint, options?: VerifyOptions | Progress): Promise<VerifyReport> {
  const o = optionsOf(options);
  const rec = new Recorder();
  await guarded(rec, async () => {
    if (previous.countyId !== current.countyId) throw new Stop('checkpoint chain', { what: `checkpoint #${current.id} is of county ${current.countyId}, the remembered one of county ${previous.countyId}` });
    await checkChain(api, rec, previous, current);
    const now = new Map(current.body.villages.map((v) => [v.villageId, v]));
    const total = previous.body.villages.length;
    let done = 0;
    for (const old of previous.body.villages) {
      const cur = now.get(old.villageId);
      const name = old.villageName;
      if (!cur) throw new Stop('ledger only grows', { villageId: old.villageId, what: `${name} (village ${old.villageId}) is missing from checkpoint #${current.id}` });
      if (cur.treeSize < old.treeSize) {
        throw new Stop('ledger only grows', { villageId: old.villageId, seq: cur.treeSize + 1, what: `${name}: ${old.treeSize} entries at checkpoint No. ${previous.seq}, only ${cur.treeSize} at No. ${current.seq}: entries from seq ${cur.treeSize + 1} were removed` });
      }
      let ok: boolean;
      if (old.treeSize === 0 || old.treeSize === cur.treeSize) {
        ok = await verifyConsistency(old.treeSize, cur.treeSize, old.root, cur.root, []);
      } else {
        const p = await fetchParsed(api, `/public/villages/${old.villageId}/proof/consistency?from=${old.treeSize}&to=${cur.treeSize}`, ConsistencyProof, 'ledger only grows', { villageId: old.villageId });
        ok = p.from === old.treeSize && p.to === cur.treeSize && (await verifyConsistency(old.treeSize, cur.treeSize, old.root, cur.root, p.proof));
      }
      if (!ok) {
        throw new Stop('ledger only grows', {
          villageId: old.villageId,
          what: `${name}: the ledger of checkpoint No. ${current.seq} (${cur.treeSize} entries) does not extend the ${old.treeSize} entries signed in No. ${previous.seq}: entries 1–${old.treeSize} were changed`,
        });
      }
      o.onProgress?.(++done, total);
    }
    rec.pass('ledger only grows', `${total} villages: checkpoint No. ${current.seq} extends No. ${previous.seq}`);
  });
  return rec.report();
}
