import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../db/verify';
import { withIdChecksum } from '../../server/lib/identity';
import { isValidText } from '../../server/lib/text';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';
import { snapshotCounts, tableNames } from './support';

const RUNS = Number(process.env.JIFEN_FUZZ_RUNS ?? 100);
const SEED = Number(process.env.JIFEN_FUZZ_SEED ?? 5);

// Refusals that must be remembered: counting wrong passwords and PINs is the protection itself.
const REFUSALS_THAT_WRITE = new Set(['wrong_pin', 'bad_credentials', 'card_locked', 'account_locked', 'too_many_requests']);

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  required?: string[];
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}
interface Operation {
  parameters?: { in: string; name: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : { a: v };
  return v;
}

/**
 * Strings that are not valid Unicode text: lone surrogates (alone, mid-text, at either end, a pair
 * cut in half) and non-characters. Stored, a lone surrogate is bytes other than the ones a hash
 * covers, which once broke the ledger's verification for good.
 */
const invalidText = fc.constantFrom(
  '\ud800', '\udfff', '张三\ud800', '\udc00整改完成', '王\ud83d五', '😀'.slice(0, 1), '😀'.slice(1), 'ok\ud800\ud800', '\ufffe', '\uffff', '\ufdd0', '\ufdef', '\u{1fffe}', '\u{10ffff}', '备注\u{2ffff}',
);
/** Days, months and years that do not exist or lie outside 2000–2100. */
const impossibleDays = ['2026-02-30', '2026-02-31', '2026-02-29', '2025-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '0000-01-01', '0000-00-00', '1999-12-31', '2101-01-01', '9999-12-31'];
const impossiblePeriods = ['0000', '1999', '2101', '9999', '0000-Q1', '1999-12', '2026-13', '2026-00', '2026-Q0', '2026-Q5'];

/** Values no route should choke on: wrong types, edges of number ranges, hostile strings, deep nesting. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 1e308, -1e308, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
    '9007199254740992', '9007199254740993', '-9007199254740993', '1e21',
    '', ' ', '0', '-1', '1e999', 'NaN', 'null', "'; DROP TABLE households; --", "1 OR 1=1", '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
    '\u0000', '\u202e', '😀'.repeat(300), 'x'.repeat(20_000), '2026-06-15', ...impossibleDays, ...impossiblePeriods,
    [], {}, [[[[[]]]]], { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }, nest(300),
  ),
  invalidText,
  invalidText.map((bad) => ({ note: bad, name: bad, [bad]: 1 })),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

/** Mostly well-formed values for a JSON schema, so requests reach the business rules; a few leaves go bad. */
// Valid values for fields no random string will satisfy (checksummed ids, the world's card code).
const hints: Record<string, string[]> = {
  idNumber: [withIdChecksum('43072119800101123'), withIdChecksum('11010519491231002')],
  phone: ['13800138000', '13912345678'],
  headName: ['王五', '欧阳·娜娜'],
  name: ['王五', '李小红'],
  memberName: ['王五'],
  pin: ['2468', '1357'],
  code: [],
};

function typed(schema: JsonSchema | undefined, depth = 0, key = ''): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return nasty;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return fc.oneof(...alt.map((s) => typed(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let good: fc.Arbitrary<unknown>;
  if (schema.enum?.length) good = fc.constantFrom(...schema.enum);
  else if (type === 'object' && schema.properties) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(schema.properties)) shape[k] = typed(v, depth + 1, k);
    good = fc.record(shape, { requiredKeys: schema.required ?? [] });
  } else if (type === 'array') good = fc.array(typed(schema.items, depth + 1), { minLength: 1, maxLength: 4 });
  else if (type === 'integer' || type === 'number') good = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(-5, 0, 100, 1000, 2 ** 40) });
  else if (type === 'boolean') good = fc.boolean();
  else if (type === 'string' && schema.format === 'uri') good = fc.constantFrom('https://example.com/a.jpg', 'javascript:alert(1)');
  else if (type === 'string' && schema.pattern?.includes('d{4}-')) good = fc.constantFrom('2026-06-10', '2026-06-01', '2024-02-29', '2030-01-01', ...impossibleDays);
  else if (type === 'string' && schema.pattern?.includes('d{4}')) good = fc.constantFrom('2026', '2026-06', '2026-Q2', '2000', '2100-12', ...impossiblePeriods);
  else if (type === 'string' && hints[key]?.length) good = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hints[key]) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
  else if (type === 'string') {
    good = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('2026', '2026-06', '2026-Q2', 'hygiene', '张三', '整改完成', '𠮷野', '香皂🧼', '13800138000', '2468', '123456', 'abcdefgh-1') },
      { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
      // Every text field, not only the ones a hostile constant happens to land on.
      { weight: 1, arbitrary: invalidText },
    );
  }
  else good = nasty;
  return fc.oneof({ weight: 19, arbitrary: good }, { weight: 1, arbitrary: nasty });
}

