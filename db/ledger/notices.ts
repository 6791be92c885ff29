import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog, householdCards, users } from '../schema';
import { householdAccountIds } from '../users/users';

export interface NoticeRow {
  action: string;
  at: number;
  actorName: string | null;
  actorRole: string | null;
  /** The audit row's `after` JSON. */
  after: string | null;
}

/** Which audit actions count, by what they are about: the household itself, one of its cards, one of its accounts. */
export interface NoticeActions {
  household: readonly string[];
  card: readonly string[];
  user: readonly string[];
}

/**
 * Audit rows, newest first, of the given actions on a household, its cards or its accounts, by
 * anyone but a household account (what the household did itself it already knows).
 */
export async function householdNoticeRows(db: Db, householdId: number, actions: NoticeActions, limit: number): Promise<NoticeRow[]> {
  const cardIds = db
    .select({ id: householdCards.id })
    .from(householdCards)
    .where(eq(householdCards.householdId, householdId))
    .all()
    .map((c) => String(c.id));
  const accountIds = (await householdAccountIds(db, householdId)).map(String);
  const about = or(
    actions.household.length ? and(eq(auditLog.entity, 'household'), eq(auditLog.entityId, String(householdId)), inArray(auditLog.action, [...actions.household])) : undefined,
    cardIds.length && actions.card.length ? and(eq(auditLog.entity, 'card'), inArray(auditLog.entityId, cardIds), inArray(auditLog.action, [...actions.card])) : undefined,
    accountIds.length && actions.user.length ? and(eq(auditLog.entity, 'user'), inArray(auditLog.entityId, accountIds), inArray(auditLog.action, [...actions.user])) : undefined,
  );
  if (!about) return [];
  return db
    .select({
      action: auditLog.action,
      at: auditLog.createdAt,
      actorName: sql<string | null>`COALESCE(${users.displayName}, ${users.username})`,
      actorRole: auditLog.actorRole,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(about, ne(auditLog.actorRole, 'household')))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all();
}
