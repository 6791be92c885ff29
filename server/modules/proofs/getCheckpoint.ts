import { replicaDb } from '../../../db/client';
import { checkpointById } from '../../../db/proofs/checkpoints';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { checkpointView } from './checkpointView';

export async function getCheckpoint(ctx: PublicCtx, id: number) {
  const row = await checkpointById(replicaDb(ctx.db), id);
  if (!row) throw new NotFound('检查点不存在');
  return checkpointView(row);
}
