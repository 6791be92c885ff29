import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { areas, households, users } from '../../db/schema';
import { shanghaiDay } from '../../db/time';
import { seedDemoCounty } from '../../seeds/demo';
import type { Ctx } from '../../server/lib/context';
import { proposePublication } from '../../server/modules/boards/proposePublication';
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
});
