import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase, backupEvidenceDir, restoreDatabase } from '../../db/backup';
import { openDb, type Db } from '../../db/client';
import { evidencePath, listEvidenceFolder, sha256Hex } from '../../db/evidence/files';
import { sealedLedgerHash, yearlyPseudonym, type LedgerRow } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { createApp } from '../../server/app';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeUser, makeWorld } from '../support/factories';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jifen-evidence-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The test app with its photos in a temporary folder (and, given one, on a database file). */
function photoApp(file?: string) {
  const t = makeTestApp();
  const evidenceDir = tempDir();
  const db: Db = file ? openDb({ file }) : t.db;
  const app = createApp({ db, config: { ...testConfig, evidenceDir }, now: () => t.clock.now });
  return { ...t, db, app, evidenceDir } as TestApp & { evidenceDir: string };
}

async function upload(t: TestApp, cookie: string, bytes: Uint8Array, type = 'image/jpeg') {
  const res = await t.app.request('/api/evidence', { method: 'POST', headers: { cookie, 'content-type': type }, body: Uint8Array.from(bytes) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

async function fetchPhoto(t: TestApp, cookie: string, hash: string) {
  const res = await t.app.request(`/api/evidence/${hash}`, { headers: { cookie } });
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 190, g: 120, b: 60 } } });

/** A phone photo as a camera writes it: EXIF with the maker, a body serial and a GPS position. */
async function phoneJpeg(width = 2400, height = 1800): Promise<Buffer> {
  return solid(width, height)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'SerialX123' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 10/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '112/1 58/1 0/1' },
    })
    .toBuffer();
}

/** The GPS IFD pointer tag (0x8825) in a little-endian EXIF block. */
const hasGpsPointer = (exif: Buffer | undefined) => !!exif && exif.includes(Buffer.from([0x25, 0x88]));

async function setup(file?: string) {
  const t = photoApp(file);
  const w = await makeWorld(t);
  return { t, w, cadre: await login(t, 'cadre'), reviewer: await login(t, 'reviewer'), household: await login(t, 'household'), other: await login(t, 'othercadre') };
}

