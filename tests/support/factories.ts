import { eq } from 'drizzle-orm';
import { insertArea } from '../../db/areas';
import type { SqliteDb } from '../../db/client';
import { appendLedgerEntry, postLedgerEntry, type NewLedgerEntry } from '../../db/ledger';
import { insertRule } from '../../db/rules';
import { goods, households, rules, users } from '../../db/schema';
import type { Role } from '../../db/schema/users';
import { applyStockMovement } from '../../db/goods/stock';
import { transaction, TransactionMisuse } from '../../db/transaction';
import { nameInitials, withIdChecksum } from '../../server/lib/identity';
import { hashPassword } from '../../server/lib/password';
import type { TestApp } from './app';

export const PASSWORD = 'password-123';
let passwordHash: Promise<string> | null = null;
const T0 = Date.UTC(2026, 0, 1);

/** A county with two townships, each with two villages: enough to test "own area" against "another area". */
export function makeAreas(db: SqliteDb) {
  const county = insertArea(db, { name: '测试县', kind: 'county', parentId: null, noticeDays: 0, createdAt: T0 });
  const townA = insertArea(db, { name: '东乡', kind: 'township', parentId: county.id, createdAt: T0 });
  const townB = insertArea(db, { name: '西乡', kind: 'township', parentId: county.id, createdAt: T0 });
  const villageA = insertArea(db, { name: '东村', kind: 'village', parentId: townA.id, createdAt: T0 });
  const villageA2 = insertArea(db, { name: '南村', kind: 'village', parentId: townA.id, createdAt: T0 });
  const villageB = insertArea(db, { name: '西村', kind: 'village', parentId: townB.id, createdAt: T0 });
  return { county, townA, townB, villageA, villageA2, villageB };
}

export async function makeUser(db: SqliteDb, role: Role, areaId: number, opts: { username?: string; householdId?: number } = {}) {
  passwordHash ??= hashPassword(PASSWORD, 1024);
  const hash = await passwordHash;
  return db
    .insert(users)
    .values({
      username: opts.username ?? `${role}-${areaId}-${Math.random().toString(36).slice(2, 8)}`,
      passwordHash: hash,
      role,
      areaId,
      householdId: opts.householdId ?? null,
      createdAt: T0,
      updatedAt: T0,
    })
    .returning()
    .get();
}

let idSeq = 1000;
export function makeHousehold(db: SqliteDb, villageId: number, opts: Partial<typeof households.$inferInsert> = {}) {
  const headName = opts.headName ?? '张三明';
  idSeq += 1;
  return db
    .insert(households)
    .values({
      villageId,
      headName,
      nameInitials: nameInitials(headName),
      doorNo: opts.doorNo ?? `${idSeq % 500}号`,
      phone: opts.phone ?? '13800138000',
      idNumber: opts.idNumber ?? withIdChecksum(`4307211980010${String(idSeq).padStart(4, '0')}`),
      category: opts.category ?? 'general',
      createdAt: T0,
      updatedAt: T0,
      ...opts,
    })
    .returning()
    .get();
}

export function makeRule(db: SqliteDb, areaId: number, opts: Partial<typeof rules.$inferInsert> = {}) {
  return insertRule(db, { areaId, category: 'hygiene', name: '庭院整洁', points: 5, unit: '次', createdAt: T0, updatedAt: T0, ...opts }, null);
}

export function makeGoods(db: SqliteDb, storeAreaId: number, opts: { name?: string; price?: number; stock?: number; monthlyLimit?: number } = {}) {
  const g = db
    .insert(goods)
    .values({ storeAreaId, name: opts.name ?? '食用油', price: opts.price ?? 10, unit: '桶', monthlyLimit: opts.monthlyLimit ?? null, createdAt: T0, updatedAt: T0 })
    .returning()
    .get();
  if (opts.stock) applyStockMovement(db, { goodsId: g.id, kind: 'purchase', quantity: opts.stock, createdAt: T0 });
  return db.select().from(goods).where(eq(goods.id, g.id)).get()!;
}

