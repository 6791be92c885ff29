/**
 * A county numbered 37 (JIFEN_COUNTY_NUMBER): every id it makes is ≥ 37·10^10, past 2^31 and 2^32, and the
 * whole daily flow works with such ids — registration, award batch, review, posting, pass code and typed code at
 * the counter, public boards, the public ledger and its proofs, checkpoints, `npm run verify`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyCountyNumber, CountyNumberRefused, recordedCountyNumber } from '../../db/bootstrap';
import { closeDb, openDb } from '../../db/client';
import { postLedgerEntry } from '../../db/ledger';
import type { Sql } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { countyIdBase, COUNTY_ID_SPAN, inCountyRange, parseCountyNumber, rangeOf } from '../../db/idRange';
import { verifyDatabase } from '../../db/verify';
import { DatabaseConfigError, readCountyNumber, readServerEnv } from '../../server/config';
import { verifyInclusion } from '../../server/lib/merkle';
import { readXlsx, xlsxFile } from '../excel/sheets';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const K = 37;
const BASE = K * COUNTY_ID_SPAN;
const dir = mkdtempSync(join(tmpdir(), 'jifen-county-number-'));
const SPAWN_RETRY = 1;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every id column of every table (keys and the columns holding one) of the app's database, with its smallest and largest value. */
async function appIdExtremes(q: Sql): Promise<{ col: string; lo: number; hi: number }[]> {
  const cols =
    q.engine === 'sqlite'
      ? await q.all<{ t: string; c: string }>(
          `SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__drizzle%' AND lower(p.type) = 'integer'`,
        )
      : // data_version: PostgreSQL's one-row cache stamp (id 1), no county's row.
        await q.all<{ t: string; c: string }>(
          `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND data_type IN ('bigint', 'integer') AND table_name NOT LIKE '__drizzle%' AND table_name <> 'data_version'`,
        );
  const out: { col: string; lo: number; hi: number }[] = [];
  for (const { t, c } of cols.filter((x) => x.c === 'id' || x.c.endsWith('_id') || x.c.endsWith('_by'))) {
    // The seven built-in catalogue headings (area NULL) come with every database, ids 1-7: the same rows everywhere.
    const where = t === 'rule_headings' && c === 'id' ? 'AND area_id IS NOT NULL' : '';
    const row = await q.get<{ lo: number | null; hi: number | null }>(`SELECT MIN("${c}") AS lo, MAX("${c}") AS hi FROM "${t}" WHERE "${c}" IS NOT NULL ${where}`);
    if (row && row.lo !== null && row.hi !== null) out.push({ col: `${t}.${c}`, lo: Number(row.lo), hi: Number(row.hi) });
  }
  return out.sort((a, b) => a.col.localeCompare(b.col));
}

describe('county id ranges (db/idRange.ts)', () => {
  it('county k owns [k·10^10, (k+1)·10^10), at most 15 digits (Excel keeps 15) up to 99999', () => {
    expect(countyIdBase(0)).toBe(0);
    expect(countyIdBase(37)).toBe(370_000_000_000);
    expect(String(countyIdBase(99_999) + COUNTY_ID_SPAN - 1)).toHaveLength(15);
    expect(() => countyIdBase(100_000)).toThrow(/0 to 99999/);
    expect(rangeOf(1)).toBe(0);
    expect(rangeOf(BASE + 5)).toBe(37);
    expect(rangeOf(BASE - 1)).toBe(36);
    expect(inCountyRange(BASE + 1, 37)).toBe(true);
    expect(inCountyRange(BASE + COUNTY_ID_SPAN, 37)).toBe(false);
    expect(inCountyRange(0, 0)).toBe(false);
  });

  it.each(['0.5', '-1', '100000', '900001', String(2 ** 53), 'abc', '1e3', '0x10', '', ' 3 7'])('refuses JIFEN_COUNTY_NUMBER=%j with a message naming it and the allowed numbers', (raw) => {
    if (raw === '') {
      expect(readCountyNumber({ JIFEN_COUNTY_NUMBER: raw })).toBeNull();
      return;
    }
    let error: unknown;
    try {
      readServerEnv({ JIFEN_COUNTY_NUMBER: raw });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseConfigError);
    expect((error as Error).message).toContain('JIFEN_COUNTY_NUMBER must be a whole number from 0 to 99999');
  });

  it('reads 0, 37 and 99999, and nothing when unset', () => {
    expect(readCountyNumber({})).toBeNull();
    expect(readServerEnv({ JIFEN_COUNTY_NUMBER: '37' }).countyNumber).toBe(37);
    expect(readCountyNumber({ JIFEN_COUNTY_NUMBER: ' 0 ' })).toBe(0);
    expect(parseCountyNumber('99999')).toBe(99_999);
  });
});

