import { checkpointKeyOf, type CheckpointKeyInfo } from '../../lib/checkpointKey';
import type { PublicCtx } from '../../lib/context';

/** The public half of the signing key and its fingerprint. */
export async function getCheckpointKey(ctx: PublicCtx): Promise<CheckpointKeyInfo> {
  return checkpointKeyOf(ctx.config, ctx.db).info;
}
