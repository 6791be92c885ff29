import { z } from 'zod';
import { AreaKind } from '../auth/responses';
import { StoreMoneyAnswer } from '../funds/responses';

/** The figures of an area and period, each list one chart of the dashboard. */
export const DashboardAnswer = z.object({
  area: z.object({ id: z.number().int(), name: z.string(), kind: AreaKind }),
  period: z.string(),
  from: z.string().describe('First day, YYYY-MM-DD'),
  to: z.string().describe('Last day, YYYY-MM-DD'),
  totals: z.object({
    awarded: z.number(),
    deducted: z.number(),
    redeemed: z.number(),
    households: z.number().int(),
    participating: z.number().int(),
    stockValue: z.number(),
  }),
  monthly: z.array(z.object({ month: z.string(), awarded: z.number(), deducted: z.number(), redeemed: z.number() })),
  categories: z.array(z.object({ category: z.string(), awarded: z.number(), deducted: z.number(), entries: z.number().int() })),
  participation: z.array(z.object({ villageId: z.number().int(), village: z.string(), households: z.number().int(), participating: z.number().int(), rate: z.number() })),
  topGoods: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), store: z.string(), quantity: z.number() })),
  stock: z.array(z.object({ storeId: z.number().int(), store: z.string(), goodsCount: z.number().int(), units: z.number(), value: z.number() })),
  lowStock: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), store: z.string(), stock: z.number(), price: z.number() })),
  donations: z.array(z.object({ month: z.string(), donations: z.number().int(), amountYuan: z.number(), quantity: z.number() })),
  money: z.array(StoreMoneyAnswer),
});
