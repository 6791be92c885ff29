import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type AuditRow = InferResponseType<typeof api.audit.$get, 200>['items'][number];

export function listAudit(query: { entity?: string; entityId?: string; limit: number; offset: number }) {
  const wire: { entity?: string; entityId?: string; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.entity?.trim()) wire.entity = query.entity.trim();
  if (query.entityId?.trim()) wire.entityId = query.entityId.trim();
  return call(api.audit.$get({ query: wire }));
}
