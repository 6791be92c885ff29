import type Database from 'better-sqlite3';
import type { Db } from './client';

/** Prepared statements for approving and posting awards, run hundreds at a time in one batch. */
interface Statements {
  review: Database.Statement<[string, number, number, number | null, number]>;
  ruleCategory: Database.Statement<[number], { category: string }>;
  posted: Database.Statement<[number, number, number]>;
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
    };
    cache.set(client, s);
  }
  return s;
}

/** Moves a pending award to `status`; false when it is no longer pending (approve/reject races end once). */
export function reviewPendingAward(db: Db, awardId: number, status: 'notice' | 'posted', reviewerId: number, at: number, noticeEndsAt: number | null): boolean {
  return statements(db.$client).review.run(status, reviewerId, at, noticeEndsAt, awardId).changes === 1;
}

export function ruleCategory(db: Db, ruleId: number): string | null {
  return statements(db.$client).ruleCategory.get(ruleId)?.category ?? null;
}

export function markAwardPosted(db: Db, awardId: number, at: number, ledgerEntryId: number): void {
  statements(db.$client).posted.run(at, ledgerEntryId, awardId);
}
