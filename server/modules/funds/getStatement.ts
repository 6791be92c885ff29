import type { AreaRow } from '../../../db/areas';
import { readDb, type Db } from '../../../db/client';
import { statementsFigures, type StatementFigures } from '../../../db/funds/closes';
import { sqlOf } from '../../../db/sql';
import type { Ctx } from '../../lib/context';
import { resolveSettings } from '../areas/resolveSettings';
import { periodSpan } from '../excel/exportScope';
import { getManagedStore } from '../goods/stores';
import type { StatementQuery } from './schemas';

type StoreOfStatement = Pick<AreaRow, 'id' | 'name' | 'path' | 'kind'>;

/**
 * A store's statement over a period (a month, or a year for the dashboard): funds, purchases, goods out
 * at points value and at FIFO cost, losses, closing stock value. From the store's month closes and the
 * books after them (db/funds/closes.ts): the same figures as replaying the whole history, which verify
 * recomputes.
 */
export async function statementOf(db: Db, store: StoreOfStatement, period: string) {
  const { pointValueFen } = await resolveSettings(db, store.path);
  return (await statementsOf(db, [store], period, () => pointValueFen))[0];
}

/**
 * `statementOf` of many stores, their books read with a few queries per 500 stores (statementsFigures),
 * in the stores' order; `pointValueOf` gives each store's point value (its resolved settings).
 */
export async function statementsOf(db: Db, stores: readonly StoreOfStatement[], period: string, pointValueOf: (store: StoreOfStatement) => number) {
  const span = periodSpan(period);
  const { from, to, fromMs, toMs } = span;
  const figures = await statementsFigures(sqlOf(db), stores.map((s) => s.id), { from, to, fromMs, toMs });
  return stores.map((store) => statementFrom(store, period, span, pointValueOf(store), figures.get(store.id)!));
}

function statementFrom(store: StoreOfStatement, period: string, { from, to }: { from: string; to: string }, pointValueFen: number, { funds, stock }: StatementFigures) {
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

export type Statement = ReturnType<typeof statementFrom>;

/** 月度对账单 of one store the actor keeps (a clerk: its own store only). */
export async function getStatement(ctx: Ctx, q: StatementQuery): Promise<Statement> {
  const db = readDb(ctx.db);
  const store = await getManagedStore(db, ctx.actor, q.storeAreaId);
  return statementOf(db, store, q.month);
}
