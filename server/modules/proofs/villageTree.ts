import type { Db } from '../../../db/client';
import { villageChainInfo, villageEntryHash, villageEntryHashes, type VillageChainInfo } from '../../../db/proofs/chains';
import { Conflict, NotFound } from '../../lib/errors';
import { MerkleTree } from '../../lib/merkle';

/** A village and its chain length; 404 for anything that is not a village. */
export async function villageOrNotFound(db: Db, villageId: number): Promise<VillageChainInfo> {
  const village = await villageChainInfo(db, villageId);
  if (!village) throw new NotFound('村不存在');
  return village;
}

interface Cached {
  tree: MerkleTree;
  /** The hash of the tree's last entry when it was built: the entry is re-read to check the tree still stands. */
  lastHash: string;
}

// Building a village's tree reads and hashes every entry (~0.3 s for 50,000 on a busy machine); proofs of
// one village come in bursts (a board's 核验 asks for each of its households), so the last few trees are
// kept. Keyed by database, as every cache here; an entry is used only while its last entry is unchanged.
const MAX_TREES = 16;
const MAX_BYTES = 64 * 1024 * 1024;
const caches = new WeakMap<Db, Map<number, Cached>>();

function cacheOf(db: Db): Map<number, Cached> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

function remember(cache: Map<number, Cached>, villageId: number, entry: Cached): void {
  cache.delete(villageId);
  cache.set(villageId, entry);
  let bytes = 0;
  for (const c of cache.values()) bytes += c.tree.bytes;
  for (const [id, c] of cache) {
    if (cache.size <= MAX_TREES && bytes <= MAX_BYTES) break;
    cache.delete(id);
    bytes -= c.tree.bytes;
  }
}

/**
 * A Merkle tree over the village's chain that covers at least `treeSize` entries (it answers roots and
 * proofs for every size up to its own). Built over the whole chain now, or taken from the cache when
 * the cached tree is large enough and its last entry still carries the hash it was built with.
 */
export async function villageTree(db: Db, village: VillageChainInfo, treeSize: number): Promise<MerkleTree> {
  const cache = cacheOf(db);
  const cached = cache.get(village.villageId);
  if (cached && cached.tree.size >= treeSize && cached.tree.size > 0 && (await villageEntryHash(db, village.villageId, cached.tree.size)) === cached.lastHash) {
    remember(cache, village.villageId, cached);
    return cached.tree;
  }
  const hashes = await villageEntryHashes(db, village.villageId, 1, village.lastSeq);
  // A missing seq below the chain's head: the rows were deleted behind the ledger's back.
  if (hashes.length < treeSize) throw new Conflict('conflict', `该村积分流水第 ${hashes.length + 1} 条缺失，无法出具证明`);
  const tree = MerkleTree.ofEntries(hashes);
  if (hashes.length > 0) remember(cache, village.villageId, { tree, lastHash: hashes[hashes.length - 1] });
  return tree;
}
