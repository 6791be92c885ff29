import type { Context, MiddlewareHandler } from 'hono';
import { validator as openapiValidator } from 'hono-openapi';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import type { Db } from '../../db/client';
import type { Role } from '../../db/schema/users';
import type { Actor, AppConfig, Ctx, Device, PublicCtx } from './context';
import { Forbidden, Invalid, Unauthorized } from './errors';

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

export function deviceOf(c: Context<AppEnv>): Device {
  // X-Forwarded-For is anyone's to write; it names the client only behind a proxy we were told to trust.
  const forwarded = c.get('deps')?.config.trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return { ip: forwarded || incoming?.socket?.remoteAddress || null, userAgent: c.req.header('user-agent') ?? null };
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

export const staffRoles: Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk'];
export const allRoles: Role[] = [...staffRoles, 'household'];

function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Validates one part of the request against a zod schema (also feeding the OpenAPI document). */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return openapiValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error as readonly StandardSchemaV1.Issue[];
      throw new Invalid(`请求参数有误：${describeIssues(issues)}`, issues.map((i) => ({ path: i.path, message: i.message })));
    }
  });
}
