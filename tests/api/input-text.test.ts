import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../db/verify';
import { storableHeader } from '../../server/lib/http';
import { isRealDay } from '../../server/lib/params';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';
import { snapshotCounts } from '../trust/support';

/** Strings that are not valid Unicode text: lone surrogates (high, low, mid-string) and non-characters. */
const BAD = ['\ud800', '名\udc00字', 'a\ud83d', '\ufffe', '\uffff', '\ufdd0', '\u{1fffe}', '\u{10ffff}'];

type Roles = 'county' | 'township' | 'cadre' | 'reviewer' | 'clerk' | 'household';

async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const as: Record<Roles, string> = {
    county: await login(t, 'county'),
    township: await login(t, 'township'),
    cadre: await login(t, 'cadre'),
    reviewer: await login(t, 'reviewer'),
    clerk: await login(t, 'clerk'),
    household: await login(t, 'household'),
  };
  const award = await call(t, 'POST', '/api/awards', { cookie: as.cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 2, occurredOn: '2026-06-01' } });
  const posted = await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: as.reviewer });
  expect(posted.body.ledgerEntryId, JSON.stringify(posted.body)).toBeGreaterThan(0);
  return { t, w, as, entryId: posted.body.ledgerEntryId as number };
}
type World = Awaited<ReturnType<typeof world>>;

interface Case {
  name: string;
  field: string;
  send: (x: World, text: string) => Promise<{ status: number; body: { error?: { code: string; message: string } } }>;
}

