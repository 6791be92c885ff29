import { areaById } from '../db/areas';
import type { SqliteDb } from '../db/client';
import { insertSeedAward, insertSeedObjection, insertSeedUser, villageHouseholdsForDemo } from '../db/seed';
import { shanghaiDay, shanghaiMonth } from '../db/time';
import { transaction, type SqliteTx } from '../db/transaction';
import { appConfig } from '../server/config';
import { writeAudit, type AuditCtx, type AuditEntry } from '../server/lib/audit';
import type { Actor, AppConfig, Ctx } from '../server/lib/context';
import { hashPassword } from '../server/lib/password';
import { proposePublication } from '../server/modules/boards/proposePublication';
import { approvePublication } from '../server/modules/boards/reviewPublication';
import { BoardSpec } from '../server/modules/boards/schemas';
import { OBJECTION_REASONS } from './data';
import { seedFunds } from './funds';
import { seedHeadingsInUse, seedListing, seedPhotoProposal } from './inUse';
import { generateCounty, tableCounts, writeSeedAudit, type GeneratedCounty, type RuleInfo } from './generate';

export const DEMO_PASSWORD = 'jifen123';

/** The demo county's accounts, all with password `jifen123` (README table: seeds/README.md). */
export const demoAccounts = [
  { username: 'county', role: 'county_admin', area: '青山县', what: '全县：乡镇、村、账号、细则模板' },
  { username: 'township', role: 'township_admin', area: '石门镇', what: '本镇 3 个村、镇爱心超市、排行榜' },
  { username: 'township2', role: 'township_admin', area: '桃源乡', what: '本乡 3 个村' },
  { username: 'cadre', role: 'village_cadre', area: '石门村', what: '农户登记、积分申报（单条/批量）' },
  { username: 'cadre2', role: 'village_cadre', area: '枫树坪村', what: '同上（公示期 5 天）' },
  { username: 'cadre3', role: 'village_cadre', area: '龙潭村', what: '同上' },
  { username: 'cadre4', role: 'village_cadre', area: '桃源村', what: '同上' },
  { username: 'cadre5', role: 'village_cadre', area: '杨家湾村', what: '同上' },
  { username: 'cadre6', role: 'village_cadre', area: '白沙村', what: '同上' },
  { username: 'reviewer', role: 'reviewer', area: '石门村', what: '审核申报、处理异议（有待审和公示中的申报）' },
  { username: 'clerk', role: 'clerk', area: '石门村', what: '村爱心超市：扫码兑换、入库、登记捐赠' },
  { username: 'clerk-town', role: 'clerk', area: '石门镇', what: '镇爱心超市（服务石门镇各村）' },
  { username: 'household', role: 'household', area: '石门村', what: '农户：余额、流水、兑换码、提出异议' },
] as const;

const HOUR = 3_600_000;
const SEED_DEVICE = { ip: null, userAgent: 'seed' } as const;

/** The audit row of one seeded write, at the moment and by the actor of that write. */
function auditAt(tx: SqliteTx, at: number, actor: AuditCtx['actor'], entry: AuditEntry): Promise<void> {
  return writeAudit(tx, { now: new Date(at), device: SEED_DEVICE, actor }, entry);
}
const DAY = 24 * HOUR;

/** The village (index into the demo's villages: 石门村) whose hygiene inspection of this month is left to grade. */
export const OPEN_INSPECTION_VILLAGE = 0;
/** The boards of last month the demo publishes for every village. */
export const PUBLISHED_KINDS = ['red', 'black', 'leaderboard'] as const;

/**
 * Loads the demo county (青山县: 2 townships, 6 villages, 600 households, 12 months of history up to
 * `now`) into an empty, migrated database. Ledger and stock go through appendLedgerEntry and
 * applyStockMovement. 石门村's hygiene inspection of this month is left unrecorded (to try the graded
 * sheet) and every village's boards of last month are published. Deterministic for a given `now`
 * (password salts aside).
 */
