import { beforeAll, describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { appendLedgerEntry, entryHashV3, publicDigestOf, yearlyPseudonym } from '../../db/ledger';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld, writeNow } from '../support/factories';

type World = Awaited<ReturnType<typeof makeWorld>>;
interface Entry {
  seq: number;
  hashVersion: number;
  kind: 'award' | 'deduction' | 'redemption' | 'reversal' | 'expiry' | 'adjustment';
  points: number;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
  privateDigest: string | null;
  prevHash: string;
  hash: string;
}

const T0 = Date.UTC(2026, 5, 1);
/** Entries of the own village written directly (beyond the API ones), so paging crosses 1000. */
const BULK = 1_150;
/** After the bulk: the marked household's deduction under a rule that is not a black-list rule, and an entry of 2025. */
const TOTAL = BULK + 5;

/** Everything personal the fixture holds: none of it may appear anywhere in a public ledger answer. */
function secretsOf(t: TestApp): string[] {
  const c = t.db.$client;
  const rows = c.prepare('SELECT head_name AS a, phone AS b, id_number AS c, door_no AS d FROM households').all() as Record<string, string | null>[];
  const members = c.prepare('SELECT name AS a, id_number AS c, phone AS b FROM household_members').all() as Record<string, string | null>[];
  const notes = c.prepare('SELECT DISTINCT note AS a FROM ledger_entries WHERE note IS NOT NULL UNION SELECT note FROM awards WHERE note IS NOT NULL').all() as Record<string, string | null>[];
  const users = c.prepare('SELECT username AS a, display_name AS b FROM users').all() as Record<string, string | null>[];
  return [...rows, ...members, ...notes, ...users].flatMap((r) => Object.values(r)).filter((v): v is string => typeof v === 'string' && v.length >= 2);
}

const FORBIDDEN_KEYS = ['householdId', 'household', 'headName', 'name', 'note', 'createdBy', 'createdAt', 'balance', 'balanceAfter', 'awardId', 'redemptionId', 'reversesId', 'salt', 'phone', 'idNumber', 'doorNo', 'id', 'seed', 'pseudonymSeed', 'rulePublic'];

function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  }
  return out;
}

/** All of a village's public ledger, page by page, as a verifier would fetch it. */
async function fetchAll(t: TestApp, villageId: number) {
  const entries: Entry[] = [];
  let from: number | null = 1;
  let first: { treeSize: number; genesisHash: string } | null = null;
  let pages = 0;
  while (from !== null) {
    const res = await call(t, 'GET', `/api/public/villages/${villageId}/ledger?from=${from}`);
    expect(res.status).toBe(200);
    first ??= res.body;
    entries.push(...res.body.entries);
    from = res.body.nextFrom;
    pages += 1;
  }
  return { entries, treeSize: first!.treeSize, genesisHash: first!.genesisHash, pages };
}

