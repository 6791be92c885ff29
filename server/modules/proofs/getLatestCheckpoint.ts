import { replicaDb } from '../../../db/client';
import { lastCheckpointOfCounty, newestCheckpoint } from '../../../db/proofs/checkpoints';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { checkpointView } from './checkpointView';
import type { LatestCheckpointQuery } from './schemas';

/** The county's newest checkpoint (or the newest of any county); 404 before the first. */
export async function getLatestCheckpoint(ctx: PublicCtx, q: LatestCheckpointQuery) {
  const db = replicaDb(ctx.db);
  const row = q.countyId != null ? await lastCheckpointOfCounty(db, q.countyId) : await newestCheckpoint(db);
  if (!row) throw new NotFound('还没有检查点');
  return checkpointView(row);
}
