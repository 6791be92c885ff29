import { addAuditRow, addAuditRows, type AuditRow } from '../../db/audit/auditLog';
import type { Tx } from '../../db/transaction';
import type { Ctx } from './context';

/** Every action the audit log knows, `{entity}.{verb}`; the web app labels each one. */
export const auditActions = [
  'area.create',
  'area.rename',
  'area.settings',
  'award.approve',
  'award.import',
  'award.post',
  'award.propose',
  'award.reject',
  'award_batch.propose',
  'board_publication.approve',
  'board_publication.propose',
  'board_publication.reject',
  'card.issue',
  'card.lock',
  'card.pin_failed',
  'card.revoke',
  'card.unlock',
  'checkpoint.create',
  'dishonesty_listing.decide',
  'dishonesty_listing.decide_removal',
  'dishonesty_listing.propose',
  'dishonesty_listing.propose_removal',
  'evidence.upload',
  'fund_entry.funding',
  'fund_entry.purchase',
  'fund_entry.reverse',
  'goods.create',
  'goods.donation',
  'goods.loss',
  'goods.purchase',
  'goods.update',
  'household.assisted_pass',
  'household.category',
  'household.create',
  'household.import',
  'household.pass',
  'household.update',
  'household_member.create',
  'ledger_entry.adjust',
  'ledger_entry.expire',
  'ledger_entry.reverse',
  'objection.create',
  'objection.resolve',
  'rectification.approve',
  'rectification.propose',
  'rectification.reject',
  'redemption.create',
  'rule.create',
  'rule.update',
  'rule.import',
  'rule_heading.create',
  'rule_heading.update',
  'seed.load',
  'session.login',
  'session.logout',
  'store_month.close',
  'user.change_own_password',
  'user.create',
  'user.lock',
  'user.unlock',
  'user.update',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  entity: string;
  entityId: number | string;
  action: AuditAction;
  areaId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Who an audit row names: a user, or nobody (`actor: null`) for scheduled work by the system. */
export type AuditCtx = Pick<Ctx, 'now' | 'device'> & { actor: Pick<Ctx['actor'], 'userId' | 'role' | 'areaId'> | null };

/** The actor of scheduled work (posting due awards, expiry): audited as `system`, with no user. */
export const SYSTEM_DEVICE = { ip: null, userAgent: 'scheduler' } as const;

function auditRow(ctx: AuditCtx, entry: AuditEntry): AuditRow {
  return {
    actorId: ctx.actor?.userId ?? null,
    actorRole: ctx.actor?.role ?? 'system',
    areaId: entry.areaId ?? ctx.actor?.areaId ?? null,
    entity: entry.entity,
    entityId: String(entry.entityId),
    action: entry.action,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    ip: ctx.device.ip,
    userAgent: ctx.device.userAgent?.slice(0, 300) ?? null,
    createdAt: ctx.now.getTime(),
  };
}

/** The one audit writer: one row, written through the transaction of the change it records. */
export async function writeAudit(tx: Tx, ctx: AuditCtx, entry: AuditEntry): Promise<void> {
  await addAuditRow(tx, auditRow(ctx, entry));
}

/** `writeAudit` for a batch: one row per entry, written together through the transaction of the changes. */
export async function writeAudits(tx: Tx, ctx: AuditCtx, entries: readonly AuditEntry[]): Promise<void> {
  await addAuditRows(tx, entries.map((e) => auditRow(ctx, e)));
}