/** A well-formed body with one field swapped for a hostile value. */
function oneFieldBad(schema: JsonSchema, bad: fc.Arbitrary<unknown> = nasty): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  if (!keys.length) return bad;
  return fc.tuple(typed(schema), fc.constantFrom(...keys), bad).map(([obj, key, b]) => (obj && typeof obj === 'object' && !Array.isArray(obj) ? { ...obj, [key]: b } : obj));
}

/** Every stored string that is not valid Unicode (a non-character survives storage; a lone surrogate shows up in `verify`). */
async function invalidStoredText(t: TestApp): Promise<string[]> {
  const found: string[] = [];
  for (const { name } of await tableNames(t.sql)) {
    for (const row of await t.sql.all<Record<string, unknown>>(`SELECT * FROM "${name}"`)) {
      for (const [col, v] of Object.entries(row)) if (typeof v === 'string' && !isValidText(v)) found.push(`${name}.${col}: ${JSON.stringify(v)}`);
    }
  }
  return found;
}

const pathId = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '1.5', '1e3', 'abc', '99999999999999999999', '9007199254740993', '%E4%B8%AD', '%00', '1%27%20OR%201%3D1', '%F0%9F%98%80', '0x10', ' 1') },
);

const roles = ['anonymous', 'county', 'township', 'cadre', 'reviewer', 'clerk', 'household'] as const;

