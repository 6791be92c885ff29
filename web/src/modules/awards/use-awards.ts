import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, ApiError, call } from '../../api/client';

export type ProposeAwardBody = InferRequestType<typeof api.awards.$post>['json'];
export type ProposeBatchBody = InferRequestType<typeof api.awards.batch.$post>['json'];
export type AwardRow = InferResponseType<typeof api.awards.$get, 200>['items'][number];
export type AwardStatus = AwardRow['status'];
export type ObjectionRow = InferResponseType<typeof api.objections.$get, 200>['items'][number];
export type ObjectionDecision = InferRequestType<(typeof api.objections)[':id']['resolve']['$post']>['json']['decision'];

export function proposeAward(body: ProposeAwardBody) {
  return call(api.awards.$post({ json: body }));
}

/** The households a refused batch names (`error.details.householdIds`), kept beside the ApiError the client throws. */
const refusedIds = new WeakMap<ApiError, number[]>();

export function refusedHouseholds(err: unknown): number[] {
  return err instanceof ApiError ? (refusedIds.get(err) ?? []) : [];
}

function householdIdsOf(body: unknown): number[] | null {
  const ids = (body as { error?: { details?: { householdIds?: unknown } } } | null)?.error?.details?.householdIds;
  return Array.isArray(ids) && ids.every((i) => Number.isInteger(i)) ? (ids as number[]) : null;
}

/**
 * Proposes a batch; a refusal keeps the households it names (see `refusedHouseholds`) so the grid can mark them.
 * `idempotencyKey` is the sheet's own: a repeat of the same sheet (double click, resubmit after a reload) creates one batch.
 */
export async function proposeBatch(body: ProposeBatchBody, idempotencyKey?: string) {
  // The copy is taken before `call` reads the body, so both can read it.
  const sent = api.awards.batch.$post({ json: body }, idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : undefined).then((res) => ({ res, copy: res.ok ? null : res.clone() }));
  try {
    return await call(sent.then((s) => s.res));
  } catch (err) {
    const copy = await sent.then((s) => s.copy).catch(() => null);
    const ids = copy ? householdIdsOf(await copy.json().catch(() => null)) : null;
    if (err instanceof ApiError && ids) refusedIds.set(err, ids);
    throw err;
  }
}

export function listAwards(query: { status?: AwardStatus; villageId?: number; householdId?: number; batchId?: number; limit: number; offset: number }) {
  const wire: { status?: AwardStatus; villageId?: string; householdId?: string; batchId?: string; limit: string; offset: string } = {
    limit: String(query.limit),
    offset: String(query.offset),
  };
  if (query.status) wire.status = query.status;
  if (query.villageId) wire.villageId = String(query.villageId);
  if (query.householdId) wire.householdId = String(query.householdId);
  if (query.batchId) wire.batchId = String(query.batchId);
  return call(api.awards.$get({ query: wire }));
}

export function approveAward(id: number) {
  return call(api.awards[':id'].approve.$post({ param: { id: String(id) } }));
}

export function approveMany(ids: number[]) {
  return call(api.awards.approve.$post({ json: { ids } }));
}

export function rejectAward(id: number, reason: string) {
  return call(api.awards[':id'].reject.$post({ param: { id: String(id) }, json: { reason } }));
}

export function objectToAward(id: number, reason: string) {
  return call(api.awards[':id'].objections.$post({ param: { id: String(id) }, json: { reason } }));
}

export function listObjections(query: { status?: 'open' | 'upheld' | 'dismissed'; limit: number; offset: number }) {
  const wire: { status?: 'open' | 'upheld' | 'dismissed'; limit: string; offset: string } = { limit: String(query.limit), offset: String(query.offset) };
  if (query.status) wire.status = query.status;
  return call(api.objections.$get({ query: wire }));
}

export function resolveObjection(id: number, decision: ObjectionDecision, resolution: string) {
  return call(api.objections[':id'].resolve.$post({ param: { id: String(id) }, json: { decision, resolution } }));
}

/** Every pending award of one batch proposal (a monthly inspection may hold hundreds), in pages of the server's maximum. */
export async function pendingOfBatch(batchId: number): Promise<AwardRow[]> {
  const all: AwardRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await listAwards({ status: 'pending', batchId, limit: 500, offset });
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0) return all;
  }
}

export interface BatchSummary {
  count: number;
  households: number;
  points: number;
  rules: string[];
  proposers: string[];
  days: string[];
}

/** What a reviewer must see before approving a whole batch at once. */
export function summarizeBatch(rows: readonly AwardRow[]): BatchSummary {
  return {
    count: rows.length,
    households: new Set(rows.map((r) => r.householdId)).size,
    points: rows.reduce((s, r) => s + r.points, 0),
    rules: [...new Set(rows.map((r) => r.ruleName))],
    proposers: [...new Set(rows.map((r) => r.proposerName))],
    days: [...new Set(rows.map((r) => r.occurredOn))].sort(),
  };
}
