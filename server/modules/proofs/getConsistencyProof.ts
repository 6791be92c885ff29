import { replicaDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import type { ConsistencyQuery } from './schemas';
import { villageOrNotFound, villageTree } from './villageTree';

/** RFC 6962 proof that the village's tree of `from` entries is a prefix of its tree of `to` (default: now). */
export async function getConsistencyProof(ctx: PublicCtx, villageId: number, q: ConsistencyQuery) {
  const db = replicaDb(ctx.db);
  const village = await villageOrNotFound(db, villageId);
  const to = q.to ?? village.lastSeq;
  if (to > village.lastSeq) throw new Invalid(`to 不能超过该村当前的流水条数 ${village.lastSeq}`, { path: ['to'] });
  if (q.from > to) throw new Invalid(`from 不能大于 to（${to}）`, { path: ['from'] });
  const tree = await villageTree(db, village, to);
  return { villageId, from: q.from, to, proof: tree.consistencyProof(q.from, to), fromRoot: tree.root(q.from), toRoot: tree.root(to) };
}
