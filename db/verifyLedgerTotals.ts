import { expectedAwardeesSql, expectedMonthTotalsSql, NO_CATEGORY } from './ledger/totals';
import type { Sql, SqlParam } from './sql';
import { tableExists, type Fail } from './verifyCatalogue';

/** Villages per recomputation: a range's totals (villages × months × kinds × headings) stay small in memory. */
const VILLAGES_PER_RANGE = 200;

interface MonthRow {
  villageId: number;
  month: string;
  kind: string;
  category: string;
  points: number;
  entries: number;
}

interface AwardeeRow {
  villageId: number;
  period: string;
  households: number;
}

/**
 * The dashboard's kept totals (ledger_month_totals, village_period_awardees) against a GROUP BY over the
 * ledger, a range of area ids at a time (the ranges cover every id, so a row of a village that does not
 * exist still falls in one). A total edited, added or dropped behind the app's back, or a posting path that
 * forgot them, fails naming the village and the month or period.
 */
export async function checkLedgerTotals(q: Sql, fail: Fail): Promise<void> {
  if (!(await tableExists(q, 'ledger_month_totals'))) return;
  const areas = await q.all<{ id: number; name: string }>('SELECT id, name FROM areas ORDER BY id');
  const names = new Map(areas.map((a) => [a.id, a.name]));
  const village = (id: number) => `village ${names.get(id) ?? '?'} (area ${id})`;
  const cuts = areas.filter((_, i) => (i + 1) % VILLAGES_PER_RANGE === 0).map((a) => a.id);
  let lo: number | null = null;
  for (let i = 0; i <= cuts.length; i++) {
    const hi: number | null = i < cuts.length ? cuts[i] : null;
    const bounds: SqlParam[] = [lo, hi].filter((b) => b !== null);
    const range = (column: string) => [lo === null ? null : `${column} > ?`, hi === null ? null : `${column} <= ?`].filter((c) => c !== null).join(' AND ') || 'TRUE';

    const monthKey = (r: MonthRow) => `${r.villageId}/${r.month}/${r.kind}/${r.category}`;
    const wantMonths = new Map((await q.all<MonthRow>(expectedMonthTotalsSql(range('e.village_id')), bounds)).map((r) => [monthKey(r), r]));
    const gotMonths = await q.all<MonthRow>(
      `SELECT village_id AS "villageId", month, kind, category, points, entries FROM ledger_month_totals WHERE ${range('village_id')} ORDER BY village_id, month, kind, category`,
      bounds,
    );
    for (const got of gotMonths) {
      const want = wantMonths.get(monthKey(got));
      const what = `${village(got.villageId)}, month ${got.month}, ${got.kind}${got.category === NO_CATEGORY ? '' : ` under ${got.category}`}`;
      if (!want) fail('totals', 'ledger_month_totals', monthKey(got), `${what}: kept ${got.points} points in ${got.entries} entries, but the ledger has no such entry`);
      if (Number(want.points) !== Number(got.points) || Number(want.entries) !== Number(got.entries)) {
        fail('totals', 'ledger_month_totals', monthKey(got), `${what}: kept ${got.points} points in ${got.entries} entries, the ledger gives ${want.points} in ${want.entries}`);
      }
      wantMonths.delete(monthKey(got));
    }
    for (const want of wantMonths.values()) {
      fail('totals', 'ledger_month_totals', monthKey(want), `${village(want.villageId)}, month ${want.month}, ${want.kind}: missing, the ledger gives ${want.points} points in ${want.entries} entries`);
    }

    const periodKey = (r: AwardeeRow) => `${r.villageId}/${r.period}`;
    const wantAwardees = new Map((await q.all<AwardeeRow>(expectedAwardeesSql(range('e.village_id')), bounds)).map((r) => [periodKey(r), r]));
    const gotAwardees = await q.all<AwardeeRow>(
      `SELECT village_id AS "villageId", period, households FROM village_period_awardees WHERE ${range('village_id')} ORDER BY village_id, period`,
      bounds,
    );
    for (const got of gotAwardees) {
      const want = wantAwardees.get(periodKey(got));
      if (Number(want?.households ?? 0) !== Number(got.households)) {
        fail('totals', 'village_period_awardees', periodKey(got), `${village(got.villageId)}, period ${got.period}: kept ${got.households} households with an award, the ledger gives ${want?.households ?? 0}`);
      }
      wantAwardees.delete(periodKey(got));
    }
    for (const want of wantAwardees.values()) {
      fail('totals', 'village_period_awardees', periodKey(want), `${village(want.villageId)}, period ${want.period}: missing, the ledger gives ${want.households} households with an award`);
    }
    lo = hi;
  }
}
