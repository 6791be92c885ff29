import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { checkScoreSheet, readScoreSheet, summariseScores } from './checkAwardRows';
import type { AwardImportBody } from './schemas';

/** What a score sheet would propose, row by row, with every row's errors; writes nothing. */
export async function previewAwardImport(ctx: Ctx, body: AwardImportBody) {
  const { village, sheet } = await readScoreSheet(ctx, body);
  const rows = await checkScoreSheet(readDb(ctx.db), village, sheet, body.occurredOn);
  return { village: { id: village.id, name: village.name }, occurredOn: body.occurredOn, counts: summariseScores(rows), rows };
}
