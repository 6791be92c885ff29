/**
 * The demo's catalogue, photos and dishonesty list in use, all through the app's own actions:
 * 龙潭村 imports its catalogue ten days before the demo's moment and awards under its own headings (some
 * with photos) are proposed, approved and posted as the app would; 石门村 has a proposal with photos
 * waiting for its reviewer; one 石门村 household is on the dishonesty list with redemption suspended.
 * Photos are generated (coloured shapes and a caption, no people) and need the evidence folder.
 */
import sharp from 'sharp';
import type { Db, SqliteDb } from '../db/client';
import { lastEntryAtOfHouseholds } from '../db/seed/quiet';
import { shanghaiDay } from '../db/time';
import { userByUsername } from '../db/users/users';
import type { Actor, AppConfig, Ctx, SystemCtx } from '../server/lib/context';
import { AppError } from '../server/lib/errors';
import { approveAward } from '../server/modules/awards/approveAward';
import { postDueAwards } from '../server/modules/awards/postDueAwards';
import { proposeAward } from '../server/modules/awards/proposeAward';
import { decideListing } from '../server/modules/credit/decideListing';
import { proposeListing } from '../server/modules/credit/proposeListing';
import { uploadEvidence } from '../server/modules/evidence/uploadEvidence';
import { listRules } from '../server/modules/rules/listRules';
import { CATALOGUE_VILLAGE_CADRE, seedVillageCatalogue } from './catalogue';
import type { GeneratedCounty, VillageInfo } from './generate';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEED_DEVICE = { ip: null, userAgent: 'seed' } as const;

/** Days before the demo's moment when 龙潭村 imported its own catalogue. */
export const CATALOGUE_IMPORTED_DAYS_AGO = 10;

