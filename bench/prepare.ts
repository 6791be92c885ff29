import { eq } from 'drizzle-orm';
import { openDb, type SqliteDb } from '../db/client';
import { appendLedgerEntry } from '../db/ledger';
import { areas } from '../db/schema';
import { shanghaiDay } from '../db/time';
import { loadOrCreateSecret } from '../server/config';
import type { Actor, Ctx } from '../server/lib/context';
import { proposeBatch } from '../server/modules/awards/proposeBatch';
import { makeGoods, makeRule, makeUser, PASSWORD, writeNow } from '../tests/support/factories';

export const BATCH = 400;

export interface Fixture {
  townshipId: number;
  townshipPath: string;
  period: string;
  passSecret: string;
  password: string;
  users: { clerk: string; reviewer: string; proposer: string };
  proposer: Actor;
  goodsId: number;
  /** Households of the township topped up for redemptions. */
  buyers: number[];
  /** Households of the township for read figures (rank, household page). */
  readers: number[];
  /** One batch of pending award ids per approval run. */
  pendingBatches: number[][];
  /** Twin batches (same households, rule and day) that the raw-SQL posting ceiling posts. */
  twinBatches: number[][];
}

function actorOf(db: SqliteDb, userId: number, username: string, role: Actor['role'], areaId: number): Actor {
  const area = db.select().from(areas).where(eq(areas.id, areaId)).get()!;
  return { userId, username, role, areaId, areaPath: area.path, areaKind: area.kind, householdId: null, sessionHash: 'bench' };
}

function shuffled<T>(xs: T[], seed = 42): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Sets up what the figures need on the working copy, through the project's own helpers: bench
 * users, a township store's goods with ample stock, buyers topped up with points (adjustments, so
 * boards are unchanged), notice days 0 in the township, and pending award batches to approve.
 */
export async function prepare(file: string, opts: { approvalRuns: number; buyers: number }): Promise<Fixture> {
  const db = openDb({ file });
  const c = db.$client;
  const town = c
    .prepare(
      `SELECT a.id, a.path, COUNT(*) AS n FROM households h JOIN areas v ON v.id = h.village_id JOIN areas a ON v.path LIKE a.path || '%'
        WHERE a.kind = 'township' AND h.status = 'active' GROUP BY a.id ORDER BY n DESC LIMIT 1`,
    )
    .get() as { id: number; path: string; n: number };
  const period = (
    c
      .prepare(`SELECT period FROM household_period_scores WHERE township_id = ? AND length(period) = 4 GROUP BY period ORDER BY COUNT(*) DESC, period DESC LIMIT 1`)
      .get(town.id) as { period: string }
  ).period;
  const households = shuffled(
    (
      c
        .prepare(
          `SELECT h.id, h.village_id AS villageId FROM households h JOIN areas v ON v.id = h.village_id
            WHERE v.path LIKE ? AND h.status = 'active' AND h.redemption_suspended = 0`,
        )
        .all(`${town.path}%`) as { id: number; villageId: number }[]
    ),
  );
  const countyId = Number(town.path.split('/').filter(Boolean)[0]);
  // The secret the server will sign and check codes with (meta.pass_secret), created as the server would.
  const passSecret = await loadOrCreateSecret(db);

  const clerk = await makeUser(db, 'clerk', town.id, { username: 'bench-clerk' });
  const reviewer = await makeUser(db, 'reviewer', town.id, { username: 'bench-reviewer' });
  const proposerUser = await makeUser(db, 'township_admin', town.id, { username: 'bench-proposer' });
  const proposer = actorOf(db, proposerUser.id, proposerUser.username, 'township_admin', town.id);
  const goods = makeGoods(db, town.id, { name: '基准测试毛巾', price: 1, stock: 10_000_000 });
  const rule = makeRule(db, countyId, { name: '基准测试细则', points: 2 });
  c.prepare(`UPDATE areas SET notice_days = CASE WHEN id = ? THEN 0 ELSE NULL END WHERE path LIKE ?`).run(town.id, `${town.path}%`);

  const buyers = households.slice(0, Math.min(opts.buyers, households.length));
  const now = Date.now();
  writeNow(db, () => {
    for (const h of buyers) {
      appendLedgerEntry(db, { householdId: h.id, villageId: h.villageId, kind: 'adjustment', points: 100_000, conductPoints: 0, occurredOn: shanghaiDay(now), note: 'bench top-up', createdAt: now });
    }
  });

  const ctx: Ctx = { db, actor: proposer, now: new Date(), device: { ip: '127.0.0.1', userAgent: 'bench' }, config: { passSecret, scryptN: 1024, passTtlSeconds: 60, sessionTtlSeconds: 86400, cookieSecure: false } };
  const pendingBatches: number[][] = [];
  const twinBatches: number[][] = [];
  for (let r = 0; r < opts.approvalRuns; r++) {
    // Runs past the township's households start over (a household may have several pending awards; a batch never twice).
    if (households.length < BATCH) throw new Error(`township ${town.id} has fewer than ${BATCH} households`);
    const from = (r * BATCH) % (households.length - BATCH + 1);
    const picked = households.slice(from, from + BATCH);
    const propose = async () => (await proposeBatch(ctx, { ruleId: rule.id, occurredOn: shanghaiDay(now), items: picked.map((h) => ({ householdId: h.id, quantity: 1 })) })).ids;
    pendingBatches.push(await propose());
    twinBatches.push(await propose());
  }
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  return {
    townshipId: town.id,
    townshipPath: town.path,
    period,
    passSecret,
    password: PASSWORD,
    users: { clerk: clerk.username, reviewer: reviewer.username, proposer: proposerUser.username },
    proposer,
    goodsId: goods.id,
    buyers: buyers.map((b) => b.id),
    readers: households.slice(0, 5000).map((h) => h.id),
    pendingBatches,
    twinBatches,
  };
}
