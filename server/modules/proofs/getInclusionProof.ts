import { replicaDb } from '../../../db/client';
import { villageEntryHash } from '../../../db/proofs/chains';
import type { PublicCtx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import type { InclusionQuery } from './schemas';
import { villageOrNotFound, villageTree } from './villageTree';

/** The audit path of entry `seq` in the village's tree of `treeSize` entries (default: the whole chain now). */
export async function getInclusionProof(ctx: PublicCtx, villageId: number, q: InclusionQuery) {
  const db = replicaDb(ctx.db);
  const village = await villageOrNotFound(db, villageId);
  const treeSize = q.treeSize ?? village.lastSeq;
  if (treeSize > village.lastSeq) throw new Invalid(`treeSize 不能超过该村当前的流水条数 ${village.lastSeq}`, { path: ['treeSize'] });
  if (q.seq < 1 || q.seq > treeSize) throw new Invalid(`seq 应在 1 到 ${treeSize} 之间`, { path: ['seq'] });
  const tree = await villageTree(db, village, treeSize);
  const entryHash = await villageEntryHash(db, villageId, q.seq);
  // The tree was just built from (or checked against) the rows: the entry is there unless deleted in between.
  if (entryHash === undefined) throw new Conflict('conflict', `该村积分流水第 ${q.seq} 条缺失，无法出具证明`);
  const leafIndex = q.seq - 1;
  return {
    villageId,
    seq: q.seq,
    treeSize,
    leafIndex,
    entryHash,
    path: tree.inclusionPath(leafIndex, treeSize),
    root: tree.root(treeSize),
  };
}
