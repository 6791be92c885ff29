import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { checkpoints, ledgerEntries, merkleFrontiers } from '../../db/schema';
import { systemCtx } from '../../server/lib/context';
import { leafHashOfBytes, rootOf, rootOfLeafHashes, verifyConsistency, verifyInclusion } from '../../server/lib/merkle';
import { makeCheckpoint } from '../../server/modules/proofs/makeCheckpoint';
import { makeDailyCheckpoints } from '../../server/modules/proofs/makeDailyCheckpoints';
import { startScheduler } from '../../server/scheduler';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeHousehold, makeUser, makeWorld, writeNow } from '../support/factories';

type World = Awaited<ReturnType<typeof makeWorld>>;
let t: TestApp;
let w: World;
let admin: string;

beforeEach(async () => {
  t = makeTestApp('2026-06-15T02:00:00.000Z');
  w = await makeWorld(t);
  admin = await login(t, 'county');
});

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function chainHashes(villageId: number): string[] {
  return t.db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(eq(ledgerEntries.chainId, villageId)).orderBy(asc(ledgerEntries.seq)).all().map((r) => r.hash);
}

function post(villageId: number, n: number) {
  const h = villageId === w.areas.villageB.id ? w.otherHousehold : w.household;
  for (let i = 0; i < n; i++) grantPoints(t.db, h.id, villageId, 1 + (i % 7));
}

async function checkpointNow(): Promise<{ status: number; body: { id: number; seq: number; hash: string; signature: string; body: Record<string, unknown> & { villages: { villageId: number; villageName: string; treeSize: number; root: string }[]; countyRoot: string; previousHash: string | null } } }> {
  return call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.county.id } });
}

describe('signed county checkpoints', () => {
  it('is signed over its canonical body with the key the public endpoint serves, and hashed over the same bytes', async () => {
    post(w.areas.villageA.id, 5);
    const made = await checkpointNow();
    expect(made.status).toBe(201);
    const key = await call(t, 'GET', '/api/public/checkpoint-key');
    expect(key.status).toBe(200);
    expect(key.body.algorithm).toBe('Ed25519');
    const raw = Buffer.from(key.body.publicKey, 'base64');
    expect(raw).toHaveLength(32);
    expect(createHash('sha256').update(raw).digest('hex')).toBe(key.body.fingerprint);
    expect(key.body.fingerprintDisplay).toBe(key.body.fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g).join(' '));
    const fetched = await call(t, 'GET', `/api/public/checkpoints/${made.body.id}`);
    expect(fetched.body).toEqual(made.body);
    const bytes = Buffer.from(canonicalize(fetched.body.body)!, 'utf8');
    const publicKey = createPublicKey(key.body.publicKeyPem);
    expect(verify(null, bytes, publicKey, Buffer.from(fetched.body.signature, 'base64'))).toBe(true);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fetched.body.hash);
    expect(fetched.body.body).toMatchObject({ format: 'jifen-checkpoint/1', countyId: w.areas.county.id, countyName: '测试县', seq: 1, reason: 'manual', previousHash: null, keyFingerprint: key.body.fingerprint, issuedAt: '2026-06-15T02:00:00.000Z' });
    // A changed body no longer matches the signature.
    const forged = Buffer.from(canonicalize({ ...fetched.body.body, countyName: '别的县' })!, 'utf8');
    expect(verify(null, forged, publicKey, Buffer.from(fetched.body.signature, 'base64'))).toBe(false);
    // And the stored row is what was served.
    const row = t.db.select().from(checkpoints).where(eq(checkpoints.id, made.body.id)).get()!;
    expect(row.body).toBe(bytes.toString('utf8'));
    expect(row.keyFingerprint).toBe(key.body.fingerprint);
  });

  it('lists every village of the county with the root of its ledger hashes, and a county root over them', async () => {
    post(w.areas.villageA.id, 13);
    post(w.areas.villageB.id, 4);
    const { body } = await checkpointNow();
    const villages = body.body.villages;
    expect(villages.map((v) => v.villageId)).toEqual([w.areas.villageA.id, w.areas.villageA2.id, w.areas.villageB.id]);
    for (const v of villages) {
      const hashes = chainHashes(v.villageId);
      expect(v.treeSize).toBe(hashes.length);
      expect(v.root).toBe(rootOf(hashes));
    }
    expect(villages.find((v) => v.villageId === w.areas.villageA2.id)).toMatchObject({ villageName: '南村', treeSize: 0, root: sha('') });
    const leaves = villages.map((v) => leafHashOfBytes(Buffer.from(canonicalize({ villageId: v.villageId, treeSize: v.treeSize, root: v.root })!, 'utf8')));
    expect(body.body.countyRoot).toBe(rootOfLeafHashes(leaves));
  });

  it('links each checkpoint to the previous one by hash and numbers them 1, 2, 3', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      post(w.areas.villageA.id, 2);
      const { body } = await checkpointNow();
      expect(body.seq).toBe(i + 1);
      expect(body.body.previousHash).toBe(i === 0 ? null : hashes[i - 1]);
      hashes.push(body.hash);
    }
  });

  it('extends the stored frontier by the new entries only, and its roots equal the from-scratch root', async () => {
    const v = w.areas.villageA.id;
    for (const n of [1, 2, 5, 8, 17, 0, 31]) {
      post(v, n);
      const { body } = await checkpointNow();
      const hashes = chainHashes(v);
      const village = body.body.villages.find((x) => x.villageId === v)!;
      expect(village.treeSize).toBe(hashes.length);
      expect(village.root).toBe(rootOf(hashes));
      const frontier = t.db.select().from(merkleFrontiers).where(eq(merkleFrontiers.villageId, v)).get()!;
      expect(frontier.treeSize).toBe(hashes.length);
      expect(JSON.parse(frontier.frontier)).toHaveLength(hashes.length.toString(2).replace(/0/g, '').length);
    }
    // The cache dropped or corrupted: rebuilt from the ledger, same root.
    const before = (await checkpointNow()).body.body.villages.find((x) => x.villageId === v)!.root;
    writeNow(t.db, () => t.db.delete(merkleFrontiers).run());
    expect((await checkpointNow()).body.body.villages.find((x) => x.villageId === v)!.root).toBe(before);
    writeNow(t.db, () => t.db.update(merkleFrontiers).set({ frontier: '["nonsense"]' }).where(eq(merkleFrontiers.villageId, v)).run());
    expect((await checkpointNow()).body.body.villages.find((x) => x.villageId === v)!.root).toBe(before);
  });

  it('twenty parallel requests make checkpoints 1..20 with no gap, no duplicate, each linked to the one before', async () => {
    post(w.areas.villageA.id, 3);
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkpointNow()));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const rows = t.db.select().from(checkpoints).orderBy(asc(checkpoints.seq)).all();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(new Set(answers.map((a) => a.body.seq)).size).toBe(20);
  });

  it('is written with an audit row naming the county and the checkpoint', async () => {
    const { body } = await checkpointNow();
    const audit = t.db.$client.prepare("SELECT * FROM audit_log WHERE action = 'checkpoint.create'").all() as { entity_id: string; area_id: number; actor_id: number }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_id: String(body.id), area_id: w.areas.county.id, actor_id: w.users.county.id });
  });
});

