import { eq } from 'drizzle-orm';
import { accountBackoff, saveAccountBackoff } from '../../../db/throttle';
import { areas, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { mayManage } from '../users/policy';

/**
 * Lifts a login lock at once (the account's failures start over). Allowed to whoever manages the
 * account (server/modules/users/policy.ts): never one's own, a peer's or a higher account's. An account
 * outside the actor's area answers as one that does not exist.
 */
export function unlockAccount(ctx: Ctx, userId: number) {
  const row = ctx.db
    .select({ id: users.id, role: users.role, areaId: users.areaId, areaPath: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.id, userId))
    .get();
  if (!row || !pathWithin(ctx.actor, row.areaPath)) throw new NotFound('账号不存在');
  if (!mayManage(ctx.actor, { role: row.role, areaPath: row.areaPath })) throw new Forbidden('不能管理该账号', 'role_not_allowed');
  return ctx.db.transaction((tx) => {
    const before = accountBackoff(tx, userId) ?? { failures: 0, until: null };
    saveAccountBackoff(tx, userId, { failures: 0, until: null });
    writeAudit(tx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'user.unlock',
      areaId: row.areaId,
      before: { failedLogins: before.failures, lockedUntil: before.until },
      after: { failedLogins: 0, lockedUntil: null },
    });
    const wasLocked = before.until !== null && before.until > ctx.now.getTime();
    return { id: userId, locked: false, wasLocked };
  });
}
