import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type AwardRecord = InferResponseType<(typeof api.awards)[':id']['record']['$get'], 200>;
export type AwardRecordStep = AwardRecord['history'][number]['step'];

export function getAwardRecord(id: number) {
  return call(api.awards[':id'].record.$get({ param: { id: String(id) } }));
}
