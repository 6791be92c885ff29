import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { areas, households, users } from '../../db/schema';
import { shanghaiDay } from '../../db/time';
import { seedDemoCounty } from '../../seeds/demo';
import type { Ctx } from '../../server/lib/context';
import { proposePublication } from '../../server/modules/boards/proposePublication';
import { getHouseholdProofs } from '../../server/modules/proofs/getHouseholdProofs';
import { yearlyPseudonym } from '../../db/ledger/pseudonym';
import { approvePublication } from '../../server/modules/boards/reviewPublication';
import type { BoardSpec } from '../../server/modules/boards/schemas';
import { createApp } from '../../server/app';
import { makeTestApp, testConfig, type TestApp } from '../support/app';

const NOW = '2026-06-15T02:00:00.000Z';
// Hex hashes (board hash, chain head) may contain long digit runs by chance; they are not personal data.
const HEX = /\b[0-9a-f]{64}\b/g;
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

let t: TestApp;
let proxied: ReturnType<typeof createApp>;
let names: string[];
const paths: string[] = [];
let countyId: number;
let villageIds: number[];
let householdCtx: (h: { id: number; villagePath: string }) => Ctx;

/**
 * Over the demo county: publish every village's red, black and star board (through the real actions,
 * proposed by one county account and approved by another), then fetch every public endpoint and
 * print page and look for anything personal.
 */
beforeAll(async () => {
  t = makeTestApp(NOW);
  await seedDemoCounty(t.db, { scryptN: testConfig.scryptN, now: new Date(NOW) });
  // Behind a trusted proxy, so each request can come from its own address: this test is about content, not the rate limit.
  proxied = createApp({ db: t.db, config: { ...testConfig, trustProxy: true }, now: () => t.clock.now });
  const county = t.db.select().from(areas).where(eq(areas.kind, 'county')).get()!;
  const admin = t.db.select().from(users).where(eq(users.username, 'county')).get()!;
  const second = t.db.select().from(users).where(eq(users.username, 'township')).get()!;
  const actor = (userId: number): Ctx => ({
    db: t.db,
    now: new Date(NOW),
    device: { ip: null, userAgent: 'privacy-test' },
    config: testConfig,
    actor: { userId, username: 'x', role: 'county_admin', areaId: county.id, areaPath: county.path, areaKind: 'county', householdId: null, sessionHash: '' },
  });
  const month = shanghaiDay(Date.parse(NOW)).slice(0, 7);
  const year = month.slice(0, 4);
  const all = t.db.select().from(areas).all();
  const villages = all.filter((a) => a.kind === 'village');
  countyId = county.id;
  villageIds = villages.map((v) => v.id);
  householdCtx = (h) => ({
    ...actor(admin.id),
    actor: { userId: 0, username: 'h', role: 'household', areaId: 0, areaPath: h.villagePath, areaKind: 'village', householdId: h.id, sessionHash: '' },
  });
  const publicationIds: number[] = [];
  for (const v of villages) {
    for (const spec of [
      { kind: 'red', areaId: v.id, period: month, params: { categories: ['family_virtue', 'civility'] } },
      { kind: 'black', areaId: v.id, period: year, params: {} },
      { kind: 'stars', areaId: v.id, period: year, params: { method: 'both', dimensionThreshold: 10 } },
    ] as BoardSpec[]) {
      const p = await proposePublication(actor(admin.id), spec);
      await approvePublication(actor(second.id), p.id);
      publicationIds.push(p.id);
    }
    for (const kind of ['red', 'black']) paths.push(`/api/public/areas/${v.id}/published/${kind}?period=${kind === 'red' ? month : year}`, `/print/areas/${v.id}/${kind}?period=${kind === 'red' ? month : year}`);
    paths.push(`/api/public/areas/${v.id}/published/stars?period=${year}`, `/print/areas/${v.id}/stars?period=${year}`, `/print/areas/${v.id}/plaques?year=${year}`);
    // The name-free ledger, first page (pseudonyms and digests only).
    paths.push(`/api/public/villages/${v.id}/ledger`);
  }
  for (const a of all.filter((x) => x.kind !== 'group')) {
    paths.push(
      `/api/public/areas/${a.id}/leaderboard?period=${year}`,
      `/api/public/areas/${a.id}/live/leaderboard?period=${month}`,
      `/api/public/areas/${a.id}/live/leaderboard?period=${year}&category=family_virtue`,
      `/api/public/areas/${a.id}/notices`,
      `/api/public/areas/${a.id}/donations?limit=500`,
      `/api/public/areas/${a.id}/honour-roll`,
      `/print/areas/${a.id}/leaderboard?period=${year}`,
      `/print/areas/${a.id}/notices`,
      `/print/areas/${a.id}/donations`,
      `/print/areas/${a.id}/honour-roll`,
    );
    if (a.kind !== 'village') paths.push(`/api/public/areas/${a.id}/live/villages?period=${month}`, `/print/areas/${a.id}/villages?period=${month}`);
  }
  for (const id of publicationIds) paths.push(`/api/public/publications/${id}`, `/print/publications/${id}`);
  const everyone = t.db.select({ id: households.id, headName: households.headName }).from(households).all();
  names = [...new Set(everyone.map((h) => h.headName))];
  for (const h of everyone.filter((_, i) => i % 20 === 0)) paths.push(`/api/public/households/${h.id}/stars?year=${year}`, `/print/households/${h.id}/plaque?year=${year}`);
}, 300_000);

