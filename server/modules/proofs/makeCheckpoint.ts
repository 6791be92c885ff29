import type { CheckpointReason, CheckpointRow } from '../../../db/proofs/checkpoints';
import { transaction } from '../../../db/transaction';
import { writeCheckpoint, type CheckpointCtx } from './writeCheckpoint';

/** Makes the county's next signed checkpoint in a transaction of its own. No scope check: callers decide who may. */
export async function makeCheckpoint(ctx: CheckpointCtx, countyId: number, reason: CheckpointReason): Promise<CheckpointRow> {
  return transaction(ctx.db, (tx) => writeCheckpoint(tx, ctx, countyId, reason));
}
