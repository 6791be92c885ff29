/**
 * The role × route matrix of tests/api/authz-matrix.test.ts, on SQLite and on PostgreSQL at once: the same world
 * and every case's own fixture are built on SQLite before the copy (so both engines hold the same rows, ids
 * included), then each case's request goes to both apps. Both must answer the status the matrix expects, and
 * the same body (after `normalise`, tests/pg/support/both-engines.ts); workbooks are compared by their cells.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema/users';
import { all, fixtureFor, matrix, seedMatrixWorld, usernameOf, type Req, type World } from '../api/authz-matrix-table';
import { makeUser } from '../support/factories';
import { bothEngines, normalise, workbookCells, type Answer, type Answers, type BothEngines, type Session } from './support/both-engines';

type Expect = 'public' | 401 | 403 | 404 | 'ok';
/** One row × role of the matrix, as tests/api/authz-matrix.test.ts walks them (same names, same order). */
interface Case {
  name: string;
  key: string;
  method: string;
  expect: Expect;
  role?: Role;
  aim: 'own' | 'other';
}

function caseList(): Case[] {
  const cases: Case[] = [];
  for (const [key, spec] of Object.entries(matrix)) {
    const [method] = key.split(' ');
    if (spec.roles === 'public') {
      cases.push({ name: `${key} answers without a session`, key, method, expect: 'public', aim: 'own' });
      continue;
    }
    cases.push({ name: `${key} is 401 without a session`, key, method, expect: 401, aim: 'own' });
    for (const role of all) {
      if (!spec.roles.includes(role)) {
        cases.push({ name: `${key} is 403 for ${role}`, key, method, expect: 403, role, aim: 'own' });
        continue;
      }
      if (spec.other && role !== 'county_admin') cases.push({ name: `${key} is 404 for ${role} aimed at another area`, key, method, expect: 404, role, aim: 'other' });
      cases.push({ name: `${key} succeeds for ${role} in its own area`, key, method, expect: 'ok', role, aim: 'own' });
    }
  }
  return cases;
}

/** What the build made for one case: its request, and who signs in anew for it (a session it ends, a fresh user). */
interface Prepared {
  req: Req;
  loginAs?: string;
}

interface Built {
  w: World;
  prepared: Map<string, Prepared>;
  served: string[];
}

const cases = caseList();
let env: BothEngines<Built>;
const sessions = {} as Record<Role, Session>;

/** What a reader of the answer sees: JSON (normalised), a workbook's cells, text, or the bytes. */
async function seen(a: Answer): Promise<unknown> {
  const type = a.headers.get('content-type') ?? '';
  if (type.includes('spreadsheetml')) return workbookCells(a.bytes);
  if (a.body !== null) return normalise(a.body);
  return a.bytes.toString('base64');
}

async function expectSameAnswer(r: Answers): Promise<void> {
  expect(r.pg.status, `PostgreSQL ${JSON.stringify(r.pg.body)} vs SQLite ${JSON.stringify(r.sqlite.body)}`).toBe(r.sqlite.status);
  expect(r.pg.headers.get('content-type')).toBe(r.sqlite.headers.get('content-type'));
  expect(await seen(r.pg)).toStrictEqual(await seen(r.sqlite));
}

beforeAll(async () => {
  env = await bothEngines(async (t, config) => {
    const w = await seedMatrixWorld(t, config);
    const prepared = new Map<string, Prepared>();
    let freshUsers = 0;
    // Every case's fixture is made now, on SQLite, so the copy carries it to PostgreSQL.
    for (const c of cases) {
      const spec = matrix[c.key];
      const req = (c.aim === 'other' ? spec.other! : spec.own)(fixtureFor(t, w));
      let loginAs: string | undefined;
      if (c.role && spec.freshUser) {
        loginAs = `fresh-${c.role}-${++freshUsers}`;
        const areaId = c.role === 'county_admin' ? w.areas.county.id : c.role === 'township_admin' ? w.areas.townA.id : w.areas.villageA.id;
        await makeUser(t.db, c.role, areaId, { username: loginAs, householdId: c.role === 'household' ? w.household.id : undefined });
      } else if (c.role && spec.endsSession) {
        loginAs = usernameOf[c.role];
      }
      prepared.set(c.name, { req, loginAs });
    }
    const served = t.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*')).map((r) => `${r.method} ${r.path}`);
    return { w, prepared, served };
  });
  for (const role of all) sessions[role] = await env.login(usernameOf[role]);
}, 600_000);

