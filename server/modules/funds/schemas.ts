import { z } from 'zod';
import { fundSources } from '../../../db/funds/entries';
import { Day, Paging } from '../../lib/params';

const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^<>{}\\`$]*$/, '含有不允许的字符');

/** Amounts are integer fen; a single entry stays below 1 亿元. */
export const Fen = z.number().int().min(1).max(10_000_000_000);

/** A month key YYYY-MM within the years the system accepts. */
export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份应为 YYYY-MM')
  .refine((m) => Number(m.slice(0, 4)) >= 2000 && Number(m.slice(0, 4)) <= 2100, '月份的年份应在 2000–2100 年之间');

export const FundSource = z.enum(fundSources);
export type FundSource = z.infer<typeof FundSource>;

export const FundingBody = z.object({
  storeAreaId: z.number().int().positive(),
  source: FundSource,
  /** Who gave it: 县财政局, the partner unit, the donor, the village committee. */
  sourceName: Text(80),
  amountFen: Fen,
  receivedOn: Day,
  note: Text(200).optional(),
});
export type FundingBody = z.infer<typeof FundingBody>;

/** What a purchase cost: per unit or in total (both given must agree), with the supplier and invoice. */
export const PurchaseCostFields = {
  supplier: Text(80).optional(),
  invoiceNo: Text(40).optional(),
  unitCostFen: Fen.optional(),
  totalCostFen: Fen.optional(),
};

export const PurchaseCostBody = z.object({
  movementId: z.number().int().positive(),
  ...PurchaseCostFields,
  note: Text(200).optional(),
});
export type PurchaseCostBody = z.infer<typeof PurchaseCostBody>;

export const ReverseFundBody = z.object({ reason: Text(200) });
export type ReverseFundBody = z.infer<typeof ReverseFundBody>;

export const ListFundsQuery = z.object({
  storeAreaId: z.coerce.number().int().positive(),
  month: Month.optional(),
  ...Paging,
});
export type ListFundsQuery = z.infer<typeof ListFundsQuery>;

export const StatementQuery = z.object({
  storeAreaId: z.coerce.number().int().positive(),
  month: Month,
});
export type StatementQuery = z.infer<typeof StatementQuery>;
