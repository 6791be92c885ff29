import type { Db } from '../client';
import { IN_CHUNK } from '../inChunks';
import { postLedgerEntry, type NewLedgerEntry } from '../ledger';
import { postLedgerEntries } from '../ledger/batch';
import { sqlOf, type Sql, type SqlParam } from '../sql';
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

/** One award of a batch approval: to notice until `noticeEndsAt`, or, given its ledger entry, posted at once. */
export interface AwardApproval {
  awardId: number;
  noticeEndsAt: number | null;
  entry: NewLedgerEntry | null;
}

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

/**
 * `approvePendingAward` for many awards in one transaction, in a few statements: one guarded status UPDATE per
 * (status, notice end) group, the photos' hashes read at once, the ledger entries appended together
 * (`postLedgerEntries`, in the order given) and linked by one UPDATE. Either every award was still pending
 * and all are approved, or `{ notPending }` names those that were not (the caller throws, rolling back all).
 */
export async function approvePendingAwards(
  tx: Tx,
  approvals: readonly AwardApproval[],
  reviewerId: number,
  at: number,
): Promise<{ ledgerEntryIds: Map<number, number | null> } | { notPending: number[] }> {
  const q = sqlOf(tx);
  const groups = new Map<string, { status: 'posted' | 'notice'; noticeEndsAt: number | null; ids: number[] }>();
  for (const a of approvals) {
    const status = a.entry ? 'posted' : 'notice';
    const noticeEndsAt = a.entry ? null : a.noticeEndsAt;
    const key = `${status}|${noticeEndsAt}`;
    const g = groups.get(key) ?? { status, noticeEndsAt, ids: [] };
    g.ids.push(a.awardId);
    groups.set(key, g);
  }
  const reviewed = new Set<number>();
  for (const g of groups.values()) {
    for (let i = 0; i < g.ids.length; i += IN_CHUNK) {
      const part = g.ids.slice(i, i + IN_CHUNK);
      const rows = await q.all<{ id: number }>(
        `UPDATE awards SET status = ?, reviewed_by = ?, reviewed_at = ?, notice_ends_at = ? WHERE id IN (${marks(part.length)}) AND status = 'pending' RETURNING id`,
        [g.status, reviewerId, at, g.noticeEndsAt, ...part],
      );
      for (const r of rows) reviewed.add(r.id);
    }
  }
  const notPending = approvals.filter((a) => !reviewed.has(a.awardId)).map((a) => a.awardId);
  if (notPending.length) return { notPending };

  const posting = approvals.filter((a): a is AwardApproval & { entry: NewLedgerEntry } => a.entry !== null);
  const evidence = new Map<number, string[]>();
  for (let i = 0; i < posting.length; i += IN_CHUNK) {
    const part = posting.slice(i, i + IN_CHUNK).map((a) => a.awardId);
    const rows = await q.all<{ awardId: number; hash: string }>(
      `SELECT award_id AS "awardId", hash FROM award_evidence WHERE award_id IN (${marks(part.length)}) ORDER BY award_id, hash`,
      part,
    );
    for (const r of rows) evidence.set(r.awardId, [...(evidence.get(r.awardId) ?? []), r.hash]);
  }
  const posted = await postLedgerEntries(
    tx,
    posting.map((a) => {
      const hashes = evidence.get(a.awardId);
      return hashes ? { ...a.entry, evidence: hashes } : a.entry;
    }),
  );
  const ledgerEntryIds = new Map<number, number | null>(approvals.map((a) => [a.awardId, null]));
  posting.forEach((a, i) => ledgerEntryIds.set(a.awardId, posted[i]!.id));
  for (let i = 0; i < posting.length; i += IN_CHUNK / 2) {
    const part = posting.slice(i, i + IN_CHUNK / 2);
    const params: SqlParam[] = [at];
    for (const a of part) params.push(a.awardId, ledgerEntryIds.get(a.awardId)!);
    for (const a of part) params.push(a.awardId);
    await q.run(
      `UPDATE awards SET status = 'posted', posted_at = ?, ledger_entry_id = CASE id ${Array<string>(part.length).fill('WHEN ? THEN CAST(? AS BIGINT)').join(' ')} END
        WHERE id IN (${marks(part.length)})`,
      params,
    );
  }
  return { ledgerEntryIds };
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
