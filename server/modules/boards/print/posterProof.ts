import { replicaDb } from '../../../../db/client';
import { checkpointById, lastCheckpointOfCounty } from '../../../../db/proofs/checkpoints';
import { checkpointKeyOf, fingerprintDisplay } from '../../../lib/checkpointKey';
import type { PublicCtx } from '../../../lib/context';
import { loadArea } from '../boardArea';
import type { PosterProof } from './layout';

/**
 * The checkpoint line of a poster. `checkpointId`: a publication's own (null when it was published
 * before checkpoints existed); left out for live pages, which name the county's latest checkpoint.
 */
export async function posterProof(ctx: PublicCtx, areaId: number, checkpointId?: number | null): Promise<PosterProof> {
  const db = replicaDb(ctx.db);
  const current = checkpointKeyOf(ctx.config, ctx.db).info.fingerprintDisplay;
  if (checkpointId === null) return { checkpointSeq: null, own: false, beforeCheckpoints: true, fingerprintDisplay: current };
  if (checkpointId !== undefined) {
    const own = await checkpointById(db, checkpointId);
    // The key that signed this board's checkpoint is the one 核验 will show: print that one.
    if (own) return { checkpointSeq: own.seq, own: true, beforeCheckpoints: false, fingerprintDisplay: fingerprintDisplay(own.keyFingerprint) };
  }
  const { row } = await loadArea(db, areaId);
  const countyId = Number(row.path.split('/').filter(Boolean)[0]);
  const latest = await lastCheckpointOfCounty(db, countyId);
  return { checkpointSeq: latest?.seq ?? null, own: false, beforeCheckpoints: false, fingerprintDisplay: latest ? fingerprintDisplay(latest.keyFingerprint) : current };
}
