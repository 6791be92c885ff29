import { readDb } from '../../../db/client';
import { villageChainInfo } from '../../../db/proofs/chains';
import { lastCheckpointOfCounty } from '../../../db/proofs/checkpoints';
import { householdChainEntries, householdPseudonymSeed } from '../../../db/proofs/householdEntries';
import { pseudonymYear, yearlyPseudonym } from '../../../db/ledger/pseudonym';
import { shanghaiDay } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { checkpointView } from './checkpointView';
import { villageTree } from './villageTree';
import { countyIdOfPath } from './writeCheckpoint';

/**
 * A household's own entries with their inclusion paths into its village's tree as the county's latest
 * checkpoint signed it; entries newer than that checkpoint come with `path: null` (the next one covers
 * them). Each entry carries the pseudonym of its own year; `pseudonym` is this year's (Shanghai), the one
 * this year's boards show. The household itself, or staff whose area holds it; anything else is 404 as
 * for the household. The seed itself never leaves.
 */
export async function getHouseholdProofs(ctx: Ctx, householdId: number) {
  const db = readDb(ctx.db);
  const household = await getHouseholdInScope(db, ctx.actor, householdId);
  const row = await lastCheckpointOfCounty(db, countyIdOfPath(household.villagePath));
  if (!row) throw new NotFound('本县还没有签名检查点，请稍后再查');
  const checkpoint = checkpointView(row);
  // Set by a trigger on every household (migration 0013): missing only on a database not migrated.
  const seed = await householdPseudonymSeed(db, householdId);
  if (!seed) throw new Error(`household ${householdId} has no pseudonym seed`);
  const year = pseudonymYear(shanghaiDay(ctx.now.getTime()));
  const villageId = household.villageId;
  const signed = checkpoint.body.villages.find((v) => v.villageId === villageId);
  const treeSize = signed?.treeSize ?? 0;
  const entries = await householdChainEntries(db, householdId, villageId);
  const village = await villageChainInfo(db, villageId);
  const tree = village && treeSize > 0 && entries.some((e) => e.seq <= treeSize) ? await villageTree(db, village, treeSize) : null;
  return {
    checkpoint,
    villageId,
    year,
    pseudonym: yearlyPseudonym(seed, year),
    entries: entries.map((e) => ({ ...e, path: tree && e.seq <= treeSize ? tree.inclusionPath(e.seq - 1, treeSize) : null })),
  };
}