describe('who may make a checkpoint', () => {
  it('only a county admin, only of their own county', async () => {
    const other = insertArea(t.db, { name: '邻县', kind: 'county', parentId: null, createdAt: 0 });
    await makeUser(t.db, 'county_admin', other.id, { username: 'othercounty' });
    const otherAdmin = await login(t, 'othercounty');
    expect((await call(t, 'POST', '/api/checkpoints', { cookie: otherAdmin, body: { countyId: w.areas.county.id } })).status).toBe(404);
    expect((await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: other.id } })).status).toBe(404);
    expect((await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.villageA.id } })).status).toBe(422);
    expect((await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: 999_999 } })).status).toBe(404);
    for (const u of ['township', 'cadre', 'reviewer', 'clerk', 'household']) {
      const cookie = await login(t, u);
      expect((await call(t, 'POST', '/api/checkpoints', { cookie, body: { countyId: w.areas.county.id } })).status, u).toBe(403);
    }
    expect((await call(t, 'POST', '/api/checkpoints', { body: { countyId: w.areas.county.id } })).status).toBe(401);
    expect(t.db.select().from(checkpoints).all()).toHaveLength(0);
    // The other county's admin makes its own, numbered from 1 with no village of ours in it.
    const theirs = await call(t, 'POST', '/api/checkpoints', { cookie: otherAdmin, body: { countyId: other.id } });
    expect(theirs.status).toBe(201);
    expect(theirs.body.body).toMatchObject({ seq: 1, countyId: other.id, villages: [], countyRoot: sha('') });
  });
});

