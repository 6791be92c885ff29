import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { auditLog, householdCards, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';

/** What staff did to a household's means of spending points, as its own page tells it. */
const actions = {
  'household.assisted_pass': 'assisted_pass',
  'card.issue': 'card_issued',
  'card.revoke': 'card_revoked',
  'card.unlock': 'card_unlocked',
  'user.create': 'account_created',
  'user.update': 'account_changed',
} as const;
type Kind = (typeof actions)[keyof typeof actions];

export interface HouseholdNotice {
  kind: Kind;
  at: number;
  actorName: string | null;
  actorRole: string | null;
  reason: string | null;
}

/**
 * Staff actions that could spend the household's points or reach its account: a code shown on its behalf,
 * a printed card issued, revoked or unlocked, a household account created or reset. Read from the audit
 * log, so nothing can happen to the household's code or account without the household being able to see it.
 */
export function householdNotices(ctx: Ctx, householdId: number, limit = 20): HouseholdNotice[] {
  const cardIds = ctx.db.select({ id: householdCards.id }).from(householdCards).where(eq(householdCards.householdId, householdId)).all().map((c) => String(c.id));
  const accountIds = ctx.db.select({ id: users.id }).from(users).where(eq(users.householdId, householdId)).all().map((u) => String(u.id));
  const about = or(
    and(eq(auditLog.entity, 'household'), eq(auditLog.entityId, String(householdId)), eq(auditLog.action, 'household.assisted_pass')),
    cardIds.length ? and(eq(auditLog.entity, 'card'), inArray(auditLog.entityId, cardIds), inArray(auditLog.action, ['card.issue', 'card.revoke', 'card.unlock'])) : undefined,
    accountIds.length ? and(eq(auditLog.entity, 'user'), inArray(auditLog.entityId, accountIds), inArray(auditLog.action, ['user.create', 'user.update'])) : undefined,
  );
  return ctx.db
    .select({
      action: auditLog.action,
      at: auditLog.createdAt,
      actorName: sql<string | null>`COALESCE(${users.displayName}, ${users.username})`,
      actorRole: auditLog.actorRole,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    // What the household did itself it already knows.
    .where(and(about, ne(auditLog.actorRole, 'household')))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all()
    .map((r) => {
      const after = r.after ? (JSON.parse(r.after) as { reason?: unknown }) : {};
      return {
        kind: actions[r.action as keyof typeof actions],
        at: r.at,
        actorName: r.actorName,
        actorRole: r.actorRole,
        reason: typeof after.reason === 'string' ? after.reason : null,
      };
    });
}
