import { revokeSession } from '../../../db/auth/sessions';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';

export async function logout(ctx: Ctx): Promise<void> {
  await transaction(ctx.db, async (tx) => {
    await revokeSession(tx, ctx.actor.sessionHash, ctx.now.getTime());
    await writeAudit(tx, ctx, { entity: 'session', entityId: ctx.actor.userId, action: 'session.logout' });
  });
}
