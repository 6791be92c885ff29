import { addArea } from '../db/areas';
import { applyCountyNumber, recordedCountyNumber } from '../db/bootstrap';
import type { Db, SqliteDb } from '../db/client';
import { checkCountyNumber, countyIdBase } from '../db/idRange';
import { latestLedgerEntry, type LedgerRow, type NewLedgerEntry } from '../db/ledger';
import { rebuildLedgerTotals } from '../db/ledger/totals';
import {
  flushSeedBuffers,
  insertSeedGoods,
  insertSeedRule,
  insertSeedUser,
  openHistoryWriter,
  openSeedBuffers,
  SEED_BULK_TABLES,
  seedTableCounts,
  withBulkLoadSettings,
  type AwardStatus,
  type HistoryWriter,
  type HouseholdCategory,
  type Role,
  type RuleCategory,
  type SeedBuffers,
} from '../db/seed';
import { shanghaiDay, shanghaiMonth } from '../db/time';
import { transaction, type SqliteTx } from '../db/transaction';
import { writeAudit, type AuditCtx, type AuditEntry } from '../server/lib/audit';
import { closeStoreMonths } from '../server/modules/funds/closeStoreMonths';
import { nameInitials } from '../server/lib/identity';
import {
  COUNTY_RULES,
  DEMO_COUNTY,
  DONORS,
  GROUP_NAMES,
  PLACE_PARTS,
  REJECT_REASONS,
  REVERSAL_REASONS,
  TOWNSHIP_GOODS,
  VILLAGE_CORE_GOODS,
  VILLAGE_EXTRA_GOODS,
  VILLAGE_RULES,
  type GoodsSeed,
  type RuleSeed,
} from './data';
import { PeopleFactory } from './people';
import { Random, Weighted } from './random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHANGHAI = 8 * HOUR;
/** A fictional county's six-digit administrative code (ID numbers start with it). */
const REGION_CODE = '430726';

/**
 * County k's code: REGION_CODE for 0, a different one for every other number (k < 10^6, so no two of
 * 0..99999 share one), so heads' ID numbers, unique across a province's database, never collide.
 */
export function regionCodeOf(k: number): string {
  return k === 0 ? REGION_CODE : String((Number(REGION_CODE) + k) % 1_000_000).padStart(6, '0');
}

/** Staff usernames are unique across a province: county k's carry "c<k>-"; number 0's stay as they always were. */
export function countyUsername(k: number, name: string): string {
  return k === 0 ? name : `c${k}-${name}`;
}

export interface GenerateOptions {
  households: number;
  /** Calendar months of history, the current month included. */
  months: number;
  villages?: number;
  townships?: number;
  now: Date;
  /** Hash given to every generated staff account (hashed once by the caller). */
  passwordHash: string;
  seed?: number;
  /**
   * The county's number (db/idRange.ts): every id of every table in [k·10^10, (k+1)·10^10), usernames "c<k>-…",
   * its own ID-number region and random stream. Default: the number the database records, else 0 (ids from 1).
   */
  countyNumber?: number;
  /** `direct` appends through appendLedgerEntry/applyStockMovement; `bulk` through BulkWriter (same result, faster). */
  writer?: 'direct' | 'bulk';
  monthsPerTransaction?: number;
  /**
   * Give every generated write its audit row (who did it, when), as the real actions would: proposals,
   * reviews, postings by the system, reversals, redemptions, stock receipts, registrations. On for the
   * demo county; off by default for the large benchmark counties, where it would add tens of millions of rows.
   */
  auditHistory?: boolean;
  /**
   * Villages (by index) whose hygiene inspection of the current month is left unrecorded, so that
   * someone trying the demo can grade it (the demo leaves 石门村's).
   */
  openInspection?: readonly number[];
  onProgress?: (line: string) => void;
}

/** Audit rows of seeded history name their actor and time; the device says they were generated. */
const SEED_DEVICE = { ip: null, userAgent: 'seed' } as const;
type AuditActor = AuditCtx['actor'];
interface PendingAudit {
  at: number;
  actor: AuditActor;
  entry: AuditEntry;
}

export interface RuleInfo {
  id: number;
  key: string;
  category: RuleCategory;
  name: string;
  unit: string;
  monthlyCap: number | null;
  evidence: boolean;
  /** Oldest first; `from` is the first day the version applies to. */
  versions: { id: number; points: number; from: string }[];
}

interface GoodsInfo {
  id: number;
  name: string;
  price: number;
  monthlyLimit: number | null;
  target: number;
}

interface Store {
  areaId: number;
  clerkId: number;
  goods: GoodsInfo[];
}

export interface VillageInfo {
  index: number;
  id: number;
  name: string;
  townshipId: number;
  noticeDays: number;
  cadreId: number;
  reviewerId: number;
  clerkId: number;
  /** Indexes into GeneratedCounty.households. */
  households: number[];
  store: Store;
  townStore: Store | null;
  localRule: RuleInfo | null;
}

export interface HouseholdInfo {
  id: number;
  village: number;
  names: string[];
  childBirthYears: number[];
  elderly: boolean;
  /** 0..1: how often the household takes part and scores well. */
  diligence: number;
  /** Chance of going to the supermarket in a month. */
  shopping: number;
  troublemaker: boolean;
}

export interface GeneratedCounty {
  countyId: number;
  townshipIds: number[];
  villages: VillageInfo[];
  households: HouseholdInfo[];
  rules: Map<string, RuleInfo>;
  /** Generated staff usernames → user ids. */
  users: Map<string, number>;
  counts: Record<string, number>;
}

interface AwardDraft {
  id: number;
  hh: number;
  village: VillageInfo;
  rule: RuleInfo;
  versionId: number;
  quantity: number;
  points: number;
  occurredOn: string;
  memberName: string | null;
  note: string | null;
  evidenceUrl: string | null;
  batchId: number | null;
  proposedAt: number;
  reviewedAt: number;
  noticeEndsAt: number;
  postedAt: number;
  rejectReason: string | null;
  ledgerEntryId: number | null;
  ledgerPoints: number;
}