/** A world with real rows behind small ids: awards in every state, a redemption, a card. */
async function fuzzWorld(): Promise<{ t: TestApp; cookies: Record<string, string> }> {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cookies: Record<string, string> = {};
  for (const r of roles) if (r !== 'anonymous') cookies[r] = await login(t, r);
  for (let i = 0; i < 4; i += 1) {
    await call(t, 'POST', '/api/awards', { cookie: cookies.cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 5, occurredOn: '2026-06-10' } });
  }
  await call(t, 'POST', '/api/awards/1/approve', { cookie: cookies.reviewer });
  await call(t, 'POST', '/api/awards/2/reject', { cookie: cookies.reviewer, body: { reason: '重复' } });
  const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cookies.cadre, body: { pin: '2468' } });
  hints.code = [card.body.code];
  const pass = await call(t, 'POST', `/api/households/${w.household.id}/assisted-pass`, { cookie: cookies.cadre, body: { reason: '老人不会用手机' } });
  await call(t, 'POST', '/api/redemptions', { cookie: cookies.clerk, headers: { 'idempotency-key': 'fuzz-setup-1' }, body: { code: pass.body.code, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
  return { t, cookies };
}

async function routeTable() {
  const { t } = await fuzzWorld();
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
  const seen = new Set<string>();
  const out: { method: string; path: string; op: Operation | undefined }[] = [];
  for (const r of t.app.routes) {
    const method = r.method.toUpperCase();
    if (r.path.includes('*') || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
    const key = `${method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method, path: r.path, op: doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()] });
  }
  return out;
}

const routes = await routeTable();

describe('bad input, everywhere', () => {
  it('covers every route the app serves', () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: no 500, every refusal is a 4xx JSON error, and a refusal writes nothing',
    async (_name, route) => {
      const { t, cookies } = await fuzzWorld();
      const bodySchema = route.op?.requestBody?.content?.['application/json']?.schema;
      const queryParams = (route.op?.parameters ?? []).filter((p) => p.in === 'query');
      const queryShape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const p of queryParams) queryShape[p.name] = typed(p.schema);
      const hasBody = !!bodySchema?.properties && Object.keys(bodySchema.properties).length > 0;
      type Body = { json: unknown; poisoned?: true } | { raw: string };
      const bodies: fc.WeightedArbitrary<Body>[] = [
        { weight: 4, arbitrary: typed(bodySchema ?? { type: 'object', properties: {} }).map((v) => ({ json: v })) },
        { weight: 3, arbitrary: oneFieldBad(bodySchema ?? { type: 'object', properties: {} }).map((v) => ({ json: v })) },
        { weight: 1, arbitrary: nasty.map((v) => ({ json: v })) },
        { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,', 'nul', '"\\u00"', '{"a":1}}', '\u0000').map((raw) => ({ raw })) },
        { weight: 1, arbitrary: fc.constant({ json: {} as unknown }) },
      ];
      // Otherwise good, one field of invalid text: whatever the role, this must never be accepted.
      if (hasBody) bodies.push({ weight: 2, arbitrary: oneFieldBad(bodySchema, invalidText).map((v) => ({ json: v, poisoned: true as const })) });
      const body = fc.oneof(...bodies);
      const query = fc.oneof(
        fc.record(queryShape, { requiredKeys: [] }),
        fc.dictionary(fc.constantFrom('limit', 'offset', 'id', 'q', 'period', 'year', 'areaId', 'villageId', '__proto__', 'x[y]'), nasty, { maxKeys: 3 }),
        // A non-character survives URL encoding (a lone surrogate becomes U+FFFD on the way).
        fc.record({ [queryParams[0]?.name ?? 'q']: fc.constantFrom('\ufffe', 'a\uffff', '\ufdd0', '\u{1fffe}') }),
      );
      const stats: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...roles), pathId, query, body, async (role, id, q, b) => {
          let path = route.path.replace(/:(\w+)/g, id);
          const qs = new URLSearchParams();
          for (const [k, v] of Object.entries(q as Record<string, unknown>)) qs.append(k, typeof v === 'string' ? v : JSON.stringify(v) ?? '');
          if ([...qs].length) path += `?${qs}`;
          const headers: Record<string, string> = {};
          if (role !== 'anonymous') headers.cookie = cookies[role];
          let payload: string | undefined;
          const poisoned = route.method !== 'GET' && 'poisoned' in b && b.poisoned === true;
          if (route.method !== 'GET') {
            headers['content-type'] = 'application/json';
            // Headers are byte strings: the worst a client can send is Latin-1, which the key's alphabet refuses.
            headers['idempotency-key'] = JSON.stringify(b).length % 7 === 0 ? 'ÿþ-fuzz-key-é' : `fuzz-${Math.abs(JSON.stringify(b).length)}-key`;
            payload = 'raw' in b ? b.raw : JSON.stringify(b.json) ?? 'null';
          }
          const before = await snapshotCounts(t.sql);
          const res = await t.app.request(path, { method: route.method, headers, body: payload });
          const text = await res.text();
          stats[res.status] = (stats[res.status] ?? 0) + 1;
          const where = `${route.method} ${path} as ${role} with ${payload?.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (poisoned) expect(res.status, where).toBeGreaterThanOrEqual(400);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof parsed.error?.code, where).toBe('string');
            expect(typeof parsed.error?.message, where).toBe('string');
            if (!REFUSALS_THAT_WRITE.has(parsed.error!.code as string)) expect(await snapshotCounts(t.sql), where).toEqual(before);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      if (process.env.JIFEN_FUZZ_STATS) console.log(`${route.method} ${route.path}`, JSON.stringify(stats));
      // Whatever got through, the ledger still verifies (the function behind `npm run verify`) and no stored text is invalid.
      expect(await verifyDatabase(await t.appDb())).toMatchObject({ ok: true });
      expect(await invalidStoredText(t)).toEqual([]);
    },
    120_000,
  );
});

describe('oversized bodies', () => {
  const big = JSON.stringify({ note: 'x'.repeat(1024 * 1024 + 10) });

  it('are refused with 413 before parsing, with a content-length', async () => {
    const { t, cookies } = await fuzzWorld();
    const before = await snapshotCounts(t.sql);
    const r = await call(t, 'POST', '/api/awards', { cookie: cookies.cadre, body: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
    expect(await snapshotCounts(t.sql)).toEqual(before);
  });

  it('are refused with 413 when chunked without a content-length', async () => {
    const { t, cookies } = await fuzzWorld();
    const bytes = new TextEncoder().encode(big);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    const req = new Request('http://localhost/api/awards', {
      method: 'POST',
      headers: { cookie: cookies.cadre, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await t.app.request(req);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});