describe('JIFEN_COUNTY_NUMBER on a SQLite county database', () => {
  it('on an empty database starts every table at k·10^10 + 1 and records k; the same number again changes nothing', async () => {
    const db = openDb({ file: join(dir, 'fresh.db') });
    await applyCountyNumber(db, K);
    await applyCountyNumber(db, K);
    expect(await recordedCountyNumber(db)).toBe(K);
    const seqs = db.$client.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[];
    const autoincrement = (db.$client.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'`).get() as { n: number }).n;
    expect(seqs).toHaveLength(autoincrement);
    expect(seqs.filter((s) => s.seq !== BASE)).toEqual([]);
    await closeDb(db);
  });

  it('refuses another number on a numbered database, and a number on a database filled without one', async () => {
    const db = openDb({ file: join(dir, 'numbered.db') });
    await applyCountyNumber(db, K);
    await expect(applyCountyNumber(db, 38)).rejects.toThrow(CountyNumberRefused);
    await expect(applyCountyNumber(db, 0)).rejects.toThrow(/county number 37; JIFEN_COUNTY_NUMBER=0 cannot change it/);
    await closeDb(db);

    const t = makeTestApp();
    await makeWorld(t);
    await expect(applyCountyNumber(t.db, K)).rejects.toThrow(/made without a number \(its ids start at 1, number 0\)/);
    expect(await recordedCountyNumber(t.db)).toBeNull();
    // 0 is what it is: recorded, and from then on another number is refused.
    await applyCountyNumber(t.db, 0);
    expect(await recordedCountyNumber(t.db)).toBe(0);
  });

  it('six processes numbering one new file at once: one number wins, every other one is refused, the ranges are set once', async () => {
    const file = join(dir, 'race.db');
    openDb({ file }).$client.close();
    const script = join(dir, 'number.ts');
    writeFileSync(
      script,
      `import { openDb } from ${JSON.stringify(resolve('db/client.ts'))};
       import { applyCountyNumber } from ${JSON.stringify(resolve('db/bootstrap.ts'))};
       const db = openDb({ file: process.argv[2], migrate: false });
       applyCountyNumber(db, Number(process.argv[3])).then(() => console.log('ok'), (err) => console.log(err.name));`,
    );
    const run = (k: number) =>
      new Promise<string>((ok) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, file, String(k)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', () => ok(out.trim()));
      });
    const ks = [40, 41, 40, 41, 40, 41];
    const answers = await Promise.all(ks.map(run));
    const db = openDb({ file, migrate: false });
    const winner = await recordedCountyNumber(db);
    expect(answers).toEqual(ks.map((k) => (k === winner ? 'ok' : 'CountyNumberRefused')));
    expect(db.$client.prepare('SELECT DISTINCT seq FROM sqlite_sequence').all()).toEqual([{ seq: winner! * COUNTY_ID_SPAN }]);
    db.$client.close();
  }, 120_000);

  // Twice in full loaded runs a child exited 1 before reaching the check (never reproduced alone); its stderr is in
  // the assertion message so a recurrence says why, and one retry keeps a loaded CI from failing on it.
  it('npm start with a number: no demo (its accounts are number 0\'s), a clear refusal; with JIFEN_DEMO=0 the county and admin start in the range', { timeout: 120_000, retry: SPAWN_RETRY }, () => {
    const file = join(dir, 'start.db');
    const env = { ...process.env, JIFEN_DB: file, JIFEN_NO_WEB: '1', JIFEN_ADMIN_PASSWORD: 'correct horse battery', JIFEN_COUNTY_NUMBER: '37', PORT: '0', JIFEN_SCRYPT_N: '1024' };
    const demo = spawnSync(process.execPath, ['--import', 'tsx', 'seeds/start.ts'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(demo.status, demo.stderr).toBe(2);
    expect(demo.stderr.trim().split('\n').at(-1)).toBe('[jifen] the demo county is unnumbered; a county with JIFEN_COUNTY_NUMBER=37 starts with JIFEN_DEMO=0 (an empty county and its admin)');
    // The county's first start, without starting a server that would keep running: the bootstrap CLI.
    const boot = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/bootstrap.ts'], { env: { ...env, JIFEN_DEMO: '0' }, encoding: 'utf8', timeout: 60_000 });
    expect(boot.status, boot.stderr).toBe(0);
    const db = openDb({ file, migrate: false });
    const rows = db.$client.prepare('SELECT id FROM areas UNION ALL SELECT id FROM users').all() as { id: number }[];
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => rangeOf(r.id) === K)).toBe(true);
    expect(db.$client.prepare(`SELECT value FROM meta WHERE key = 'county_number'`).get()).toEqual({ value: '37' });
    db.$client.close();

    // The bootstrap CLI numbers a new file as the server would, and refuses another number on it.
    const fresh = join(dir, 'cli.db');
    const cli = (n: string) => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/bootstrap.ts', '--db', fresh], { env: { ...env, JIFEN_COUNTY_NUMBER: n }, encoding: 'utf8', timeout: 60_000 });
    expect(cli('38').status).toBe(0);
    const other = cli('39');
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('this database is county number 38; JIFEN_COUNTY_NUMBER=39 cannot change it');
    const made = openDb({ file: fresh, migrate: false });
    expect(made.$client.prepare('SELECT id FROM users').all()).toEqual([{ id: 38 * COUNTY_ID_SPAN + 1 }]);
    made.$client.close();
  });

  it('the server refuses to start on a database of another number: one line, exit 2, nothing changed', { retry: SPAWN_RETRY }, () => {
    const file = join(dir, 'server.db');
    const db = openDb({ file });
    db.$client.prepare(`INSERT INTO meta (key, value) VALUES ('county_number', '12')`).run();
    db.$client.close();
    const run = (n: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { ...process.env, JIFEN_DB: file, JIFEN_NO_WEB: '1', JIFEN_ADMIN_PASSWORD: 'correct horse battery', JIFEN_COUNTY_NUMBER: n, PORT: '0', JIFEN_SCRYPT_N: '1024' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const other = run('13');
    expect(other.status, other.stderr).toBe(2);
    expect(other.stderr.trim()).toBe('[jifen] this database is county number 12; JIFEN_COUNTY_NUMBER=13 cannot change it (its ids are in ledger hashes and published proofs)');
    const bad = run('12.5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('JIFEN_COUNTY_NUMBER must be a whole number from 0 to 99999, not "12.5"');
    const after = openDb({ file });
    expect(after.$client.prepare('SELECT COUNT(*) AS n FROM areas').get()).toEqual({ n: 0 });
    after.$client.close();
  });
});

describe('county 37: the daily flow with ids past 2^31', () => {
  it('registers, awards by batch, reviews, posts, redeems by QR and typed code, publishes boards, ledger and proofs, and verifies', async () => {
    const t = makeTestApp();
    await applyCountyNumber(t.db, K);
    const w = await makeWorld(t);
    expect(w.areas.county.id).toBe(BASE + 1);
    expect(w.household.id).toBeGreaterThan(BASE);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const clerk = await login(t, 'clerk');
    const household = await login(t, 'household');
    const admin = await login(t, 'county');
    const village = w.areas.villageA.id;

    const created = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: village, headName: '曾小乐', phone: '13912345678', members: [{ name: '李秀英', relation: 'spouse' }] } });
    expect(created.status).toBe(201);
    expect(rangeOf(created.body.id)).toBe(K);
    expect((await call(t, 'GET', `/api/households/${created.body.id}`, { cookie: cadre })).body.headName).toBe('曾小乐');

    const batch = await call(t, 'POST', '/api/awards/batch', {
      cookie: cadre,
      body: { ruleId: w.rule.id, occurredOn: '2026-06-14', note: '6月环境卫生评比', items: [{ householdId: w.household.id }, { householdId: created.body.id }] },
    });
    expect(batch.status).toBe(201);
    expect(rangeOf(batch.body.batchId)).toBe(K);
    expect(batch.body.ids.every((id: number) => rangeOf(id) === K)).toBe(true);
    const approved = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: batch.body.ids } });
    expect(approved.status).toBe(200);
    // The test county has no notice period: approved awards post at once.
    const award = await call(t, 'GET', `/api/awards/${batch.body.ids[0]}`, { cookie: reviewer });
    expect(award.body.status).toBe('posted');
    expect(rangeOf(award.body.ledgerEntryId)).toBe(K);
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: household });
    expect(ledger.status).toBe(200);
    expect(ledger.body.items[0]).toMatchObject({ kind: 'award', points: 5 });

    await transaction(await t.appDb(), (tx) =>
      postLedgerEntry(tx, { householdId: w.household.id, villageId: village, kind: 'award', points: 50, conductPoints: 50, occurredOn: '2026-06-01', createdAt: Date.UTC(2026, 0, 1) }),
    );
    // QR code and the typed number both name a household whose id is past 2^31.
    const pass = async () => (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body as { code: string; digits: string };
    const first = await pass();
    const looked = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: first.code } });
    expect(looked.status).toBe(200);
    expect(looked.body.household.id).toBe(w.household.id);
    const byQr = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'county37-qr' }, body: { code: first.code, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(byQr.status, JSON.stringify(byQr.body)).toBe(201);
    expect(rangeOf(byQr.body.id)).toBe(K);
    const second = await pass();
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: second.digits } })).body.household.id).toBe(w.household.id);
    const byDigits = await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'county37-digits' }, body: { code: second.digits, items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(byDigits.status, JSON.stringify(byDigits.body)).toBe(201);
    expect((await call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': 'county37-again' }, body: { code: second.code, items: [{ goodsId: w.soap.id, quantity: 1 }] } })).body.error.code).toBe('code_used');

    const board = await call(t, 'GET', `/api/public/areas/${village}/leaderboard?period=2026-06`);
    expect(board.status).toBe(200);
    expect(board.body.items).toEqual([expect.objectContaining({ rank: 1, name: '张*明', points: 55 }), expect.objectContaining({ rank: 2, name: '曾*乐', points: 5 })]);
    const rank = await call(t, 'GET', `/api/public/households/${w.household.id}/rank?period=2026-06`, { cookie: household });
    expect(rank.body).toMatchObject({ householdId: w.household.id, townshipId: w.areas.townA.id, score: 55, rank: 1, ranked: 2 });
    expect((await call(t, 'GET', `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026`)).status).toBe(200);

    const checkpoint = await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.county.id } });
    expect(checkpoint.status).toBe(201);
    expect(rangeOf(checkpoint.body.id)).toBe(K);
    const root = checkpoint.body.body.villages.find((x: { villageId: number }) => x.villageId === village);
    expect(root.treeSize).toBeGreaterThanOrEqual(4);
    const page = await call(t, 'GET', `/api/public/villages/${village}/ledger?from=1&to=100`);
    expect(page.status).toBe(200);
    expect(page.body.entries.length).toBe(root.treeSize);
    for (let seq = 1; seq <= root.treeSize; seq++) {
      const proof = await call(t, 'GET', `/api/public/villages/${village}/proof/inclusion?seq=${seq}&treeSize=${root.treeSize}`);
      expect(proof.status).toBe(200);
      expect(verifyInclusion(seq - 1, root.treeSize, proof.body.entryHash, proof.body.path, root.root)).toBe(true);
    }
    expect((await call(t, 'GET', `/api/public/villages/${village}/proof/consistency?from=1`)).status).toBe(200);
    expect((await call(t, 'GET', `/api/public/checkpoints/${checkpoint.body.id}`)).status).toBe(200);
    expect((await call(t, 'GET', '/api/public/chain-head')).status).toBe(200);

    expect(await verifyDatabase(await t.appDb())).toMatchObject({ ok: true });
    const extremes = await appIdExtremes(t.sql);
    expect(extremes.length).toBeGreaterThan(20);
    expect(extremes.filter((c) => rangeOf(c.lo) !== K || rangeOf(c.hi) !== K)).toEqual([]);
  });

  it('the score sheet carries 12-digit household and rule ids out to Excel and back, as numbers or as typed text', async () => {
    const t = makeTestApp();
    await applyCountyNumber(t.db, K);
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const res = await t.app.request(`/api/imports/awards/template.xlsx?villageId=${w.areas.villageA.id}&ruleId=${w.rule.id}`, { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    const sheet = await readXlsx(Buffer.from(await res.arrayBuffer()), '评分表');
    expect(sheet[1][0]).toBe(String(w.household.id));
    const filled = sheet.map((r, i) => (i === 0 ? r : [...r.slice(0, 5), '1']));
    const asNumbers = filled.map((r, i) => (i === 0 ? r : [Number(r[0]), ...r.slice(1)]));
    for (const rows of [filled, asNumbers]) {
      const body = { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file: await xlsxFile(rows, '评分表.xlsx', '评分表') };
      const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body });
      expect(preview.body.counts).toMatchObject({ propose: 1, error: 0 });
    }
    const byRuleId = await xlsxFile([['户编号', '户主姓名', '门牌号', '细则编号', '数量'], [w.household.id, null, null, w.rule.id, 2]], '评分表.xlsx', '评分表');
    const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, occurredOn: '2026-06-10', file: byRuleId } });
    expect(preview.body.counts).toMatchObject({ propose: 1, error: 0, points: 10 });
  });
});