describe('photo evidence upload', () => {
  it('re-encodes a phone JPEG to at most 1600 px and drops its EXIF: no GPS position, no camera serial', async () => {
    const { t, cadre } = await setup();
    const original = await phoneJpeg();
    expect(hasGpsPointer((await sharp(original).metadata()).exif)).toBe(true);
    const res = await upload(t, cadre, original);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ width: 1600, height: 1200 });
    const stored = readFileSync(evidencePath(t.evidenceDir, res.body.hash));
    expect(sha256Hex(stored)).toBe(res.body.hash);
    expect(stored.length).toBe(res.body.bytes);
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1600, height: 1200 });
    expect(meta.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Exif\0\0'))).toBe(false);
    expect(stored.includes(Buffer.from('SerialX123'))).toBe(false);
    expect(stored.includes(Buffer.from('TestCam'))).toBe(false);
    const audit = t.db.$client.prepare(`SELECT action, entity_id AS id FROM audit_log WHERE action = 'evidence.upload'`).all();
    expect(audit).toEqual([{ action: 'evidence.upload', id: res.body.hash }]);
  });

  it('accepts a PNG, and a PNG sent as a .jpg: the content decides, and it is stored as JPEG', async () => {
    const { t, cadre } = await setup();
    const png = await solid(800, 600).png().toBuffer();
    const asPng = await upload(t, cadre, png, 'image/png');
    expect(asPng.status).toBe(201);
    expect(asPng.body).toMatchObject({ width: 800, height: 600 });
    const renamed = await upload(t, cadre, await solid(640, 480).png().toBuffer(), 'image/jpeg');
    expect(renamed.status).toBe(201);
    expect((await sharp(readFileSync(evidencePath(t.evidenceDir, renamed.body.hash))).metadata()).format).toBe('jpeg');
  });

  it('refuses a text file, a truncated JPEG, a pixel bomb and an over-size body, leaving nothing on disk', async () => {
    const { t, cadre } = await setup();
    const text = await upload(t, cadre, Buffer.from('这不是照片 just text\n'.repeat(50)), 'image/jpeg');
    expect(text).toMatchObject({ status: 400, body: { error: { code: 'bad_image' } } });
    const jpeg = await phoneJpeg(1200, 900);
    const truncated = await upload(t, cadre, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expect(truncated).toMatchObject({ status: 400, body: { error: { code: 'bad_image' } } });
    // 48 megapixels of one colour: 150 KB as a PNG, 144 MB once decoded.
    const bomb = await solid(8000, 6000).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const bombed = await upload(t, cadre, bomb, 'image/png');
    expect(bombed).toMatchObject({ status: 413, body: { error: { code: 'image_too_large' } } });
    const huge = await upload(t, cadre, Buffer.alloc(9 * 1024 * 1024, 0xff));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'image_too_large' } } });
    const empty = await upload(t, cadre, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const wrongType = await upload(t, cadre, jpeg, 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(listEvidenceFolder(t.evidenceDir)).toEqual([]);
    expect(t.db.$client.prepare('SELECT COUNT(*) AS n FROM evidence_files').get()).toEqual({ n: 0 });
  });

  it('refuses an upload from another site (same-origin check) and from roles that never propose', async () => {
    const { t, w, cadre } = await setup();
    const jpeg = await phoneJpeg(400, 300);
    const foreign = await t.app.request('/api/evidence', { method: 'POST', headers: { cookie: cadre, 'content-type': 'image/jpeg', origin: 'https://evil.example', host: 'localhost' }, body: Uint8Array.from(jpeg) });
    expect(foreign.status).toBe(403);
    for (const who of ['reviewer', 'clerk', 'household']) expect((await upload(t, await login(t, who), jpeg)).status, who).toBe(403);
    expect((await t.app.request('/api/evidence', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Uint8Array.from(jpeg) })).status).toBe(401);
    expect(listEvidenceFolder(t.evidenceDir)).toEqual([]);
    void w;
  });

  it('removes the written file when the database cannot record the upload', async () => {
    const { t, cadre } = await setup();
    t.db.$client.exec('DROP TABLE evidence_uploads');
    const res = await upload(t, cadre, await phoneJpeg(400, 300));
    expect(res.status).toBe(500);
    expect(listEvidenceFolder(t.evidenceDir)).toEqual([]);
  });

  it('stores twenty simultaneous uploads of one photo once', async () => {
    const { t, cadre } = await setup();
    const jpeg = await phoneJpeg(1000, 750);
    const results = await Promise.all(Array.from({ length: 20 }, () => upload(t, cadre, jpeg)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.hash)).size).toBe(1);
    expect(listEvidenceFolder(t.evidenceDir)).toEqual([evidencePath(t.evidenceDir, results[0].body.hash)]);
    expect(t.db.$client.prepare('SELECT COUNT(*) AS n FROM evidence_files').get()).toEqual({ n: 1 });
  });
});

