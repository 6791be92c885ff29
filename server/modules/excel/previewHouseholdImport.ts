import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { checkRoster, newGroupsOf, readRoster, summarise } from './checkHouseholdRows';
import type { HouseholdImportBody } from './schemas';

/** Every row of the roster with what the import would do and why it cannot; writes nothing. */
export async function previewHouseholdImport(ctx: Ctx, body: HouseholdImportBody) {
  const { village, sheet } = await readRoster(ctx, body);
  const { rows } = await checkRoster(readDb(ctx.db), village, sheet);
  // Groups the village lacks: shown for the cadre to confirm; the import makes them with createGroups.
  return { village: { id: village.id, name: village.name }, counts: summarise(rows), newGroups: newGroupsOf(rows), rows };
}
