import { eq } from 'drizzle-orm';
import { sessions } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';

export function logout(ctx: Ctx): void {
  ctx.db.transaction((tx) => {
    tx.update(sessions).set({ revokedAt: ctx.now.getTime() }).where(eq(sessions.idHash, ctx.actor.sessionHash)).run();
    writeAudit(tx, ctx, { entity: 'session', entityId: ctx.actor.userId, action: 'session.logout' });
  });
}
