import type { Context, MiddlewareHandler, Next } from 'hono';
import { validator as openapiValidator } from 'hono-openapi';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import type { Db } from '../../db/client';
import type { Role } from '../../db/users/users';
import type { Actor, AppConfig, Ctx, Device, PublicCtx } from './context';
import { Forbidden, Invalid, Unauthorized } from './errors';
import { findInvalidText, isValidText } from './text';
import { fieldLabel } from './fieldLabels';

export interface AppDeps {
  db: Db;
  config: AppConfig;
  /** Clock; tests pin it. */
  now?: () => Date;
  /** Directory of the built web app to serve, if any. */
  webRoot?: string | null;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    actor: Actor | null;
  };
}

/** Longest header value kept (UTF-16 units, as audit rows and sessions cut it): a User-Agent is a hint, not a document. */
const MAX_HEADER_TEXT = 300;

/**
 * A client-written header made fit to store: invalid characters become U+FFFD and the value is
 * capped without splitting a surrogate pair. Replaced rather than refused, because a login must not
 * fail over a browser's odd User-Agent, and the audit row must still be written.
 */
export function storableHeader(value: string | undefined | null): string | null {
  if (value == null) return null;
  if (isValidText(value) && value.length <= MAX_HEADER_TEXT) return value;
  let out = '';
  for (const ch of value) {
    const kept = isValidText(ch) ? ch : '\uFFFD';
    if (out.length + kept.length > MAX_HEADER_TEXT) break;
    out += kept;
  }
  return out;
}

/**
 * The client's address: X-Forwarded-For is anyone's to write, so it names the client only behind a
 * proxy we were told to trust; otherwise the socket's peer.
 */
export function clientAddress(forwardedFor: string | undefined, env: unknown, trustProxy: boolean | undefined): string | null {
  const forwarded = trustProxy ? forwardedFor?.split(',')[0]?.trim() : undefined;
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return storableHeader(forwarded || incoming?.socket?.remoteAddress);
}

export function deviceOf(c: Context<AppEnv>): Device {
  const trustProxy = c.get('deps')?.config.trustProxy;
  return { ip: clientAddress(trustProxy ? c.req.header('x-forwarded-for') : undefined, c.env, trustProxy), userAgent: storableHeader(c.req.header('user-agent')) };
}

export function publicCtxOf(c: Context<AppEnv>): PublicCtx {
  const deps = c.get('deps');
  return { db: deps.db, now: deps.now ? deps.now() : new Date(), device: deviceOf(c), config: deps.config };
}

/** The action context of an authenticated request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized();
  return { ...publicCtxOf(c), actor };
}

/** Lets only the named roles through: 401 without a session, 403 for any other role. */
export function allow(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!actor) throw new Unauthorized();
    if (!roles.includes(actor.role)) throw new Forbidden();
    await next();
  };
}

// The role groups have one owner (./roles); re-exported for the routes that import them from here.
export { allRoles, staffRoles } from './roles';

function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).map((k) => (typeof k === 'number' ? k : String(k)));
      // Named in words (「户主姓名」), not by the request's key (headName).
      return path.length ? `${fieldLabel(path)}：${i.message}` : i.message;
    })
    .join('；');
}

function rejectInvalidText(value: unknown): void {
  const field = findInvalidText(value);
  if (field) throw new Invalid(`「${field}」含有无法识别的字符`, { path: field }, 'invalid_text');
}

/**
 * Validates one part of the request against a zod schema (also feeding the OpenAPI document), then
 * refuses any string in the parsed value that is not valid Unicode. Every route reads its input
 * through here, so no route can store a lone surrogate that would break the ledger's hashes.
 */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  const inner = openapiValidator(target, schema, (result) => {
    // The raw input first, so a bad character is named as such rather than as a failed pattern.
    rejectInvalidText(result.data);
    if (!result.success) {
      const issues = result.error as readonly StandardSchemaV1.Issue[];
      throw new Invalid(`请求参数有误：${describeIssues(issues)}`, issues.map((i) => ({ path: i.path, message: i.message })));
    }
  });
  const checked = (c: Parameters<typeof inner>[0], next: Next) =>
    inner(c, async () => {
      // And what the schema made of it: a transform that cuts a string can split a surrogate pair.
      rejectInvalidText(c.req.valid(target as never));
      await next();
    });
  // Keep the validator's typing and the OpenAPI metadata hono-openapi reads from the handler.
  return Object.assign(checked, inner) as unknown as typeof inner;
}
