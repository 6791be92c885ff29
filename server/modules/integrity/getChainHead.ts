import { chainHeadOf } from '../../../db/ledger';
import type { PublicCtx } from '../../lib/context';

/** The ledger's chain head: anyone can note it and later check a copy of the database against it. */
export function getChainHead(ctx: PublicCtx): { lastEntryId: number; hash: string } {
  const head = chainHeadOf(ctx.db);
  return { lastEntryId: head.lastEntryId, hash: head.hash };
}
