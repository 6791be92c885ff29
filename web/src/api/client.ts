import { hc } from 'hono/client';
import type { AppType } from '../../../server/app';
import { isErrorCode, type ErrorCode } from '../../../server/lib/errorCodes';

/** The one typed client; types come from the server's routes, never re-declared here. */
export const client = hc<AppType>('/', {
  init: { credentials: 'include' },
  // Bind fetch so hc's internal call works in every browser (some throw "Illegal invocation" otherwise).
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, withLanguage(withRequestHook(init))),
});

type RequestHook = (init: RequestInit | undefined) => Record<string, string> | undefined;
let requestHook: RequestHook | null = null;

/** Extra headers for the typed client's requests while set (the idempotent submit cycle adds its Idempotency-Key); null removes it. */
export function setRequestHook(hook: RequestHook | null): void {
  requestHook = hook;
}

function withRequestHook(init?: RequestInit): RequestInit | undefined {
  const extra = requestHook?.(init);
  if (!extra) return init;
  const headers = new Headers(init?.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return { ...init, headers };
}

/** The UI's language (set on <html lang> by setLocale), so the server's error messages match the screen, not the browser. */
export function uiLanguage(): string {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
}

/** Request options with Accept-Language set to the UI's language. */
export function withLanguage(init?: RequestInit): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('Accept-Language', uiLanguage());
  return { ...init, headers };
}

export const api = client.api;

/** What went wrong: one of the server's codes, or `network` (no answer) / `http` (an answer without an error body). */
export type ApiErrorCode = ErrorCode | 'network' | 'http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The error's `details` as the server sent them (e.g. which redemption spent a code), unchecked. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let onUnauthorized: (() => void) | null = null;

/** Called when any request answers 401: the session ended (expired, revoked, password changed). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

interface JsonLike<T> {
  ok: boolean;
  status: number;
  json(): Promise<T>;
}

/** The ApiError of a refused request, from its status and (possibly absent or foreign) body. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  // A code this build does not know (a newer server) is still an error with a message; it is not claimed to be one of ours.
  if (isErrorBody(body)) return new ApiError(status, isErrorCode(body.error.code) ? body.error.code : 'http', body.error.message ?? '', (body.error as { details?: unknown }).details);
  return new ApiError(status, 'http', '');
}

function isErrorBody(body: unknown): body is { error: { code?: unknown; message?: string } } {
  return typeof body === 'object' && body !== null && 'error' in body && typeof (body as { error: unknown }).error === 'object';
}

/** Awaits a typed request and returns its JSON body, or throws an ApiError carrying the server's message (in the language the request asked for). */
export async function call<T>(request: Promise<JsonLike<T>>): Promise<T> {
  let res: JsonLike<T>;
  try {
    res = await request;
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return undefined as T;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized?.();
    throw apiErrorOf(res.status, body);
  }
  return body as T;
}

/** A message fit for the screen: the server's words if it sent some, else a plain local one; never a stack. */
export function errorText(err: unknown, t: (key: string) => string): string {
  if (err instanceof ApiError) {
    if (err.message) return err.message;
    if (err.status === 0) return t('common.errors.network');
    if (err.status === 401) return t('common.errors.unauthorized');
    if (err.status === 403) return t('common.errors.forbidden');
    if (err.status === 404) return t('common.errors.notFound');
    return t('common.errors.server');
  }
  return t('common.errors.unknown');
}

/** A fresh idempotency key; crypto.randomUUID is missing on plain-http pages in some browsers. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function' && globalThis.isSecureContext) return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
