import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { formatVerdict, verifyDatabase } from '../../db/verify';
import { grantPoints } from '../support/factories';
import { HttpClient, seedTrustWorld, type TrustWorld } from './support';

const KILLS = Number(process.env.JIFEN_CRASH_KILLS ?? 30);
const SEED = Number(process.env.JIFEN_CRASH_SEED ?? 20261123);
const WORKERS = 4;
const root = resolve(import.meta.dirname, '../..');

/** Small seeded PRNG (mulberry32): the same seed replays the same kill schedule and workload choices. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

interface Server {
  child: ChildProcess;
  base: string;
}

/** Starts the real server (server/main.ts) on a free loopback port and resolves once it listens. */
function startServer(file: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, JIFEN_DB: file, JIFEN_NO_WEB: '1', JIFEN_SCRYPT_N: '1024', JIFEN_DEMO: '0', PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolvePromise({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err.slice(0, 2000)}`)));
  });
}

function killHard(s: Server): Promise<void> {
  return new Promise((res) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return res();
    s.child.once('exit', () => res());
    s.child.kill('SIGKILL');
  });
}

/** What the client saw acknowledged (2xx); each must survive every crash. */
interface Acked {
  awards: Set<number>;
  batches: Map<number, number[]>;
  approved: Set<number>;
  redemptions: Map<number, { points: number; balanceAfter: number; householdId: number }>;
  pending: number[];
}

interface Unanswered {
  key: string;
  body: { code: string; items: { goodsId: number; quantity: number }[] };
}

/** One client loop: proposes, batches, approves and redeems until the server goes away. */
async function drive(base: string, cookies: Record<string, string>, w: TrustWorld, rnd: ReturnType<typeof prng>, acked: Acked, unanswered: Unanswered[], seq: { n: number }) {
  const as = (who: string) => Object.assign(new HttpClient(base), { cookie: cookies[who] });
  const cadre = as('cadre');
  const reviewer = as('reviewer');
  const clerk = as('clerk');
  const hh = () => w.households[rnd.int(0, w.households.length - 1)];
  for (;;) {
    const op = rnd.next();
    if (op < 0.3) {
      const r = await cadre.request('POST', '/api/awards', { householdId: hh().id, ruleId: w.rule.id, quantity: rnd.int(1, 3), occurredOn: '2026-02-03' });
      if (r.status === 201) {
        acked.awards.add(r.body.id);
        acked.pending.push(r.body.id);
      }
    } else if (op < 0.45) {
      const n = rnd.int(2, w.households.length);
      const items = w.households.slice(0, n).map((h) => ({ householdId: h.id, quantity: 1 }));
      const r = await cadre.request('POST', '/api/awards/batch', { ruleId: w.rule.id, occurredOn: '2026-02-04', items });
      if (r.status === 201) {
        expect(r.body.ids).toHaveLength(n);
        acked.batches.set(r.body.ids[0], r.body.ids);
        for (const id of r.body.ids) acked.awards.add(id);
        acked.pending.push(...r.body.ids);
      }
    } else if (op < 0.55) {
      // Bulk approval is one transaction: all of these post, or none.
      const ids = acked.pending.splice(0, rnd.int(2, 30));
      if (!ids.length) continue;
      const r = await reviewer.request('POST', '/api/awards/approve', { ids });
      if (r.status === 200) for (const id of ids) acked.approved.add(id);
      else if (r.status !== 409) acked.pending.push(...ids);
    } else if (op < 0.7) {
      const id = acked.pending.shift();
      if (id === undefined) continue;
      const r = await reviewer.request('POST', `/api/awards/${id}/approve`);
      if (r.status === 200) acked.approved.add(id);
      else if (r.status !== 409) acked.pending.push(id);
    } else {
      const h = hh();
      const pass = await cadre.request('POST', `/api/households/${h.id}/assisted-pass`, { reason: '老人不会用手机' });
      if (pass.status !== 201) continue;
      seq.n += 1;
      const u: Unanswered = { key: `crash-${SEED}-${seq.n}`, body: { code: pass.body.code, items: [{ goodsId: w.goods.id, quantity: rnd.int(1, 2) }] } };
      unanswered.push(u);
      const r = await clerk.request('POST', '/api/redemptions', u.body, { 'idempotency-key': u.key });
      unanswered.splice(unanswered.indexOf(u), 1);
      if (r.status === 201) acked.redemptions.set(r.body.id, { points: r.body.points, balanceAfter: r.body.balanceAfter, householdId: h.id });
    }
  }
}

/** With the server dead: the file recovers from its WAL and every promise still holds. */
function checkAfterCrash(file: string, acked: Acked): Set<number> {
  const db = openDb({ file, migrate: false });
  try {
    const verdict = verifyDatabase(db);
    expect(verdict.ok, formatVerdict(verdict)).toBe(true);
    const c = db.$client;
    const awardRows = new Map((c.prepare('SELECT id, status, batch_id AS batchId, ledger_entry_id AS entryId FROM awards').all() as { id: number; status: string; batchId: number | null; entryId: number | null }[]).map((r) => [r.id, r]));
    for (const id of acked.awards) expect(awardRows.has(id), `acknowledged award ${id} is missing`).toBe(true);
    for (const id of acked.approved) {
      const a = awardRows.get(id)!;
      expect(a.status, `acknowledged approval of award ${id}`).toBe('posted');
      expect(a.entryId).not.toBeNull();
    }
    for (const ids of acked.batches.values()) {
      const batchIds = new Set(ids.map((id) => awardRows.get(id)!.batchId));
      expect(batchIds.size).toBe(1);
    }
    // No batch is half-applied: every batch row has exactly its count of awards.
    const half = c.prepare('SELECT b.id, b.count, COUNT(a.id) AS n FROM award_batches b LEFT JOIN awards a ON a.batch_id = b.id GROUP BY b.id HAVING COUNT(a.id) <> b.count').all();
    expect(half).toEqual([]);
    const redemptions = new Map((c.prepare('SELECT id, household_id AS householdId, points, balance_after AS balanceAfter FROM redemptions').all() as { id: number; householdId: number; points: number; balanceAfter: number }[]).map((r) => [r.id, r]));
    for (const [id, r] of acked.redemptions) expect(redemptions.get(id), `acknowledged redemption ${id}`).toEqual({ id, ...r });
    return new Set(redemptions.keys());
  } finally {
    db.$client.close();
  }
}

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `survives ${KILLS} SIGKILLs at random moments with every acknowledged write intact`,
    async () => {
      const file = join(dir, 'crash.db');
      const setupDb = openDb({ file });
      const w = await seedTrustWorld(setupDb, { households: 40, stock: 1_000_000, price: 1 });
      for (const h of w.households) grantPoints(setupDb, h.id, h.villageId, 1_000_000);
      setupDb.$client.close();

      const rnd = prng(SEED);
      const acked: Acked = { awards: new Set(), batches: new Map(), approved: new Set(), redemptions: new Map(), pending: [] };
      const seq = { n: 0 };
      let server = await startServer(file);
      const cookies: Record<string, string> = {};
      // Sessions are rows in the database, so these cookies outlive every restart.
      for (const who of ['cadre', 'reviewer', 'clerk']) cookies[who] = (await new HttpClient(server.base).login(who)).cookie;

      let retried = 0;
      for (let kill = 0; kill < KILLS; kill += 1) {
        const unanswered: Unanswered[] = [];
        const workers = Array.from({ length: WORKERS }, () => drive(server.base, cookies, w, rnd, acked, unanswered, seq).catch(() => undefined));
        await new Promise((r) => setTimeout(r, rnd.int(30, 700)));
        await killHard(server);
        await Promise.all(workers);
        const present = checkAfterCrash(file, acked);
        server = await startServer(file);
        // A retried redemption whose first attempt committed unseen replays it; it never charges twice.
        const clerk = Object.assign(new HttpClient(server.base), { cookie: cookies.clerk });
        for (const u of unanswered) {
          const r = await clerk.request('POST', '/api/redemptions', u.body, { 'idempotency-key': u.key });
          expect([201, 410]).toContain(r.status);
          if (r.status === 201) {
            expect(present.has(r.body.id)).toBe(r.headers.get('idempotent-replayed') === 'true');
            acked.redemptions.set(r.body.id, { points: r.body.points, balanceAfter: r.body.balanceAfter, householdId: r.body.householdId });
            retried += 1;
          }
        }
      }
      await killHard(server);
      checkAfterCrash(file, acked);
      // The workload really ran: plenty of acknowledged writes of every kind.
      expect(acked.awards.size).toBeGreaterThan(KILLS);
      expect(acked.redemptions.size).toBeGreaterThan(0);
      expect(acked.approved.size).toBeGreaterThan(0);
      console.log(`[crash] ${KILLS} kills: ${acked.awards.size} awards (${acked.batches.size} batches), ${acked.approved.size} approvals, ${acked.redemptions.size} redemptions acknowledged; ${retried} unanswered redemptions retried`);
    },
    KILLS * 15_000 + 60_000,
  );
});
