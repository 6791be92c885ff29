import { z } from 'zod';
import { roles } from '../../lib/roles';

// The kinds the areas table allows; answer() in routes.ts fails to compile if the table's enum drifts from it.
export const AreaKind = z.enum(['county', 'township', 'village', 'group']);

/** An account as answers show it (never its password hash). */
export const UserAnswer = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(roles),
  areaId: z.number().int(),
  householdId: z.number().int().nullable(),
  areaName: z.string(),
  areaKind: AreaKind,
});

export const MeAnswer = z.object({ user: UserAnswer });
export const UnlockAnswer = z.object({ id: z.number().int(), locked: z.boolean(), wasLocked: z.boolean() });
