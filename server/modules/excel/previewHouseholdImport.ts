import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { checkRoster, readRoster, summarise } from './checkHouseholdRows';
import type { HouseholdImportBody } from './schemas';

/** Every row of the roster with what the import would do and why it cannot; writes nothing. */
export async function previewHouseholdImport(ctx: Ctx, body: HouseholdImportBody) {
  const { village, sheet } = await readRoster(ctx, body);
  const { rows } = await checkRoster(readDb(ctx.db), village, sheet);
  return { village: { id: village.id, name: village.name }, counts: summarise(rows), rows };
}
