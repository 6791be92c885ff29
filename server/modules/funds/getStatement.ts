import type { AreaRow } from '../../../db/areas';
import { readDb, type Db } from '../../../db/client';
import { fundEntriesOfStore, liveMovementCosts } from '../../../db/funds/entries';
import { movementsOfStoreBefore } from '../../../db/funds/stock';
import type { Ctx } from '../../lib/context';
import { resolveSettings } from '../areas/resolveSettings';
import { periodSpan } from '../excel/exportScope';
import { getManagedStore } from '../goods/stores';
import type { StatementQuery } from './schemas';
import { sumFunds, valueStock } from './statement';

/** The day after `day` (YYYY-MM-DD). */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A store's statement over a period (a month, or a year for the dashboard): funds, purchases, goods out
 * at points value and at FIFO cost, losses, closing stock value. Computed from the append-only books
 * each time, so it can always be recomputed and checked.
 */
export async function statementOf(db: Db, store: Pick<AreaRow, 'id' | 'name' | 'path' | 'kind'>, period: string) {
  const { from, to, fromMs, toMs } = periodSpan(period);
  const { pointValueFen } = await resolveSettings(db, store.path);
  const funds = sumFunds(await fundEntriesOfStore(db, store.id, { beforeDay: nextDay(to) }), from);
  const stock = valueStock(await movementsOfStoreBefore(db, store.id, toMs), await liveMovementCosts(db, store.id), fromMs);
  const netPoints = stock.redeemedPoints - stock.returnedPoints;
  return {
    store: { id: store.id, name: store.name, kind: store.kind },
    period,
    from,
    to,
    pointValueFen,
    ...funds,
    ...stock,
    /** Points redeemed net of reversed redemptions, and what they are worth at the area's point value. */
    netRedeemedPoints: netPoints,
    redemptionsPointsValueFen: netPoints * pointValueFen,
    netRedemptionsCostFen: stock.redemptionsCostFen - stock.returnsInFen,
  };
}

export type Statement = Awaited<ReturnType<typeof statementOf>>;

/** 月度对账单 of one store the actor keeps (a clerk: its own store only). */
export async function getStatement(ctx: Ctx, q: StatementQuery): Promise<Statement> {
  const db = readDb(ctx.db);
  const store = await getManagedStore(db, ctx.actor, q.storeAreaId);
  return statementOf(db, store, q.month);
}
