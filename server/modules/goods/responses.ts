import { z } from 'zod';

/** Goods of a store; prices are in points. */
export const GoodsAnswer = z.object({
  id: z.number().int(),
  storeAreaId: z.number().int(),
  name: z.string(),
  category: z.string().nullable(),
  price: z.number().describe('Points per unit'),
  unit: z.string(),
  stock: z.number(),
  monthlyLimit: z.number().nullable().describe('Most units a household may redeem in a month'),
  active: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const GoodsListAnswer = z.object({
  items: z.array(GoodsAnswer.omit({ createdAt: true, updatedAt: true }).extend({ storeName: z.string() })),
  total: z.number().int(),
});

export const StockAnswer = z.object({
  id: z.number().int(),
  stock: z.number(),
  movementId: z.number().int(),
  donationId: z.number().int().nullable(),
  fundEntryId: z.number().int().nullable().describe('The store fund entry a purchase paid from'),
});

export const MovementListAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      goodsId: z.number().int(),
      goodsName: z.string(),
      unit: z.string(),
      kind: z.enum(['purchase', 'donation', 'redemption', 'loss', 'return']),
      quantity: z.number(),
      stockAfter: z.number(),
      donor: z.string().nullable(),
      redemptionId: z.number().int().nullable(),
      note: z.string().nullable(),
      createdAt: z.number(),
    }),
  ),
  total: z.number().int(),
});
