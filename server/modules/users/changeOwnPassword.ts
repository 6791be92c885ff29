import { and, eq, isNull, ne } from 'drizzle-orm';
import { recordFailure, throttledFor, type Budget } from '../../../db/throttle';
import { sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, TooManyRequests } from '../../lib/errors';
import { hashPassword, verifyPassword } from '../../lib/password';
import type { ChangeOwnPasswordBody } from './schemas';

/** Every attempt counts, before the hash is checked, so parallel guesses cannot slip past the budget. */
export const OWN_PASSWORD_BUDGET: Budget = { max: 5, windowMs: 15 * 60_000 };

/**
 * The only way to change one's own password: it asks for the current one, so a borrowed or stolen
 * session cannot take the account over. Other sessions of the account end; this one stays.
 */
export async function changeOwnPassword(ctx: Ctx, body: ChangeOwnPasswordBody) {
  const key = `own-password:${ctx.actor.userId}`;
  const now = ctx.now.getTime();
  const wait = throttledFor(ctx.db, key, OWN_PASSWORD_BUDGET, now);
  if (wait) throw new TooManyRequests('尝试过于频繁，请稍后再试', 'too_many_requests', wait);
  recordFailure(ctx.db, key, OWN_PASSWORD_BUDGET, now);
  const user = ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, ctx.actor.userId)).get();
  if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash))) throw new Forbidden('当前密码不正确', 'bad_credentials');
  const passwordHash = await hashPassword(body.newPassword, ctx.config.scryptN);
  return ctx.db.transaction((tx) => {
    tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, ctx.actor.userId)).run();
    const ended = tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, ctx.actor.userId), isNull(sessions.revokedAt), ne(sessions.idHash, ctx.actor.sessionHash)))
      .run().changes;
    writeAudit(tx, ctx, { entity: 'user', entityId: ctx.actor.userId, action: 'user.change_own_password', after: { otherSessionsEnded: ended } });
    return { ok: true as const, otherSessionsEnded: ended };
  });
}
