import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type UserRow = InferResponseType<typeof api.users.$get, 200>['items'][number];
export type CreateUserBody = InferRequestType<typeof api.users.$post>['json'];
export type CreatableRole = InferResponseType<typeof api.users.roles.$get, 200>['items'][number];
export type UpdateUserBody = InferRequestType<(typeof api.users)[':id']['$patch']>['json'];

export function listUsers(query: { q?: string; limit: number; offset: number }) {
  const wire: { q?: string; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.q?.trim()) wire.q = query.q.trim();
  return call(api.users.$get({ query: wire }));
}

export function createUser(body: CreateUserBody) {
  return call(api.users.$post({ json: body }));
}

export function updateUser(id: number, body: UpdateUserBody) {
  return call(api.users[':id'].$patch({ param: { id: String(id) }, json: body }));
}

/** The roles this user may create, as the server's account policy says (server/modules/users/policy.ts). */
export async function creatableRoles(): Promise<CreatableRole[]> {
  return (await call(api.users.roles.$get())).items;
}
