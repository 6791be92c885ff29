import type { Db } from '../client';
import { postLedgerEntry, type NewLedgerEntry } from '../ledger';
import { sqlOf, type Sql } from '../sql';
import type { Tx } from '../transaction';

const POSTED = `UPDATE awards SET status = 'posted', posted_at = ?, ledger_entry_id = ? WHERE id = ?`;

/** The award's entry with its photos' hashes, which the entry's hash then covers. */
async function withEvidence(q: Sql, awardId: number, entry: NewLedgerEntry): Promise<NewLedgerEntry> {
  const evidence = (await q.all<{ hash: string }>('SELECT hash FROM award_evidence WHERE award_id = ? ORDER BY hash', [awardId])).map((r) => r.hash);
  return evidence.length ? { ...entry, evidence } : entry;
}

/**
 * Approves one pending award: to notice until `noticeEndsAt`, or, given its ledger entry, posted at
 * once (entry appended, award linked to it). Null when the award is no longer pending, so approve and
 * reject races end with one outcome. One call per award: a batch approves hundreds in one transaction.
 */
export async function approvePendingAward(
  tx: Tx,
  awardId: number,
  reviewerId: number,
  at: number,
  noticeEndsAt: number | null,
  entry: NewLedgerEntry | null,
): Promise<{ ledgerEntryId: number | null } | null> {
  const q = sqlOf(tx);
  const reviewed = await q.run(`UPDATE awards SET status = ?, reviewed_by = ?, reviewed_at = ?, notice_ends_at = ? WHERE id = ? AND status = 'pending'`, [
    entry ? 'posted' : 'notice',
    reviewerId,
    at,
    entry ? null : noticeEndsAt,
    awardId,
  ]);
  if (reviewed.changes !== 1) return null;
  if (!entry) return { ledgerEntryId: null };
  const ledgerEntryId = (await postLedgerEntry(tx, await withEvidence(q, awardId, entry))).id;
  await q.run(POSTED, [at, ledgerEntryId, awardId]);
  return { ledgerEntryId };
}

/** Posts an award at the end of its notice: appends its ledger entry and links the award to it. */
export async function postAwardEntry(tx: Tx, awardId: number, entry: NewLedgerEntry, at: number): Promise<number> {
  const q = sqlOf(tx);
  const ledgerEntryId = (await postLedgerEntry(tx, await withEvidence(q, awardId, entry))).id;
  await q.run(POSTED, [at, ledgerEntryId, awardId]);
  return ledgerEntryId;
}

/** The category a rule files its ledger entries under. */
export async function ruleCategory(db: Db, ruleId: number): Promise<string | null> {
  return (await sqlOf(db).get<{ category: string }>('SELECT category FROM rules WHERE id = ?', [ruleId]))?.category ?? null;
}
