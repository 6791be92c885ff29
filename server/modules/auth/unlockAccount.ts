import { accountBackoff, saveAccountBackoff } from '../../../db/auth/throttle';
import { readDb, type Db } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { userById, type UserWithArea } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { mayManage } from '../users/policy';

async function manageableAccount(db: Db, ctx: Ctx, userId: number): Promise<UserWithArea> {
  const user = await userById(db, userId);
  if (!user || !pathWithin(ctx.actor, user.areaPath)) throw new NotFound('账号不存在');
  if (!mayManage(ctx.actor, { role: user.role, areaPath: user.areaPath })) throw new Forbidden('不能管理该账号', 'role_not_allowed');
  return user;
}

/**
 * Lifts a login lock at once (the account's failures start over). Allowed to whoever manages the
 * account (server/modules/users/policy.ts): never one's own, a peer's or a higher account's. An account
 * outside the actor's area answers as one that does not exist.
 */
export async function unlockAccount(ctx: Ctx, userId: number) {
  await manageableAccount(readDb(ctx.db), ctx, userId);
  return transaction(ctx.db, async (tx) => {
    const user = await manageableAccount(tx, ctx, userId);
    const before = (await accountBackoff(tx, userId)) ?? { failures: 0, until: null };
    await saveAccountBackoff(tx, userId, { failures: 0, until: null });
    await writeAudit(tx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'user.unlock',
      areaId: user.areaId,
      before: { failedLogins: before.failures, lockedUntil: before.until },
      after: { failedLogins: 0, lockedUntil: null },
    });
    const wasLocked = before.until !== null && before.until > ctx.now.getTime();
    return { id: userId, locked: false, wasLocked };
  });
}