export async function seedDemoCounty(db: SqliteDb, opts: { scryptN: number; now?: Date; config?: AppConfig }): Promise<void> {
  const now = opts.now ?? new Date();
  const passwordHash = await hashPassword(DEMO_PASSWORD, opts.scryptN);
  const county = await generateCounty(db, {
    households: 600,
    months: 12,
    villages: 6,
    townships: 2,
    now,
    passwordHash,
    writer: 'direct',
    auditHistory: true,
    openInspection: [OPEN_INSPECTION_VILLAGE],
  });
  const busy = await transaction(db, async (tx) => {
    const household = await addHouseholdAccount(tx, county, passwordHash, now.getTime());
    return [household.householdId, ...(await addOpenBusiness(tx, county, household, now.getTime()))];
  });
  const config = opts.config ?? (await appConfig(db, { JIFEN_SCRYPT_N: String(opts.scryptN) }));
  // Before publishing: 龙潭村's awards under its own headings post now and belong on last month's boards.
  await seedHeadingsInUse(db, county, now, config);
  const asked = await seedPhotoProposal(db, county, now, config, new Set(busy));
  await publishLastMonth(db, county, config, now);
  await seedFunds(db, now);
  await seedListing(db, county, now, config, new Set([...busy, ...(asked ? [asked.householdId] : [])]));
  await writeSeedAudit(db, now, 'demo', { now: now.toISOString(), ...(await tableCounts(db)) });
}

