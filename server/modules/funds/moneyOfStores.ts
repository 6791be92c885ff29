import { areasByIds, areasUnder, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { settingsAlong } from '../areas/resolveSettings';
import { statementsOf, type Statement } from './getStatement';

/**
 * The money side of every store at or under an area over a period, for the township dashboard: funds
 * in, purchases, closing funds, redemptions at points value and at cost, closing stock value.
 */
export async function moneyOfStores(db: Db, area: Pick<AreaRow, 'path'>, period: string) {
  const stores = (await areasUnder(db, area.path)).filter((a) => a.kind === 'village' || a.kind === 'township').sort((a, b) => a.id - b.id);
  // Every store's books with a few queries per 500 stores (a query per store and book was 30,000 round trips
  // at a million households); the point values from the areas on the stores' paths, read once.
  const onPaths = await areasByIds(db, [...new Set(stores.flatMap((s) => s.path.split('/').filter(Boolean).map(Number)))]);
  const byId = new Map(onPaths.map((a) => [a.id, a]));
  const statements = await statementsOf(db, stores, period, (s) => settingsAlong(s.path, byId).pointValueFen);
  return stores.map((s, i) => moneyRow(s, statements[i]));
}

/** A store's dashboard row from its statement. */
export function moneyRow(store: Pick<AreaRow, 'id' | 'name'>, s: Statement) {
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

