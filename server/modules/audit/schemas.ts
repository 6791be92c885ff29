import { z } from 'zod';
import { Paging } from '../../lib/params';

export const ListAuditQuery = z.object({
  entity: z
    .string()
    .max(40)
    .regex(/^[a-z_]+$/)
    .optional(),
  entityId: z.string().max(40).optional(),
  action: z.string().max(60).optional(),
  actorId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;