describe('public boards over the demo county', () => {
  it('never show an ID number, a mobile number or an unmasked household name', async () => {
    expect(names.length).toBeGreaterThan(100);
    let i = 0;
    let masked = 0;
    for (const path of paths) {
      const res = await proxied.request(path, { headers: { 'x-forwarded-for': `10.1.${(i >> 8) & 255}.${i++ & 255}` } });
      expect(res.status, path).toBe(200);
      const text = (await res.text()).replace(HEX, '');
      expect(text, path).not.toMatch(ID_NUMBER);
      expect(text, path).not.toMatch(MOBILE);
      expect(text, path).not.toMatch(/"(phone|idNumber|headName|memberName)"/);
      if (/[\u4e00-\u9fa5]\*/.test(text)) masked += 1;
      const leaked = names.filter((n) => text.includes(n));
      expect(leaked, path).toEqual([]);
    }
    expect(paths.length).toBeGreaterThan(100);
    // The boards really show households (masked), so the checks above had something to look at.
    expect(masked).toBeGreaterThan(paths.length / 2);
  }, 300_000);

  it('public ledger, checkpoints, proofs and household proofs carry no name, phone, ID number, note, household id, salt or pseudonym seed', async () => {
    const c = t.db.$client;
    let i = 0;
    const get = async (path: string) => {
      const res = await proxied.request(`/api${path}`, { headers: { 'x-forwarded-for': `10.2.${(i >> 8) & 255}.${i++ & 255}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    type Entry = { seq: number; kind: string; ruleId: number | null; category: string | null; occurredOn: string; pseudonym: string };
    const answers: unknown[] = [];
    const ledgers = new Map<number, Entry[]>();
    for (const v of villageIds) {
      const entries: Entry[] = [];
      for (let from: number | null = 1; from !== null; ) {
        const page = await get(`/public/villages/${v}/ledger?from=${from}`);
        answers.push(page);
        entries.push(...(page.entries as Entry[]));
        from = page.nextFrom as number | null;
      }
      ledgers.set(v, entries);
      const size = entries.length;
      if (size > 1) {
        answers.push(await get(`/public/villages/${v}/proof/inclusion?seq=${Math.ceil(size / 2)}&treeSize=${size}`));
        answers.push(await get(`/public/villages/${v}/proof/consistency?from=${Math.floor(size / 3)}&to=${size}`));
      }
    }
    const list = await get(`/public/checkpoints?countyId=${countyId}&limit=100`);
    answers.push(list, await get('/public/checkpoint-key'), await get(`/public/checkpoints/latest?countyId=${countyId}`));
    for (const cp of list.items as { id: number }[]) answers.push(await get(`/public/checkpoints/${cp.id}`));
    // Household proofs (the household's own, logged-in answer): every 10th household of the county.
    const sample = c.prepare(`SELECT h.id, a.path AS villagePath, h.pseudonym_seed AS seed FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id % 10 = 0`).all() as { id: number; villagePath: string; seed: string }[];
    expect(sample.length).toBeGreaterThan(20);
    const year = NOW.slice(0, 4);
    for (const h of sample) {
      const proofs = await getHouseholdProofs(householdCtx(h), h.id);
      expect(proofs.pseudonym).toBe(yearlyPseudonym(h.seed, year));
      for (const e of proofs.entries) expect(e.pseudonym).toBe(yearlyPseudonym(h.seed, e.occurredOn.slice(0, 4)));
      answers.push(JSON.parse(JSON.stringify(proofs)));
    }

    const text = JSON.stringify(answers);
    const bare = text.replace(HEX, '');
    expect(bare).not.toMatch(ID_NUMBER);
    expect(bare).not.toMatch(MOBILE);
    const leaked = names.filter((n) => text.includes(n));
    expect(leaked).toEqual([]);
    const keys = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          keys.add(k);
          walk(v);
        }
      }
    };
    walk(answers);
    for (const k of ['householdId', 'headName', 'memberName', 'phone', 'idNumber', 'doorNo', 'note', 'salt', 'seed', 'pseudonymSeed', 'balance', 'balanceAfter', 'awardId', 'redemptionId', 'reversesId', 'createdBy', 'goodsId', 'goods', 'rulePublic']) {
      expect(keys.has(k), k).toBe(false);
    }
    const secrets = (sql: string) => (c.prepare(sql).all() as { s: string | null }[]).flatMap((r) => (r.s && r.s.length >= 4 ? [r.s] : []));
    const notes = secrets('SELECT DISTINCT note AS s FROM ledger_entries UNION SELECT note FROM awards UNION SELECT name FROM household_members UNION SELECT name FROM goods');
    const seeds = secrets('SELECT pseudonym_seed AS s FROM households');
    const salts = secrets('SELECT salt AS s FROM ledger_entries');
    expect(notes.length).toBeGreaterThan(10);
    for (const s of notes) expect(text.includes(s), s).toBe(false);
    // Salts and seeds are 32 hex: look for them in every 32-character window of every hex run served.
    const windows = new Set<string>();
    for (const run of text.match(/[0-9a-f]{32,}/g) ?? []) for (let k = 0; k + 32 <= run.length; k++) windows.add(run.slice(k, k + 32));
    expect(seeds.length).toBeGreaterThan(100);
    expect(salts.length).toBeGreaterThan(1000);
    for (const s of [...seeds, ...salts]) expect(windows.has(s)).toBe(false);
    // Pseudonyms are letters only (no digit run can ever come from one) and never a household id.
    const entries = [...ledgers.values()].flat();
    for (const e of entries) expect(e.pseudonym).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);

    // Redemptions and expiry are amounts only: no rule, no heading (the goods are in no field at all).
    const spending = entries.filter((e) => e.kind === 'redemption' || e.kind === 'expiry');
    expect(spending.length).toBeGreaterThan(100);
    for (const e of spending) expect([e.ruleId, e.category]).toEqual([null, null]);
    // A deduction shows its rule only when that rule is a black-list rule; both kinds are in the demo.
    const deductions = c
      .prepare(`SELECT chain_id AS v, seq, rule_id AS ruleId, rule_public AS shown FROM ledger_entries WHERE kind = 'deduction'`)
      .all() as { v: number; seq: number; ruleId: number; shown: number }[];
    const bySeq = new Map([...ledgers].flatMap(([v, list]) => list.map((e) => [`${v}:${e.seq}`, e] as const)));
    const black = new Set((c.prepare(`SELECT id FROM rules WHERE black_list = 1`).all() as { id: number }[]).map((r) => r.id));
    let hidden = 0;
    let shown = 0;
    for (const d of deductions) {
      const e = bySeq.get(`${d.v}:${d.seq}`)!;
      if (black.has(d.ruleId)) {
        expect(e.ruleId).toBe(d.ruleId);
        shown += 1;
      } else {
        expect(e.ruleId).toBeNull();
        expect(e.category).not.toBeNull();
        hidden += 1;
      }
    }
    expect(hidden).toBeGreaterThan(10);
    expect(shown).toBeGreaterThan(0);
    // The same household has another pseudonym in each year: its entries cannot be followed across years.
    const byHousehold = c
      .prepare(`SELECT household_id AS h, chain_id AS v, seq, substr(occurred_on, 1, 4) AS y FROM ledger_entries`)
      .all() as { h: number; v: number; seq: number; y: string }[];
    const yearsOf = new Map<number, Map<string, Set<string>>>();
    for (const r of byHousehold) {
      const p = bySeq.get(`${r.v}:${r.seq}`)!.pseudonym;
      const years = yearsOf.get(r.h) ?? new Map<string, Set<string>>();
      years.set(r.y, (years.get(r.y) ?? new Set()).add(p));
      yearsOf.set(r.h, years);
    }
    let acrossYears = 0;
    for (const years of yearsOf.values()) {
      for (const set of years.values()) expect(set.size).toBe(1);
      const all = [...years.values()].map((set) => [...set][0]);
      expect(new Set(all).size).toBe(all.length);
      if (all.length > 1) acrossYears += 1;
    }
    expect(acrossYears).toBeGreaterThan(50);
  }, 300_000);
});
