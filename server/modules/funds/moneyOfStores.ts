import { areasUnder, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { statementOf, type Statement } from './getStatement';

/**
 * The money side of every store at or under an area over a period, for the township dashboard: funds
 * in, purchases, closing funds, redemptions at points value and at cost, closing stock value.
 */
export async function moneyOfStores(db: Db, area: Pick<AreaRow, 'path'>, period: string) {
  const stores = (await areasUnder(db, area.path)).filter((a) => a.kind === 'village' || a.kind === 'township').sort((a, b) => a.id - b.id);
  // A statement is a handful of queries per store: one after another, a county of 5,000 stores waits for 30,000
  // round trips on PostgreSQL (10 s at a million households). A few at a time overlap them on the pool; on SQLite,
  // whose driver answers synchronously, this changes nothing. Rows keep the stores' order.
  const rows = new Array<MoneyRow>(stores.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < stores.length; i = next++) rows[i] = moneyRow(stores[i], await statementOf(db, stores[i], period));
  };
  await Promise.all(Array.from({ length: Math.min(STATEMENTS_AT_ONCE, stores.length) }, worker));
  return rows;
}

/** Statements computed at once: well under a pool's connections (JIFEN_DATABASE_POOL, 10 by default). */
const STATEMENTS_AT_ONCE = 4;

function moneyRow(store: Pick<AreaRow, 'id' | 'name'>, s: Statement) {
  return {
    storeAreaId: store.id,
    store: store.name,
    openingFundsFen: s.openingFundsFen,
    fundsInFen: s.fundsInFen,
    purchasesFen: s.purchasesFen,
    closingFundsFen: s.closingFundsFen,
    redeemedPoints: s.netRedeemedPoints,
    redemptionsPointsValueFen: s.redemptionsPointsValueFen,
    redemptionsCostFen: s.netRedemptionsCostFen,
    lossesCostFen: s.lossesCostFen,
    closingStockFen: s.closingStockFen,
  };
}

type MoneyRow = ReturnType<typeof moneyRow>;
