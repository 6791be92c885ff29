/**
 * Store month closes on PostgreSQL: a copied county's closes arrive and verify; the close job, started by
 * two server processes' schedulers at once (two pools on one database), runs once under the advisory lock,
 * and even unguarded two runs write each close once; statements from the closes equal a full replay,
 * also after an entry dated back into a closed month.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { closesOfStore, replayedFigures, statementFigures, storeIds, validCloses } from '../../db/funds/closes';
import { insertFundEntry } from '../../db/funds/entries';
import { runScheduledJob } from '../../db/jobs';
import { sqlOf } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { verifyDatabase } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { writeAudit } from '../../server/lib/audit';
import { periodSpan } from '../../server/modules/excel/exportScope';
import { closeStoreMonths } from '../../server/modules/funds/closeStoreMonths';
import { freshDatabase, type FreshDatabase } from './support/database';

const NOW = new Date('2026-05-20T09:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'jifen-closes-pg-'));
const county = join(dir, 'county.db');
let target: FreshDatabase;
let a: Db;
let b: Db;

beforeAll(async () => {
  const db = openDb({ file: county });
  await generateCounty(db, { households: 120, months: 4, villages: 3, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed: 5, writer: 'bulk' });
  await closeDb(db);
  target = await freshDatabase();
  await copySqliteToPg({ from: county, to: target.url });
  a = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-a'), migrate: false });
  b = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-b'), migrate: false });
}, 180_000);

afterAll(async () => {
  if (a) await closeDb(a);
  if (b) await closeDb(b);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ctxOf = (db: Db) => ({ db, now: NOW, device: { ip: null, userAgent: 'test' }, actor: null });
const countCloses = async () => Number((await sqlOf(a).get<{ n: number }>('SELECT COUNT(*) AS n FROM store_month_closes'))!.n);
const closeAudits = async () => Number((await sqlOf(a).get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'store_month.close'"))!.n);

async function expectSameStatements(label: string) {
  const q = sqlOf(a);
  for (const store of await storeIds(q)) {
    for (const period of ['2026', '2026-Q1', '2026-02', '2026-04', '2026-05']) {
      const { from, to, fromMs, toMs } = periodSpan(period);
      expect(await statementFigures(q, store, { from, to, fromMs, toMs }), `${label}: store ${store} ${period}`).toEqual(await replayedFigures(q, store, { from, to, fromMs, toMs }));
    }
  }
}

describe('store month closes on PostgreSQL', () => {
  it('arrive with the copied county, verify, and give the statements of a full replay', async () => {
    expect(await countCloses()).toBeGreaterThan(3);
    expect((await verifyDatabase(a)).ok).toBe(true);
    await expectSameStatements('copied');
  });

  it('two processes ticking at once: the job runs once, and closes are written once', async () => {
    await sqlOf(a).run('DELETE FROM store_month_closes');
    const auditsBefore = await closeAudits();
    let runs = 0;
    const tick = (db: Db) =>
      runScheduledJob(db, 'scheduler-tick', async () => {
        runs++;
        await closeStoreMonths(ctxOf(db));
        // Held a moment, as a county's tick would be, so the other process's try comes while it runs.
        await new Promise((r) => setTimeout(r, 300));
      });
    const ran = await Promise.all([tick(a), tick(b)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    const made = await countCloses();
    expect(made).toBeGreaterThan(3);
    const stores = await sqlOf(a).get<{ n: number }>('SELECT COUNT(DISTINCT store_area_id) AS n FROM store_month_closes');
    expect((await closeAudits()) - auditsBefore).toBe(Number(stores!.n));
    // Unguarded, two runs racing on two pools still write each close once and audit it once.
    await sqlOf(a).run('DELETE FROM store_month_closes');
    const auditsMid = await closeAudits();
    const [x, y] = await Promise.all([closeStoreMonths(ctxOf(a)), closeStoreMonths(ctxOf(b))]);
    expect(x.months + y.months).toBe(made);
    expect(await countCloses()).toBe(made);
    expect((await closeAudits()) - auditsMid).toBe(Number(stores!.n));
    expect((await verifyDatabase(a)).ok).toBe(true);
    await expectSameStatements('closed by the job');
  });

  it('a funding dated back into a closed month reopens it: statements stay right, the next run rewrites it', async () => {
    const q = sqlOf(a);
    const store = (await q.get<{ id: number }>('SELECT store_area_id AS id FROM store_month_closes ORDER BY store_area_id LIMIT 1'))!.id;
    const before = await closesOfStore(q, store);
    const month = before[before.length - 1].month;
    // Made ten minutes before the run, with its audit row as the app writes it (verify holds the money books to their audit).
    const at = new Date(NOW.getTime() - 10 * 60_000);
    await transaction(a, async (tx) => {
      const entry = await insertFundEntry(tx, { storeAreaId: store, kind: 'funding', source: 'budget', sourceName: '县财政局', amountFen: 12_345, onDay: `${month}-15`, createdAt: at.getTime() });
      await writeAudit(tx, { now: at, device: { ip: null, userAgent: 'test' }, actor: null }, { entity: 'fund_entry', entityId: entry.id, action: 'fund_entry.funding', areaId: store, after: entry });
    });
    expect(await validCloses(q, store, before)).toBe(before.length - 1);
    await expectSameStatements('reopened');
    await closeStoreMonths(ctxOf(a));
    const after = await closesOfStore(q, store);
    expect(await validCloses(q, store, after)).toBe(after.length);
    expect(after.at(-1)!.closingFundsFen).toBe(before.at(-1)!.closingFundsFen + 12_345);
    await expectSameStatements('rewritten');
    expect((await verifyDatabase(a)).ok).toBe(true);
  });
});