/** The month before the one `at` falls in (Asia/Shanghai), as YYYY-MM. */
export function previousMonth(at: number): string {
  const [y, m] = shanghaiMonth(at).split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * Every village's red list, black list and leaderboard of last month, published as the app publishes
 * them: proposed by the village cadre (the snapshot is computed and frozen), approved by its reviewer.
 * Both at the moment of loading, so the chain heads a snapshot names exist when it is proposed.
 * Stars are yearly and twelve months of history never cover a whole calendar year: none are published.
 */
async function publishLastMonth(db: SqliteDb, county: GeneratedCounty, config: AppConfig, now: Date): Promise<void> {
  const period = previousMonth(now.getTime());
  const usernames = new Map([...county.users].map(([name, id]) => [id, name]));
  for (const v of county.villages) {
    const area = await areaById(db, v.id);
    if (!area) throw new Error(`village ${v.id} is missing`);
    const as = (userId: number, role: 'village_cadre' | 'reviewer'): Ctx => {
      const username = usernames.get(userId);
      if (!username) throw new Error(`user ${userId} is missing`);
      const a: Actor = { userId, username, role, areaId: v.id, areaPath: area.path, areaKind: 'village', householdId: null, sessionHash: '' };
      return { db, actor: a, now, device: SEED_DEVICE, config };
    };
    for (const kind of PUBLISHED_KINDS) {
      // Parsed as the route parses it: the default parameters a cadre gets from the console.
      const spec = BoardSpec.parse({ kind, areaId: v.id, period });
      const proposed = await proposePublication(as(v.cadreId, 'village_cadre'), spec);
      await approvePublication(as(v.reviewerId, 'reviewer'), proposed.id);
    }
  }
}

/** `household` logs in as a household of the first village with a healthy balance (about 200 points). */
async function addHouseholdAccount(tx: SqliteTx, county: GeneratedCounty, passwordHash: string, at: number): Promise<{ householdId: number; userId: number }> {
  const village = county.villages[0];
  const rows = await villageHouseholdsForDemo(tx, village.id);
  const healthy = rows.filter((r) => r.phone && r.balance >= 80);
  const pool = healthy.length ? healthy : rows;
  const chosen = pool.reduce((best, r) => (Math.abs(r.balance - 200) < Math.abs(best.balance - 200) ? r : best));
  const userId = await insertSeedUser(tx, { username: 'household', displayName: chosen.headName, passwordHash, role: 'household', areaId: village.id, householdId: chosen.id, at });
  await auditAt(tx, at, null, { entity: 'user', entityId: userId, action: 'user.create', areaId: village.id, after: { username: 'household', role: 'household', householdId: chosen.id } });
  return { householdId: chosen.id, userId };
}

/**
 * Whatever the date, the first village has proposals waiting for review, awards on public notice
 * (one of them the demo household's) and two open objections, so every screen has something on it.
 */
async function addOpenBusiness(tx: SqliteTx, county: GeneratedCounty, demo: { householdId: number; userId: number }, at: number): Promise<number[]> {
  const demoHouseholdId = demo.householdId;
  const village = county.villages[0];
  const today = shanghaiDay(at);
  const todayStart = Date.parse(`${today}T00:00:00+08:00`);
  // Deeds come before their proposals: today's are proposed today, the notices' three days ago.
  const recent = shanghaiDay(at - 3 * DAY);
  const others = village.households.map((h) => county.households[h]).filter((h) => h.id !== demoHouseholdId);
  const rule = (key: string): RuleInfo => county.rules.get(key)!;
  const cadre = { userId: village.cadreId, role: 'village_cadre', areaId: village.id } as const;
  const reviewer = { userId: village.reviewerId, role: 'reviewer', areaId: village.id } as const;
  const insert = async (householdId: number, r: RuleInfo, status: 'pending' | 'notice', occurredOn: string, memberName: string, note: string) => {
    const version = r.versions[r.versions.length - 1];
    const proposedAt = status === 'pending' ? Math.max(todayStart, at - 2 * HOUR) : at - 2 * DAY;
    const reviewedAt = status === 'notice' ? at - DAY : null;
    const noticeEndsAt = reviewedAt ? reviewedAt + village.noticeDays * DAY : null;
    const id = await insertSeedAward(tx, {
      householdId,
      villageId: village.id,
      ruleId: r.id,
      ruleVersionId: version.id,
      quantity: 1,
      points: version.points,
      occurredOn,
      memberName,
      note,
      evidenceUrl: r.evidence ? 'https://example.org/jifen-demo/evidence/notice.jpg' : null,
      status,
      proposedBy: village.cadreId,
      proposedAt,
      reviewedBy: reviewedAt ? village.reviewerId : null,
      reviewedAt,
      noticeEndsAt,
    });
    await auditAt(tx, proposedAt, cadre, { entity: 'award', entityId: id, action: 'award.propose', areaId: village.id, after: { householdId, ruleId: r.id, points: version.points, occurredOn } });
    if (reviewedAt) {
      await auditAt(tx, reviewedAt, reviewer, { entity: 'award', entityId: id, action: 'award.approve', areaId: village.id, before: { status: 'pending' }, after: { status: 'notice', noticeEndsAt } });
    }
    return id;
  };
  const [a, b, c, d, e] = others.slice(-5);
  const demoHousehold = county.households.find((h) => h.id === demoHouseholdId)!;
  await insert(a.id, rule('simpleEvent'), 'pending', today, a.names[0], '儿子婚礼简办，不摆流水席');
  await insert(b.id, rule('specialty'), 'pending', today, b.names[0], '新建蛋鸡养殖棚，年出栏 2000 羽');
  await insert(c.id, rule('litter'), 'pending', today, c.names[0], '建筑垃圾倒在村道边');
  await insert(demoHousehold.id, rule('goodMother'), 'notice', recent, demoHousehold.names[1] ?? demoHousehold.names[0], '村妇联推荐，村民代表会议评议通过');
  const disputed = [await insert(d.id, rule('zeroBride'), 'notice', recent, d.names[0], '女儿出嫁不收彩礼'), await insert(e.id, rule('simpleEvent'), 'notice', recent, e.names[0], '老人丧事从简')];
  for (const [i, awardId] of disputed.entries()) {
    const createdAt = at - (i + 1) * HOUR;
    const id = await insertSeedObjection(tx, { awardId, userId: demo.userId, reason: OBJECTION_REASONS[i], createdAt });
    await auditAt(tx, createdAt, { userId: demo.userId, role: 'household', areaId: village.id }, { entity: 'objection', entityId: id, action: 'objection.create', areaId: village.id, after: { awardId, reason: OBJECTION_REASONS[i] } });
  }
  // The households these proposals name: the demo's later additions leave them alone.
  return [a, b, c, d, e].map((h) => h.id);
}
