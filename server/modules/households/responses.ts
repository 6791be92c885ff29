import { z } from 'zod';
import { householdCategories } from '../../../db/households/households';

export const HouseholdCategory = z.enum(householdCategories);

/** A household as lists and writes answer it. */
export const HouseholdAnswer = z.object({
  id: z.number().int(),
  villageId: z.number().int(),
  groupId: z.number().int().nullable(),
  headName: z.string(),
  doorNo: z.string().nullable(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  category: HouseholdCategory,
  balance: z.number().describe('Spendable points'),
  status: z.enum(['active', 'archived']),
  redemptionSuspended: z.boolean(),
  createdAt: z.number().describe('Milliseconds since the epoch'),
});

export const HouseholdListAnswer = z.object({ items: z.array(HouseholdAnswer), total: z.number().int() });

/** One household with its members, category history, cards and what is still pending. */
export const HouseholdDetailAnswer = HouseholdAnswer.extend({
  villageName: z.string(),
  groupName: z.string().nullable(),
  upcomingExpiry: z.object({ on: z.string(), points: z.number(), mode: z.enum(['carry', 'months', 'year_end']) }).nullable(),
  members: z.array(z.object({ id: z.number().int(), name: z.string(), relation: z.string(), isProxy: z.boolean(), phone: z.string().nullable(), idNumber: z.string().nullable() })),
  categoryHistory: z.array(z.object({ category: HouseholdCategory, validFrom: z.string(), reason: z.string().nullable(), createdAt: z.number() })),
  pendingPoints: z.number().describe('Approved awards still on public notice'),
  noticePoints: z.number(),
  conduct: z.object({ score: z.number(), earned: z.number(), deducted: z.number(), period: z.string() }),
  cards: z.array(z.object({ id: z.number().int(), locked: z.boolean(), createdAt: z.number() })),
});

export const CategoryChangeAnswer = z.object({ householdId: z.number().int(), category: HouseholdCategory, validFrom: z.string(), reason: z.string().nullable() });

export const MemberAnswer = z.object({ id: z.number().int(), householdId: z.number().int(), name: z.string(), relation: z.string(), isProxy: z.boolean() });
