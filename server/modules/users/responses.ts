import { z } from 'zod';
import { roles } from '../../lib/roles';

/** An account as the management answers show it (never its password hash). */
export const AccountAnswer = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(roles),
  areaId: z.number().int(),
  householdId: z.number().int().nullable(),
  active: z.boolean(),
});

export const UserListAnswer = z.object({
  items: z.array(AccountAnswer.extend({ areaName: z.string(), manageable: z.boolean().describe('Whether the actor may change this account') })),
  total: z.number().int(),
});

export const CreatableRolesAnswer = z.object({
  items: z.array(z.object({ role: z.enum(roles), areaKinds: z.array(z.string()).describe('Area kinds an account of this role is bound to') })),
});

export const PasswordChangedAnswer = z.object({ ok: z.literal(true), otherSessionsEnded: z.number().int() });