describe('GET /api/public/villages/:id/ledger', () => {
  let t: TestApp;
  let w: World;
  let otherCountyVillage: number;
  let archivedPseudonym: string;
  let quarrelRule: number;
  let markedSeed: string;
  beforeAll(async () => {
    t = makeTestApp();
    w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const township = await login(t, 'township');
    // A household whose id, name, phone and door number are easy to spot if they leaked.
    const marked = makeHousehold(t.db, w.areas.villageA.id, { id: 987_654, headName: '欧阳震华', phone: '13912345678', doorNo: '88号' });
    const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: marked.id, ruleId: w.rule.id, quantity: 2, occurredOn: '2026-06-01', note: '帮扶孤寡老人欧阳震华' } });
    await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer });
    const deduction = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: marked.id, ruleId: w.deduction.id, quantity: 1, occurredOn: '2026-06-02', note: '乱倒垃圾被邻居举报' } });
    const posted = await call(t, 'POST', `/api/awards/${deduction.body.id}/approve`, { cookie: reviewer });
    expect((await call(t, 'POST', `/api/ledger/${posted.body.ledgerEntryId}/reverse`, { cookie: township, body: { reason: '查无实据' } })).status).toBe(201);
    writeNow(t.db, () => {
      for (let i = 0; i < BULK; i++) {
        appendLedgerEntry(t.db, { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-06-03', note: `补录第${i}笔`, createdBy: w.users.county.id, createdAt: T0 + i });
      }
    });
    // A deduction under a rule that is not a black-list rule (no board names it), and an entry of the year before.
    quarrelRule = makeRule(t.db, w.areas.county.id, { name: '邻里争吵', points: -3, category: 'civility', blackList: false }).id;
    const quarrel = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: marked.id, ruleId: quarrelRule, quantity: 1, occurredOn: '2026-06-04', note: '与邻居争吵' } });
    expect((await call(t, 'POST', `/api/awards/${quarrel.body.id}/approve`, { cookie: reviewer })).status).toBe(200);
    writeNow(t.db, () => appendLedgerEntry(t.db, { householdId: marked.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 4, conductPoints: 0, occurredOn: '2025-12-31', note: '去年补录', createdAt: T0 }));
    // The marked household moves away: its entries stay public, under its pseudonyms only.
    expect((await call(t, 'PATCH', `/api/households/${marked.id}`, { cookie: cadre, body: { status: 'archived' } })).status).toBe(200);
    markedSeed = (t.db.$client.prepare('SELECT pseudonym_seed AS seed FROM households WHERE id = ?').get(marked.id) as { seed: string }).seed;
    archivedPseudonym = yearlyPseudonym(markedSeed, '2026');
    // Another county: public data too.
    const county2 = insertArea(t.db, { name: '邻县', kind: 'county', parentId: null, createdAt: T0 });
    const town2 = insertArea(t.db, { name: '邻乡', kind: 'township', parentId: county2.id, createdAt: T0 });
    const village2 = insertArea(t.db, { name: '邻村', kind: 'village', parentId: town2.id, createdAt: T0 });
    const far = makeHousehold(t.db, village2.id, { headName: '司马光明' });
    writeNow(t.db, () => appendLedgerEntry(t.db, { householdId: far.id, villageId: village2.id, kind: 'adjustment', points: 9, conductPoints: 0, occurredOn: '2026-06-04', note: '邻县补录', createdAt: T0 }));
    otherCountyVillage = village2.id;
  }, 120_000);

  it('pages through a whole chain, 1000 at most per answer, in seq order and linked hash to hash', async () => {
    const all = await fetchAll(t, w.areas.villageA.id);
    expect(all.treeSize).toBe(TOTAL);
    expect(all.pages).toBe(2);
    expect(all.entries.map((e) => e.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(all.entries[0].prevHash).toBe(all.genesisHash);
    all.entries.forEach((e, i) => {
      if (i > 0) expect(e.prevHash).toBe(all.entries[i - 1].hash);
      // Anyone can recompute each hash from the public part and the private digest alone.
      expect(e.hashVersion).toBe(3);
      expect(entryHashV3(w.areas.villageA.id, e.seq, e.prevHash, publicDigestOf(e), e.privateDigest!)).toBe(e.hash);
    });
    // The reversal names the deduction it undoes by its seq; the deduction shows its black-list rule.
    const deduction = all.entries.find((e) => e.kind === 'deduction')!;
    expect(deduction).toMatchObject({ ruleId: w.deduction.id, points: -5, conductPoints: -5 });
    expect(all.entries.find((e) => e.kind === 'reversal')).toMatchObject({ reversesSeq: deduction.seq, conductPoints: 5 });
  });

  it("shows a deduction's rule only where it is a black-list rule; the heading and the figures stay", async () => {
    const all = await fetchAll(t, w.areas.villageA.id);
    const deductions = all.entries.filter((e) => e.kind === 'deduction');
    expect(deductions.map((e) => [e.ruleId, e.category, e.conductPoints])).toEqual([
      [w.deduction.id, 'hygiene', -5],
      [null, 'civility', -3],
    ]);
    // Awards' rules stay public: the red list names the deeds.
    expect(all.entries.find((e) => e.kind === 'award')).toMatchObject({ ruleId: w.rule.id });
    expect(all.entries.some((e) => e.ruleId === quarrelRule)).toBe(false);
    // The hidden rule is still bound: the stored row has it and verify checks it through the private digest.
    expect(t.db.$client.prepare('SELECT rule_id AS r, rule_public AS p FROM ledger_entries WHERE chain_id = ? AND seq = ?').get(w.areas.villageA.id, deductions[1].seq)).toEqual({ r: quarrelRule, p: 0 });
  });

  it("gives a household another pseudonym every year, the same one within a year, never its seed", async () => {
    const all = await fetchAll(t, w.areas.villageA.id);
    const marked = all.entries.filter((e) => e.pseudonym === archivedPseudonym || e.pseudonym === yearlyPseudonym(markedSeed, '2025'));
    expect(marked.map((e) => [e.occurredOn.slice(0, 4), e.kind])).toEqual([
      ['2026', 'award'],
      ['2026', 'deduction'],
      ['2026', 'reversal'],
      ['2026', 'deduction'],
      ['2025', 'adjustment'],
    ]);
    const lastYear = marked.at(-1)!.pseudonym;
    expect(lastYear).not.toBe(archivedPseudonym);
    for (const p of [archivedPseudonym, lastYear]) expect(p).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);
    // The other household's entries of 2026 carry its own pseudonym of 2026.
    const other = all.entries.filter((e) => e.kind === 'adjustment' && e.occurredOn === '2026-06-03');
    expect(new Set(other.map((e) => e.pseudonym)).size).toBe(1);
    expect(other[0].pseudonym).not.toBe(archivedPseudonym);
    expect(JSON.stringify(all.entries)).not.toContain(markedSeed);
  });

  it('answers a range exactly, and continues a range longer than a page with nextFrom', async () => {
    const id = w.areas.villageA.id;
    const some = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=2&to=4`);
    expect(some.status).toBe(200);
    expect(some.body.entries.map((e: Entry) => e.seq)).toEqual([2, 3, 4]);
    expect(some.body.nextFrom).toBeNull();
    const long = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=10&to=1100`);
    expect(long.body.entries).toHaveLength(1000);
    expect(long.body.entries.at(-1).seq).toBe(1009);
    expect(long.body.nextFrom).toBe(1010);
    const rest = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=1010&to=1100`);
    expect(rest.body.entries).toHaveLength(91);
    expect(rest.body.nextFrom).toBeNull();
    // Past the end: nothing, and nowhere to go; a range running past the end stops at it.
    const past = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=${TOTAL + 1}`);
    expect(past.body).toMatchObject({ entries: [], nextFrom: null, treeSize: TOTAL });
    const over = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=${TOTAL - 2}&to=999999`);
    expect(over.body.entries.map((e: Entry) => e.seq)).toEqual([TOTAL - 2, TOTAL - 1, TOTAL]);
    expect(over.body.nextFrom).toBeNull();
  });

  it('refuses a bad range with 400 and says why', async () => {
    const id = w.areas.villageA.id;
    for (const q of ['from=5&to=4', 'from=0', 'to=0', 'from=-1', 'from=1.5', 'from=abc', `from=${2 ** 53}`, `to=${2 ** 53}`, 'from=9007199254740993', 'from=%ED%A0%80', 'from=%F0%9F', 'to=1e400']) {
      const res = await call(t, 'GET', `/api/public/villages/${id}/ledger?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('invalid');
    }
    const reversed = await call(t, 'GET', `/api/public/villages/${id}/ledger?from=5&to=4`);
    expect(reversed.body.error.message).toContain('from 不能大于 to');
    // A lone surrogate or a huge number in the path is a 400 too, never a lookup.
    expect((await call(t, 'GET', '/api/public/villages/%ED%A0%80/ledger')).status).toBe(400);
    expect((await call(t, 'GET', `/api/public/villages/${2 ** 53}/ledger`)).status).toBe(400);
  });

  it('answers 404 for an area that is not a village and for an unknown id', async () => {
    for (const id of [w.areas.county.id, w.areas.townA.id, 999_999]) {
      const res = await call(t, 'GET', `/api/public/villages/${id}/ledger`);
      expect(res.status, String(id)).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('serves a village with no entries as an empty chain on the common genesis', async () => {
    const a = await call(t, 'GET', `/api/public/villages/${w.areas.villageA2.id}/ledger`);
    const b = await call(t, 'GET', `/api/public/villages/${w.areas.villageA.id}/ledger?to=1`);
    expect(a.body).toMatchObject({ villageId: w.areas.villageA2.id, villageName: '南村', treeSize: 0, entries: [], nextFrom: null, genesisHash: b.body.genesisHash });
  });

  it("serves another county's village too, without a login: it is public data", async () => {
    const res = await call(t, 'GET', `/api/public/villages/${otherCountyVillage}/ledger`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ villageName: '邻村', treeSize: 1, entries: [{ seq: 1, points: 9, kind: 'adjustment' }] });
    expect(JSON.stringify(res.body)).not.toContain('司马');
  });

  it('shows an archived household only by its pseudonym', async () => {
    const res = await call(t, 'GET', `/api/public/villages/${w.areas.villageA.id}/ledger?from=1&to=3`);
    expect(res.body.entries.map((e: Entry) => e.pseudonym)).toEqual([archivedPseudonym, archivedPseudonym, archivedPseudonym]);
    expect(archivedPseudonym).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);
    expect(JSON.stringify(res.body)).not.toContain('欧阳');
  });

  it('carries no household id, name, phone, door number, note, author, balance or award id anywhere in its answers', async () => {
    const bodies = [
      ...(await Promise.all([1, 1001].map((from) => call(t, 'GET', `/api/public/villages/${w.areas.villageA.id}/ledger?from=${from}`)))),
      await call(t, 'GET', `/api/public/villages/${w.areas.villageB.id}/ledger`),
      await call(t, 'GET', `/api/public/villages/${otherCountyVillage}/ledger`),
    ].map((r) => r.body);
    const keys = keysOf(bodies);
    for (const k of FORBIDDEN_KEYS) expect(keys.has(k), k).toBe(false);
    expect([...keys].sort()).toEqual(
      ['villageId', 'villageName', 'treeSize', 'genesisHash', 'entries', 'nextFrom', 'seq', 'hashVersion', 'kind', 'points', 'conductPoints', 'category', 'ruleId', 'occurredOn', 'reversesSeq', 'pseudonym', 'privateDigest', 'prevHash', 'hash'].sort(),
    );
    const text = JSON.stringify(bodies);
    const secrets = secretsOf(t);
    expect(secrets).toContain('欧阳震华');
    expect(secrets).toContain('帮扶孤寡老人欧阳震华');
    for (const s of secrets) expect(text.includes(s), s).toBe(false);
    // The marked household's id is not there either, as a number or inside a string.
    expect(text).not.toMatch(/987654/);
    // Nor a salt: without it the private digest cannot be tested against a guess. Nor a pseudonym seed.
    const salts = (t.db.$client.prepare('SELECT salt FROM ledger_entries').all() as { salt: string }[]).map((r) => r.salt);
    for (const s of salts) expect(text.includes(s)).toBe(false);
    const seeds = (t.db.$client.prepare('SELECT pseudonym_seed AS s FROM households').all() as { s: string }[]).map((r) => r.s);
    expect(seeds.length).toBeGreaterThan(3);
    for (const s of seeds) expect(text.includes(s)).toBe(false);
    // Nothing that reads as a phone number (11 digits from 1) or an ID number (17 digits and a check character)
    // outside the hashes (whose hex may hold such runs by chance).
    expect(text).not.toMatch(/(?<![0-9a-f])1[3-9]\d{9}(?![0-9a-f])/);
    expect(text).not.toMatch(/(?<![0-9a-f])\d{17}[\dXx](?![0-9a-f])/);
  });

  it('gives 20 parallel readers the same answer while the chain grows', async () => {
    const id = w.areas.villageA.id;
    const reads = Array.from({ length: 20 }, () => call(t, 'GET', `/api/public/villages/${id}/ledger?from=1&to=50`));
    const [results] = await Promise.all([
      Promise.all(reads),
      Promise.resolve().then(() => writeNow(t.db, () => appendLedgerEntry(t.db, { householdId: w.household.id, villageId: id, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-06-05', createdAt: T0 }))),
    ]);
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.entries).toEqual(results[0].body.entries);
      expect(r.body.entries).toHaveLength(50);
    }
  });
});
