import type { Ctx } from '../../lib/context';
import { checkRosterYielding, readRoster, summarise } from './checkHouseholdRows';
import type { HouseholdImportBody } from './schemas';

/** Every row of the roster with what the import would do and why it cannot; writes nothing. */
export async function previewHouseholdImport(ctx: Ctx, body: HouseholdImportBody) {
  const { village, sheet } = await readRoster(ctx, body);
  const rows = await checkRosterYielding(ctx, village, sheet);
  return { village: { id: village.id, name: village.name }, counts: summarise(rows), rows };
}
