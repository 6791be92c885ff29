import { closesOfStore, keptLayers, planCloses, validCloses } from './funds/closes';
import type { Sql } from './sql';
import { tableExists, type Fail } from './verifyCatalogue';

/**
 * The stores' month closes against the books: each store's history replayed from nothing through its
 * last close that holds, month by month, must give every kept close's figures, closing funds and stock,
 * shelf and movement high-water id. A close edited, slipped in or left behind by a wrong job fails naming
 * the store and month. Closes a late entry has since reached are not read by statements (the next job
 * run rewrites them), so they are not held to the books here.
 */
export async function checkStoreCloses(q: Sql, fail: Fail): Promise<void> {
  if (!(await tableExists(q, 'store_month_closes'))) return;
  const stores = await q.all<{ id: number }>('SELECT DISTINCT store_area_id AS id FROM store_month_closes ORDER BY store_area_id');
  for (const { id } of stores) {
    const all = await closesOfStore(q, id);
    const kept = all.slice(0, await validCloses(q, id, all));
    if (!kept.length) continue;
    const last = kept[kept.length - 1].month;
    const plan = await planCloses(q, id, last, Number.MAX_SAFE_INTEGER, { fromScratch: true });
    const redone = new Map(plan.rows.map((r) => [r.month, r]));
    // A fund high-water id past the books would vouch for entries not yet made, hiding a later one that reaches back.
    const maxFund = (await q.get<{ id: number | null }>('SELECT MAX(id) AS id FROM fund_entries WHERE store_area_id = ?', [id]))?.id ?? 0;
    for (const c of all) if (c.fundHwm > maxFund) fail('closes', 'store_month_closes', `${id}:${c.month}`, `store ${id}, month ${c.month}: fund high-water id ${c.fundHwm} is past the store's last entry ${maxFund}`);
    for (const c of kept) {
      const where = `store ${id}, month ${c.month}`;
      const r = redone.get(c.month);
      if (!r) fail('closes', 'store_month_closes', `${id}:${c.month}`, `${where}: kept close has no month in the books (first month ${plan.rows[0]?.month ?? 'none'})`);
      const diffs: string[] = [];
      if (JSON.stringify(c.figures) !== JSON.stringify(r.figures)) diffs.push(`figures ${JSON.stringify(c.figures)} ≠ books ${JSON.stringify(r.figures)}`);
      if (c.closingFundsFen !== r.closingFundsFen) diffs.push(`closing funds ${c.closingFundsFen} ≠ books ${r.closingFundsFen}`);
      if (c.closingStockFen !== r.closingStockFen) diffs.push(`closing stock ${c.closingStockFen} ≠ books ${r.closingStockFen}`);
      if (c.movementHwm !== r.movementHwm) diffs.push(`movement high-water id ${c.movementHwm} ≠ books ${r.movementHwm}`);
      if ((await keptLayers(q, id, c.month)) !== r.closingLayers) diffs.push('closing FIFO layers differ from the books');
      if (diffs.length) fail('closes', 'store_month_closes', `${id}:${c.month}`, `${where}: ${diffs.join('; ')}`);
    }
    if (plan.rows[0]?.month !== kept[0].month) fail('closes', 'store_month_closes', `${id}:${plan.rows[0]?.month}`, `store ${id}, month ${plan.rows[0]?.month}: the books start there but the closes start at ${kept[0].month}`);
  }
}
