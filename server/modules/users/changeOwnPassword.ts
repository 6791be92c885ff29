import { reserveAttempt, throttledFor, type Budget } from '../../../db/auth/throttle';
import { revokeUserSessions } from '../../../db/auth/sessions';
import { transaction } from '../../../db/transaction';
import { lockUser, updateUserRow, userById } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, TooManyRequests } from '../../lib/errors';
import { hashPassword, verifyPassword } from '../../lib/password';
import type { ChangeOwnPasswordBody } from './schemas';

/** Every attempt counts, before the hash is checked, so parallel guesses cannot slip past the budget. */
export const OWN_PASSWORD_BUDGET: Budget = { max: 5, windowMs: 15 * 60_000 };

const badCredentials = () => new Forbidden('当前密码不正确', 'bad_credentials');

/**
 * The only way to change one's own password: it asks for the current one, so a borrowed or stolen
 * session cannot take the account over. Other sessions of the account end; this one stays.
 */
export async function changeOwnPassword(ctx: Ctx, body: ChangeOwnPasswordBody) {
  const key = `own-password:${ctx.actor.userId}`;
  const now = ctx.now.getTime();
  // The attempt is counted in its own transaction before any hash, and stays counted. Check and count are one
  // statement: on PostgreSQL a separate check would let parallel guesses all read the same count.
  const stored = await transaction(ctx.db, async (tx) => {
    if ((await reserveAttempt(tx, key, OWN_PASSWORD_BUDGET, now)) === null) {
      throw new TooManyRequests('尝试过于频繁，请稍后再试', 'too_many_requests', await throttledFor(tx, key, OWN_PASSWORD_BUDGET, now));
    }
    return (await userById(tx, ctx.actor.userId))?.passwordHash;
  });
  if (!stored || !(await verifyPassword(body.currentPassword, stored))) throw badCredentials();
  const passwordHash = await hashPassword(body.newPassword, ctx.config.scryptN);
  return transaction(ctx.db, async (tx) => {
    // A password changed meanwhile (a reset, a parallel change) is no longer the one just checked.
    await lockUser(tx, ctx.actor.userId);
    if ((await userById(tx, ctx.actor.userId))?.passwordHash !== stored) throw badCredentials();
    await updateUserRow(tx, ctx.actor.userId, { passwordHash, updatedAt: now });
    const ended = await revokeUserSessions(tx, ctx.actor.userId, now, ctx.actor.sessionHash);
    await writeAudit(tx, ctx, { entity: 'user', entityId: ctx.actor.userId, action: 'user.change_own_password', after: { otherSessionsEnded: ended } });
    return { ok: true as const, otherSessionsEnded: ended };
  });
}
