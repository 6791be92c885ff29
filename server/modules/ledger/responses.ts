import { z } from 'zod';

export const LedgerKind = z.enum(['award', 'deduction', 'redemption', 'reversal', 'expiry', 'adjustment']);

/** A household's balance, one page of its ledger (newest first) and what was done to its account. */
export const HouseholdLedgerAnswer = z.object({
  householdId: z.number().int(),
  balance: z.number(),
  items: z.array(
    z.object({
      id: z.number().int(),
      kind: LedgerKind,
      points: z.number(),
      balanceAfter: z.number(),
      conductPoints: z.number().describe('What the entry counts for the conduct score (spending does not lower it)'),
      occurredOn: z.string().describe('YYYY-MM-DD'),
      ruleId: z.number().int().nullable(),
      ruleName: z.string().nullable(),
      category: z.string().nullable(),
      awardId: z.number().int().nullable(),
      redemptionId: z.number().int().nullable(),
      reversesId: z.number().int().nullable(),
      reversedById: z.number().int().nullable(),
      note: z.string().nullable(),
      createdAt: z.number(),
      hash: z.string().describe('This entry in the village hash chain'),
      redemption: z
        .object({
          storeName: z.string(),
          lines: z.array(z.object({ goodsId: z.number().int(), name: z.string(), unit: z.string(), quantity: z.number().int(), points: z.number() })),
        })
        .nullable()
        .describe('A redemption entry: the store and the goods handed over; null for other entries'),
    }),
  ),
  total: z.number().int(),
  notices: z.array(
    z.object({
      kind: z.enum(['card_revoked', 'assisted_pass', 'card_issued', 'card_unlocked', 'account_created', 'account_changed']),
      at: z.number(),
      actorName: z.string().nullable(),
      actorRole: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
  objections: z
    .array(
      z.object({
        id: z.number().int(),
        awardId: z.number().int(),
        status: z.enum(['open', 'upheld', 'dismissed']),
        resolution: z.string().nullable(),
        createdAt: z.number(),
        resolvedAt: z.number().nullable(),
        awardStatus: z.enum(['pending', 'notice', 'posted', 'rejected']),
        name: z.string().describe('The award household as the public notice names it (masked)'),
        rule: z.string(),
        points: z.number(),
        occurredOn: z.string(),
      }),
    )
    .describe("The objections the household raised and how they ended (for the household's own login; empty for staff)"),
});

export const ReversalAnswer = z.object({ id: z.number().int(), kind: z.literal('reversal'), points: z.number(), balanceAfter: z.number(), reversesId: z.number().int() });
export const AdjustmentAnswer = z.object({ id: z.number().int(), kind: z.literal('adjustment'), points: z.number(), balanceAfter: z.number() });
export const ExpiryRunAnswer = z.object({ households: z.number().int(), points: z.number() });
