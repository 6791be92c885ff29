import { readDb } from '../../../db/client';
import { counties, lastCheckpointOfReason } from '../../../db/proofs/checkpoints';
import { transaction } from '../../../db/transaction';
import { shanghaiDay } from '../../../db/time';
import type { SystemCtx } from '../../lib/context';
import { catchUpFrontiers } from './catchUpFrontiers';
import { writeCheckpoint } from './writeCheckpoint';

/**
 * The scheduler's daily checkpoint: one 'daily' per county per Shanghai day. Whether today's exists is
 * decided inside the transaction that would write it, so a second server or a restart makes none.
 * Returns the ids made.
 */
export async function makeDailyCheckpoints(ctx: SystemCtx): Promise<number[]> {
  const today = shanghaiDay(ctx.now.getTime());
  const isDone = async (db: typeof ctx.db, countyId: number) => {
    const last = await lastCheckpointOfReason(db, countyId, 'daily');
    return last != null && shanghaiDay(last.issuedAt) >= today;
  };
  const made: number[] = [];
  for (const county of await counties(readDb(ctx.db))) {
    if (await isDone(readDb(ctx.db), county.id)) continue;
    await catchUpFrontiers(ctx, county.path);
    const id = await transaction(ctx.db, async (tx) => ((await isDone(tx, county.id)) ? null : (await writeCheckpoint(tx, ctx, county.id, 'daily')).id));
    if (id != null) made.push(id);
  }
  return made;
}
