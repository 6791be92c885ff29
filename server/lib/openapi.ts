import type { Env, Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import { readFileSync } from 'node:fs';
import type { Access } from './apiDoc';
import { errorCatalog, errorCodes, isErrorCode, type ErrorCode } from './errorCodes';

/** The app's version: the document's info.version follows package.json. */
export const appVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

const requestIdHeader: OpenAPIV3_1.HeaderObject = {
  description: 'The id of this request, also in the server log line and in any error body',
  schema: { type: 'string' },
};
const retryAfterHeader: OpenAPIV3_1.HeaderObject = { description: 'Seconds to wait before trying again', schema: { type: 'string', pattern: '^[0-9]+$' } };

function errorSchema(codes: readonly ErrorCode[]): OpenAPIV3_1.SchemaObject {
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'requestId'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: [...codes] },
          message: { type: 'string', description: 'For people: Chinese, or English when Accept-Language prefers English' },
          requestId: { type: 'string' },
          details: { description: 'What exactly was wrong (validation issues, row errors ...), when there is more to say' },
        },
      },
    },
  };
}

type Operation = OpenAPIV3_1.OperationObject & {
  'x-jifen-access'?: Access;
  'x-jifen-errors'?: string[];
  'x-jifen-no-input'?: boolean;
  'x-jifen-idempotency'?: 'required';
};

/** Signed-in POSTs under /api that the idempotency middleware skips (server/app.ts): redemptions keep their own key, photos are content-addressed. */
const OWN_IDEMPOTENCY = new Set(['/api/redemptions', '/api/evidence']);

/** Whether an operation reads an Idempotency-Key header: required, optional, or not at all. */
function idempotencyOf(path: string, method: string, op: Operation): 'required' | 'optional' | null {
  if (op['x-jifen-idempotency'] === 'required') return 'required';
  if (method !== 'post' || !path.startsWith('/api/') || OWN_IDEMPOTENCY.has(path)) return null;
  return (op['x-jifen-access'] ?? 'roles') === 'public' ? null : 'optional';
}

function idempotencyParameter(required: boolean): OpenAPIV3_1.ParameterObject {
  return {
    name: 'Idempotency-Key',
    in: 'header',
    required,
    description: required
      ? 'A key the client makes once per redemption (8–100 of A–Z a–z 0–9 . _ : -); the same key with the same body answers the first result again and spends nothing.'
      : 'A key the client makes once per form (8–100 of A–Z a–z 0–9 . _ : -), kept 24 h per user: a repeat with the same body answers the first success again (Idempotent-Replayed: true) and creates nothing; a failed request gives the key back.',
    schema: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' },
  };
}
const replayedHeader: OpenAPIV3_1.HeaderObject = { description: '"true" when this is the stored answer of an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } };

/** The error codes an operation may answer with, by status. */
function errorsOf(path: string, method: string, op: Operation): Map<number, Set<ErrorCode>> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  const add = (code: ErrorCode, status: number = errorCatalog[code].status) => {
    const set = byStatus.get(status) ?? new Set<ErrorCode>();
    set.add(code);
    byStatus.set(status, set);
  };
  const access = op['x-jifen-access'] ?? 'roles';
  const hasInput = !op['x-jifen-no-input'] && (Boolean(op.requestBody) || (op.parameters?.length ?? 0) > 0 || path.includes('{'));
  if (hasInput) {
    add('invalid');
    add('invalid_text');
  }
  if (access !== 'public') add('unauthorized');
  if (access === 'roles') add('forbidden');
  if (path.startsWith('/api/') && MUTATING.has(method)) {
    add('bad_origin');
    add('payload_too_large');
    add('unsupported_media_type');
  }
  if (path.startsWith('/api/public/') || path.startsWith('/print/')) add('too_many_requests');
  const idempotency = idempotencyOf(path, method, op);
  if (idempotency) {
    add('invalid');
    add('idempotency_mismatch');
    add('idempotency_in_progress');
  }
  if (idempotency === 'required') add('idempotency_key_required');
  add('internal');
  add('busy');
  add('disk_full');
  for (const entry of op['x-jifen-errors'] ?? []) {
    const [status, code] = entry.includes(':') ? entry.split(':') : [undefined, entry];
    if (!isErrorCode(code)) throw new Error(`${method.toUpperCase()} ${path}: unknown error code ${code}`);
    add(code, status ? Number(status) : undefined);
  }
  return byStatus;
}

const requestIdRef = { $ref: '#/components/headers/X-Request-Id' };

