import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { appendLedgerEntry, type NewLedgerEntry } from '../ledger';
import type { Tx } from '../transaction';

/** Prepared statements for approving and posting awards, run hundreds at a time in one batch. */
interface Statements {
  review: Database.Statement<[string, number, number, number | null, number]>;
  ruleCategory: Database.Statement<[number], { category: string }>;
  posted: Database.Statement<[number, number, number]>;
  evidence: Database.Statement<[number], { hash: string }>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      review: client.prepare(
        `UPDATE awards SET status = ?, reviewed_by = ?, reviewed_at = ?, notice_ends_at = ? WHERE id = ? AND status = 'pending'`,
      ),
      ruleCategory: client.prepare('SELECT category FROM rules WHERE id = ?'),
      posted: client.prepare(`UPDATE awards SET status = 'posted', posted_at = ?, ledger_entry_id = ? WHERE id = ?`),
      evidence: client.prepare('SELECT hash FROM award_evidence WHERE award_id = ? ORDER BY hash'),
    };
    cache.set(client, s);
  }
  return s;
}

/** The award's entry with its photos' hashes, which the entry's hash then covers. */
function withEvidence(s: Statements, awardId: number, entry: NewLedgerEntry): NewLedgerEntry {
  const evidence = s.evidence.all(awardId).map((r) => r.hash);
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
  const s = statements(tx.$client);
  if (s.review.run(entry ? 'posted' : 'notice', reviewerId, at, entry ? null : noticeEndsAt, awardId).changes !== 1) return null;
  if (!entry) return { ledgerEntryId: null };
  const ledgerEntryId = appendLedgerEntry(tx, withEvidence(s, awardId, entry)).id;
  s.posted.run(at, ledgerEntryId, awardId);
  return { ledgerEntryId };
}

/** Posts an award at the end of its notice: appends its ledger entry and links the award to it. */
export async function postAwardEntry(tx: Tx, awardId: number, entry: NewLedgerEntry, at: number): Promise<number> {
  const s = statements(tx.$client);
  const ledgerEntryId = appendLedgerEntry(tx, withEvidence(s, awardId, entry)).id;
  s.posted.run(at, ledgerEntryId, awardId);
  return ledgerEntryId;
}

/** The category a rule files its ledger entries under. */
export async function ruleCategory(db: Db, ruleId: number): Promise<string | null> {
  return statements(db.$client).ruleCategory.get(ruleId)?.category ?? null;
}
