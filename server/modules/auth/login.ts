import { eq } from 'drizzle-orm';
import { areas, sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { Unauthorized } from '../../lib/errors';
import { verifyPassword } from '../../lib/password';
import { assertAccountMayTry, assertIpMayTry, recordAccountFailure, recordIpFailure } from './loginThrottle';
import type { LoginBody } from './schemas';
import { newSessionToken } from './sessionCookie';
import { publicUser } from './publicUser';

// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const DUMMY_HASH = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Checks the password and opens a fresh server-side session (a new id at every login). Failures are
 * counted per account (exponential lockout) and per IP (a wide budget), each on its own, so a
 * neighbour behind the same village IP can still log in while one account is locked.
 */
export async function login(ctx: PublicCtx, body: LoginBody) {
  assertIpMayTry(ctx);
  const user = ctx.db.select().from(users).where(eq(users.username, body.username)).get();
  if (user) assertAccountMayTry(ctx, user.lockedUntil);
  const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
  const at = ctx.now.getTime();
  if (!user || !ok || !user.active) {
    recordIpFailure(ctx);
    if (user && !ok) {
      ctx.db.transaction((tx) => {
        // Re-read inside the transaction: concurrent failures must each count.
        const current = tx.select({ failedLogins: users.failedLogins }).from(users).where(eq(users.id, user.id)).get();
        const lockedUntil = recordAccountFailure(tx, ctx, user.id, current?.failedLogins ?? user.failedLogins);
        if (lockedUntil) {
          writeAudit(tx, { ...ctx, actor: null }, { entity: 'user', entityId: user.id, action: 'user.lock', areaId: user.areaId, after: { lockedUntil } });
        }
      });
    }
    throw new Unauthorized('用户名或密码错误', 'bad_credentials');
  }
  const { token, idHash } = newSessionToken();
  ctx.db.transaction((tx) => {
    if (user.failedLogins || user.lockedUntil) tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id)).run();
    tx.insert(sessions)
      .values({
        idHash,
        userId: user.id,
        createdAt: at,
        expiresAt: at + ctx.config.sessionTtlSeconds * 1000,
        lastSeenAt: at,
        ip: ctx.device.ip,
        userAgent: ctx.device.userAgent?.slice(0, 300) ?? null,
      })
      .run();
    const actor = { userId: user.id, role: user.role, areaId: user.areaId };
    writeAudit(tx, { ...ctx, actor }, { entity: 'session', entityId: user.id, action: 'session.login', areaId: user.areaId });
  });
  // The same shape as /auth/me, so a client can use either answer as its session.
  const area = ctx.db.select({ name: areas.name, kind: areas.kind }).from(areas).where(eq(areas.id, user.areaId)).get();
  return { user: { ...publicUser(user), areaName: area?.name ?? '', areaKind: area?.kind ?? 'village' }, token };
}