afterAll(async () => {
  await env?.close();
});

describe('role × route matrix on SQLite and PostgreSQL', () => {
  it('has a row for every route both apps serve, and the two serve the same routes', () => {
    const routes = (e: 'sqlite' | 'pg') =>
      env.apps[e].app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*')).map((r) => `${r.method} ${r.path}`);
    expect(routes('pg')).toEqual(routes('sqlite'));
    expect([...new Set(env.fixture.served)].filter((k) => !(k in matrix))).toEqual([]);
    expect(Object.keys(matrix).filter((k) => !env.fixture.served.includes(k))).toEqual([]);
  });

  it('copied the world and every case fixture', () => {
    expect(env.fixture.prepared.size).toBe(cases.length);
    expect(env.copy.rows).toBeGreaterThan(300);
  });

  // In the matrix's order: a write meets both engines at the same point of the same history.
  for (const c of cases) {
    it(`${c.name}, alike on both engines`, async () => {
      const { req, loginAs } = env.fixture.prepared.get(c.name)!;
      const cookie = loginAs ? await env.login(loginAs) : c.role ? sessions[c.role] : undefined;
      const r = await env.both(c.method, req.path, { cookie, raw: req.raw, headers: req.headers, body: req.raw ? undefined : (req.body ?? (c.method === 'GET' ? undefined : {})) });
      for (const engine of ['sqlite', 'pg'] as const) {
        const s = r[engine].status;
        const why = `${engine}: ${JSON.stringify(r[engine].body)?.slice(0, 500)}`;
        if (c.expect === 'public' || c.expect === 'ok') expect(s, why).toBeLessThan(300);
        else expect(s, why).toBe(c.expect);
      }
      await expectSameAnswer(r);
    });
  }

  // Every route again with its ids (path, query and body) replaced by values past PostgreSQL's 32-bit keys and up to
  // 2^53: no engine may overflow where the other answers, and both must answer alike.
  const HOSTILE = [2 ** 31, 2 ** 53 - 1];
  const widen = (v: unknown, to: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => widen(x, to));
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, k === 'ids' && Array.isArray(x) ? x.map(() => to) : /Id$|^id$/.test(k) && typeof x === 'number' ? to : widen(x, to)]),
      );
    }
    return v;
  };
  for (const key of Object.keys(matrix)) {
    const method = key.split(' ')[0];
    const first = cases.find((c) => c.key === key && (c.expect === 'ok' || c.expect === 'public'))!;
    it(`${key} with ids of 2^31 and 2^53-1, alike on both engines`, async () => {
      const { req, loginAs } = env.fixture.prepared.get(first.name)!;
      // A photo has no ids; a case that ends its session or changes its password has none either.
      if (req.raw || loginAs) return;
      const cookie = first.role ? sessions[first.role] : undefined;
      for (const to of HOSTILE) {
        const path = req.path.replace(/\/\d+(?=\/|\?|$)/g, `/${to}`).replace(/([?&]\w*[iI]d=)\d+/g, `$1${to}`);
        const body = req.body === undefined ? (method === 'GET' ? undefined : {}) : widen(req.body, to);
        if (path === req.path && JSON.stringify(body) === JSON.stringify(req.body)) return;
        const r = await env.both(method, path, { cookie, headers: req.headers && { ...req.headers, 'idempotency-key': `hostile-${to}-${key}` }, body });
        expect(r.pg.status, `${method} ${path} ${JSON.stringify(body)}: PostgreSQL ${JSON.stringify(r.pg.body)}`).not.toBe(500);
        await expectSameAnswer(r);
      }
    });
  }
});
