import type { StandardSchemaV1 } from '@standard-schema/spec';
import { resolver, type DescribeRouteOptions } from 'hono-openapi';
import type { ErrorCode } from './errorCodes';

/** Who may call an operation: anyone, any signed-in user, or only some roles (then 403 `forbidden` too). */
export type Access = 'public' | 'session' | 'roles';

/** A binary answer: its media type and what it is. */
export interface BinaryAnswer {
  media: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' | 'text/html' | 'image/svg+xml' | 'image/jpeg';
  description: string;
}

export interface RouteDoc {
  tags: string[];
  /** Chinese first, as the UI; both languages end up in the summary. */
  zh: string;
  en: string;
  access?: Access;
  /** The success answer: a JSON schema, a binary file, or no body (204). */
  ok: { status: 200 | 201 | 204; schema?: StandardSchemaV1; binary?: BinaryAnswer; description?: string; headers?: Record<string, { description: string; schema: { type: 'string' } }> };
  /** The codes this operation answers with beyond the ones every operation may (see server/lib/openapi.ts). A code answered with another status than its usual one is [status, code]. */
  errors?: readonly (ErrorCode | readonly [number, ErrorCode])[];
  /** The operation needs an Idempotency-Key header (every other signed-in POST under /api takes one optionally; see server/lib/openapi.ts). */
  idempotencyKey?: boolean;
  /** Non-JSON refusals (a print page's 404 is a page too), by status. */
  pages?: Record<number, BinaryAnswer>;
  /** A body that is not JSON (a photo upload): its media types; a JSON body is documented by its validator. */
  rawBody?: { media: readonly string[]; description: string };
  /** The answer carries a strong ETag; a request with a current If-None-Match gets 304 and no body. */
  etag?: boolean;
  /** The operation reads no parameters and no body, so it never answers 400 `invalid`. */
  noInput?: boolean;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' as const;
export const xlsx = (description: string): BinaryAnswer => ({ media: XLSX, description });
export const html = (description: string): BinaryAnswer => ({ media: 'text/html', description });
export const svg = (description: string): BinaryAnswer => ({ media: 'image/svg+xml', description });
export const jpeg = (description: string): BinaryAnswer => ({ media: 'image/jpeg', description });

/**
 * One operation's OpenAPI description. The generic error statuses (401, 403, 400, 413, 415, 429, 500,
 * 503) are added when the document is built, from `access`, the method and the path; `x-jifen-*` is
 * read and removed there.
 */
export function doc(d: RouteDoc): DescribeRouteOptions {
  const { ok } = d;
  const headers = d.etag ? { ...ok.headers, ETag: { description: 'A strong validator of this answer: send it back as If-None-Match', schema: { type: 'string' as const } } } : ok.headers;
  const success = ok.binary
    ? { description: ok.binary.description, content: { [ok.binary.media]: { schema: { type: 'string' as const, format: 'binary' } } } }
    : ok.schema
      ? { description: ok.description ?? 'OK', content: { 'application/json': { schema: resolver(ok.schema) } } }
      : { description: ok.description ?? 'No content' };
  return {
    tags: d.tags,
    summary: `${d.zh} · ${d.en}`,
    'x-summary-zh': d.zh,
    'x-summary-en': d.en,
    'x-jifen-access': d.access ?? 'roles',
    'x-jifen-errors': (d.errors ?? []).map((e) => (typeof e === 'string' ? e : `${e[0]}:${e[1]}`)),
    ...(d.noInput ? { 'x-jifen-no-input': true } : {}),
    ...(d.idempotencyKey ? { 'x-jifen-idempotency': 'required' } : {}),
    ...(d.rawBody
      ? { requestBody: { required: true, description: d.rawBody.description, content: Object.fromEntries(d.rawBody.media.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])) } }
      : {}),
    responses: {
      [String(ok.status)]: headers && 'content' in success ? { ...success, headers } : success,
      ...(d.etag ? { 304: { description: 'Not modified: the If-None-Match ETag is still current' } } : {}),
      ...Object.fromEntries(Object.entries(d.pages ?? {}).map(([status, p]) => [status, { description: p.description, content: { [p.media]: { schema: { type: 'string', format: 'binary' } } } }])),
    },
  } as DescribeRouteOptions;
}

/**
 * The value a route answers with, checked at compile time against the schema the document shows:
 * an action whose result drifts from its documented schema no longer compiles.
 */
export function answer<S extends StandardSchemaV1>(_schema: S, value: StandardSchemaV1.InferOutput<S>): StandardSchemaV1.InferOutput<S> {
  return value;
}
