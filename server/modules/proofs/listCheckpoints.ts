import { replicaDb } from '../../../db/client';
import { listCheckpointRows } from '../../../db/proofs/checkpoints';
import type { PublicCtx } from '../../lib/context';
import type { CheckpointListQuery } from './schemas';

/** Checkpoints newest first; `before` pages on by id. */
export async function listCheckpoints(ctx: PublicCtx, q: CheckpointListQuery) {
  const rows = await listCheckpointRows(replicaDb(ctx.db), q);
  return { items: rows.map((r) => ({ ...r, issuedAt: new Date(r.issuedAt).toISOString() })) };
}
