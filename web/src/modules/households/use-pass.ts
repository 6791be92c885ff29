import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type Pass = InferResponseType<(typeof api.households)[':id']['pass']['$post'], 201>;

export function issuePass(householdId: number) {
  return call(api.households[':id'].pass.$post({ param: { id: String(householdId) } }));
}
