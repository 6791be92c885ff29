import { z } from 'zod';
import { normalizeText } from '../../lib/normalize';
import { Paging } from '../../lib/params';
import { roles } from '../../lib/roles';

export const Password = z.string().min(8, '密码至少 8 位').max(200);

export const CreateUserBody = z.object({
  username: z
    .string()
    .overwrite(normalizeText)
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, '用户名只能包含字母、数字和 _ . @ -'),
  password: Password,
  role: z.enum(roles),
  areaId: z.number().int().positive(),
  householdId: z.number().int().positive().optional(),
  displayName: z.string().trim().min(1).max(50).optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({
    role: z.enum(roles),
    password: Password,
    active: z.boolean(),
    displayName: z.string().trim().min(1).max(50),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const ListUsersQuery = z.object({ q: z.string().overwrite(normalizeText).max(64).optional(), ...Paging });
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const ChangeOwnPasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: Password });
export type ChangeOwnPasswordBody = z.infer<typeof ChangeOwnPasswordBody>;
