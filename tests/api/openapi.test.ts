import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import type { OpenAPIV3_1 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCodes } from '../../server/lib/errorCodes';
import { prefersEnglish } from '../../server/lib/onError';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const SNAPSHOT = new URL('../../docs/openapi.json', import.meta.url);

async function servedDocument(): Promise<OpenAPIV3_1.Document> {
  const t = makeTestApp();
  const res = await t.app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as OpenAPIV3_1.Document;
}

function operations(doc: OpenAPIV3_1.Document) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'patch', 'delete'] as const).flatMap((m) => (item?.[m] ? [{ name: `${m.toUpperCase()} ${path}`, op: item[m] }] : [])),
  );
}

describe('the OpenAPI document', () => {
  it('passes a standard OpenAPI validator', async () => {
    const doc = await servedDocument();
    // The validator dereferences in place; it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('carries the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await servedDocument()).info.version).toBe(pkg.version);
  });

  it('is the committed snapshot (JIFEN_UPDATE_OPENAPI=1 rewrites docs/openapi.json)', async () => {
    const text = `${JSON.stringify(await servedDocument(), null, 2)}\n`;
    if (process.env.JIFEN_UPDATE_OPENAPI === '1') writeFileSync(SNAPSHOT, text);
    expect(text, 'the API contract changed: review the diff, list breaking changes in CHANGELOG.md, then run with JIFEN_UPDATE_OPENAPI=1').toBe(readFileSync(SNAPSHOT, 'utf8'));
  });

  it('documents for every operation a success answer, a bilingual summary and only listed error codes', async () => {
    const doc = await servedDocument();
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(80);
    const missing = ops.filter(({ op }) => !Object.keys(op.responses ?? {}).some((s) => s.startsWith('2'))).map((o) => o.name);
    expect(missing, 'operations without a documented success answer').toEqual([]);
    for (const { name, op } of ops) {
      expect(op.summary, name).toMatch(/[\u4e00-\u9fff].* · .*[A-Za-z]/);
      expect(op.responses?.default, name).toBeUndefined();
      // A JSON success answer has a schema a generated client can type (not an empty {}).
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        const schema = status.startsWith('2') && !('$ref' in r) ? r.content?.['application/json']?.schema : undefined;
        if (schema) expect(Object.keys(schema).length, `${name} ${status}`).toBeGreaterThan(0);
      }
    }
    const used = new Set(Object.values(doc.components?.responses ?? {}).flatMap((r) => {
      const schema = (r as OpenAPIV3_1.ResponseObject).content?.['application/json']?.schema as { properties: { error: { properties: { code: { enum: string[] } } } } };
      return schema.properties.error.properties.code.enum;
    }));
    for (const code of used) expect(errorCodes).toContain(code);
    expect((doc.components?.schemas?.ErrorCode as { enum: string[] }).enum).toEqual(errorCodes);
  });

  it('describes POST /api/redemptions: 201 body, Idempotency-Key, and its refusals by status', async () => {
    const doc = await servedDocument();
    const op = doc.paths?.['/api/redemptions']?.post as OpenAPIV3_1.OperationObject;
    const header = (op.parameters as OpenAPIV3_1.ParameterObject[]).find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    expect(header?.required).toBe(true);
    const ok = op.responses?.['201'] as OpenAPIV3_1.ResponseObject;
    expect(ok.content?.['application/json']?.schema).toBeTruthy();
    const codesOf = (status: string) => {
      const ref = (op.responses?.[status] as OpenAPIV3_1.ReferenceObject).$ref.replace('#/components/responses/', '');
      return ref.split('.').slice(1);
    };
    expect(codesOf('409')).toContain('code_used');
    expect(codesOf('410')).toContain('code_expired');
    expect(codesOf('422')).toEqual(expect.arrayContaining(['insufficient_points', 'insufficient_stock', 'idempotency_mismatch']));
    expect(codesOf('400')).toContain('idempotency_key_required');
    expect(op.security).toEqual([{ session: [] }]);
    expect(doc.components?.securitySchemes?.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'jifen_session' });
  });

  it('documents the optional Idempotency-Key of every other signed-in POST, and none on a public one or the photo upload', async () => {
    const doc = await servedDocument();
    const keyOf = (path: string) =>
      ((doc.paths?.[path]?.post as OpenAPIV3_1.OperationObject).parameters as OpenAPIV3_1.ParameterObject[] | undefined)?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    for (const path of ['/api/awards', '/api/households', '/api/goods/{id}/stock', '/api/imports/households']) {
      expect(keyOf(path)?.required, path).toBe(false);
      const op = doc.paths?.[path]?.post as OpenAPIV3_1.OperationObject;
      const ok = Object.entries(op.responses ?? {}).find(([s]) => s.startsWith('2'))?.[1] as OpenAPIV3_1.ResponseObject;
      expect(Object.keys(ok.headers ?? {}), path).toContain('Idempotent-Replayed');
      expect((op.responses?.['422'] as OpenAPIV3_1.ReferenceObject).$ref, path).toContain('idempotency_mismatch');
    }
    expect(keyOf('/api/auth/login')).toBeUndefined();
    expect(keyOf('/api/evidence')).toBeUndefined();
    expect(keyOf('/api/redemptions')?.required).toBe(true);
  });

  it('documents the 304 of the boards served with an ETag', async () => {
    const doc = await servedDocument();
    for (const path of ['/api/public/areas/{id}/leaderboard', '/api/public/areas/{id}/published/{kind}', '/api/public/publications/{id}']) {
      const op = doc.paths?.[path]?.get as OpenAPIV3_1.OperationObject;
      expect(op.responses?.['304'], path).toBeTruthy();
      expect(Object.keys((op.responses?.['200'] as OpenAPIV3_1.ResponseObject).headers ?? {}), path).toContain('ETag');
    }
  });

  it('gives binary answers their media type and a description', async () => {
    const doc = await servedDocument();
    const binaries = operations(doc).flatMap(({ name, op }) =>
      Object.entries(op.responses ?? {}).flatMap(([status, r]) =>
        status.startsWith('2') && !('$ref' in r) ? Object.keys(r.content ?? {}).filter((m) => m !== 'application/json').map((m) => ({ name, media: m, description: r.description })) : [],
      ),
    );
    expect(binaries.map((b) => b.media)).toContain('text/html');
    for (const b of binaries) expect(b.description, b.name).toBeTruthy();
  });
});