/**
 * Runs synchronous setup (factories, ledger entries written directly) in one write transaction, for tests
 * and the bench's fixtures only: the app's code goes through transaction() of db/transaction.ts, and this
 * refuses to start inside one (its statements would join it).
 */
export function writeNow<T>(db: SqliteDb, body: () => T): T {
  if (db.$client.inTransaction) throw new TransactionMisuse('writeNow() inside a transaction in progress');
  return db.$client.transaction(body).immediate();
}

/** Gives a household points directly through the ledger (as a posted award would). */
export function grantPoints(db: SqliteDb, householdId: number, villageId: number, points: number, occurredOn = '2026-06-01') {
  return writeNow(db, () =>
    appendLedgerEntry(db, { householdId, villageId, kind: 'award', points, conductPoints: points, occurredOn, createdAt: T0 }),
  );
}

/**
 * Posts a ledger entry through the database the app runs over (either engine): for fixture entries after the
 * first request, when on pg-suite the test's SQLite is no longer the app's.
 */
export async function postEntryVia(t: TestApp, entry: NewLedgerEntry) {
  return transaction(await t.appDb(), (tx) => postLedgerEntry(tx, entry));
}

/** grantPoints through the app's database (see postEntryVia). */
export function grantPointsVia(t: TestApp, householdId: number, villageId: number, points: number, occurredOn = '2026-06-01') {
  return postEntryVia(t, { householdId, villageId, kind: 'award', points, conductPoints: points, occurredOn, createdAt: T0 });
}

/** Logs in through the real route and returns the Cookie header to send. */
export async function login(t: TestApp, username: string, password = PASSWORD): Promise<string> {
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0];
}

/** JSON request helper: returns status, parsed body and headers. */
export async function call(t: TestApp, method: string, path: string, opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await t.app.request(path, { method, headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  return { status: res.status, body: json as any, headers: res.headers };
}

/** A ready world: areas, one user of every role in the east township's first village, a household with points, a rule and goods. */
export async function makeWorld(t: TestApp) {
  const a = makeAreas(t.db);
  const household = makeHousehold(t.db, a.villageA.id);
  const otherHousehold = makeHousehold(t.db, a.villageB.id, { headName: '李四' });
  const u = {
    county: await makeUser(t.db, 'county_admin', a.county.id, { username: 'county' }),
    township: await makeUser(t.db, 'township_admin', a.townA.id, { username: 'township' }),
    cadre: await makeUser(t.db, 'village_cadre', a.villageA.id, { username: 'cadre' }),
    cadre2: await makeUser(t.db, 'village_cadre', a.villageA.id, { username: 'cadre2' }),
    reviewer: await makeUser(t.db, 'reviewer', a.villageA.id, { username: 'reviewer' }),
    clerk: await makeUser(t.db, 'clerk', a.villageA.id, { username: 'clerk' }),
    household: await makeUser(t.db, 'household', a.villageA.id, { username: 'household', householdId: household.id }),
    otherCadre: await makeUser(t.db, 'village_cadre', a.villageB.id, { username: 'othercadre' }),
    otherClerk: await makeUser(t.db, 'clerk', a.villageB.id, { username: 'otherclerk' }),
  };
  const rule = makeRule(t.db, a.county.id);
  const deduction = makeRule(t.db, a.county.id, { name: '乱倒垃圾', points: -5, category: 'hygiene', blackList: true });
  const oil = makeGoods(t.db, a.villageA.id, { name: '食用油', price: 30, stock: 100 });
  const soap = makeGoods(t.db, a.villageA.id, { name: '肥皂', price: 5, stock: 100, monthlyLimit: 3 });
  const otherGoods = makeGoods(t.db, a.villageB.id, { name: '大米', price: 20, stock: 100 });
  return { areas: a, household, otherHousehold, users: u, rule, deduction, oil, soap, otherGoods };
}