describe('public checkpoint list', () => {
  it('lists newest first, pages with before, filters by county, and refuses a limit over 100', async () => {
    for (let i = 0; i < 5; i++) await checkpointNow();
    const all = await call(t, 'GET', '/api/public/checkpoints');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { seq: number }) => i.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(all.body.items[0]).toMatchObject({ countyId: w.areas.county.id, reason: 'manual', issuedAt: '2026-06-15T02:00:00.000Z' });
    const page = await call(t, 'GET', `/api/public/checkpoints?limit=2&before=${all.body.items[1].id}`);
    expect(page.body.items.map((i: { seq: number }) => i.seq)).toEqual([3, 2]);
    expect((await call(t, 'GET', `/api/public/checkpoints?countyId=${w.areas.county.id + 1000}`)).body.items).toEqual([]);
    expect((await call(t, 'GET', '/api/public/checkpoints?limit=101')).status).toBe(400);
    expect((await call(t, 'GET', '/api/public/checkpoints?before=abc')).status).toBe(400);
    const latest = await call(t, 'GET', `/api/public/checkpoints/latest?countyId=${w.areas.county.id}`);
    expect(latest.body.seq).toBe(5);
    expect((await call(t, 'GET', '/api/public/checkpoints/latest')).body.seq).toBe(5);
    expect((await call(t, 'GET', '/api/public/checkpoints/999999')).status).toBe(404);
    expect((await call(t, 'GET', '/api/public/checkpoints/9007199254740992')).status).toBe(400);
  });

  it('answers 404 for the latest checkpoint before there is one', async () => {
    expect((await call(t, 'GET', `/api/public/checkpoints/latest?countyId=${w.areas.county.id}`)).status).toBe(404);
  });
});

describe('the daily checkpoint', () => {
  it('is made once per county per Shanghai day, however often the job runs', async () => {
    const ctx = () => systemCtx(t.db, testConfig, t.clock.now);
    expect(await makeDailyCheckpoints(ctx())).toHaveLength(1);
    t.clock.advance(3_600_000);
    expect(await makeDailyCheckpoints(ctx())).toEqual([]);
    // Two at once (a second server): still one.
    const [a, b] = await Promise.all([makeDailyCheckpoints(ctx()), makeDailyCheckpoints(ctx())]);
    expect([...a, ...b]).toEqual([]);
    // A manual or board checkpoint the same day does not count as the daily one, nor stop it the next day.
    await checkpointNow();
    t.clock.set('2026-06-15T16:30:00.000Z'); // 00:30 on the 16th in Shanghai
    expect(await makeDailyCheckpoints(ctx())).toHaveLength(1);
    const rows = t.db.select().from(checkpoints).orderBy(asc(checkpoints.seq)).all();
    expect(rows.map((r) => r.reason)).toEqual(['daily', 'manual', 'daily']);
    const audit = t.db.$client.prepare("SELECT actor_role FROM audit_log WHERE action = 'checkpoint.create' AND actor_id IS NULL").all();
    expect(audit).toHaveLength(2);
  });

  it('runs from the scheduler once across ticks of the same day', async () => {
    // The test config has no key: the in-memory database's own key signs (as the app's would).
    const s = startScheduler(t.db, testConfig, { firstDelayMs: 60_000, now: () => t.clock.now });
    try {
      await s.tick();
      await s.tick();
    } finally {
      await s.stop();
    }
    expect(t.db.select().from(checkpoints).all().map((r) => r.reason)).toEqual(['daily']);
  });

  it('another county gets its own daily checkpoint', async () => {
    const other = insertArea(t.db, { name: '邻县', kind: 'county', parentId: null, createdAt: 0 });
    const made = await makeDailyCheckpoints(systemCtx(t.db, testConfig, t.clock.now));
    expect(made).toHaveLength(2);
    const counties = t.db.select().from(checkpoints).all().map((r) => [r.countyId, r.seq]);
    expect(counties).toEqual(expect.arrayContaining([[w.areas.county.id, 1], [other.id, 1]]));
  });
});

describe('checkpoints over a busy county', () => {
  it('a household in a new village joins the next checkpoint with its own tree', async () => {
    await makeCheckpoint(systemCtx(t.db, testConfig, t.clock.now), w.areas.county.id, 'manual');
    const v = insertArea(t.db, { name: '新村', kind: 'village', parentId: w.areas.townB.id, createdAt: 0 });
    const h = makeHousehold(t.db, v.id, { headName: '王五' });
    grantPoints(t.db, h.id, v.id, 3);
    const { body } = await checkpointNow();
    expect(body.body.villages.find((x) => x.villageId === v.id)).toMatchObject({ treeSize: 1, root: rootOf(chainHashes(v.id)) });
  });
});

export { verifyConsistency, verifyInclusion };