describe('error answers', () => {
  it('carry a request id, also in the X-Request-Id header, fresh for each request', async () => {
    const t = makeTestApp();
    const a = await t.app.request('/api/auth/me');
    const b = await t.app.request('/api/auth/me');
    const [ba, bb] = [(await a.json()) as { error: { requestId: string } }, (await b.json()) as { error: { requestId: string } }];
    expect(ba.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).toBe(ba.error.requestId);
    expect(bb.error.requestId).not.toBe(ba.error.requestId);
  });

  it('ignore a request id the client sends (a client cannot name its request after another one in the log)', async () => {
    const t = makeTestApp();
    const res = await t.app.request('/api/auth/me', { headers: { 'X-Request-Id': 'chosen-by-client' } });
    expect(res.headers.get('x-request-id')).not.toBe('chosen-by-client');
  });

  it('speak Chinese by default and English when the client prefers English, for thrown messages too', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const zh = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: 'wrong-password' } });
    expect(zh.body.error).toMatchObject({ code: 'bad_credentials', message: '用户名或密码错误' });
    const en = await call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: 'wrong-password' }, headers: { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' } });
    expect(en.body.error).toMatchObject({ code: 'bad_credentials', message: errorCatalog.bad_credentials.en });
    const cookie = await login(t, 'household');
    const denied = await call(t, 'GET', '/api/audit', { cookie, headers: { 'accept-language': 'en' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(errorCatalog.forbidden.en);
  });

  it('choose the language by q-value, Chinese on a tie or when nothing known is asked', () => {
    expect(prefersEnglish(undefined)).toBe(false);
    expect(prefersEnglish('fr-FR,de;q=0.8')).toBe(false);
    expect(prefersEnglish('zh-CN,zh;q=0.9,en;q=0.8')).toBe(false);
    expect(prefersEnglish('en-US,en;q=0.9,zh;q=0.8')).toBe(true);
    expect(prefersEnglish('zh;q=0.5, en;q=0.6')).toBe(true);
    expect(prefersEnglish('en;q=0, zh;q=0.1')).toBe(false);
    expect(prefersEnglish('en;q=abc')).toBe(false);
    expect(prefersEnglish('*')).toBe(false);
  });

  it('have an English and a Chinese message for every code', () => {
    for (const code of errorCodes) {
      expect(errorCatalog[code].zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(errorCatalog[code].en, code).toMatch(/^[A-Z]/);
      expect(errorCatalog[code].status, code).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('the API reference page', () => {
  it('serves /api/docs and its assets from this server under the same CSP', async () => {
    const t = makeTestApp();
    const page = await t.app.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs.length).toBeGreaterThanOrEqual(3);
    for (const src of srcs) {
      expect(src.startsWith('/api/docs/'), src).toBe(true);
      const asset = await t.app.request(src);
      expect(asset.status, src).toBe(200);
      expect((await asset.text()).length, src).toBeGreaterThan(50);
    }
    // No inline script: script-src 'self' would block it.
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)]).toEqual([]);
  });
});