/** A demo photo: a coloured scene (sky, ground, a house, a tree, a sign) with a caption; no people. */
export async function demoPhoto(n: number, caption: string): Promise<Buffer> {
  const hue = (n * 67) % 360;
  const text = caption.replace(/[^A-Za-z0-9 #:./-]/g, '');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
  <rect width="1200" height="900" fill="hsl(${hue},55%,84%)"/>
  <circle cx="${980 - (n % 4) * 90}" cy="150" r="70" fill="hsl(45,95%,60%)"/>
  <rect y="600" width="1200" height="300" fill="hsl(${(hue + 110) % 360},40%,52%)"/>
  <rect x="${220 + (n % 3) * 60}" y="360" width="360" height="260" fill="hsl(${(hue + 200) % 360},30%,92%)" stroke="#555" stroke-width="6"/>
  <polygon points="${190 + (n % 3) * 60},370 ${400 + (n % 3) * 60},220 ${610 + (n % 3) * 60},370" fill="hsl(${(hue + 10) % 360},60%,40%)"/>
  <rect x="${360 + (n % 3) * 60}" y="480" width="80" height="140" fill="hsl(25,45%,35%)"/>
  <rect x="${260 + (n % 3) * 60}" y="420" width="70" height="60" fill="hsl(200,60%,70%)" stroke="#555" stroke-width="4"/>
  <rect x="890" y="470" width="28" height="160" fill="hsl(25,40%,30%)"/>
  <circle cx="904" cy="430" r="${90 + (n % 5) * 8}" fill="hsl(${(hue + 140) % 360},50%,35%)"/>
  <rect x="40" y="780" width="${Math.max(360, text.length * 26 + 40)}" height="80" rx="10" fill="rgba(255,255,255,0.85)"/>
  <text x="60" y="835" font-family="DejaVu Sans, Arial, sans-serif" font-size="40" fill="#222">${text}</text>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

async function actorOf(db: Db, username: string): Promise<Actor> {
  const user = await userByUsername(db, username);
  if (!user?.areaId) throw new Error(`${username} is missing`);
  return { userId: user.id, username: user.username, role: user.role, areaId: user.areaId, areaPath: user.areaPath, areaKind: 'village', householdId: null, sessionHash: '' };
}

const ctxAt = (db: Db, actor: Actor, at: number, config: AppConfig): Ctx => ({ db, actor, now: new Date(at), device: SEED_DEVICE, config });
const usernameOf = (county: GeneratedCounty, id: number) => [...county.users].find(([, uid]) => uid === id)?.[0] ?? '';

/** Uploads `count` generated photos as the actor at its moment; none without an evidence folder. */
async function photos(ctx: Ctx, count: number, caption: string, seed: number): Promise<string[]> {
  if (!ctx.config.evidenceDir) return [];
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) hashes.push((await uploadEvidence(ctx, await demoPhoto(seed + i, `${caption} ${i + 1}/${count}`))).hash);
  return hashes;
}

type Plan = { rule: string; household: number; photos: number; note: string };

/**
 * 龙潭村's catalogue imported ten days ago, then six awards under its own headings: proposed by its
 * cadre nine days ago (photos where the rule asks for them, and on one that does not), approved by its
 * reviewer eight days ago, and posted now by the scheduler once the seven-day notice ended. Returns the
 * award ids. Posting now keeps the ledger's entries in time order.
 */
export async function seedHeadingsInUse(db: Db, county: GeneratedCounty, now: Date, config: AppConfig): Promise<{ awards: number[]; photos: number }> {
  const at = now.getTime();
  const importedAt = at - CATALOGUE_IMPORTED_DAYS_AGO * DAY;
  await seedVillageCatalogue(db, new Date(importedAt), config);
  const cadre = await actorOf(db, CATALOGUE_VILLAGE_CADRE);
  const village = county.villages.find((v) => v.id === cadre.areaId);
  if (!village) throw new Error('the catalogue village is missing');
  const reviewer = await actorOf(db, usernameOf(county, village.reviewerId));
  const rules = (await listRules(ctxAt(db, cadre, importedAt, config), { areaId: village.id, includeInactive: '0' })).items.filter((r) => r.areaId === village.id);
  const ruleId = (name: string) => {
    const r = rules.find((x) => x.name === name);
    if (!r) throw new Error(`rule ${name} is missing from the demo catalogue`);
    return r;
  };
  const hs = village.households.map((i) => county.households[i]);
  const withPhotos = !!config.evidenceDir;
  const plans: Plan[] = [
    { rule: '红白喜事简办（报村红白理事会备案）', household: 3, photos: 2, note: '父亲八十大寿只请至亲，报红白理事会备案' },
    { rule: '见义勇为、好人好事', household: 7, photos: 1, note: '雨夜帮邻居抢收晾晒的稻谷' },
    { rule: '调解邻里纠纷成功', household: 11, photos: 0, note: '调解两户宅基地界址纠纷' },
    { rule: '庭院干净整洁、物品摆放有序', household: 15, photos: 1, note: '月检：庭院整洁，柴草堆放整齐' },
    { rule: '参加村民夜校或理论宣讲', household: 19, photos: 0, note: '参加村民夜校两次' },
    { rule: '乱堆乱放、乱倒垃圾', household: 23, photos: 1, note: '建筑垃圾堆在村道边，经劝说未清理' },
  ];
  const proposedAt = at - 9 * DAY;
  const occurredOn = shanghaiDay(at - 10 * DAY + 6 * HOUR);
  const ids: number[] = [];
  let photoCount = 0;
  for (const [i, p] of plans.entries()) {
    const rule = ruleId(p.rule);
    // Without an evidence folder there are no photos, and an item that needs one is not proposed.
    if (rule.evidenceRequired && !withPhotos) continue;
    const h = hs[p.household % hs.length];
    const ctx = ctxAt(db, cadre, proposedAt + i * 20 * 60_000, config);
    const evidence = await photos(ctx, p.photos, `LONGTAN ${occurredOn} #${i + 1}`, 100 + i * 7);
    photoCount += evidence.length;
    const made = await proposeAward(ctx, { householdId: h.id, ruleId: rule.id, quantity: 1, occurredOn, memberName: h.names[0], note: p.note, ...(evidence.length ? { evidence } : {}) });
    ids.push(made.id);
  }
  for (const [i, id] of ids.entries()) await approveAward(ctxAt(db, reviewer, at - 8 * DAY + i * 15 * 60_000, config), id);
  const system: SystemCtx = { db, actor: null, now, device: SEED_DEVICE, config };
  await postDueAwards(system);
  return { awards: ids, photos: photoCount };
}

/** Today in 石门村: one more proposal waiting for the reviewer, with two photos (a public-welfare deed). */
export async function seedPhotoProposal(db: Db, county: GeneratedCounty, now: Date, config: AppConfig, exclude: ReadonlySet<number>): Promise<{ awardId: number; householdId: number } | null> {
  if (!config.evidenceDir) return null;
  const village = county.villages[0];
  const cadre = await actorOf(db, usernameOf(county, village.cadreId));
  const at = Math.max(Date.parse(`${shanghaiDay(now.getTime())}T00:00:00+08:00`), now.getTime() - HOUR);
  const ctx = ctxAt(db, cadre, at, config);
  const rule = county.rules.get('labour');
  if (!rule) throw new Error('rule labour is missing');
  const evidence = await photos(ctx, 2, `SHIMEN ${shanghaiDay(at)}`, 300);
  // The first household whose monthly cap for the item is not yet used up this month.
  // From the end of the roster: the first households on screen are what browser tests pick, left as they were.
  for (const h of village.households.map((i) => county.households[i]).filter((x) => !exclude.has(x.id)).reverse()) {
    try {
      const made = await proposeAward(ctx, { householdId: h.id, ruleId: rule.id, quantity: 1, occurredOn: shanghaiDay(at), memberName: h.names[0], note: '清理村道塌方土石，现场照片两张', evidence });
      return { awardId: made.id, householdId: h.id };
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'monthly_cap_exceeded')) throw err;
    }
  }
  return null;
}

/**
 * One 石门村 household on the dishonesty list (失信名单) with redemption suspended: proposed by the
 * cadre yesterday (虚报冒领), approved by the reviewer an hour ago. Chosen among households nothing was
 * posted for since the proposal, so no history contradicts the suspension.
 */
export async function seedListing(db: SqliteDb, county: GeneratedCounty, now: Date, config: AppConfig, exclude: ReadonlySet<number>): Promise<number> {
  const village: VillageInfo = county.villages[0];
  const at = now.getTime();
  const proposedAt = at - DAY;
  // From the end of the roster, as the photo proposal: the first households on screen stay as they were.
  const ids = village.households.map((i) => county.households[i].id).filter((id) => !exclude.has(id)).reverse();
  const last = await lastEntryAtOfHouseholds(db, ids);
  const householdId = ids.find((id) => (last.get(id) ?? 0) < proposedAt && last.has(id));
  if (!householdId) throw new Error('no quiet household to list');
  const cadre = await actorOf(db, usernameOf(county, village.cadreId));
  const reviewer = await actorOf(db, usernameOf(county, village.reviewerId));
  const listing = await proposeListing(ctxAt(db, cadre, proposedAt, config), {
    householdId,
    reason: 'fraudulent_claim',
    detail: '同一次村庄清洁行动分两次申报积分，经村务监督委员会核实',
    suspendRedemption: true,
  });
  await decideListing(ctxAt(db, reviewer, at - HOUR, config), listing.id, { decision: 'approve', note: '经评议小组核实，列入失信名单，暂停兑换' });
  return householdId;
}
