import type { Sql } from './sql';
import { eachPage, PAGE, tableExists, type Fail } from './verifyCatalogue';

interface Entry {
  id: number;
  storeAreaId: number;
  kind: string;
  source: string | null;
  amountFen: number;
  onDay: string;
  movementId: number | null;
  goodsId: number | null;
  quantity: number | null;
  reversesId: number | null;
  createdAt: number;
}

// The fields that make an entry's money: where, what kind, how much, which day, against what.
const FIELDS = ['storeAreaId', 'kind', 'source', 'amountFen', 'onDay', 'movementId', 'goodsId', 'quantity', 'reversesId', 'createdAt'] as const;

/**
 * The money books have no hash chain; their witness is the audit log, append-only like them, where
 * every entry was written in the same transaction (`fund_entry.funding | purchase | reverse`, `after`
 * the entry). Every entry must match its audit row field by field, and every audited entry must still
 * be there: an amount changed, an entry removed or slipped in behind the app's back is a `funds` failure.
 * Only meaningful with the append-only triggers dropped, which is what tampering takes.
 */
export async function checkFundBook(q: Sql, fail: Fail): Promise<void> {
  if (!(await tableExists(q, 'fund_entries'))) return;
  // Held whole, one small record per money entry: what is left after the walk below was removed from the books.
  const audited = new Map<number, { auditId: number; entry: Partial<Entry> }>();
  await eachPage<{ id: number; after: string | null }>(
    q,
    (after) => `SELECT id, "after" AS "after" FROM audit_log
                 WHERE entity = 'fund_entry' AND action IN ('fund_entry.funding', 'fund_entry.purchase', 'fund_entry.reverse') AND ${after} ORDER BY id LIMIT ${PAGE}`,
    'id',
    (r) => r.id,
    (rows) => {
      for (const r of rows) {
        let entry: Partial<Entry> | null = null;
        try {
          entry = r.after ? (JSON.parse(r.after) as Partial<Entry>) : null;
        } catch {
          entry = null;
        }
        if (typeof entry?.id !== 'number') fail('funds', 'audit_log', r.id, 'a money entry’s audit row does not name the entry it wrote');
        audited.set(entry.id, { auditId: r.id, entry });
      }
    },
  );
  const seen = new Set<number>();
  await eachPage<Entry>(
    q,
    (after) => `SELECT id, store_area_id AS "storeAreaId", kind, source, amount_fen AS "amountFen", on_day AS "onDay", movement_id AS "movementId", goods_id AS "goodsId",
                       quantity, reverses_id AS "reversesId", created_at AS "createdAt" FROM fund_entries WHERE ${after} ORDER BY id LIMIT ${PAGE}`,
    'id',
    (e) => e.id,
    (entries) => {
      for (const e of entries) {
        seen.add(e.id);
        const a = audited.get(e.id);
        if (!a) fail('funds', 'fund_entries', e.id, `${e.kind} of ${e.amountFen} fen at store ${e.storeAreaId} on ${e.onDay} has no audit row: it was not written by the app`);
        const changed = FIELDS.filter((f) => (a.entry[f] ?? null) !== e[f]);
        if (changed.length) {
          const what = changed.map((f) => `${f} ${String(e[f])} (audited ${String(a.entry[f] ?? null)})`).join(', ');
          fail('funds', 'fund_entries', e.id, `differs from its audit row ${a.auditId}: ${what}`);
        }
      }
    },
  );
  for (const [id, a] of audited) {
    if (!seen.has(id)) fail('funds', 'fund_entries', id, `${a.entry.kind ?? 'entry'} of ${a.entry.amountFen ?? '?'} fen at store ${a.entry.storeAreaId ?? '?'} (audit row ${a.auditId}) is gone from the books`);
  }
}
