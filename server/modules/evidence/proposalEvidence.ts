import { z } from 'zod';
import { hashesUploadedBy } from '../../../db/evidence/evidence';
import type { Db } from '../../../db/client';
import type { Actor } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { EVIDENCE_LIMITS } from './limits';

/** Photos on a proposal: the hashes `POST /api/evidence` answered, at most six, each once. */
export const EvidenceHashes = z
  .array(z.string().regex(/^[0-9a-f]{64}$/, '照片标识不正确'))
  .max(EVIDENCE_LIMITS.perAward, `每条申报最多 ${EVIDENCE_LIMITS.perAward} 张照片`)
  .refine((l) => new Set(l).size === l.length, '同一张照片重复添加');
export type EvidenceHashes = z.infer<typeof EvidenceHashes>;

/**
 * Every photo must be one the actor uploaded: knowing a photo's hash (from another award, another
 * village) is not enough to attach it. Uploads are never removed, so checking before the transaction holds.
 */
export async function assertOwnEvidence(db: Db, actor: Actor, hashes: readonly string[]): Promise<void> {
  if (!hashes.length) return;
  const mine = await hashesUploadedBy(db, actor.userId, hashes);
  const unknown = [...new Set(hashes)].filter((h) => !mine.has(h));
  if (unknown.length) throw new Invalid('照片不存在或不是您上传的，请重新拍照上传', { hashes: unknown.slice(0, 10) }, 'unknown_evidence');
}

/** A rule marked 需佐证 takes at least one photo on every row it is given to. */
export function refuseWithoutPhotos(rule: { id: number; name: string; evidenceRequired: boolean }, rows: readonly { householdId: number; ruleId: number; evidence: readonly string[] }[]): void {
  if (!rule.evidenceRequired) return;
  const bare = rows.filter((r) => r.ruleId === rule.id && !r.evidence.length).map((r) => r.householdId);
  if (bare.length) throw new Invalid(`「${rule.name}」需要照片佐证，${bare.length} 户未添加照片`, { ruleId: rule.id, householdIds: bare }, 'evidence_required');
}
