import type { Db } from '../../../db/client';
import { villageChainInfo, villageEntryHashes, type VillageChainInfo } from '../../../db/proofs/chains';
import { Conflict, NotFound } from '../../lib/errors';
import { MerkleTree } from '../../lib/merkle';

/** A village and its chain length; 404 for anything that is not a village. */
export async function villageOrNotFound(db: Db, villageId: number): Promise<VillageChainInfo> {
  const village = await villageChainInfo(db, villageId);
  if (!village) throw new NotFound('村不存在');
  return village;
}

/** The Merkle tree of a village's first `treeSize` entries (all read: O(n), ~n hashes). */
export async function villageTree(db: Db, villageId: number, treeSize: number): Promise<{ tree: MerkleTree; entryHashes: string[] }> {
  const hashes = await villageEntryHashes(db, villageId, 1, treeSize);
  // A missing seq below the chain's head: the rows were deleted behind the ledger's back.
  if (hashes.length < treeSize) throw new Conflict('conflict', `该村积分流水第 ${hashes.length + 1} 条缺失，无法出具证明`);
  return { tree: MerkleTree.ofEntries(hashes), entryHashes: hashes };
}
