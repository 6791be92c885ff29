import { createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../../server/lib/merkle';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';

type World = Awaited<ReturnType<typeof makeWorld>>;
let t: TestApp;
let w: World;
let admin: string;

beforeEach(async () => {
  t = makeTestApp('2026-06-15T02:00:00.000Z');
  w = await makeWorld(t);
  admin = await login(t, 'county');
});

const checkpoint = () => call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.county.id } });
const proofsOf = (cookie: string, id = w.household.id) => call(t, 'GET', `/api/households/${id}/proofs`, { cookie });

describe("a household's own proofs", () => {
  it('prove each of its entries into the signed checkpoint, and list newer ones without a path', async () => {
    const v = w.areas.villageA.id;
    for (let i = 0; i < 7; i++) grantPoints(t.db, w.household.id, v, 2 + i);
    // Another household's entries share the village chain: they are not listed, but are in the tree.
    const other = t.db.$client.prepare('INSERT INTO households (village_id, head_name, name_initials, door_no, category, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 0) RETURNING id').get(v, '钱十', 'QS', '9号', 'general') as { id: number };
    for (let i = 0; i < 4; i++) grantPoints(t.db, other.id, v, 1);
    expect((await checkpoint()).status).toBe(201);
    grantPoints(t.db, w.household.id, v, 3);
    const household = await login(t, 'household');
    const res = await proofsOf(household);
    expect(res.status).toBe(200);
    const { checkpoint: cp, entries, pseudonym, villageId, year } = res.body;
    expect(villageId).toBe(v);
    // This year's pseudonym (letters only), the one its entries of this year and this year's boards carry.
    expect(year).toBe('2026');
    expect(pseudonym).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);
    expect(entries).toHaveLength(8);
    expect(entries.every((e: { pseudonym: string }) => e.pseudonym === pseudonym)).toBe(true);
    const key = (await call(t, 'GET', '/api/public/checkpoint-key')).body;
    expect(verify(null, Buffer.from(canonicalize(cp.body)!, 'utf8'), createPublicKey(key.publicKeyPem), Buffer.from(cp.signature, 'base64'))).toBe(true);
    const village = cp.body.villages.find((x: { villageId: number }) => x.villageId === v);
    expect(village.treeSize).toBe(11);
    for (const e of entries.slice(0, 7)) expect(verifyInclusion(e.seq - 1, village.treeSize, e.hash, e.path, village.root)).toBe(true);
    expect(entries[7]).toMatchObject({ seq: 12, path: null });
    // Names, phones, ID numbers and internal ids stay out.
    const text = JSON.stringify(res.body);
    for (const secret of [w.household.headName, w.household.phone, w.household.idNumber, '钱十']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/householdId|balanceAfter|note|createdBy|salt|seed/i);
    const seed = (t.db.$client.prepare('SELECT pseudonym_seed AS s FROM households WHERE id = ?').get(w.household.id) as { s: string }).s;
    expect(text).not.toContain(seed);
  });

  it('is open to the household and to staff whose area holds it; others get 404 as for the household', async () => {
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 5);
    await checkpoint();
    expect((await proofsOf(await login(t, 'household'))).status).toBe(200);
    for (const u of ['county', 'township', 'cadre', 'reviewer', 'clerk']) expect((await proofsOf(await login(t, u))).status, u).toBe(200);
    expect((await proofsOf(await login(t, 'othercadre'))).status).toBe(404);
    expect((await proofsOf(await login(t, 'otherclerk'))).status).toBe(404);
    const household = await login(t, 'household');
    expect((await proofsOf(household, w.otherHousehold.id)).status).toBe(404);
    expect((await proofsOf(household, 999_999)).status).toBe(404);
    expect((await call(t, 'GET', `/api/households/${w.household.id}/proofs`)).status).toBe(401);
    expect((await call(t, 'GET', '/api/households/9007199254740992/proofs', { cookie: household })).status).toBe(400);
  });

  it('answers 404 before the county has any checkpoint, and an empty list for a household without entries', async () => {
    const household = await login(t, 'household');
    const none = await proofsOf(household);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toMatch(/还没有签名检查点/);
    await checkpoint();
    const empty = await proofsOf(household);
    expect(empty.status).toBe(200);
    expect(empty.body.entries).toEqual([]);
  });

  it('never hands out the pseudonym seed: not in the household answers, not in an audit row of an edit', async () => {
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'PATCH', `/api/households/${w.household.id}`, { cookie: cadre, body: { doorNo: '12号' } })).status).toBe(200);
    const household = await login(t, 'household');
    const seed = (t.db.$client.prepare('SELECT pseudonym_seed AS s FROM households WHERE id = ?').get(w.household.id) as { s: string }).s;
    expect(seed).toMatch(/^[0-9a-f]{32}$/);
    const answers = [await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre }), await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: household })];
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(JSON.stringify(a.body)).not.toMatch(/seed/i);
      expect(JSON.stringify(a.body)).not.toContain(seed);
    }
    const audit = (t.db.$client.prepare(`SELECT before, after FROM audit_log WHERE entity = 'household'`).all() as { before: string | null; after: string | null }[]).map((r) => `${r.before} ${r.after}`);
    expect(audit.join('\n')).toContain('12号');
    expect(audit.join('\n')).not.toContain(seed);
    expect(audit.join('\n')).not.toMatch(/pseudonym/i);
  });
});
