import { eq } from 'drizzle-orm';
import { areas, sessions, users } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { Unauthorized } from '../../lib/errors';
import { dummyPasswordHash, verifyPassword } from '../../lib/password';
import { pruneLoginCounters, releaseLogin, reserveLogin } from './loginThrottle';
import type { LoginBody } from './schemas';
import { newSessionToken } from './sessionCookie';
import { publicUser } from './publicUser';

/**
 * Checks the password and opens a fresh server-side session (a new id at every login). The attempt is
 * counted before the hash (per account or unknown username, and per IP) and given back on success, so a
 * parallel burst gets no more guesses than a sequence. An unknown username goes through the same steps
 * and the same hash cost as a real one: neither the answer nor its timing tells them apart.
 */
export async function login(ctx: PublicCtx, body: LoginBody) {
  const at = ctx.now.getTime();
  pruneLoginCounters(ctx.db, at);
  const user = ctx.db.select().from(users).where(eq(users.username, body.username)).get();
  const reservation = ctx.db.transaction((tx) => reserveLogin(tx, ctx, body.username, user?.id ?? null));
  const ok = await verifyPassword(body.password, user?.passwordHash ?? dummyPasswordHash(ctx.config.scryptN));
  if (!user || !ok || !user.active) {
    // The failure is already counted; only a new lock is worth an audit row.
    if (user && reservation.lockMs > 0) {
      ctx.db.transaction((tx) =>
        writeAudit(tx, { ...ctx, actor: null }, { entity: 'user', entityId: user.id, action: 'user.lock', areaId: user.areaId, after: { lockedUntil: reservation.lockedUntil } }),
      );
    }
    throw new Unauthorized('用户名或密码错误', 'bad_credentials');
  }
  const { token, idHash } = newSessionToken();
  ctx.db.transaction((tx) => {
    releaseLogin(tx, ctx, user.id, reservation);
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
