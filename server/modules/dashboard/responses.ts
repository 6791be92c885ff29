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
  categories: z
    .array(
      z.object({
        category: z.string().describe('The stored heading code (h12, hygiene)'),
        name: z.string().describe('The heading as the catalogue names it'),
        label: z.string().describe('The name, with its village when the heading belongs to an area beneath: 减分项目（龙潭村）'),
        headingId: z.number().int().nullable(),
        areaName: z.string().nullable().describe('The area owning the heading; null for the county template'),
        place: z.enum(['template', 'inherited', 'own', 'below', 'unknown']).describe('Template, from an area above, the area’s own, an area beneath it, or a code no heading knows'),
        blackList: z.boolean(),
        awarded: z.number(),
        deducted: z.number(),
        entries: z.number().int(),
      }),
    )
    .describe('Every heading in force in the area (zeros included), then headings of areas beneath it that carry figures'),
  participation: z.array(z.object({ villageId: z.number().int(), village: z.string(), households: z.number().int(), participating: z.number().int(), rate: z.number() })),
  topGoods: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), store: z.string(), quantity: z.number() })),
  stock: z.array(z.object({ storeId: z.number().int(), store: z.string(), goodsCount: z.number().int(), units: z.number(), value: z.number() })),
  lowStock: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), store: z.string(), stock: z.number(), price: z.number() })),
  donations: z.array(z.object({ month: z.string(), donations: z.number().int(), amountYuan: z.number(), quantity: z.number() })),
  money: z.array(StoreMoneyAnswer),
});
