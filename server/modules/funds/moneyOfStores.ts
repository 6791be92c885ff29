import { areasUnder, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { statementOf } from './getStatement';

/**
 * The money side of every store at or under an area over a period, for the township dashboard: funds
 * in, purchases, closing funds, redemptions at points value and at cost, closing stock value.
 */
export async function moneyOfStores(db: Db, area: Pick<AreaRow, 'path'>, period: string) {
  const stores = (await areasUnder(db, area.path)).filter((a) => a.kind === 'village' || a.kind === 'township').sort((a, b) => a.id - b.id);
  const rows = [];
  for (const store of stores) {
    const s = await statementOf(db, store, period);
    rows.push({
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
    });
  }
  return rows;
}
