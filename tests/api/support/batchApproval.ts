import type { Db } from '../../../db/client';
import { sqlOf } from '../../../db/sql';

/** What a batch approval wrote for `householdId` and the awards `ids`, read alike on both engines. */
export async function batchApprovalFacts(db: Db, householdId: number, ids: readonly number[]) {
  const q = sqlOf(db);
  const marks = ids.map(() => '?').join(', ');
  const entries = await q.all<{ balanceAfter: number }>('SELECT balance_after AS "balanceAfter" FROM ledger_entries WHERE household_id = ? ORDER BY chain_id, seq', [householdId]);
  const balance = (await q.get<{ balance: number }>('SELECT balance FROM households WHERE id = ?', [householdId]))!.balance;
  const audit = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'award.approve' AND entity_id IN (${marks})`, ids.map(String));
  const posted = await q.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM awards a JOIN ledger_entries l ON l.id = a.ledger_entry_id AND l.award_id = a.id WHERE a.status = 'posted' AND a.id IN (${marks})`,
    ids,
  );
  const score = await q.get<{ score: number }>(`SELECT score FROM household_period_scores WHERE household_id = ? AND period = '2026'`, [householdId]);
  return {
    balanceAfter: entries.map((e) => Number(e.balanceAfter)),
    balance: Number(balance),
    auditRows: Number(audit?.n ?? 0),
    postedWithEntry: Number(posted?.n ?? 0),
    scoreYear2026: Number(score?.score ?? 0),
  };
}