type Event =
  | { t: number; seq: number; kind: 'post'; award: AwardDraft }
  | { t: number; seq: number; kind: 'reverse'; award: AwardDraft; reason: string }
  | { t: number; seq: number; kind: 'redeem'; hh: number }
  | { t: number; seq: number; kind: 'restock'; store: Store }
  | { t: number; seq: number; kind: 'donate'; store: Store };

/** Shanghai midnight of a calendar day, as epoch ms. */
function dayStart(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - SHANGHAI;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const suffix = (i: number) => (i === 0 ? '' : String(i + 1));

/** Unique, plausible place names: the demo's first, then generated ones (石坪村, 龙湾镇 ...). */
function placeNames(rng: Random, count: number, given: string[], ending: () => string, taken: Set<string>): string[] {
  const names = given.slice(0, count);
  names.forEach((n) => taken.add(n));
  // Two-character names run out at 60 × 28 (a county of ~1,700 villages): after many clashes in a row take a
  // third character, as real places have (青石岭村), instead of drawing for ever.
  let clashes = 0;
  while (names.length < count) {
    const stem = rng.pick(PLACE_PARTS.first) + rng.pick(PLACE_PARTS.second);
    const n = (clashes > 50 ? stem + rng.pick(PLACE_PARTS.second) : stem) + ending();
    if (taken.has(n)) {
      clashes += 1;
      continue;
    }
    clashes = 0;
    taken.add(n);
    names.push(n);
  }
  return names;
}

/**
 * Generates a county with its history into an empty, migrated database: areas, staff, households
 * and members, the rule catalogue, stores and goods, then month by month hygiene inspections,
 * public-welfare work, other awards and deductions (some rejected, some reversed), restocking,
 * donations and redemptions. Ledger entries are appended in time order. Deterministic for a given
 * seed and `now`.
 */
export async function generateCounty(db: SqliteDb, opts: GenerateOptions): Promise<GeneratedCounty> {
  const countyNumber = checkCountyNumber(opts.countyNumber ?? (await recordedCountyNumber(db)) ?? 0, 'countyNumber');
  // Sequences first: rows the generator leaves to AUTOINCREMENT (areas, users, rules …) and later ones the app
  // writes land in the range too. Refuses a database recorded under another number.
  if (countyNumber !== 0) await applyCountyNumber(db, countyNumber);
  const county = await withBulkLoadSettings(db, () => new Generator(db, { ...opts, countyNumber }).run(), { deferIndexesOf: SEED_BULK_TABLES });
  // The bulk writer leaves the dashboard's kept totals to one GROUP BY over the finished ledger.
  await rebuildLedgerTotals(db);
  // The stores' finished months closed now, as the server's first tick would, so the first dashboard is quick.
  await closeStoreMonths({ db, now: opts.now, device: { ip: null, userAgent: 'seed' }, actor: null });
  return county;
}

class Generator {
  private readonly rng: Random;
  private readonly now: number;
  private readonly today: string;
  private readonly people: PeopleFactory;
  private readonly out: GeneratedCounty;
  private readonly log: (line: string) => void;
  /** The open transaction's buffers and ledger writer; only set while `tx()` runs. */
  private sink: { tx: SqliteTx; buf: SeedBuffers; writer: HistoryWriter } | null = null;
  private queue: Event[] = [];
  /** Audit rows waiting for the transaction that reaches their time (kept in time order when written). */
  private audits: PendingAudit[] = [];
  private auditUntil = 0;
  private seq = 0;
  /** Ids this generator assigns itself; the first of county k is k·10^10 + 1. */
  private readonly idBase: number;
  private readonly nextId: { award: number; batch: number; redemption: number; donation: number };
  private balances!: Int32Array;
  private readonly stock = new Map<number, number>();
  /** Quantity of limited goods taken this month, by "household:goods". */
  private limitUse = new Map<string, number>();
  private readonly counts: Record<string, number> = { ledgerEntries: 0, awards: 0, posted: 0, pending: 0, notice: 0, rejected: 0, reversed: 0, redemptions: 0, donations: 0, purchases: 0 };

  constructor(
    private readonly db: SqliteDb,
    private readonly opts: GenerateOptions,
  ) {
    const k = opts.countyNumber ?? 0;
    this.idBase = countyIdBase(k);
    this.nextId = { award: this.idBase + 1, batch: this.idBase + 1, redemption: this.idBase + 1, donation: this.idBase + 1 };
    // Another stream per county: two counties generated with one seed get different people and phones.
    this.rng = new Random((opts.seed ?? 20240601) + k * 1_000_003);
    this.now = opts.now.getTime();
    this.today = shanghaiDay(this.now);
    this.people = new PeopleFactory(this.rng, regionCodeOf(k));
    this.log = opts.onProgress ?? (() => {});
    this.out = { countyId: 0, townshipIds: [], villages: [], households: [], rules: new Map(), users: new Map(), counts: this.counts };
  }

  private get buf(): SeedBuffers {
    return this.open().buf;
  }

  private get writer(): HistoryWriter {
    return this.open().writer;
  }

  private open() {
    if (!this.sink) throw new Error('generator wrote outside its transaction');
    return this.sink;
  }

  async run(): Promise<GeneratedCounty> {
    const started = Date.now();
    const { months } = this.opts;
    const [ny, nm] = this.today.split('-').map(Number);
    const first = new Date(Date.UTC(ny, nm - 1 - (months - 1), 1));
    const firstYear = first.getUTCFullYear();
    const firstMonth = first.getUTCMonth() + 1;
    const setupAt = dayStart(firstYear, firstMonth, 1) - 20 * DAY + 9 * HOUR;
    const changeAt = (() => {
      const c = new Date(Date.UTC(firstYear, firstMonth - 1 + Math.floor(months / 2), 1));
      return dayStart(c.getUTCFullYear(), c.getUTCMonth() + 1, 1) + 9 * HOUR;
    })();
    this.auditUntil = dayStart(firstYear, firstMonth, 1);
    await this.tx((tx) => this.setup(tx, setupAt, changeAt, firstYear, firstMonth));
    this.log(`[seed] ${this.out.households.length} households in ${this.out.villages.length} villages (${Date.now() - started} ms)`);

    const perTx = this.opts.monthsPerTransaction ?? 3;
    for (let i = 0; i < months; i += perTx) {
      await this.tx(async () => {
        for (let j = i; j < Math.min(months, i + perTx); j++) {
          const d = new Date(Date.UTC(firstYear, firstMonth - 1 + j, 1));
          const y = d.getUTCFullYear();
          const m = d.getUTCMonth() + 1;
          this.month(y, m);
          const next = new Date(Date.UTC(y, m, 1));
          this.drain(dayStart(next.getUTCFullYear(), next.getUTCMonth() + 1, 1));
          this.auditUntil = j === months - 1 ? Infinity : dayStart(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
          this.log(`[seed] ${y}-${pad(m)}  ledger ${this.counts.ledgerEntries.toLocaleString('en')} entries  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        }
      });
    }
    if (this.queue.length) throw new Error('generator left events behind');
    this.counts.households = this.out.households.length;
    const { lastEntryId } = await latestLedgerEntry(this.db);
    if (this.counts.ledgerEntries !== (lastEntryId && lastEntryId - this.idBase)) throw new Error('ledger count does not match the chain head');
    this.log(`[seed] history written (${((Date.now() - started) / 1000).toFixed(1)} s); building indexes …`);
    return this.out;
  }

  /** One write transaction: rows are buffered while `fn` generates, and written before it commits. */
  private async tx(fn: (tx: SqliteTx) => Promise<void>): Promise<void> {
    await transaction(this.db, async (tx) => {
      this.sink = { tx, buf: openSeedBuffers(tx), writer: openHistoryWriter(tx, this.opts.writer ?? 'direct') };
      try {
        await fn(tx);
        await flushSeedBuffers(this.sink.buf);
        this.sink.writer.flush();
        await this.writeAudits(tx);
      } finally {
        this.sink = null;
      }
    });
  }

  private audit(at: number, actor: AuditActor, entry: AuditEntry): void {
    if (this.opts.auditHistory) this.audits.push({ at, actor, entry });
  }

  /** Writes, in time order, the audit rows of everything that happened before the transaction's end. */
  private async writeAudits(tx: SqliteTx): Promise<void> {
    const due = this.audits.filter((a) => a.at < this.auditUntil).sort((a, b) => a.at - b.at);
    this.audits = this.audits.filter((a) => a.at >= this.auditUntil);
    for (const a of due) await writeAudit(tx, { now: new Date(a.at), device: SEED_DEVICE, actor: a.actor }, a.entry);
  }

  private cadre(v: VillageInfo): AuditActor {
    return { userId: v.cadreId, role: 'village_cadre', areaId: v.id };
  }

  private reviewer(v: VillageInfo): AuditActor {
    return { userId: v.reviewerId, role: 'reviewer', areaId: v.id };
  }

  private clerk(store: Store): AuditActor {
    return { userId: store.clerkId, role: 'clerk', areaId: store.areaId };
  }

  // ---------------------------------------------------------------- setup

  private async setup(tx: SqliteTx, at: number, changeAt: number, firstYear: number, firstMonth: number): Promise<void> {
    const rng = this.rng;
    const villageCount = Math.max(1, this.opts.villages ?? Math.round(this.opts.households / 200));
    const townshipCount = Math.max(1, Math.min(villageCount, this.opts.townships ?? Math.round(villageCount / 10)));
    const taken = new Set<string>();
    const newArea = async (values: Parameters<typeof addArea>[1]) => {
      const area = await addArea(tx, values);
      this.audit(at, null, { entity: 'area', entityId: area.id, action: 'area.create', areaId: area.id, after: { name: area.name, kind: area.kind, parentId: area.parentId } });
      return area;
    };
    const county = await newArea({ name: DEMO_COUNTY.county, kind: 'county', parentId: null, noticeDays: 7, createdAt: at });
    this.out.countyId = county.id;
    const addUser = async (name: string, role: Role, areaId: number, displayName: string) => {
      const username = countyUsername(this.opts.countyNumber ?? 0, name);
      const id = await insertSeedUser(tx, { username, displayName, passwordHash: this.opts.passwordHash, role, areaId, at });
      this.out.users.set(username, id);
      this.audit(at, null, { entity: 'user', entityId: id, action: 'user.create', areaId, after: { username, role, areaId, displayName } });
      return id;
    };
    const staffName = () => this.people.name(this.people.surname([]), rng.chance(0.7), rng.int(1965, 1990));
    await addUser('county', 'county_admin', county.id, `${staffName()}（县农业农村局）`);

    const townshipNames = placeNames(rng, townshipCount, DEMO_COUNTY.townships.map((t) => t.name), () => rng.pick(PLACE_PARTS.township), taken);
    const demoVillages = DEMO_COUNTY.townships.flatMap((t) => t.villages);
    const villageNames = placeNames(rng, villageCount, villageCount === 6 && townshipCount === 2 ? demoVillages : demoVillages.slice(0, 3), () => '村', taken);
    const townships: { area: { id: number }; store: Store | null }[] = [];
    for (const [i, name] of townshipNames.entries()) {
      const area = await newArea({ name, kind: 'township', parentId: county.id, createdAt: at });
      this.out.townshipIds.push(area.id);
      await addUser(`township${suffix(i)}`, 'township_admin', area.id, staffName());
      // Every other township runs a township store (乡镇爱心超市) besides the village stores.
      const store: Store | null = i % 2 === 0 ? { areaId: area.id, clerkId: await addUser(`clerk-town${suffix(i)}`, 'clerk', area.id, staffName()), goods: [] } : null;
      townships.push({ area, store });
    }

    await this.addRules(tx, county.id, COUNTY_RULES, at, changeAt, firstYear, firstMonth);
    // Households spread unevenly over villages (about 100–400 each at scale).
    const weights = villageNames.map(() => 0.5 + rng.next() * 1.5);
    const total = weights.reduce((s, w) => s + w, 0);
    const sizes = weights.map((w) => Math.floor((w / total) * this.opts.households));
    for (let i = 0; sizes.reduce((s, n) => s + n, 0) < this.opts.households; i++) sizes[i % sizes.length] += 1;
    if (villageCount === 6 && this.opts.households === 600) sizes.fill(100);

    for (const [i, name] of villageNames.entries()) {
      const t = townships[Math.min(townshipCount - 1, Math.floor((i * townshipCount) / villageCount))];
      const noticeDays = i % 5 === 1 ? 5 : 7;
      const area = await newArea({ name, kind: 'village', parentId: t.area.id, noticeDays: noticeDays === 7 ? null : noticeDays, createdAt: at });
      const groups: number[] = [];
      for (let g = 0, n = rng.int(2, 4); g < n; g++) groups.push((await newArea({ name: GROUP_NAMES[g], kind: 'group', parentId: area.id, createdAt: at })).id);
      const v: VillageInfo = {
        index: i,
        id: area.id,
        name,
        townshipId: t.area.id,
        noticeDays,
        cadreId: await addUser(`cadre${suffix(i)}`, 'village_cadre', area.id, staffName()),
        reviewerId: await addUser(`reviewer${suffix(i)}`, 'reviewer', area.id, staffName()),
        clerkId: await addUser(`clerk${suffix(i)}`, 'clerk', area.id, staffName()),
        households: [],
        store: { areaId: area.id, clerkId: 0, goods: [] },
        townStore: t.store,
        localRule: null,
      };
      v.store.clerkId = v.clerkId;
      if (i % 2 === 0) v.localRule = (await this.addRules(tx, area.id, [VILLAGE_RULES[(i / 2) % VILLAGE_RULES.length]], at, changeAt, firstYear, firstMonth))[0];
      this.out.villages.push(v);
      this.addHouseholds(v, groups, sizes[i], at, firstYear, firstMonth);
      const extras = rng.shuffle(VILLAGE_EXTRA_GOODS).slice(0, rng.int(1, 2));
      await this.addGoods(tx, v.store, [...VILLAGE_CORE_GOODS, ...extras], v.households.length, 1, at);
    }
    for (const t of townships) {
      if (!t.store) continue;
      const served = this.out.villages.filter((v) => v.townshipId === t.area.id).reduce((s, v) => s + v.households.length, 0);
      await this.addGoods(tx, t.store, TOWNSHIP_GOODS, served, 0.3, at);
    }
    this.balances = new Int32Array(this.out.households.length);
  }

  private async addRules(tx: SqliteTx, areaId: number, seeds: RuleSeed[], at: number, changeAt: number, firstYear: number, firstMonth: number): Promise<RuleInfo[]> {
    const changeDay = shanghaiDay(changeAt);
    const firstDay = `${firstYear}-${String(firstMonth).padStart(2, '0')}-01`;
    const out: RuleInfo[] = [];
    for (const s of seeds) {
      const versions = s.earlierPoints != null ? [{ points: s.earlierPoints, at, from: '0000-00-00' }, { points: s.points, at: changeAt, from: changeDay }] : [{ points: s.points, at, from: '0000-00-00' }];
      const evidenceRequired = s.evidence ?? false;
      const rule = await insertSeedRule(tx, {
        areaId,
        category: s.category,
        name: s.name,
        points: s.points,
        unit: s.unit,
        monthlyCap: s.monthlyCap ?? null,
        evidenceRequired,
        blackList: s.blackList ?? false,
        createdAt: at,
        createdBy: this.out.users.get(countyUsername(this.opts.countyNumber ?? 0, 'county')) ?? null,
        versions,
      });
      const info: RuleInfo = {
        id: rule.id,
        key: s.key,
        category: s.category,
        name: s.name,
        unit: s.unit,
        monthlyCap: s.monthlyCap ?? null,
        evidence: evidenceRequired,
        versions: versions.map((v, i) => ({ id: rule.versionIds[i], points: v.points, from: v.from === '0000-00-00' ? firstDay : v.from })),
      };
      if (areaId === this.out.countyId) this.out.rules.set(s.key, info);
      else this.out.rules.set(`${s.key}@${areaId}`, info);
      this.audit(at, null, { entity: 'rule', entityId: rule.id, action: 'rule.create', areaId, after: { name: s.name, category: s.category, points: versions[0].points, unit: s.unit } });
      if (versions.length > 1) {
        this.audit(changeAt, null, { entity: 'rule', entityId: rule.id, action: 'rule.update', areaId, before: { points: versions[0].points }, after: { points: s.points } });
      }
      out.push(info);
    }
    return out;
  }

  private async addGoods(tx: SqliteTx, store: Store, seeds: GoodsSeed[], served: number, share: number, at: number): Promise<void> {
    for (const s of seeds) {
      const row = { id: await insertSeedGoods(tx, { storeAreaId: store.areaId, name: s.name, category: s.category, price: s.price, unit: s.unit, monthlyLimit: s.monthlyLimit ?? null, at }) };
      // Enough stock for about a month of demand; the store restocks at the start of each month.
      const perHousehold = s.price <= 15 ? 0.3 : s.price <= 60 ? 0.15 : 0.05;
      this.audit(at, null, { entity: 'goods', entityId: row.id, action: 'goods.create', areaId: store.areaId, after: { name: s.name, price: s.price, unit: s.unit } });
      store.goods.push({ id: row.id, name: s.name, price: s.price, monthlyLimit: s.monthlyLimit ?? null, target: Math.max(5, Math.ceil(served * perHousehold * share)) });
      this.stock.set(row.id, 0);
    }
  }

  private readonly initials = new Map<string, string>();
  private readonly categoryPick = new Weighted<HouseholdCategory>([['general', 82], ['poverty_exited', 10], ['monitored', 3], ['dibao', 4], ['wubao', 1]]);

  private addHouseholds(v: VillageInfo, groups: number[], count: number, at: number, firstYear: number, firstMonth: number): void {
    const rng = this.rng;
    const thisYear = Number(this.today.slice(0, 4));
    // The clan a village is named after (杨家湾村 → 杨) and one more dominate it.
    const clans = [v.name[0], this.people.surname([])].filter((s) => /^[王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐彭曾]$/.test(s));
    const doorCounters = groups.map(() => 0);
    for (let k = 0; k < count; k++) {
      const id = this.idBase + this.out.households.length + 1;
      const g = Math.floor((k * groups.length) / count);
      doorCounters[g] += 1;
      const people = this.people.household(clans, thisYear);
      const head = people[0];
      let initials = this.initials.get(head.name);
      if (initials === undefined) this.initials.set(head.name, (initials = nameInitials(head.name)));
      const elderly = thisYear - head.birthYear > 68;
      let category = this.categoryPick.pick(rng);
      if (category === 'wubao' && people.length > 1) category = 'dibao';
      // 动态管理: a few households change category during the history.
      const change = rng.chance(0.03) && this.opts.months > 1 ? categoryChange(category) : null;
      const finalCategory = change?.to ?? category;
      this.buf.households.push({
        id,
        villageId: v.id,
        groupId: groups[g],
        headName: head.name,
        nameInitials: initials,
        doorNo: `${GROUP_NAMES[g]}${doorCounters[g]}号`,
        phone: head.phone,
        idNumber: head.idNumber,
        category: finalCategory,
        createdAt: at,
        updatedAt: at,
      });
      for (const p of people) {
        this.buf.members.push({ householdId: id, name: p.name, relation: p.relation, idNumber: p.idNumber, phone: p.phone, isProxy: p.isProxy, createdAt: at });
      }
      this.buf.categories.push({ householdId: id, category, validFrom: shanghaiDay(at), reason: '登记', changedBy: v.cadreId, createdAt: at });
      this.audit(at, this.cadre(v), { entity: 'household', entityId: id, action: 'household.create', areaId: v.id, after: { headName: head.name, doorNo: `${GROUP_NAMES[g]}${doorCounters[g]}号`, category, members: people.length } });
      if (change) {
        const d = new Date(Date.UTC(firstYear, firstMonth - 1 + rng.int(1, this.opts.months - 1), rng.int(1, 28)));
        const changedAt = Math.min(this.now - HOUR, dayStart(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) + 10 * HOUR);
        this.buf.categories.push({ householdId: id, category: change.to, validFrom: shanghaiDay(changedAt), reason: change.reason, changedBy: v.cadreId, createdAt: changedAt });
        this.audit(changedAt, this.cadre(v), { entity: 'household', entityId: id, action: 'household.category', areaId: v.id, before: { category }, after: { category: change.to, reason: change.reason } });
      }
      v.households.push(this.out.households.length);
      this.out.households.push({
        id,
        village: v.index,
        names: people.map((p) => p.name),
        childBirthYears: people.filter((p) => p.relation === 'child' || p.relation === 'grandchild').map((p) => p.birthYear),
        elderly,
        diligence: Math.min(1, Math.max(0, 0.55 + (rng.next() + rng.next() + rng.next() - 1.5) * 0.5)),
        // Some households save up for something big; most shop every month or two.
        shopping: rng.chance(0.15) ? 0.05 : 0.2 + rng.next() * 0.35,
        troublemaker: rng.chance(0.03),
      });
    }
  }

  // ---------------------------------------------------------------- one month

  private month(y: number, m: number): void {
    const rng = this.rng;
    const monthStart = dayStart(y, m, 1);
    const lastDay = monthStart + (daysIn(y, m) - 1) * DAY <= this.now ? daysIn(y, m) : Math.floor((this.now - monthStart) / DAY) + 1;
    const label = `${y}年${m}月`;
    const at = (day: number, hour: number) => dayStart(y, m, day) + hour * HOUR + rng.int(0, 59) * 60_000;
    const currentMonth = `${y}-${pad(m)}` === this.today.slice(0, 7);
    for (const v of this.out.villages) {
      // Monthly hygiene inspection (月度环境卫生评比) around the 25th: one batch per grade, as sheets were
      // entered before a sheet could carry a rule per row. 差 is a deduction; ungraded households get nothing.
      const open = currentMonth && (this.opts.openInspection ?? []).includes(v.index);
      if (lastDay >= 25 && !open) {
        const top: number[] = [];
        const good: number[] = [];
        const poor: number[] = [];
        const frontage: number[] = [];
        for (const h of v.households) {
          const hh = this.out.households[h];
          const r = rng.next();
          const pTop = (0.15 + 0.5 * hh.diligence) * (hh.troublemaker ? 0.3 : 1);
          if (r < pTop) top.push(h);
          else if (r < pTop + 0.35) good.push(h);
          else if (r > (hh.troublemaker ? 0.5 : 0.96)) poor.push(h);
          if (rng.chance(0.25 + 0.4 * hh.diligence)) frontage.push(h);
        }
        const proposedAt = at(25, 17);
        this.batch(v, this.rule('yardTop'), top, `${y}-${pad(m)}-25`, proposedAt, `${label}环境卫生评比（优）`);
        this.batch(v, this.rule('yardGood'), good, `${y}-${pad(m)}-25`, proposedAt + 5 * 60_000, `${label}环境卫生评比（良）`);
        this.batch(v, this.rule('yardPoor'), poor, `${y}-${pad(m)}-25`, proposedAt + 8 * 60_000, `${label}环境卫生评比（差）`);
        this.batch(v, this.rule('frontage'), frontage, `${y}-${pad(m)}-25`, proposedAt + 10 * 60_000, `${label}门前三包检查`);
      }
      // Public-welfare work: a labour day every month, often a second activity, and the village's own item.
      const activities: { rule: RuleInfo; share: number }[] = [{ rule: this.rule('labour'), share: 0.4 }];
      if (rng.chance(0.5)) {
        const keys = ['patrol', 'volunteer', 'nightSchool', 'civicTalk', 'training', ...(m >= 6 && m <= 8 ? ['emergency', 'emergency'] : [])];
        activities.push({ rule: this.rule(rng.pick(keys)), share: 0.2 });
      }
      if (v.localRule) activities.push({ rule: v.localRule, share: 0.12 });
      for (const a of activities) {
        const day = rng.int(1, Math.min(lastDay, 22));
        const who = v.households.filter((h) => rng.chance(a.share * (0.4 + this.out.households[h].diligence)));
        this.batch(v, a.rule, who, `${y}-${pad(m)}-${pad(day)}`, at(day, 18), `${label}${a.rule.name.replace(/（.*/, '')}`);
      }
      // Other awards and deductions, one proposal at a time.
      for (const h of v.households) {
        const hh = this.out.households[h];
        const pBad = hh.troublemaker ? 0.08 : 0.008;
        const r = rng.next();
        if (r < pBad) this.single(v, h, this.pickDeduction(m), y, m, lastDay, label);
        else if (r < pBad + 0.06 + 0.08 * hh.diligence) {
          const key = this.pickAward(hh, y, m);
          if (key) this.single(v, h, key, y, m, lastDay, label);
        }
        if (rng.chance(hh.shopping)) {
          const day = marketDay(rng, lastDay);
          const t = at(day, rng.int(9, 17));
          if (t <= this.now) this.push({ t, seq: 0, kind: 'redeem', hh: h });
        }
      }
    }
    const stores = new Set<Store>();
    for (const v of this.out.villages) {
      stores.add(v.store);
      if (v.townStore) stores.add(v.townStore);
    }
    for (const s of stores) {
      const t = monthStart + 8 * HOUR;
      if (t <= this.now) this.push({ t, seq: 0, kind: 'restock', store: s });
      if (rng.chance(s.goods.length > 6 ? 0.5 : 0.2)) {
        const d = at(rng.int(1, lastDay), 10);
        if (d <= this.now) this.push({ t: d, seq: 0, kind: 'donate', store: s });
      }
    }
  }

  private rule(key: string): RuleInfo {
    const r = this.out.rules.get(key);
    if (!r) throw new Error(`no rule ${key}`);
    return r;
  }

  private pickAward(hh: HouseholdInfo, y: number, m: number): string | null {
    const rng = this.rng;
    const age = (b: number) => y - b;
    if ((m === 7 || m === 8) && hh.childBirthYears.some((b) => age(b) === 18) && rng.chance(0.5)) return 'college';
    if ((m === 7 || m === 8) && hh.childBirthYears.some((b) => age(b) === 15) && rng.chance(0.4)) return 'highSchool';
    if (m === 1 && rng.chance(0.3)) return 'insurance';
    const options: [string, number][] = [
      ['harmony', 20], ['simpleEvent', 10], ['mediate', 10], ['specialty', 8], ['donate', 5], ['elderCare', hh.elderly ? 15 : 4],
      ['studentHonour', hh.childBirthYears.some((b) => age(b) >= 7 && age(b) <= 18) ? 8 : 0], ['goodMother', 3], ['zeroBride', 2],
      ['blood', 3], ['employ', 1], ['brave', 0.3],
    ];
    return new Weighted(options).pick(rng);
  }

  private pickDeduction(m: number): string {
    const options: [string, number][] = [
      ['litter', 40], ['livestock', 20], ['fireworks', m <= 2 ? 25 : 2], ['strawBurn', m >= 10 ? 20 : 2], ['gambling', 5],
      ['brideprice', 3], ['lavishFuneral', 3], ['noSupport', 1], ['violence', 1], ['dropout', 1],
    ];
    return new Weighted(options).pick(this.rng);
  }

  private versionOn(rule: RuleInfo, day: string): { id: number; points: number } {
    let v = rule.versions[0];
    for (const x of rule.versions) if (x.from <= day) v = x;
    return v;
  }

  /** Review and notice times of a proposal, then where it stands at `now`. */
  private propose(d: AwardDraft, rejected: boolean): void {
    if (d.proposedAt > this.now) return;
    this.counts.awards += 1;
    if (rejected && d.reviewedAt <= this.now) {
      d.rejectReason = this.rng.pick(REJECT_REASONS);
      this.writeAward(d, 'rejected');
    } else if (rejected || d.reviewedAt > this.now) this.writeAward(d, 'pending');
    else if (d.postedAt > this.now) this.writeAward(d, 'notice');
    else {
      this.push({ t: d.postedAt, seq: 0, kind: 'post', award: d });
      // A few posted awards are found wrong later (民主评议) and undone by a reversal entry.
      if (d.batchId === null && d.points > 0 && this.rng.chance(0.02)) {
        const t = d.postedAt + this.rng.int(2, 20) * DAY;
        if (t <= this.now) this.push({ t, seq: 0, kind: 'reverse', award: d, reason: this.rng.pick(REVERSAL_REASONS) });
      }
    }
  }

  private draft(v: VillageInfo, h: number, rule: RuleInfo, day: string, quantity: number, batchId: number | null, proposedAt: number, reviewedAt: number): AwardDraft {
    const version = this.versionOn(rule, day);
    const noticeEndsAt = reviewedAt + v.noticeDays * DAY;
    return {
      id: 0,
      hh: h,
      village: v,
      rule,
      versionId: version.id,
      quantity,
      points: version.points * quantity,
      occurredOn: day,
      memberName: null,
      note: null,
      evidenceUrl: null,
      batchId,
      proposedAt,
      reviewedAt,
      noticeEndsAt,
      // The scheduler posts within a minute of the notice ending.
      postedAt: noticeEndsAt + this.rng.int(1, 59) * 1000,
      rejectReason: null,
      ledgerEntryId: null,
      ledgerPoints: 0,
    };
  }

  private batch(v: VillageInfo, rule: RuleInfo, members: number[], day: string, proposedAt: number, note: string): void {
    if (!members.length || proposedAt > this.now) return;
    const batchId = this.nextId.batch++;
    this.buf.batches.push({ id: batchId, villageId: v.id, ruleId: rule.id, occurredOn: day, count: members.length, note, proposedBy: v.cadreId, createdAt: proposedAt });
    this.audit(proposedAt, this.cadre(v), { entity: 'award_batch', entityId: batchId, action: 'award_batch.propose', areaId: v.id, after: { ruleId: rule.id, occurredOn: day, count: members.length, note } });
    const reviewedAt = proposedAt + this.rng.int(14, 40) * HOUR;
    for (const h of members) {
      const d = this.draft(v, h, rule, day, 1, batchId, proposedAt, reviewedAt);
      d.note = note;
      this.propose(d, false);
    }
  }

  private single(v: VillageInfo, h: number, key: string, y: number, m: number, lastDay: number, label: string): void {
    const rng = this.rng;
    const rule = this.rule(key);
    const day = rng.int(1, lastDay);
    const proposedAt = dayStart(y, m, day) + rng.int(0, 2) * DAY + rng.int(8, 19) * HOUR + rng.int(0, 59) * 60_000;
    const d = this.draft(v, h, rule, `${y}-${pad(m)}-${pad(day)}`, 1, null, proposedAt, proposedAt + rng.int(2, 72) * HOUR);
    const names = this.out.households[h].names;
    d.memberName = names.length > 1 && rng.chance(0.4) ? rng.pick(names.slice(1)) : names[0];
    d.note = `${label}${rule.name.replace(/（.*/, '')}`;
    if (rule.evidence) d.evidenceUrl = `https://example.org/jifen-demo/evidence/${rule.key}-${d.proposedAt}.jpg`;
    this.propose(d, rng.chance(0.04));
  }

  /** Award ids follow insertion order (a posted award gets its id when it posts), so rows append to the table. */
  private writeAward(d: AwardDraft, status: AwardStatus): void {
    if (!d.id) d.id = this.nextId.award++;
    this.counts[status] += 1;
    const reviewed = status !== 'pending';
    this.buf.awards.push({
      id: d.id,
      householdId: this.out.households[d.hh].id,
      villageId: d.village.id,
      ruleId: d.rule.id,
      ruleVersionId: d.versionId,
      batchId: d.batchId,
      quantity: d.quantity,
      points: d.points,
      occurredOn: d.occurredOn,
      memberName: d.memberName,
      note: d.note,
      evidenceUrl: d.evidenceUrl,
      status,
      proposedBy: d.village.cadreId,
      proposedAt: d.proposedAt,
      reviewedBy: reviewed ? d.village.reviewerId : null,
      reviewedAt: reviewed ? d.reviewedAt : null,
      rejectReason: status === 'rejected' ? d.rejectReason : null,
      noticeEndsAt: status === 'notice' || status === 'posted' ? d.noticeEndsAt : null,
      postedAt: status === 'posted' ? d.postedAt : null,
      ledgerEntryId: d.ledgerEntryId,
    });
    this.auditAward(d, status);
  }

  /** The award's story up to its status: proposed (alone; a batch has its own row), reviewed, posted by the system. */
  private auditAward(d: AwardDraft, status: AwardStatus): void {
    const v = d.village;
    const base = { entity: 'award', entityId: d.id, areaId: v.id } as const;
    if (d.batchId === null) {
      this.audit(d.proposedAt, this.cadre(v), { ...base, action: 'award.propose', after: { householdId: this.out.households[d.hh].id, ruleId: d.rule.id, points: d.points, occurredOn: d.occurredOn } });
    }
    if (status === 'rejected') {
      this.audit(d.reviewedAt, this.reviewer(v), { ...base, action: 'award.reject', before: { status: 'pending' }, after: { status: 'rejected', reason: d.rejectReason } });
    } else if (status !== 'pending') {
      this.audit(d.reviewedAt, this.reviewer(v), { ...base, action: 'award.approve', before: { status: 'pending' }, after: { status: 'notice', noticeEndsAt: d.noticeEndsAt } });
    }
    if (status === 'posted') {
      this.audit(d.postedAt, null, { ...base, action: 'award.post', before: { status: 'notice' }, after: { status: 'posted', ledgerEntryId: d.ledgerEntryId } });
    }
  }

  // ---------------------------------------------------------------- replay in time order

  private push(e: Event): void {
    e.seq = this.seq++;
    this.queue.push(e);
  }

  private drain(until: number): void {
    this.queue.sort((a, b) => a.t - b.t || a.seq - b.seq);
    let i = 0;
    this.limitUse = new Map();
    for (; i < this.queue.length && this.queue[i].t < until; i++) {
      const e = this.queue[i];
      if (e.kind === 'post') this.post(e.award);
      else if (e.kind === 'reverse') this.reverse(e.award, e.t, e.reason);
      else if (e.kind === 'redeem') this.redeem(e.hh, e.t);
      else if (e.kind === 'restock') this.restock(e.store, e.t);
      else this.donate(e.store, e.t);
    }
    this.queue = this.queue.slice(i);
  }

  private append(entry: NewLedgerEntry): LedgerRow {
    this.counts.ledgerEntries += 1;
    return this.writer.appendLedger(entry);
  }

  private post(d: AwardDraft): void {
    d.id = this.nextId.award++;
    const row = this.append({
      householdId: this.out.households[d.hh].id,
      villageId: d.village.id,
      kind: d.points < 0 ? 'deduction' : 'award',
      points: d.points,
      conductPoints: d.points,
      occurredOn: d.occurredOn,
      ruleId: d.rule.id,
      category: d.rule.category,
      awardId: d.id,
      createdBy: null,
      createdAt: d.postedAt,
    });
    this.balances[d.hh] = row.balanceAfter;
    d.ledgerEntryId = row.id;
    d.ledgerPoints = row.points;
    this.writeAward(d, 'posted');
  }

  private reverse(d: AwardDraft, t: number, reason: string): void {
    const row = this.append({
      householdId: this.out.households[d.hh].id,
      villageId: d.village.id,
      kind: 'reversal',
      points: -d.ledgerPoints,
      conductPoints: -d.points,
      occurredOn: d.occurredOn,
      ruleId: d.rule.id,
      category: d.rule.category,
      awardId: d.id,
      reversesId: d.ledgerEntryId,
      note: reason,
      createdBy: d.village.reviewerId,
      createdAt: t,
    });
    this.balances[d.hh] = row.balanceAfter;
    this.counts.reversed += 1;
    this.audit(t, this.reviewer(d.village), { entity: 'ledger_entry', entityId: row.id, action: 'ledger_entry.reverse', areaId: d.village.id, before: { id: d.ledgerEntryId, points: d.ledgerPoints }, after: { points: row.points, balanceAfter: row.balanceAfter, reason } });
  }

  private redeem(h: number, t: number): void {
    const rng = this.rng;
    const balance = this.balances[h];
    if (balance < 10) return;
    const hh = this.out.households[h];
    const v = this.out.villages[hh.village];
    const store = v.townStore && rng.chance(0.15) ? v.townStore : v.store;
    let budget = Math.floor(balance * (0.4 + rng.next() * 0.5));
    const lines: { g: GoodsInfo; quantity: number }[] = [];
    for (const g of rng.shuffle(store.goods)) {
      if (lines.length >= 3) break;
      const key = `${h}:${g.id}`;
      const room = Math.min(2, Math.floor(budget / g.price), this.stock.get(g.id)!, g.monthlyLimit == null ? 2 : g.monthlyLimit - (this.limitUse.get(key) ?? 0));
      if (room <= 0) continue;
      const quantity = rng.int(1, room);
      lines.push({ g, quantity });
      budget -= g.price * quantity;
      if (g.monthlyLimit != null) this.limitUse.set(key, (this.limitUse.get(key) ?? 0) + quantity);
    }
    if (!lines.length) return;
    const total = lines.reduce((s, l) => s + l.g.price * l.quantity, 0);
    const id = this.nextId.redemption++;
    const clerkId = store.clerkId;
    const month = shanghaiMonth(t);
    for (const l of lines) {
      this.buf.items.push({ redemptionId: id, goodsId: l.g.id, householdId: hh.id, month, quantity: l.quantity, price: l.g.price, points: l.g.price * l.quantity });
      const moved = this.writer.moveStock({ goodsId: l.g.id, kind: 'redemption', quantity: -l.quantity, redemptionId: id, createdBy: clerkId, createdAt: t });
      this.stock.set(l.g.id, moved.stockAfter);
    }
    const row = this.append({ householdId: hh.id, villageId: v.id, kind: 'redemption', points: -total, conductPoints: 0, occurredOn: shanghaiDay(t), redemptionId: id, createdBy: clerkId, createdAt: t });
    this.balances[h] = row.balanceAfter;
    this.buf.redemptions.push({ id, householdId: hh.id, villageId: v.id, storeAreaId: store.areaId, clerkId, points: total, balanceAfter: row.balanceAfter, via: 'pass', ledgerEntryId: row.id, createdAt: t });
    this.counts.redemptions += 1;
    this.audit(t, this.clerk(store), {
      entity: 'redemption',
      entityId: id,
      action: 'redemption.create',
      areaId: v.id,
      before: { balance },
      after: { householdId: hh.id, points: total, balanceAfter: row.balanceAfter, items: lines.map((l) => ({ goodsId: l.g.id, quantity: l.quantity })), via: 'pass' },
    });
  }

  private restock(store: Store, t: number): void {
    for (const g of store.goods) {
      const stock = this.stock.get(g.id)!;
      if (stock >= g.target) continue;
      const quantity = g.target - stock + this.rng.int(0, Math.ceil(g.target / 4));
      const moved = this.writer.moveStock({ goodsId: g.id, kind: 'purchase', quantity, note: '专项资金采购', createdBy: store.clerkId, createdAt: t });
      this.stock.set(g.id, moved.stockAfter);
      this.counts.purchases += 1;
      this.audit(t, this.clerk(store), { entity: 'goods', entityId: g.id, action: 'goods.purchase', areaId: store.areaId, before: { stock }, after: { stockAfter: moved.stockAfter, quantity } });
    }
  }

  private donate(store: Store, t: number): void {
    const rng = this.rng;
    const donor = rng.pick(DONORS);
    const anonymous = donor.kind === 'person' ? rng.chance(0.5) : false;
    const id = this.nextId.donation++;
    const common = { id, storeAreaId: store.areaId, donorName: donor.name, donorKind: donor.kind, anonymous, receivedOn: shanghaiDay(t), createdBy: store.clerkId, createdAt: t };
    this.counts.donations += 1;
    if (rng.chance(0.15)) {
      const amountFen = rng.int(10, 50) * 10_000;
      this.buf.donations.push({ ...common, goodsId: null, quantity: null, amountFen, description: `捐款 ${amountFen / 100} 元，用于采购爱心超市物资` });
      this.audit(t, this.clerk(store), { entity: 'donation', entityId: id, action: 'goods.donation', areaId: store.areaId, after: { donor: donor.name, anonymous, amountFen } });
      return;
    }
    const g = rng.pick(store.goods);
    const quantity = Math.max(5, Math.ceil(g.target * (0.3 + rng.next() * 0.7)));
    this.buf.donations.push({ ...common, goodsId: g.id, quantity, amountFen: quantity * g.price * 50, description: `${g.name} ${quantity}` });
    const moved = this.writer.moveStock({ goodsId: g.id, kind: 'donation', quantity, donationId: id, note: `${donor.name}捐赠`, createdBy: store.clerkId, createdAt: t });
    this.stock.set(g.id, moved.stockAfter);
    this.audit(t, this.clerk(store), { entity: 'goods', entityId: g.id, action: 'goods.donation', areaId: store.areaId, after: { donationId: id, donor: donor.name, anonymous, quantity, stockAfter: moved.stockAfter } });
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Counters are busiest on market days (赶集日: the 1st, 4th, 7th ... of the month here). */
function marketDay(rng: Random, lastDay: number): number {
  for (let i = 0; i < 3; i++) {
    const d = rng.int(1, lastDay);
    if (d % 3 === 1) return d;
  }
  return rng.int(1, lastDay);
}

function categoryChange(from: HouseholdCategory): { to: HouseholdCategory; reason: string } | null {
  switch (from) {
    case 'general':
      return { to: 'monitored', reason: '家庭成员患重病，存在返贫致贫风险，纳入监测' };
    case 'monitored':
      return { to: 'poverty_exited', reason: '收入稳定，风险消除' };
    case 'poverty_exited':
      return { to: 'monitored', reason: '因灾存在返贫风险，纳入监测' };
    case 'dibao':
      return { to: 'general', reason: '家庭收入稳定，退出低保' };
    default:
      return null;
  }
}

/** The audit row that says what was loaded, and as of when. */
export async function writeSeedAudit(db: Db, now: Date, kind: 'demo' | 'generated', summary: Record<string, unknown>): Promise<void> {
  await transaction(db, (tx) => writeAudit(tx, { now, device: { ip: null, userAgent: 'seed' }, actor: null }, { entity: 'seed', entityId: kind, action: 'seed.load', after: summary }));
}

/** Rows per table, for progress lines and the seed audit row. */
export const tableCounts = seedTableCounts;
