import type { Db } from '../client';
import { sqlOf, type SqlParam } from '../sql';
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
  const q = sqlOf(db);
  const cardIds = (await q.all<{ id: number }>('SELECT id FROM household_cards WHERE household_id = ?', [householdId])).map((c) => String(c.id));
  const accountIds = (await householdAccountIds(db, householdId)).map(String);
  const about: string[] = [];
  const params: SqlParam[] = [];
  const list = (values: readonly string[]) => {
    params.push(...values);
    return values.map(() => '?').join(', ');
  };
  if (actions.household.length) {
    params.push(String(householdId));
    about.push(`(a.entity = 'household' AND a.entity_id = ? AND a.action IN (${list(actions.household)}))`);
  }
  if (cardIds.length && actions.card.length) about.push(`(a.entity = 'card' AND a.entity_id IN (${list(cardIds)}) AND a.action IN (${list(actions.card)}))`);
  if (accountIds.length && actions.user.length) about.push(`(a.entity = 'user' AND a.entity_id IN (${list(accountIds)}) AND a.action IN (${list(actions.user)}))`);
  if (!about.length) return [];
  params.push(limit);
  return q.all<NoticeRow>(
    `SELECT a.action, a.created_at AS "at", COALESCE(u.display_name, u.username) AS "actorName", a.actor_role AS "actorRole", a.after
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
      WHERE (${about.join(' OR ')}) AND a.actor_role <> 'household'
      ORDER BY a.id DESC
      LIMIT ?`,
    params,
  );
}
