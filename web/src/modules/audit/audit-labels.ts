import type { AuditAction } from '../../../../server/lib/audit';

/** Every object kind the audit log names (`audit_log.entity`), for the filter and the "record" column. */
export const auditEntities = [
  'area',
  'award',
  'award_batch',
  'award_import',
  'board_publication',
  'card',
  'checkpoint',
  'dishonesty_listing',
  'donation',
  'evidence',
  'fund_entry',
  'goods',
  'household',
  'household_import',
  'household_member',
  'ledger_entry',
  'objection',
  'rectification',
  'redemption',
  'rule',
  'rule_heading',
  'seed',
  'session',
  'store_month',
  'user',
] as const;

/** An action's i18n key, `auditActions.<entity>.<verb>`: the server's names, nested as they are dotted. */
export function auditActionKey(action: AuditAction | string): string {
  return `auditActions.${action}`;
}

/** Records whose number means nothing to a reader (a login session, a data load): shown by kind only. */
export const unnumberedEntities: ReadonlySet<string> = new Set(['session', 'seed']);