/** Adds to each operation what the middleware gives every route: security, generic errors, the request id header. */
function complete(doc: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  const components = (doc.components ??= {});
  const shared = (components.responses ??= {});
  components.headers = { 'X-Request-Id': requestIdHeader, 'Retry-After': retryAfterHeader, 'Idempotent-Replayed': replayedHeader };
  // One shared response per status and set of codes, so the document stays readable.
  const errorResponse = (status: number, codes: ErrorCode[]) => {
    const name = `E${status}.${codes.join('.')}`;
    shared[name] ??= {
      description: codes.map((c) => `\`${c}\`: ${errorCatalog[c].en}（${errorCatalog[c].zh}）`).join('; '),
      headers: status === 429 || status === 503 ? { 'X-Request-Id': requestIdRef, 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : { 'X-Request-Id': requestIdRef },
      content: { 'application/json': { schema: errorSchema(codes) } },
    };
    return { $ref: `#/components/responses/${name}` };
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method] as Operation | undefined;
      if (!op) continue;
      const byStatus = errorsOf(path, method, op);
      const idempotency = idempotencyOf(path, method, op);
      if (idempotency) {
        const others = ((op.parameters ?? []) as OpenAPIV3_1.ParameterObject[]).filter((p) => !(p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'));
        op.parameters = [...others, idempotencyParameter(idempotency === 'required')];
      }
      delete op['x-jifen-idempotency'];
      op.security = op['x-jifen-access'] === 'public' ? [] : [{ session: [] }];
      delete op['x-jifen-access'];
      delete op['x-jifen-errors'];
      delete op['x-jifen-no-input'];
      const responses: OpenAPIV3_1.ResponsesObject = {};
      const own = Object.entries(op.responses ?? {}).filter(([status]) => status !== 'default');
      for (const [status, response] of own) {
        const r = response as OpenAPIV3_1.ResponseObject;
        const replayed: Record<string, OpenAPIV3_1.ReferenceObject> = idempotency && status.startsWith('2') ? { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } } : {};
        responses[status] = { ...r, headers: { ...r.headers, 'X-Request-Id': requestIdRef, ...replayed } };
      }
      for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
        const ref = errorResponse(status, [...(byStatus.get(status) ?? [])].sort());
        const page = responses[String(status)] as OpenAPIV3_1.ResponseObject | undefined;
        if (!page) responses[String(status)] = ref;
        else {
          // A status answered both as a page (print) and as a JSON error: both media types, one response.
          const shared = components.responses?.[ref.$ref.replace('#/components/responses/', '')] as OpenAPIV3_1.ResponseObject;
          responses[String(status)] = { ...shared, description: `${page.description}; ${shared.description}`, content: { ...shared.content, ...page.content } };
        }
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  components.responses = Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b)));
  return doc;
}

/** The counter flow, end to end, as a developer reads it on /api/docs. */
const counterFlowExample = `

## Example: the counter flow

1. The household signs in and shows a one-time code (valid 60 s):

\`\`\`http
POST /api/auth/login
Content-Type: application/json

{"username":"zhangsan","password":"…"}
\`\`\`
→ \`200\`, \`Set-Cookie: jifen_session=…; HttpOnly; SameSite=Lax\`, \`{"user":{"id":7,"role":"household",…}}\`

\`\`\`http
POST /api/households/12/pass
Cookie: jifen_session=…
\`\`\`
→ \`201\` \`{"code":"J1.c.mbx3k2.…","expiresAt":"2026-06-15T02:01:00.000Z", …}\`

2. The clerk (signed in the same way) looks the code up, then redeems with an Idempotency-Key:

\`\`\`http
POST /api/counter/lookup
Cookie: jifen_session=…
Content-Type: application/json

{"code":"J1.c.mbx3k2.…"}
\`\`\`
→ \`200\` who the code belongs to and the balance; nothing is spent.

\`\`\`http
POST /api/redemptions
Cookie: jifen_session=…
Idempotency-Key: 6f1c2a9e-counter-0001
Content-Type: application/json

{"code":"J1.c.mbx3k2.…","items":[{"goodsId":3,"quantity":1}]}
\`\`\`
→ \`201\` the redemption (items, points spent, balance after).

3. A retry with the same key and body (a lost answer, a double tap) answers the same \`201\` body again with
\`Idempotent-Replayed: true\` and spends nothing; the same key with another body is \`422 idempotency_mismatch\`;
the same code under a new key is \`409 code_used\`; an old code is \`410 code_expired\`:

\`\`\`json
{"error":{"code":"code_used","message":"兑换码已使用","requestId":"3b0d…"}}
\`\`\`
`;

const documentation = {
  openapi: '3.1.0',
  info: {
    title: 'jifen API',
    version: appVersion,
    description: [
      'Rural good-conduct points and aid supermarket (积分制·爱心超市). Sign in with `POST /api/auth/login`; the answer sets the',
      '`jifen_session` cookie (HttpOnly) that every other non-public operation needs. Mutations take JSON only and refuse a foreign',
      '`Origin`. Every error answers `{"error":{"code","message","requestId"}}`: `code` is one of a closed list (schema `ErrorCode`),',
      '`message` is Chinese, or English when `Accept-Language` prefers English, and `requestId` (also the `X-Request-Id` header) is',
      'the id of the server log line. Breaking changes are listed in CHANGELOG.md.',
    ].join(' ') + counterFlowExample,
  },
  servers: [],
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'jifen_session', description: 'Set by POST /api/auth/login' },
    },
    schemas: {
      ErrorCode: { type: 'string', enum: [...errorCodes] },
      Error: errorSchema(errorCodes),
    },
  },
} satisfies Partial<OpenAPIV3_1.Document>;

/** The OpenAPI document of the app, built once per app. */
export function openApiDocument<E extends Env>(app: Hono<E>): () => Promise<OpenAPIV3_1.Document> {
  let built: Promise<OpenAPIV3_1.Document> | null = null;
  return () => {
    built ??= generateSpecs(app, {
      documentation: documentation as never,
      defaultValidationErrorResponse: false,
      // The spreadsheet routes end in .xlsx; they are operations, not static files.
      excludeStaticFile: false,
      exclude: ['/api/openapi.json', '/api/docs', /^\/api\/docs\//, '/api/*', '/print/*', '/*'],
    }).then((d) => complete(d as unknown as OpenAPIV3_1.Document));
    return built;
  };
}
