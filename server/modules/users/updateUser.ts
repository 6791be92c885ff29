import { and, eq, isNull } from 'drizzle-orm';
import { areas, sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Forbidden, Invalid, NotFound } from '../../lib/errors';
import { hashPassword } from '../../lib/password';
import { pathWithin } from '../../lib/scope';
import { assignableRoles, roleAreaKinds } from './roleRank';
import type { UpdateUserBody } from './schemas';

/** Changing role or password, or deactivating, ends the user's sessions at once. */
export async function updateUser(ctx: Ctx, userId: number, body: UpdateUserBody) {
  const row = ctx.db.select({ user: users, areaPath: areas.path, areaKind: areas.kind }).from(users).innerJoin(areas, eq(areas.id, users.areaId)).where(eq(users.id, userId)).get();
  if (!row || !pathWithin(ctx.actor, row.areaPath)) throw new NotFound('账号不存在');
  const self = userId === ctx.actor.userId;
  if (!self && !assignableRoles[ctx.actor.role].includes(row.user.role)) throw new Forbidden('不能修改该账号');
  if (body.role !== undefined) {
    if (self) throw new Forbidden('不能修改自己的角色');
    if (!assignableRoles[ctx.actor.role].includes(body.role)) throw new Forbidden('不能授予该角色');
    if (!roleAreaKinds[body.role].includes(row.areaKind)) throw new Invalid('账号所属区域与角色不匹配', undefined, 'invalid_area');
    if ((body.role === 'household') !== (row.user.role === 'household')) throw new Invalid('农户账号与工作人员账号不能互换');
  }
  if (body.active === false && self) throw new Forbidden('不能停用自己的账号');
  const passwordHash = body.password ? await hashPassword(body.password, ctx.config.scryptN) : undefined;
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const patch: Partial<typeof users.$inferInsert> = { updatedAt: at };
    if (body.role !== undefined) patch.role = body.role;
    if (body.active !== undefined) patch.active = body.active;
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (passwordHash) {
      patch.passwordHash = passwordHash;
      patch.failedLogins = 0;
      patch.lockedUntil = null;
    }
    tx.update(users).set(patch).where(eq(users.id, userId)).run();
    const endSessions = body.role !== undefined || passwordHash !== undefined || body.active === false;
    if (endSessions) {
      tx.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).run();
    }
    const { passwordHash: _omit, ...beforeSafe } = row.user;
    void _omit;
    writeAudit(tx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'user.update',
      areaId: row.user.areaId,
      before: beforeSafe,
      after: { ...patch, passwordHash: passwordHash ? '(changed)' : undefined, sessionsEnded: endSessions },
    });
    const updated = tx.select().from(users).where(eq(users.id, userId)).get()!;
    return { id: updated.id, username: updated.username, displayName: updated.displayName, role: updated.role, areaId: updated.areaId, householdId: updated.householdId, active: updated.active };
  });
}