/** One text field of each kind of record a village writes, each sent with `text` in place of a good value. */
const cases: Case[] = [
  {
    name: 'household head name',
    field: 'headName',
    send: ({ t, w, as }, text) => call(t, 'POST', '/api/households', { cookie: as.cadre, body: { villageId: w.areas.villageA.id, headName: text } }),
  },
  {
    name: 'member name',
    field: 'name',
    send: ({ t, w, as }, text) => call(t, 'POST', `/api/households/${w.household.id}/members`, { cookie: as.cadre, body: { name: text, relation: 'child' } }),
  },
  {
    name: 'award note',
    field: 'note',
    send: ({ t, w, as }, text) =>
      call(t, 'POST', '/api/awards', { cookie: as.cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-02', note: text } }),
  },
  {
    name: 'award member name',
    field: 'memberName',
    send: ({ t, w, as }, text) =>
      call(t, 'POST', '/api/awards', { cookie: as.cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-02', memberName: text } }),
  },
  {
    name: 'reversal reason',
    field: 'reason',
    send: ({ t, as, entryId }, text) => call(t, 'POST', `/api/ledger/${entryId}/reverse`, { cookie: as.township, body: { reason: text } }),
  },
  {
    name: 'adjustment reason',
    field: 'reason',
    send: ({ t, w, as }, text) => call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: as.county, body: { points: 5, reason: text } }),
  },
  {
    name: 'rule name',
    field: 'name',
    send: ({ t, w, as }, text) => call(t, 'POST', '/api/rules', { cookie: as.county, body: { areaId: w.areas.county.id, category: 'hygiene', name: text, points: 3 } }),
  },
  {
    name: 'goods name',
    field: 'name',
    send: ({ t, w, as }, text) => call(t, 'POST', '/api/goods', { cookie: as.cadre, body: { storeAreaId: w.areas.villageA.id, name: text, price: 5 } }),
  },
  {
    name: 'goods rename',
    field: 'name',
    send: ({ t, w, as }, text) => call(t, 'PATCH', `/api/goods/${w.soap.id}`, { cookie: as.cadre, body: { name: text } }),
  },
  {
    name: 'donor',
    field: 'donor',
    send: ({ t, w, as }, text) => call(t, 'POST', `/api/goods/${w.soap.id}/stock`, { cookie: as.cadre, body: { quantity: 3, kind: 'donation', donor: text } }),
  },
  {
    name: 'area name',
    field: 'name',
    send: ({ t, w, as }, text) => call(t, 'POST', '/api/areas', { cookie: as.county, body: { name: text, kind: 'village', parentId: w.areas.townA.id } }),
  },
  {
    name: 'username',
    field: 'username',
    send: ({ t, w, as }, text) =>
      call(t, 'POST', '/api/users', { cookie: as.county, body: { username: `u${text}`, password: 'password-123', role: 'village_cadre', areaId: w.areas.villageA.id } }),
  },
  {
    name: 'display name',
    field: 'displayName',
    send: ({ t, w, as }, text) =>
      call(t, 'POST', '/api/users', {
        cookie: as.county,
        body: { username: 'newcadre', password: 'password-123', role: 'village_cadre', areaId: w.areas.villageA.id, displayName: text },
      }),
  },
  {
    name: 'login username',
    field: 'username',
    send: ({ t }, text) => call(t, 'POST', '/api/auth/login', { body: { username: `cadre${text}`, password: 'password-123' } }),
  },
  {
    name: 'login password',
    field: 'password',
    send: ({ t }, text) => call(t, 'POST', '/api/auth/login', { body: { username: 'cadre', password: `password-123${text}` } }),
  },
  {
    name: 'rejection reason',
    field: 'reason',
    send: async ({ t, w, as }, text) => {
      const a = await call(t, 'POST', '/api/awards', { cookie: as.cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-03' } });
      return call(t, 'POST', `/api/awards/${a.body.id}/reject`, { cookie: as.reviewer, body: { reason: text } });
    },
  },
];

describe('text that is not valid Unicode', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: refused with 400 invalid_text naming the field, and nothing is written', async (_name, c) => {
    const x = await world();
    for (const bad of BAD) {
      // The rejection case proposes an award first: count from after that, so only the refused request is measured.
      const before = c.name === 'rejection reason' ? null : await snapshotCounts(x.t.sql);
      const r = await c.send(x, bad);
      expect(r.status, `${JSON.stringify(bad)} → ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error?.code).toBe('invalid_text');
      expect(r.body.error?.message).toBe(`「${c.field}」含有无法识别的字符`);
      if (before) expect(await snapshotCounts(x.t.sql)).toEqual(before);
    }
    expect(await verifyDatabase(await x.t.appDb())).toMatchObject({ ok: true });
  });

  it('a refused rejection leaves the award pending and the audit log untouched', async () => {
    const x = await world();
    const a = await call(x.t, 'POST', '/api/awards', { cookie: x.as.cadre, body: { householdId: x.w.household.id, ruleId: x.w.rule.id, occurredOn: '2026-06-03' } });
    const before = await snapshotCounts(x.t.sql);
    const r = await call(x.t, 'POST', `/api/awards/${a.body.id}/reject`, { cookie: x.as.reviewer, body: { reason: '重复\ud800' } });
    expect(r.body.error?.code).toBe('invalid_text');
    expect(await snapshotCounts(x.t.sql)).toEqual(before);
    const award = await call(x.t, 'GET', `/api/awards/${a.body.id}`, { cookie: x.as.cadre });
    expect(award.body.status).toBe('pending');
  });

  it('is refused inside arrays and nested objects, with the path named', async () => {
    const x = await world();
    const r = await call(x.t, 'POST', '/api/households', {
      cookie: x.as.cadre,
      body: { villageId: x.w.areas.villageA.id, headName: '王五', members: [{ name: '王小五' }, { name: '王\udfff' }] },
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_text', message: '「members.1.name」含有无法识别的字符' });
  });

  it('is refused even in a key the schema would drop, and in an object key', async () => {
    const x = await world();
    const before = await snapshotCounts(x.t.sql);
    const extra = await call(x.t, 'POST', '/api/goods', { cookie: x.as.cadre, body: { storeAreaId: x.w.areas.villageA.id, name: '香皂', price: 5, junk: '\ud800' } });
    expect(extra.body.error?.code).toBe('invalid_text');
    const key = await call(x.t, 'POST', '/api/goods', { cookie: x.as.cadre, body: JSON.parse('{"storeAreaId":1,"name":"香皂","price":5,"\\ud800":1}') as unknown });
    expect(key.body.error?.code).toBe('invalid_text');
    expect(await snapshotCounts(x.t.sql)).toEqual(before);
  });

  it('is refused in a query string (a non-character survives URL encoding)', async () => {
    const x = await world();
    const r = await call(x.t, 'GET', '/api/households?q=%EF%BF%BE', { cookie: x.as.cadre });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_text', message: '「q」含有无法识别的字符' });
    const anon = await call(x.t, 'GET', `/api/public/areas/${x.w.areas.villageA.id}/leaderboard?period=2026&x=%EF%B7%90`);
    expect(anon.body.error?.code).toBe('invalid_text');
  });

  it('an Idempotency-Key outside its ASCII alphabet is refused before anything is spent', async () => {
    const x = await world();
    const pass = await call(x.t, 'POST', `/api/households/${x.w.household.id}/pass`, { cookie: x.as.cadre });
    const before = await snapshotCounts(x.t.sql);
    const r = await call(x.t, 'POST', '/api/redemptions', {
      cookie: x.as.clerk,
      headers: { 'idempotency-key': 'ÿÿÿÿÿÿÿÿÿÿ' },
      body: { code: pass.body.code, items: [{ goodsId: x.w.soap.id, quantity: 1 }] },
    });
    expect(r.status).toBe(400);
    expect(await snapshotCounts(x.t.sql)).toEqual(before);
  });
});

describe('valid text, however unusual', () => {
  it('CJK (including characters outside the BMP), emoji and combining marks are accepted and stored as sent', async () => {
    const x = await world();
    const h = await call(x.t, 'POST', '/api/households', { cookie: x.as.cadre, body: { villageId: x.w.areas.villageA.id, headName: '𠮷野·娜娜', members: [{ name: '𡈼明' }] } });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    const note = '整改完成👍🏽，门前三包👨‍👩‍👧 é';
    const a = await call(x.t, 'POST', '/api/awards', { cookie: x.as.cadre, body: { householdId: h.body.id, ruleId: x.w.rule.id, occurredOn: '2026-06-02', note } });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const read = await call(x.t, 'GET', `/api/awards/${a.body.id}`, { cookie: x.as.cadre });
    expect(read.body.note).toBe(note);
    const g = await call(x.t, 'POST', '/api/goods', { cookie: x.as.cadre, body: { storeAreaId: x.w.areas.villageA.id, name: '香皂🧼', price: 5 } });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    const rule = await call(x.t, 'POST', '/api/rules', { cookie: x.as.county, body: { areaId: x.w.areas.county.id, category: 'hygiene', name: '清扫村道✨', points: 3 } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const area = await call(x.t, 'POST', '/api/areas', { cookie: x.as.county, body: { name: '东村二组🌾', kind: 'group', parentId: x.w.areas.villageA.id } });
    expect(area.status, JSON.stringify(area.body)).toBe(201);
    const rev = await call(x.t, 'POST', `/api/ledger/${x.entryId}/reverse`, { cookie: x.as.township, body: { reason: '误录，已核实😔' } });
    expect(rev.status, JSON.stringify(rev.body)).toBe(201);
    expect(await verifyDatabase(await x.t.appDb())).toMatchObject({ ok: true });
  });
});

describe('dates that do not exist', () => {
  it('the calendar check knows month lengths, leap years and the year range', () => {
    for (const d of ['2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31', '2000-01-01', '2100-12-31']) expect(isRealDay(d), d).toBe(true);
    for (const d of ['2026-02-29', '2026-02-31', '2026-04-31', '2100-02-29', '1999-12-31', '2101-01-01', '0000-01-01']) expect(isRealDay(d), d).toBe(false);
  });

  const impossible = ['2026-02-31', '2026-02-29', '2026-04-31', '0000-01-01', '1999-12-31', '2026-13-01', '2026-00-10', '2026-6-1', '2026-06-15T00:00'];

  it('an award on an impossible day is refused with 400 and never reaches the ledger', async () => {
    const x = await world();
    for (const day of impossible) {
      const before = await snapshotCounts(x.t.sql);
      const single = await call(x.t, 'POST', '/api/awards', { cookie: x.as.cadre, body: { householdId: x.w.household.id, ruleId: x.w.rule.id, occurredOn: day } });
      expect(single.status, `${day} → ${JSON.stringify(single.body)}`).toBe(400);
      expect(single.body.error.message).toMatch(/发生日期：日期/);
      const batch = await call(x.t, 'POST', '/api/awards/batch', { cookie: x.as.cadre, body: { ruleId: x.w.rule.id, occurredOn: day, items: [{ householdId: x.w.household.id }] } });
      expect(batch.status, day).toBe(400);
      expect(await snapshotCounts(x.t.sql)).toEqual(before);
    }
    // A real leap day still goes through.
    const leap = await call(x.t, 'POST', '/api/awards', { cookie: x.as.cadre, body: { householdId: x.w.household.id, ruleId: x.w.rule.id, occurredOn: '2024-02-29' } });
    expect(leap.status, JSON.stringify(leap.body)).toBe(201);
  });

  it('other stored days (category change, stock received, rectification) are checked the same way', async () => {
    const x = await world();
    const before = await snapshotCounts(x.t.sql);
    const cat = await call(x.t, 'POST', `/api/households/${x.w.household.id}/category`, { cookie: x.as.cadre, body: { category: 'dibao', validFrom: '2026-02-30', reason: '复核' } });
    expect(cat.status, JSON.stringify(cat.body)).toBe(400);
    const stock = await call(x.t, 'POST', `/api/goods/${x.w.soap.id}/stock`, { cookie: x.as.cadre, body: { quantity: 3, kind: 'donation', donor: '某公司', receivedOn: '2026-09-31' } });
    expect(stock.status, JSON.stringify(stock.body)).toBe(400);
    const rect = await call(x.t, 'POST', '/api/boards/rectifications', { cookie: x.as.cadre, body: { ledgerEntryId: x.entryId, rectifiedOn: '0000-01-01', note: '已整改' } });
    expect(rect.status, JSON.stringify(rect.body)).toBe(400);
    expect(await snapshotCounts(x.t.sql)).toEqual(before);
  });

  it('periods and years outside 2000–2100 are refused on every kind of route', async () => {
    const x = await world();
    const v = x.w.areas.villageA.id;
    const urls: [string, string | undefined][] = [
      [`/api/public/areas/${v}/leaderboard?period=0000`, undefined],
      [`/api/public/areas/${v}/leaderboard?period=1999-Q1`, undefined],
      [`/api/public/households/${x.w.household.id}/rank?period=2101-01`, undefined],
      [`/api/public/areas/${v}/donations?year=0000`, undefined],
      [`/api/public/households/${x.w.household.id}/stars?year=9999`, undefined],
      [`/api/public/areas/${v}/live/leaderboard?period=0000-12`, undefined],
      [`/api/dashboard?period=0001`, x.as.county],
      [`/api/exports/ledger.xlsx?period=1900-01`, x.as.county],
      [`/api/boards/preview/stars/${v}?period=0000`, x.as.cadre],
      [`/api/boards/preview/red/${v}?period=2026-13`, x.as.cadre],
    ];
    for (const [url, cookie] of urls) {
      const r = await call(x.t, 'GET', url, { cookie });
      expect(r.status, `${url} → ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code, url).toBe('invalid');
    }
    const ok = await call(x.t, 'GET', `/api/public/areas/${v}/leaderboard?period=2026-Q2`);
    expect(ok.status).toBe(200);
    const print = await x.t.app.request(`/print/areas/${v}/plaques?year=0000`);
    expect(print.status).toBe(400);
  });
});

describe('headers that end up in audit rows', () => {
  it('are stored with invalid characters replaced and capped in length, never refused', () => {
    expect(storableHeader(undefined)).toBeNull();
    expect(storableHeader('Mozilla/5.0 (Linux; Android 13) 微信')).toBe('Mozilla/5.0 (Linux; Android 13) 微信');
    expect(storableHeader('ok\ud800\ufffe😀')).toBe('ok\ufffd\ufffd😀');
    // Capped at 300 UTF-16 units without cutting a surrogate pair in half.
    const long = storableHeader(`x${'😀'.repeat(2000)}`)!;
    expect(long).toBe(`x${'😀'.repeat(149)}`);
    expect(storableHeader('a'.repeat(1000))).toBe('a'.repeat(300));
  });

  it('a long User-Agent is recorded capped in the session and audit rows of a login', async () => {
    const t: TestApp = makeTestApp();
    await makeWorld(t);
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `Agent/${'x'.repeat(5000)}` },
      body: JSON.stringify({ username: 'cadre', password: 'password-123' }),
    });
    expect(res.status).toBe(200);
    const stored = await t.sql.all<{ ua: string }>(
      "SELECT user_agent AS ua FROM audit_log WHERE user_agent LIKE 'Agent/%' UNION ALL SELECT user_agent FROM sessions WHERE user_agent LIKE 'Agent/%'",
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(row.ua).toBe(`Agent/${'x'.repeat(294)}`);
  });
});