describe('photo evidence on awards', () => {
  it('shows a photo to its village’s staff and its household, and to nobody else (404, as if it did not exist)', async () => {
    const { t, w, cadre, reviewer, household, other } = await setup();
    const photo = (await upload(t, cadre, await phoneJpeg(800, 600))).body.hash as string;
    const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14', evidence: [photo] } });
    expect(award.status).toBe(201);
    const seen = await fetchPhoto(t, reviewer, photo);
    expect(seen).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(seen.cache).toContain('private');
    expect(sha256Hex(seen.bytes)).toBe(photo);
    expect((await fetchPhoto(t, household, photo)).status).toBe(200);
    expect((await fetchPhoto(t, await login(t, 'township'), photo)).status).toBe(200);
    // Another village's cadre, another household of the same village, a clerk, the public.
    expect((await fetchPhoto(t, other, photo)).status).toBe(404);
    const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '王五' });
    await makeUser(t.db, 'household', w.areas.villageA.id, { username: 'neighbour', householdId: neighbour.id });
    expect((await fetchPhoto(t, await login(t, 'neighbour'), photo)).status).toBe(404);
    expect((await fetchPhoto(t, await login(t, 'clerk'), photo)).status).toBe(403);
    expect((await t.app.request(`/api/evidence/${photo}`)).status).toBe(401);
    expect((await fetchPhoto(t, reviewer, '0'.repeat(64))).status).toBe(404);
    expect((await fetchPhoto(t, reviewer, '../../etc/passwd')).status).toBe(404);
    // The award shows its photos to the reviewer, not to another household looking at the notice.
    const detail = await call(t, 'GET', `/api/awards/${award.body.id}`, { cookie: reviewer });
    expect(detail.body.photos).toEqual([{ hash: photo, width: 800, height: 600, bytes: expect.any(Number) }]);
    const list = await call(t, 'GET', '/api/awards?status=pending', { cookie: reviewer });
    expect(list.body.items[0].photos.map((p: { hash: string }) => p.hash)).toEqual([photo]);
  });

  it('a rule marked 需佐证 takes a photo the proposer uploaded; a hash from someone else is refused', async () => {
    const { t, w, cadre, other } = await setup();
    const rule = makeRule(t.db, w.areas.county.id, { name: '见义勇为', points: 50, evidenceRequired: true });
    const body = { householdId: w.household.id, ruleId: rule.id, occurredOn: '2026-06-14' };
    const bare = await call(t, 'POST', '/api/awards', { cookie: cadre, body });
    expect(bare).toMatchObject({ status: 400, body: { error: { code: 'evidence_required' } } });
    const link = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { ...body, evidenceUrl: 'https://example.org/a.jpg' } });
    expect(link.body.error.code).toBe('evidence_required');
    const theirs = (await upload(t, other, await phoneJpeg(500, 400))).body.hash as string;
    const borrowed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { ...body, evidence: [theirs] } });
    expect(borrowed).toMatchObject({ status: 400, body: { error: { code: 'unknown_evidence' } } });
    const made = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { ...body, evidence: ['f'.repeat(64)] } });
    expect(made.body.error.code).toBe('unknown_evidence');
    const seven = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { ...body, evidence: Array.from({ length: 7 }, (_, i) => String(i).repeat(64)) } });
    expect(seven.status).toBe(400);
    expect(t.db.$client.prepare('SELECT COUNT(*) AS n FROM awards').get()).toEqual({ n: 0 });
    const mine = (await upload(t, cadre, await phoneJpeg(500, 400))).body.hash as string;
    const ok = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { ...body, evidence: [mine] } });
    expect(ok.status).toBe(201);
    expect(t.db.$client.prepare('SELECT award_id AS awardId, hash FROM award_evidence').all()).toEqual([{ awardId: ok.body.id, hash: mine }]);
  });

  it('a batch of a 需佐证 rule takes a photo for every household, or is refused whole', async () => {
    const { t, w, cadre } = await setup();
    const rule = makeRule(t.db, w.areas.county.id, { name: '美丽庭院示范户', points: 10, evidenceRequired: true });
    const second = makeHousehold(t.db, w.areas.villageA.id, { headName: '赵六' });
    const a = (await upload(t, cadre, await phoneJpeg(600, 400))).body.hash as string;
    const b = (await upload(t, cadre, await solid(300, 300).png().toBuffer(), 'image/png')).body.hash as string;
    const partial = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: rule.id, occurredOn: '2026-06-14', items: [{ householdId: w.household.id, evidence: [a] }, { householdId: second.id }] } });
    expect(partial).toMatchObject({ status: 400, body: { error: { code: 'evidence_required', details: { householdIds: [second.id] } } } });
    expect(t.db.$client.prepare('SELECT COUNT(*) AS n FROM awards').get()).toEqual({ n: 0 });
    const full = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: rule.id, occurredOn: '2026-06-14', items: [{ householdId: w.household.id, evidence: [a] }, { householdId: second.id, evidence: [b, a] }] } });
    expect(full.status).toBe(201);
    const rows = t.db.$client.prepare('SELECT award_id AS awardId, hash, position FROM award_evidence ORDER BY award_id, position').all();
    expect(rows).toEqual([
      { awardId: full.body.ids[0], hash: a, position: 0 },
      { awardId: full.body.ids[1], hash: b, position: 0 },
      { awardId: full.body.ids[1], hash: a, position: 1 },
    ]);
  });

  it('the posted ledger entry’s hash covers the photos: changing them breaks verification', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const one = (await upload(t, cadre, await phoneJpeg(640, 480))).body.hash as string;
    const two = (await upload(t, cadre, await solid(320, 200).png().toBuffer(), 'image/png')).body.hash as string;
    const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14', evidence: [two, one] } });
    // noticeDays is 0 in the test county: approval posts at once.
    expect((await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer })).body.status).toBe('posted');
    const c = t.db.$client;
    const entry = c
      .prepare(
        `SELECT household_id AS householdId, village_id AS villageId, kind, points, balance_after AS balanceAfter, conduct_points AS conductPoints,
                occurred_on AS occurredOn, rule_id AS ruleId, category, award_id AS awardId, redemption_id AS redemptionId, reverses_id AS reversesId,
                note, created_by AS createdBy, created_at AS createdAt, prev_hash AS prevHash, hash, chain_id AS chainId, seq, salt,
                (SELECT pseudonym_seed FROM households h WHERE h.id = household_id) AS seed
           FROM ledger_entries WHERE award_id = ?`,
      )
      .get(award.body.id) as Omit<LedgerRow, 'id' | 'hashVersion'> & { chainId: number; seq: number; salt: string; seed: string };
    const hashWith = (evidence: string[] | null) => sealedLedgerHash({ ...entry, evidence }, { pseudonym: yearlyPseudonym(entry.seed, entry.occurredOn.slice(0, 4)), reversesSeq: null }).hash;
    expect(hashWith([one, two])).toBe(entry.hash);
    expect(hashWith([two, one])).toBe(entry.hash);
    expect(hashWith([one])).not.toBe(entry.hash);
    expect(hashWith(null)).not.toBe(entry.hash);
    expect(await verifyDatabase(t.db, { evidenceDir: t.evidenceDir })).toMatchObject({ ok: true, photos: 2 });
    // The list is append-only in the database itself; someone who goes around that is caught by the chain.
    expect(() => c.prepare('DELETE FROM award_evidence WHERE hash = ?').run(one)).toThrow(/append-only/);
    c.exec('DROP TRIGGER award_evidence_no_delete');
    c.prepare('DELETE FROM award_evidence WHERE hash = ?').run(one);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: false, what: 'hash', table: 'ledger_entries' });
  });

  it('verify reports a photo file that was changed or removed', async () => {
    const { t, w, cadre } = await setup();
    const photo = (await upload(t, cadre, await phoneJpeg(640, 480))).body.hash as string;
    await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14', evidence: [photo] } });
    expect(await verifyDatabase(t.db, { evidenceDir: t.evidenceDir })).toMatchObject({ ok: true, photos: 1 });
    const file = evidencePath(t.evidenceDir, photo);
    const bytes = readFileSync(file);
    const edited = Buffer.from(bytes);
    edited[edited.length - 10] ^= 0xff;
    writeFileSync(file, edited);
    expect(await verifyDatabase(t.db, { evidenceDir: t.evidenceDir })).toMatchObject({ ok: false, what: 'evidence', rowId: photo, detail: expect.stringContaining('changed') });
    rmSync(file);
    expect(await verifyDatabase(t.db, { evidenceDir: t.evidenceDir })).toMatchObject({ ok: false, what: 'evidence', rowId: photo, detail: expect.stringContaining('missing') });
    // The viewer learns only that it is gone.
    expect((await fetchPhoto(t, cadre, photo)).status).toBe(404);
  });

  it('backup copies the photos beside the copy and restore brings them back into the target’s folder', async () => {
    const dir = tempDir();
    const file = join(dir, 'live.db');
    const { t, w, cadre, reviewer } = await setup(file);
    const photo = (await upload(t, cadre, await phoneJpeg(900, 600))).body.hash as string;
    const award = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14', evidence: [photo] } });
    await call(t, 'POST', `/api/awards/${award.body.id}/approve`, { cookie: reviewer });
    const dest = join(dir, 'backup.db');
    const backup = await backupDatabase(file, dest, new Date(), { evidenceDir: t.evidenceDir });
    expect(backup.verdict).toMatchObject({ ok: true, photos: 1 });
    expect(listEvidenceFolder(backupEvidenceDir(dest))).toEqual([evidencePath(backupEvidenceDir(dest), photo)]);
    t.db.$client.close();

    const target = join(dir, 'restored.db');
    const targetPhotos = join(dir, 'restored-evidence');
    const restored = await restoreDatabase(dest, target, new Date(), { evidenceDir: targetPhotos });
    expect(restored).toMatchObject({ restored: true, verdict: { ok: true, photos: 1 } });
    expect(sha256Hex(readFileSync(evidencePath(targetPhotos, photo)))).toBe(photo);
    const back = openDb({ file: target, migrate: false });
    expect(await verifyDatabase(back, { evidenceDir: targetPhotos })).toMatchObject({ ok: true, photos: 1 });
    back.$client.close();

    // A backup whose photo went missing is refused by restore, and nothing changes.
    rmSync(evidencePath(backupEvidenceDir(dest), photo));
    const again = join(dir, 'again.db');
    const refused = await restoreDatabase(dest, again, new Date(), { evidenceDir: join(dir, 'again-evidence') });
    expect(refused).toMatchObject({ restored: false, verdict: { ok: false, what: 'evidence' } });
    expect(listEvidenceFolder(join(dir, 'again-evidence'))).toEqual([]);
  });
});
