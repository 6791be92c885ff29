import { readDb } from '../../../db/client';
import { evidenceAudience, evidenceFileByHash } from '../../../db/evidence/evidence';
import { EVIDENCE_HASH, readEvidenceFile } from '../../../db/evidence/files';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

const MISSING = '照片不存在';

/**
 * A photo for someone entitled to see it: its uploader, staff (not clerks) of the area of an award
 * that shows it, or the household of such an award. Photos are personal data: to anyone else, and on
 * every public page, it does not exist.
 */
export async function getEvidence(ctx: Ctx, hash: string): Promise<{ bytes: Buffer; contentType: 'image/jpeg' }> {
  if (!EVIDENCE_HASH.test(hash)) throw new NotFound(MISSING);
  const db = readDb(ctx.db);
  const file = await evidenceFileByHash(db, hash);
  if (!file) throw new NotFound(MISSING);
  const { actor } = ctx;
  const audience = await evidenceAudience(db, hash);
  const allowed =
    audience.uploaders.includes(actor.userId) ||
    (actor.role === 'household'
      ? audience.awards.some((a) => a.householdId === actor.householdId)
      : actor.role !== 'clerk' && audience.awards.some((a) => pathWithin(actor, a.villagePath)));
  if (!allowed) throw new NotFound(MISSING);
  const bytes = ctx.config.evidenceDir ? readEvidenceFile(ctx.config.evidenceDir, hash) : null;
  // Recorded but gone from the folder: npm run verify names it; the viewer learns only that it is missing.
  if (!bytes) throw new NotFound('照片文件缺失，请联系管理员');
  return { bytes, contentType: 'image/jpeg' };
}
