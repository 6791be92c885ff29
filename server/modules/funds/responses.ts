import { z } from 'zod';
import { fundEntryKinds, fundSources } from '../../../db/funds/entries';

const int = z.number().int();
const nint = int.nullable();

/** One money entry as stored (what a write answers with). */
export const FundEntryAnswer = z.object({
  id: int,
  storeAreaId: int,
  kind: z.enum(fundEntryKinds),
  source: z.enum(fundSources).nullable(),
  sourceName: z.string().nullable(),
  amountFen: int,
  onDay: z.string(),
  supplier: z.string().nullable(),
  invoiceNo: z.string().nullable(),
  movementId: nint,
  goodsId: nint,
  quantity: nint,
  reversesId: nint,
  note: z.string().nullable(),
  createdBy: nint,
  createdAt: int,
});

export const FundEntryListAnswer = z.object({
  store: z.object({ id: int, name: z.string() }),
  total: int,
  items: z.array(
    z.object({
      id: int,
      kind: z.enum(fundEntryKinds),
      source: z.enum(fundSources).nullable(),
      sourceName: z.string().nullable(),
      amountFen: int,
      onDay: z.string(),
      supplier: z.string().nullable(),
      invoiceNo: z.string().nullable(),
      movementId: nint,
      goodsId: nint,
      goodsName: z.string().nullable(),
      quantity: nint,
      reversesId: nint,
      reversedBy: nint,
      note: z.string().nullable(),
      createdBy: z.string().nullable(),
      createdAt: int,
    }),
  ),
});

export const StatementAnswer = z.object({
  store: z.object({ id: int, name: z.string(), kind: z.enum(['county', 'township', 'village', 'group']) }),
  period: z.string(),
  from: z.string(),
  to: z.string(),
  pointValueFen: int,
  openingFundsFen: int,
  fundsInFen: int,
  fundsInBySource: z.object({ budget: int, partner: int, donation: int, collective: int }),
  purchasesFen: int,
  closingFundsFen: int,
  openingStockFen: int,
  purchasesInFen: int,
  purchasedQty: int,
  donationsInFen: int,
  donatedQty: int,
  returnsInFen: int,
  returnedQty: int,
  returnedPoints: int,
  redemptionsCostFen: int,
  redemptionsDonatedCostFen: int,
  redeemedQty: int,
  redeemedPoints: int,
  lossesCostFen: int,
  lostQty: int,
  closingStockFen: int,
  closingQty: int,
  closingUncostedQty: int,
  goods: z.array(z.object({ goodsId: int, name: z.string(), unit: z.string(), closingQty: int, closingStockFen: int, redeemedQty: int, redemptionsCostFen: int })),
  netRedeemedPoints: int,
  redemptionsPointsValueFen: int,
  netRedemptionsCostFen: int,
});

/** One store's money over a period, as the dashboard shows it. */
export const StoreMoneyAnswer = z.object({
  storeAreaId: int,
  store: z.string(),
  openingFundsFen: int,
  fundsInFen: int,
  purchasesFen: int,
  closingFundsFen: int,
  redeemedPoints: int,
  redemptionsPointsValueFen: int,
  redemptionsCostFen: int,
  lossesCostFen: int,
  closingStockFen: int,
});
