import { readDb } from '../../../db/client';
import { countyIds, lastCheckpointOfReason } from '../../../db/proofs/checkpoints';
import { transaction } from '../../../db/transaction';
import { shanghaiDay } from '../../../db/time';
import type { SystemCtx } from '../../lib/context';
import { writeCheckpoint } from './writeCheckpoint';

/**
 * The scheduler's daily checkpoint: one 'daily' per county per Shanghai day. Whether today's exists is
 * decided inside the transaction that would write it, so a second server or a restart makes none.
 * Returns the ids made.
 */
export async function makeDailyCheckpoints(ctx: SystemCtx): Promise<number[]> {
  const today = shanghaiDay(ctx.now.getTime());
  const made: number[] = [];
  for (const countyId of await countyIds(readDb(ctx.db))) {
    const id = await transaction(ctx.db, async (tx) => {
      const last = await lastCheckpointOfReason(tx, countyId, 'daily');
      if (last && shanghaiDay(last.issuedAt) >= today) return null;
      return (await writeCheckpoint(tx, ctx, countyId, 'daily')).id;
    });
    if (id != null) made.push(id);
  }
  return made;
}
