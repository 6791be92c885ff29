import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type IssuedCard = InferResponseType<(typeof api.households)[':id']['cards']['$post'], 201>;

export function issueCard(householdId: number, pin: string) {
  return call(api.households[':id'].cards.$post({ param: { id: String(householdId) }, json: { pin } }));
}

export function revokeCard(cardId: number) {
  return call(api.cards[':id'].revoke.$post({ param: { id: String(cardId) } }));
}

export function unlockCard(cardId: number) {
  return call(api.cards[':id'].unlock.$post({ param: { id: String(cardId) } }));
}
