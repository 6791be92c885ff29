import { insertFundEntry, type FundEntryRow } from '../../../db/funds/entries';
import type { Tx } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';

export interface PurchaseCostInput {
  supplier?: string;
  invoiceNo?: string;
  unitCostFen?: number;
  totalCostFen?: number;
}

/**
 * The total cost in fen of `quantity` units, from a unit or a total cost (both must agree); null when
 * neither is given. Supplier or invoice without a cost is refused: an invoice always has an amount.
 */
export function purchaseTotalFen(input: PurchaseCostInput, quantity: number): number | null {
  const { unitCostFen: unit, totalCostFen: total } = input;
  if (unit === undefined && total === undefined) {
    if (input.supplier !== undefined || input.invoiceNo !== undefined) throw new Invalid('请填写进价（单价或总价）', { field: 'totalCostFen' });
    return null;
  }
  if (unit !== undefined && total !== undefined && unit * quantity !== total) {
    throw new Invalid(`单价 × 数量（${unit} × ${quantity}）与总价 ${total} 不一致`, { field: 'totalCostFen' });
  }
  const fen = total ?? unit! * quantity;
  if (!Number.isSafeInteger(fen) || fen > 10_000_000_000) throw new Invalid('进价过大', { field: 'totalCostFen' });
  return fen;
}

/**
 * Books what a purchase movement cost as money out of its store, with its audit row, inside the
 * caller's transaction (the movement's own, or a later costing of one).
 */
export async function bookPurchaseCost(
  tx: Tx,
  ctx: Ctx,
  p: { storeAreaId: number; movementId: number; goodsId: number; quantity: number; totalFen: number; onDay: string; supplier?: string; invoiceNo?: string; note?: string | null },
): Promise<FundEntryRow> {
  const entry = await insertFundEntry(tx, {
    storeAreaId: p.storeAreaId,
    kind: 'purchase',
    amountFen: -p.totalFen,
    onDay: p.onDay,
    supplier: p.supplier ?? null,
    invoiceNo: p.invoiceNo ?? null,
    movementId: p.movementId,
    goodsId: p.goodsId,
    quantity: p.quantity,
    note: p.note ?? null,
    createdBy: ctx.actor.userId,
    createdAt: ctx.now.getTime(),
  });
  await writeAudit(tx, ctx, { entity: 'fund_entry', entityId: entry.id, action: 'fund_entry.purchase', areaId: p.storeAreaId, after: entry });
  return entry;
}
