import { z } from 'zod';

export const AuditListAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      actorId: z.number().int().nullable(),
      actorName: z.string().nullable(),
      actorDisplayName: z.string().nullable(),
      actorRole: z.string().nullable(),
      areaId: z.number().int().nullable(),
      entity: z.string(),
      entityId: z.string(),
      action: z.string(),
      before: z.unknown().describe('The record before the change (personal data masked for who may not see it)'),
      after: z.unknown().describe('The record after the change'),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      createdAt: z.number(),
    }),
  ),
  total: z.number().int(),
});
