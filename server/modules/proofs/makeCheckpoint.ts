import { areaById } from '../../../db/areas';
import { readDb } from '../../../db/client';
import type { CheckpointReason, CheckpointRow } from '../../../db/proofs/checkpoints';
import { transaction } from '../../../db/transaction';
import { catchUpFrontiers } from './catchUpFrontiers';
import { writeCheckpoint, type CheckpointCtx } from './writeCheckpoint';

/**
 * Makes the county's next signed checkpoint in a transaction of its own, after bringing the village
 * frontiers up to date outside it. No scope check: callers decide who may.
 */
export async function makeCheckpoint(ctx: CheckpointCtx, countyId: number, reason: CheckpointReason): Promise<CheckpointRow> {
  const county = await areaById(readDb(ctx.db), countyId);
  if (county?.kind === 'county') await catchUpFrontiers(ctx, county.path);
  return transaction(ctx.db, (tx) => writeCheckpoint(tx, ctx, countyId, reason));
}
