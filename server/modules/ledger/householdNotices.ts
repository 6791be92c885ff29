import type { Db } from '../../../db/client';
import { householdNoticeRows } from '../../../db/ledger/notices';
import type { AuditAction } from '../../lib/audit';

/** What staff did to a household's means of spending points, as its own page tells it. */
const actions = {
  'household.assisted_pass': 'assisted_pass',
  'card.issue': 'card_issued',
  'card.revoke': 'card_revoked',
  'card.unlock': 'card_unlocked',
  'user.create': 'account_created',
  'user.update': 'account_changed',
} as const satisfies Partial<Record<AuditAction, string>>;
type Kind = (typeof actions)[keyof typeof actions];
const about = (entity: string) => Object.keys(actions).filter((a) => a.startsWith(`${entity}.`));

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
export async function householdNotices(db: Db, householdId: number, limit = 20): Promise<HouseholdNotice[]> {
  const rows = await householdNoticeRows(db, householdId, { household: about('household'), card: about('card'), user: about('user') }, limit);
  return rows.map((r) => {
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
