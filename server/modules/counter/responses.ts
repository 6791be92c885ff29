import { z } from 'zod';
import { HouseholdCategory } from '../households/responses';

/** A one-time code for the counter: the QR payload, the same code as digits to type, and the QR as SVG. */
export const PassAnswer = z.object({
  assisted: z.boolean().describe('Shown by a cadre for the household (audited, and shown to the household)'),
  code: z.string().describe('The QR payload'),
  digits: z.string().describe('The typed twin of the code'),
  digitsGrouped: z.string(),
  expiresAt: z.number(),
  ttlSeconds: z.number().int(),
  svg: z.string().describe('The QR code as an SVG document'),
});

export const CardAnswer = z.object({
  id: z.number().int(),
  householdId: z.number().int(),
  code: z.string().describe('The QR payload printed on the card'),
  number: z.string().nullable().describe('The card number to type'),
  svg: z.string(),
  headName: z.string(),
  doorNo: z.string().nullable(),
});
export const RevokedCardAnswer = z.object({ id: z.number().int(), revoked: z.boolean() });
export const UnlockedCardAnswer = z.object({ id: z.number().int(), locked: z.boolean() });

const Via = z.enum(['pass', 'card']);

/** Who a code belongs to, the balance and this month's limits; nothing is spent. */
export const LookupAnswer = z.object({
  household: z.object({ id: z.number().int(), headName: z.string(), doorNo: z.string().nullable(), villageId: z.number().int(), villageName: z.string(), category: HouseholdCategory, balance: z.number() }),
  via: Via,
  store: z.object({ id: z.number().int(), name: z.string() }).nullable().describe("The clerk's store"),
  limits: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), monthlyLimit: z.number(), usedThisMonth: z.number() })),
});

const RedeemedItem = z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), quantity: z.number(), price: z.number(), points: z.number() });

/** A redemption as its receipt shows it. */
export const RedemptionAnswer = z.object({
  id: z.number().int(),
  householdId: z.number().int(),
  headName: z.string(),
  points: z.number().describe('Points spent'),
  balanceAfter: z.number(),
  storeAreaId: z.number().int(),
  storeName: z.string(),
  items: z.array(RedeemedItem),
  createdAt: z.number(),
});

const RedemptionListItem = z.object({
  id: z.number().int(),
  householdId: z.number().int(),
  headName: z.string(),
  doorNo: z.string().nullable(),
  villageName: z.string(),
  storeAreaId: z.number().int(),
  storeName: z.string(),
  points: z.number(),
  balanceAfter: z.number(),
  via: Via,
  createdAt: z.number(),
});
export const RedemptionListAnswer = z.object({ items: z.array(RedemptionListItem), total: z.number().int() });
export const RedemptionReceiptAnswer = RedemptionListItem.extend({ villageId: z.number().int(), items: z.array(RedeemedItem) });
