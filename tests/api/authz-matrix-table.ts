import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { insertArea } from '../../db/areas';
import { insertAuditRow } from '../../db/audit/auditLog';
import { awards, boardPublications, dishonestyListings, householdCards, objections, rectifications, redemptions, users } from '../../db/schema';
import { appendLedgerEntry } from '../../db/ledger';
import { insertHeading } from '../../db/rules';
import type { Role } from '../../db/schema/users';
import { createPassToken } from '../../server/modules/counter/passToken';
import { systemCtx, type AppConfig } from '../../server/lib/context';
import { makeCheckpoint } from '../../server/modules/proofs/makeCheckpoint';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeHousehold, makeRule, makeWorld, writeNow } from '../support/factories';

/**
 * The role × route table of tests/api/authz-matrix.test.ts, in a module of its own so the PostgreSQL lane
 * (tests/pg/authz-matrix.pg.test.ts) runs the same rows on both engines. A new route gets its row here.
 */

export type World = Awaited<ReturnType<typeof makeWorld>>;
export interface Req {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (a photo upload), sent as is. */
  raw?: Uint8Array;
}
/**
 * What one case may touch. The world (areas, users, households, goods) is shared by the whole file; everything a
 * write consumes (a pending award, a card, a listing …) is made for the case on first use, so no case sees
 * another's writes and cases pass alone or in any order.
 */
export interface Fixture {
  w: World;
  /** Unique per case: new names (users, areas, rules, goods, roster rows) never collide with another case's. */
  n: number;
  /** A month of this case's own, so a proposed board does not meet another case's pending one. */
  month: string;
  /** A household of the case's own in the own village, for writes one household takes only once (a listing). */
  spareOwn: number;
  spareOther: number;
  /** Household accounts of the case's own (never signed in), for account management aimed at households. */
  householdUserOwn: number;
  householdUserOther: number;
  /** 村民小组 of the case's own, to rename. */
  groupOwn: number;
  groupOther: number;
  /** Redemptions at the own village's store (by the own household) and at the other village's. */
  redemptionOwn: number;
  redemptionOther: number;
  pendingOwn: number;
  pendingOther: number;
  noticeOwn: number;
  noticeOther: number;
  objectionOwn: number;
  objectionOther: number;
  entryOwn: number;
  entryOther: number;
  ruleOwn: number;
  ruleOther: number;
  headingOwn: number;
  headingOther: number;
  cardOwn: number;
  cardOther: number;
  passOwn: string;
  passOther: string;
  listingOwn: number;
  listingOther: number;
  listedOwn: number;
  listedOther: number;
  /** Money entries (funding) of the own and the other village's store, and a purchase of the case's own not yet costed. */
  fundOwn: number;
  fundOther: number;
  purchaseOwn: number;
  purchaseOther: number;
  /** Boards: black-list deductions, rectifications and publications (pending and published). */
  boards: { blackOwn: number; blackOther: number; rectOwn: number; rectOther: number; pubOwn: number; pubOther: number; published: number };
}
export interface Spec {
  /** Roles allowed, or 'public' for routes that need no session. */
  roles: Role[] | 'public';
  own: (f: Fixture) => Req;
  /** The same request aimed at another area (omitted where the route takes no area or id). */
  other?: (f: Fixture) => Req;
  /** The request ends the session it is sent with: the case logs in on its own instead of using the shared one. */
  endsSession?: true;
  /** The request changes the account it is sent with (its password): the case makes and signs in a user of its own. */
  freshUser?: true;
}

export const all: Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk', 'household'];
export const staff: Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk'];
const admins: Role[] = ['county_admin', 'township_admin'];
const managers: Role[] = ['county_admin', 'township_admin', 'village_cadre'];
const reviewers: Role[] = ['county_admin', 'township_admin', 'reviewer'];
const storekeepers: Role[] = [...managers, 'clerk'];
const boardStaff: Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer'];
const today = '2026-06-15';
/** Small sheets for the import routes: a UTF-8 CSV roster row and a score-sheet row (rule 庭院整洁 of the world). */
const csv = (text: string) => ({ filename: 'sheet.csv', contentBase64: Buffer.from(text, 'utf8').toString('base64') });
const rosterCsv = (n: number) => csv(`户主姓名,门牌号\n新户主,${n}号\n`);
const scoreCsv = (householdId: number) => csv(`户编号,细则,数量\n${householdId},庭院整洁,1\n`);

export const matrix: Record<string, Spec> = {
  'GET /api/health': { roles: 'public', own: () => ({ path: '/api/health' }) },
  'GET /api/docs': { roles: 'public', own: () => ({ path: '/api/docs' }) },
  'GET /api/docs/init.js': { roles: 'public', own: () => ({ path: '/api/docs/init.js' }) },
  'GET /api/docs/swagger-ui.css': { roles: 'public', own: () => ({ path: '/api/docs/swagger-ui.css' }) },
  'GET /api/docs/swagger-ui-bundle.js': { roles: 'public', own: () => ({ path: '/api/docs/swagger-ui-bundle.js' }) },
  'GET /api/openapi.json': { roles: 'public', own: () => ({ path: '/api/openapi.json' }) },
  'POST /api/auth/login': { roles: 'public', own: () => ({ path: '/api/auth/login', body: { username: 'cadre', password: 'password-123' } }) },
  'POST /api/auth/logout': { roles: all, endsSession: true, own: () => ({ path: '/api/auth/logout' }) },
  'GET /api/auth/me': { roles: all, own: () => ({ path: '/api/auth/me' }) },
  'GET /api/areas': { roles: all, own: () => ({ path: '/api/areas' }) },
  'POST /api/areas': {
    roles: admins,
    own: (f) => ({ path: '/api/areas', body: { name: `新村${f.n}`, kind: 'village', parentId: f.w.areas.townA.id } }),
    other: (f) => ({ path: '/api/areas', body: { name: `新村${f.n}`, kind: 'village', parentId: f.w.areas.townB.id } }),
  },
  'GET /api/areas/:id/settings': {
    roles: all,
    own: (f) => ({ path: `/api/areas/${f.w.areas.villageA.id}/settings` }),
    other: (f) => ({ path: `/api/areas/${f.w.areas.villageB.id}/settings` }),
  },
  'PATCH /api/areas/:id/settings': {
    roles: admins,
    own: (f) => ({ path: `/api/areas/${f.w.areas.villageA.id}/settings`, body: { noticeDays: 3 } }),
    other: (f) => ({ path: `/api/areas/${f.w.areas.villageB.id}/settings`, body: { noticeDays: 3 } }),
  },
  'GET /api/users': { roles: managers, own: () => ({ path: '/api/users' }) },
  'POST /api/users': {
    roles: managers,
    // A household account: the one kind every manager, the village cadre included, may create.
    own: (f) => ({ path: '/api/users', body: { username: `newhh${f.n}`, password: 'long-password', role: 'household', areaId: f.w.areas.villageA.id, householdId: f.spareOwn } }),
    other: (f) => ({ path: '/api/users', body: { username: `newhh${f.n}`, password: 'long-password', role: 'household', areaId: f.w.areas.villageB.id, householdId: f.spareOther } }),
  },
  'PATCH /api/users/:id': {
    roles: managers,
    own: (f) => ({ path: `/api/users/${f.householdUserOwn}`, body: { displayName: '王大妈' } }),
    other: (f) => ({ path: `/api/users/${f.householdUserOther}`, body: { displayName: '王大妈' } }),
  },
  'POST /api/users/:id/unlock': {
    roles: managers,
    own: (f) => ({ path: `/api/users/${f.w.users.household.id}/unlock` }),
    other: (f) => ({ path: `/api/users/${f.w.users.otherClerk.id}/unlock` }),
  },
  'GET /api/users/roles': { roles: managers, own: () => ({ path: '/api/users/roles' }) },
  'POST /api/users/me/password': {
    roles: all,
    freshUser: true,
    own: () => ({ path: '/api/users/me/password', body: { currentPassword: 'password-123', newPassword: 'another-password-456' } }),
  },
  'POST /api/areas/:id/groups': {
    roles: managers,
    own: (f) => ({ path: `/api/areas/${f.w.areas.villageA.id}/groups`, body: { name: `${f.n}组` } }),
    other: (f) => ({ path: `/api/areas/${f.w.areas.villageB.id}/groups`, body: { name: `${f.n}组` } }),
  },
  'PATCH /api/groups/:id': {
    roles: managers,
    own: (f) => ({ path: `/api/groups/${f.groupOwn}`, body: { name: `改${f.n}组` } }),
    other: (f) => ({ path: `/api/groups/${f.groupOther}`, body: { name: `改${f.n}组` } }),
  },
  'GET /api/households': {
    roles: staff,
    own: (f) => ({ path: `/api/households?villageId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/households?villageId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/households': {
    roles: managers,
    own: (f) => ({ path: '/api/households', body: { villageId: f.w.areas.villageA.id, headName: '王五' } }),
    other: (f) => ({ path: '/api/households', body: { villageId: f.w.areas.villageB.id, headName: '王五' } }),
  },
  'GET /api/households/:id': {
    roles: all,
    own: (f) => ({ path: `/api/households/${f.w.household.id}` }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}` }),
  },
  'PATCH /api/households/:id': {
    roles: managers,
    own: (f) => ({ path: `/api/households/${f.w.household.id}`, body: { doorNo: '8号' } }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}`, body: { doorNo: '8号' } }),
  },
  'POST /api/households/:id/category': {
    roles: managers,
    own: (f) => ({ path: `/api/households/${f.w.household.id}/category`, body: { category: 'monitored', validFrom: today, reason: '收入下降' } }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/category`, body: { category: 'monitored', validFrom: today, reason: '收入下降' } }),
  },
  'POST /api/households/:id/members': {
    roles: managers,
    own: (f) => ({ path: `/api/households/${f.w.household.id}/members`, body: { name: '张小红', relation: 'child' } }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/members`, body: { name: '张小红', relation: 'child' } }),
  },
  'GET /api/households/:id/ledger': {
    roles: all,
    own: (f) => ({ path: `/api/households/${f.w.household.id}/ledger` }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/ledger` }),
  },
  'POST /api/households/:id/adjust': {
    roles: ['county_admin'],
    own: (f) => ({ path: `/api/households/${f.w.household.id}/adjust`, body: { points: 10, reason: '纸质台账结转' } }),
  },
  'POST /api/households/:id/pass': {
    roles: ['household'],
    own: (f) => ({ path: `/api/households/${f.w.household.id}/pass` }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/pass` }),
  },
  'POST /api/households/:id/assisted-pass': {
    roles: ['village_cadre'],
    own: (f) => ({ path: `/api/households/${f.w.household.id}/assisted-pass`, body: { reason: '老人卧床' } }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/assisted-pass`, body: { reason: '老人卧床' } }),
  },
  'POST /api/households/:id/cards': {
    roles: managers,
    own: (f) => ({ path: `/api/households/${f.w.household.id}/cards`, body: { pin: '2468' } }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/cards`, body: { pin: '2468' } }),
  },
  'POST /api/cards/:id/revoke': {
    roles: managers,
    own: (f) => ({ path: `/api/cards/${f.cardOwn}/revoke` }),
    other: (f) => ({ path: `/api/cards/${f.cardOther}/revoke` }),
  },
  'POST /api/cards/:id/unlock': {
    roles: managers,
    own: (f) => ({ path: `/api/cards/${f.cardOwn}/unlock` }),
    other: (f) => ({ path: `/api/cards/${f.cardOther}/unlock` }),
  },
  'GET /api/rules': {
    roles: all,
    own: (f) => ({ path: `/api/rules?areaId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/rules?areaId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/rules': {
    roles: managers,
    own: (f) => ({ path: '/api/rules', body: { areaId: f.w.areas.villageA.id, category: 'public_welfare', name: `义务植树${f.n}`, points: 3 } }),
    other: (f) => ({ path: '/api/rules', body: { areaId: f.w.areas.villageB.id, category: 'public_welfare', name: `义务植树${f.n}`, points: 3 } }),
  },
  'PATCH /api/rules/:id': {
    roles: managers,
    own: (f) => ({ path: `/api/rules/${f.ruleOwn}`, body: { points: 4 } }),
    other: (f) => ({ path: `/api/rules/${f.ruleOther}`, body: { points: 4 } }),
  },
  'GET /api/areas/:id/headings': {
    roles: all,
    own: (f) => ({ path: `/api/areas/${f.w.areas.villageA.id}/headings` }),
    other: (f) => ({ path: `/api/areas/${f.w.areas.villageB.id}/headings` }),
  },
  'POST /api/areas/:id/headings': {
    roles: managers,
    own: (f) => ({ path: `/api/areas/${f.w.areas.villageA.id}/headings`, body: { name: `本村类别${f.n}` } }),
    other: (f) => ({ path: `/api/areas/${f.w.areas.villageB.id}/headings`, body: { name: `本村类别${f.n}` } }),
  },
  'PATCH /api/headings/:id': {
    roles: managers,
    own: (f) => ({ path: `/api/headings/${f.headingOwn}`, body: { sortOrder: 5 } }),
    other: (f) => ({ path: `/api/headings/${f.headingOther}`, body: { sortOrder: 5 } }),
  },
  'POST /api/imports/catalogue/preview': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/catalogue/preview', body: { areaId: f.w.areas.villageA.id, file: csv(`类别,项目,分值\n公益劳动,义务植树${f.n},3\n`) } }),
    other: (f) => ({ path: '/api/imports/catalogue/preview', body: { areaId: f.w.areas.villageB.id, file: csv(`类别,项目,分值\n公益劳动,义务植树${f.n},3\n`) } }),
  },
  'POST /api/imports/catalogue': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/catalogue', body: { areaId: f.w.areas.villageA.id, file: csv(`类别,项目,分值\n公益劳动,义务植树${f.n},3\n`) } }),
    other: (f) => ({ path: '/api/imports/catalogue', body: { areaId: f.w.areas.villageB.id, file: csv(`类别,项目,分值\n公益劳动,义务植树${f.n},3\n`) } }),
  },
  'GET /api/exports/catalogue.xlsx': areaExport('catalogue.xlsx', boardStaff, ''),
  'GET /api/awards': {
    roles: all,
    own: (f) => ({ path: `/api/awards?villageId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/awards?villageId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/awards': {
    roles: managers,
    own: (f) => ({ path: '/api/awards', body: { householdId: f.w.household.id, ruleId: f.w.rule.id, occurredOn: today } }),
    other: (f) => ({ path: '/api/awards', body: { householdId: f.w.otherHousehold.id, ruleId: f.w.rule.id, occurredOn: today } }),
  },
  'POST /api/awards/batch': {
    roles: managers,
    own: (f) => ({ path: '/api/awards/batch', body: { ruleId: f.w.rule.id, occurredOn: today, items: [{ householdId: f.w.household.id, quantity: 1 }] } }),
    other: (f) => ({ path: '/api/awards/batch', body: { ruleId: f.w.rule.id, occurredOn: today, items: [{ householdId: f.w.otherHousehold.id, quantity: 1 }] } }),
  },
  'POST /api/awards/approve': {
    roles: reviewers,
    own: (f) => ({ path: '/api/awards/approve', body: { ids: [f.pendingOwn] } }),
    other: (f) => ({ path: '/api/awards/approve', body: { ids: [f.pendingOther] } }),
  },
  'POST /api/awards/post-due': { roles: admins, own: () => ({ path: '/api/awards/post-due' }) },
  'GET /api/awards/:id': {
    roles: all,
    own: (f) => ({ path: `/api/awards/${f.pendingOwn}` }),
    other: (f) => ({ path: `/api/awards/${f.pendingOther}` }),
  },
  'GET /api/awards/:id/record': {
    roles: [...boardStaff, 'household'],
    own: (f) => ({ path: `/api/awards/${f.pendingOwn}/record` }),
    other: (f) => ({ path: `/api/awards/${f.pendingOther}/record` }),
  },
  'POST /api/awards/:id/approve': {
    roles: reviewers,
    own: (f) => ({ path: `/api/awards/${f.pendingOwn}/approve` }),
    other: (f) => ({ path: `/api/awards/${f.pendingOther}/approve` }),
  },
  'POST /api/awards/:id/reject': {
    roles: reviewers,
    own: (f) => ({ path: `/api/awards/${f.pendingOwn}/reject`, body: { reason: '证据不足' } }),
    other: (f) => ({ path: `/api/awards/${f.pendingOther}/reject`, body: { reason: '证据不足' } }),
  },
  'POST /api/awards/:id/objections': {
    roles: ['household', 'village_cadre', 'reviewer'],
    own: (f) => ({ path: `/api/awards/${f.noticeOwn}/objections`, body: { reason: '并未参加劳动' } }),
    other: (f) => ({ path: `/api/awards/${f.noticeOther}/objections`, body: { reason: '并未参加劳动' } }),
  },
  'GET /api/objections': { roles: [...reviewers, 'village_cadre'], own: () => ({ path: '/api/objections?status=open' }) },
  'POST /api/objections/:id/resolve': {
    roles: reviewers,
    own: (f) => ({ path: `/api/objections/${f.objectionOwn}/resolve`, body: { decision: 'dismissed', resolution: '经核实属实' } }),
    other: (f) => ({ path: `/api/objections/${f.objectionOther}/resolve`, body: { decision: 'dismissed', resolution: '经核实属实' } }),
  },
  'POST /api/ledger/:id/reverse': {
    roles: managers,
    own: (f) => ({ path: `/api/ledger/${f.entryOwn}/reverse`, body: { reason: '录入错误' } }),
    other: (f) => ({ path: `/api/ledger/${f.entryOther}/reverse`, body: { reason: '录入错误' } }),
  },
  'POST /api/ledger/expire': { roles: admins, own: () => ({ path: '/api/ledger/expire' }) },
  'POST /api/evidence': {
    roles: managers,
    own: () => ({ path: '/api/evidence', raw: photos.bytes, headers: { 'content-type': 'image/jpeg' } }),
  },
  'GET /api/evidence/:hash': {
    roles: ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'household'],
    own: () => ({ path: `/api/evidence/${photos.own}` }),
    other: () => ({ path: `/api/evidence/${photos.other}` }),
  },
  'GET /api/dishonesty/mine': { roles: ['household'], own: () => ({ path: '/api/dishonesty/mine' }) },
  'GET /api/dishonesty': { roles: [...managers, 'reviewer'], own: () => ({ path: '/api/dishonesty' }) },
  'POST /api/dishonesty': {
    roles: managers,
    own: (f) => ({ path: '/api/dishonesty', body: { householdId: f.spareOwn, reason: 'refuses_support', detail: '有能力却拒不赡养老人' } }),
    other: (f) => ({ path: '/api/dishonesty', body: { householdId: f.w.otherHousehold.id, reason: 'refuses_support', detail: '有能力却拒不赡养老人' } }),
  },
  'POST /api/dishonesty/:id/decision': {
    roles: reviewers,
    own: (f) => ({ path: `/api/dishonesty/${f.listingOwn}/decision`, body: { decision: 'approve', note: '经村民评议属实' } }),
    other: (f) => ({ path: `/api/dishonesty/${f.listingOther}/decision`, body: { decision: 'approve', note: '经村民评议属实' } }),
  },
  'POST /api/dishonesty/:id/removal': {
    roles: managers,
    own: (f) => ({ path: `/api/dishonesty/${f.listedOwn}/removal`, body: { reason: '已整改到位' } }),
    other: (f) => ({ path: `/api/dishonesty/${f.listedOther}/removal`, body: { reason: '已整改到位' } }),
  },
  'GET /api/goods': {
    roles: all,
    own: (f) => ({ path: `/api/goods?storeAreaId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/goods?storeAreaId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/goods': {
    roles: storekeepers,
    own: (f) => ({ path: '/api/goods', body: { storeAreaId: f.w.areas.villageA.id, name: `毛巾${f.n}`, price: 8, stock: 20 } }),
    other: (f) => ({ path: '/api/goods', body: { storeAreaId: f.w.areas.villageB.id, name: `毛巾${f.n}`, price: 8, stock: 20 } }),
  },
  'PATCH /api/goods/:id': {
    roles: storekeepers,
    own: (f) => ({ path: `/api/goods/${f.w.oil.id}`, body: { price: 32 } }),
    other: (f) => ({ path: `/api/goods/${f.w.otherGoods.id}`, body: { price: 32 } }),
  },
  'POST /api/goods/:id/stock': {
    roles: storekeepers,
    own: (f) => ({ path: `/api/goods/${f.w.oil.id}/stock`, body: { quantity: 5, kind: 'donation', donor: '青山农商银行' } }),
    other: (f) => ({ path: `/api/goods/${f.w.otherGoods.id}/stock`, body: { quantity: 5, kind: 'donation', donor: '青山农商银行' } }),
  },
  'GET /api/stock-movements': {
    roles: storekeepers,
    own: (f) => ({ path: `/api/stock-movements?storeAreaId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/stock-movements?storeAreaId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/counter/lookup': {
    roles: ['clerk'],
    own: (f) => ({ path: '/api/counter/lookup', body: { code: f.passOwn } }),
    other: (f) => ({ path: '/api/counter/lookup', body: { code: f.passOther } }),
  },
  'POST /api/redemptions': {
    roles: ['clerk'],
    own: (f) => ({ path: '/api/redemptions', headers: { 'idempotency-key': `matrix-own-${f.n}` }, body: { code: f.passOwn, items: [{ goodsId: f.w.soap.id, quantity: 1 }] } }),
    other: (f) => ({ path: '/api/redemptions', headers: { 'idempotency-key': `matrix-other-${f.n}` }, body: { code: f.passOther, items: [{ goodsId: f.w.soap.id, quantity: 1 }] } }),
  },
  'GET /api/redemptions': { roles: all, own: () => ({ path: '/api/redemptions' }) },
  'GET /api/redemptions/:id': {
    roles: all,
    own: (f) => ({ path: `/api/redemptions/${f.redemptionOwn}` }),
    other: (f) => ({ path: `/api/redemptions/${f.redemptionOther}` }),
  },
  'GET /api/audit': { roles: ['county_admin', 'township_admin', 'village_cadre', 'reviewer'], own: () => ({ path: '/api/audit' }) },
  'GET /api/public/areas': { roles: 'public', own: () => ({ path: '/api/public/areas' }) },
  'GET /api/public/areas/:id/leaderboard': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.townA.id}/leaderboard?period=2026` }) },
  'GET /api/public/households/:id/rank': { roles: 'public', own: (f) => ({ path: `/api/public/households/${f.w.household.id}/rank?period=2026` }) },
  'GET /api/public/chain-head': { roles: 'public', own: () => ({ path: '/api/public/chain-head' }) },
  'GET /api/public/villages/:id/ledger': { roles: 'public', own: (f) => ({ path: `/api/public/villages/${f.w.areas.villageA.id}/ledger?from=1&to=5` }) },
  // Signed checkpoints and proofs (issue 16); checkpoint 1 is made with the world.
  'GET /api/public/checkpoint-key': { roles: 'public', own: () => ({ path: '/api/public/checkpoint-key' }) },
  'GET /api/public/checkpoints': { roles: 'public', own: () => ({ path: '/api/public/checkpoints?limit=5' }) },
  'GET /api/public/checkpoints/latest': { roles: 'public', own: (f) => ({ path: `/api/public/checkpoints/latest?countyId=${f.w.areas.county.id}` }) },
  'GET /api/public/checkpoints/:id': { roles: 'public', own: () => ({ path: '/api/public/checkpoints/1' }) },
  'POST /api/checkpoints': { roles: ['county_admin'], own: (f) => ({ path: '/api/checkpoints', body: { countyId: f.w.areas.county.id } }) },
  'GET /api/public/villages/:id/proof/inclusion': { roles: 'public', own: (f) => ({ path: `/api/public/villages/${f.w.areas.villageA.id}/proof/inclusion?seq=1` }) },
  'GET /api/public/villages/:id/proof/consistency': { roles: 'public', own: (f) => ({ path: `/api/public/villages/${f.w.areas.villageA.id}/proof/consistency?from=1` }) },
  'GET /api/households/:id/proofs': {
    roles: all,
    own: (f) => ({ path: `/api/households/${f.w.household.id}/proofs` }),
    other: (f) => ({ path: `/api/households/${f.w.otherHousehold.id}/proofs` }),
  },
  // Boards (issue 4).
  'GET /api/boards/preview/:kind/:id': {
    roles: boardStaff,
    own: (f) => ({ path: `/api/boards/preview/red/${f.w.areas.villageA.id}?period=2026-06` }),
    other: (f) => ({ path: `/api/boards/preview/red/${f.w.areas.villageB.id}?period=2026-06` }),
  },
  'GET /api/boards/publications': { roles: boardStaff, own: () => ({ path: '/api/boards/publications?status=pending' }) },
  'POST /api/boards/publications': {
    roles: managers,
    own: (f) => ({ path: '/api/boards/publications', body: { kind: 'red', areaId: f.w.areas.villageA.id, period: f.month } }),
    other: (f) => ({ path: '/api/boards/publications', body: { kind: 'red', areaId: f.w.areas.villageB.id, period: f.month } }),
  },
  'GET /api/boards/publications/:id': {
    roles: boardStaff,
    own: (f) => ({ path: `/api/boards/publications/${f.boards.pubOwn}` }),
    other: (f) => ({ path: `/api/boards/publications/${f.boards.pubOther}` }),
  },
  'POST /api/boards/publications/:id/approve': {
    roles: reviewers,
    own: (f) => ({ path: `/api/boards/publications/${f.boards.pubOwn}/approve` }),
    other: (f) => ({ path: `/api/boards/publications/${f.boards.pubOther}/approve` }),
  },
  'POST /api/boards/publications/:id/reject': {
    roles: reviewers,
    own: (f) => ({ path: `/api/boards/publications/${f.boards.pubOwn}/reject`, body: { reason: '数据有误' } }),
    other: (f) => ({ path: `/api/boards/publications/${f.boards.pubOther}/reject`, body: { reason: '数据有误' } }),
  },
  'GET /api/boards/rectifications': { roles: boardStaff, own: () => ({ path: '/api/boards/rectifications' }) },
  'POST /api/boards/rectifications': {
    roles: managers,
    own: (f) => ({ path: '/api/boards/rectifications', body: { ledgerEntryId: f.boards.blackOwn, rectifiedOn: today, note: '已清理' } }),
    other: (f) => ({ path: '/api/boards/rectifications', body: { ledgerEntryId: f.boards.blackOther, rectifiedOn: today, note: '已清理' } }),
  },
  'POST /api/boards/rectifications/:id/approve': {
    roles: reviewers,
    own: (f) => ({ path: `/api/boards/rectifications/${f.boards.rectOwn}/approve` }),
    other: (f) => ({ path: `/api/boards/rectifications/${f.boards.rectOther}/approve` }),
  },
  'POST /api/boards/rectifications/:id/reject': {
    roles: reviewers,
    own: (f) => ({ path: `/api/boards/rectifications/${f.boards.rectOwn}/reject`, body: { reason: '未整改到位' } }),
    other: (f) => ({ path: `/api/boards/rectifications/${f.boards.rectOther}/reject`, body: { reason: '未整改到位' } }),
  },
  'GET /api/boards/stars/household/:id': {
    roles: all,
    own: (f) => ({ path: `/api/boards/stars/household/${f.w.household.id}?year=2026` }),
    other: (f) => ({ path: `/api/boards/stars/household/${f.w.otherHousehold.id}?year=2026` }),
  },
  'GET /api/public/areas/:id/published/:kind': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.villageA.id}/published/red?period=2026-06` }) },
  'GET /api/public/publications/:id': { roles: 'public', own: (f) => ({ path: `/api/public/publications/${f.boards.published}` }) },
  'GET /api/public/areas/:id/live/:kind': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.townA.id}/live/villages?period=2026` }) },
  'GET /api/public/areas/:id/notices': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.townA.id}/notices` }) },
  'GET /api/public/areas/:id/headings': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.townA.id}/headings` }) },
  'GET /api/public/areas/:id/donations': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.county.id}/donations?year=2026` }) },
  'GET /api/public/areas/:id/honour-roll': { roles: 'public', own: (f) => ({ path: `/api/public/areas/${f.w.areas.county.id}/honour-roll` }) },
  'GET /api/public/households/:id/stars': { roles: 'public', own: (f) => ({ path: `/api/public/households/${f.w.household.id}/stars?year=2026` }) },
  // Excel import/export and the dashboard (issue 7).
  'GET /api/imports/households/template.xlsx': {
    roles: managers,
    own: (f) => ({ path: `/api/imports/households/template.xlsx?villageId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/imports/households/template.xlsx?villageId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/imports/households/preview': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/households/preview', body: { villageId: f.w.areas.villageA.id, file: rosterCsv(f.n) } }),
    other: (f) => ({ path: '/api/imports/households/preview', body: { villageId: f.w.areas.villageB.id, file: rosterCsv(f.n) } }),
  },
  'POST /api/imports/households': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/households', body: { villageId: f.w.areas.villageA.id, file: rosterCsv(f.n) } }),
    other: (f) => ({ path: '/api/imports/households', body: { villageId: f.w.areas.villageB.id, file: rosterCsv(f.n) } }),
  },
  'GET /api/imports/awards/template.xlsx': {
    roles: managers,
    own: (f) => ({ path: `/api/imports/awards/template.xlsx?villageId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/imports/awards/template.xlsx?villageId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/imports/awards/preview': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/awards/preview', body: { villageId: f.w.areas.villageA.id, occurredOn: today, file: scoreCsv(f.w.household.id) } }),
    other: (f) => ({ path: '/api/imports/awards/preview', body: { villageId: f.w.areas.villageB.id, occurredOn: today, file: scoreCsv(f.w.otherHousehold.id) } }),
  },
  'POST /api/imports/awards': {
    roles: managers,
    own: (f) => ({ path: '/api/imports/awards', body: { villageId: f.w.areas.villageA.id, occurredOn: today, file: scoreCsv(f.w.household.id) } }),
    other: (f) => ({ path: '/api/imports/awards', body: { villageId: f.w.areas.villageB.id, occurredOn: today, file: scoreCsv(f.w.otherHousehold.id) } }),
  },
  'GET /api/exports/households.xlsx': areaExport('households.xlsx', managers, ''),
  'GET /api/exports/ledger.xlsx': areaExport('ledger.xlsx', boardStaff),
  'GET /api/exports/awards.xlsx': areaExport('awards.xlsx', boardStaff, '&status=pending'),
  'GET /api/exports/redemptions.xlsx': areaExport('redemptions.xlsx', storekeepers),
  'GET /api/exports/movements.xlsx': areaExport('movements.xlsx', storekeepers),
  'GET /api/exports/donations.xlsx': areaExport('donations.xlsx', storekeepers),
  'GET /api/exports/leaderboard.xlsx': areaExport('leaderboard.xlsx', boardStaff),
  'GET /api/exports/board.xlsx': areaExport('board.xlsx', boardStaff, '&period=2026-06&kind=red'),
  'GET /api/dashboard': {
    roles: boardStaff,
    own: (f) => ({ path: `/api/dashboard?areaId=${f.w.areas.villageA.id}&period=2026` }),
    other: (f) => ({ path: `/api/dashboard?areaId=${f.w.areas.villageB.id}&period=2026` }),
  },
  'GET /api/exports/dashboard.xlsx': areaExport('dashboard.xlsx', boardStaff, '&period=2026&chart=monthly'),
  'GET /api/funds': {
    roles: staff,
    own: (f) => ({ path: `/api/funds?storeAreaId=${f.w.areas.villageA.id}` }),
    other: (f) => ({ path: `/api/funds?storeAreaId=${f.w.areas.villageB.id}` }),
  },
  'POST /api/funds': {
    roles: managers,
    own: (f) => ({ path: '/api/funds', body: { storeAreaId: f.w.areas.villageA.id, source: 'budget', sourceName: '县财政局', amountFen: 100_000, receivedOn: today } }),
    other: (f) => ({ path: '/api/funds', body: { storeAreaId: f.w.areas.villageB.id, source: 'budget', sourceName: '县财政局', amountFen: 100_000, receivedOn: today } }),
  },
  'POST /api/funds/purchase-costs': {
    roles: storekeepers,
    own: (f) => ({ path: '/api/funds/purchase-costs', body: { movementId: f.purchaseOwn, supplier: '镇供销社', invoiceNo: `FP-${f.n}`, totalCostFen: 500 } }),
    other: (f) => ({ path: '/api/funds/purchase-costs', body: { movementId: f.purchaseOther, supplier: '镇供销社', invoiceNo: `FP-${f.n}`, totalCostFen: 500 } }),
  },
  'POST /api/funds/:id/reverse': {
    roles: managers,
    own: (f) => ({ path: `/api/funds/${f.fundOwn}/reverse`, body: { reason: '重复登记' } }),
    other: (f) => ({ path: `/api/funds/${f.fundOther}/reverse`, body: { reason: '重复登记' } }),
  },
  'GET /api/funds/statement': {
    roles: staff,
    own: (f) => ({ path: `/api/funds/statement?storeAreaId=${f.w.areas.villageA.id}&month=2026-06` }),
    other: (f) => ({ path: `/api/funds/statement?storeAreaId=${f.w.areas.villageB.id}&month=2026-06` }),
  },
  'GET /api/exports/statement.xlsx': {
    roles: staff,
    own: (f) => ({ path: `/api/exports/statement.xlsx?storeAreaId=${f.w.areas.villageA.id}&month=2026-06` }),
    other: (f) => ({ path: `/api/exports/statement.xlsx?storeAreaId=${f.w.areas.villageB.id}&month=2026-06` }),
  },
};

export function areaExport(file: string, roles: Role[], extra = '&period=2026'): Spec {
  return {
    roles,
    own: (f) => ({ path: `/api/exports/${file}?areaId=${f.w.areas.villageA.id}${extra}` }),
    other: (f) => ({ path: `/api/exports/${file}?areaId=${f.w.areas.villageB.id}${extra}` }),
  };
}

export const usernameOf: Record<Role, string> = {
  county_admin: 'county',
  township_admin: 'township',
  village_cadre: 'cadre',
  reviewer: 'reviewer',
  clerk: 'clerk',
  household: 'household',
};

function insertAward(t: TestApp, w: World, householdId: number, villageId: number, proposedBy: number, status: 'pending' | 'notice') {
  return t.db
    .insert(awards)
    .values({
      householdId,
      villageId,
      ruleId: w.rule.id,
      ruleVersionId: w.rule.currentVersionId,
      quantity: 1,
      points: w.rule.points,
      occurredOn: '2026-06-10',
      status,
      proposedBy,
      proposedAt: t.clock.now.getTime(),
      noticeEndsAt: status === 'notice' ? t.clock.now.getTime() + 7 * 86_400_000 : null,
    })
    .returning()
    .get().id;
}

/** Made once per file: the world every case shares, and one session per role. */
/** A photo, and its hashes once attached to an award in the own village and in another one. */
const photos = { bytes: new Uint8Array(), own: '', other: '' };

/** Uploads the photo as `cadre` and proposes an award for `householdId` with it: who may see it follows the award. */
async function attachPhoto(t: TestApp, cadre: string, householdId: number, ruleId: number, red: number): Promise<string> {
  const cookie = await login(t, cadre);
  // Photos are content-addressed: each village gets its own picture, or both would share one hash.
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: red, g: 120, b: 60 } } }).jpeg().toBuffer();
  const res = await t.app.request('/api/evidence', { method: 'POST', headers: { cookie, 'content-type': 'image/jpeg' }, body: Uint8Array.from(bytes) });
  const { hash } = (await res.json()) as { hash: string };
  const award = await call(t, 'POST', '/api/awards', { cookie, body: { householdId, ruleId, occurredOn: '2026-06-10', evidence: [hash] } });
  if (award.status !== 201) throw new Error(`could not propose an award with a photo: ${JSON.stringify(award.body)}`);
  return hash;
}

/** The shared world on `t` (whose config has an evidence folder): photos, points, checkpoint 1. */
export async function seedMatrixWorld(t: TestApp, config: AppConfig = testConfig): Promise<World> {
  photos.bytes = new Uint8Array(await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 60 } } }).jpeg().toBuffer());
  const w = await makeWorld(t);
  // A rule of their own, so no case meets these two proposals under a monthly cap.
  const photoRule = makeRule(t.db, w.areas.county.id, { name: '带照片的申报' });
  photos.own = await attachPhoto(t, 'cadre2', w.household.id, photoRule.id, 30);
  photos.other = await attachPhoto(t, 'othercadre', w.otherHousehold.id, photoRule.id, 90);
  // Enough points that no order of cases (deductions, reversals, one redemption) can leave a redemption short.
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 1000);
  grantPoints(t.db, w.otherHousehold.id, w.areas.villageB.id, 1000);
  await makeCheckpoint(systemCtx(t.db, config, t.clock.now), w.areas.county.id, 'daily');
  return w;
}

export async function buildWorld() {
  const evidenceDir = mkdtempSync(join(tmpdir(), 'jifen-matrix-evidence-'));
  const t = makeTestApp(undefined, { evidenceDir });
  const w = await seedMatrixWorld(t);
  const cookies = {} as Record<Role, string>;
  for (const role of all) cookies[role] = await login(t, usernameOf[role]);
  return { t, w, cookies, evidenceDir };
}

let cases = 0;
let periods = 0;

/** A fixture of the case's own: each object is inserted the first time the case reads it, and only then. */
export function fixtureFor(t: TestApp, w: World): Fixture {
  const a = w.areas;
  const n = ++cases;
  const made = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
  const now = () => t.clock.now.getTime();
  const objection = (awardId: number, userId: number) =>
    t.db.insert(objections).values({ awardId, userId, reason: '有异议', createdAt: now() }).returning().get().id;
  const card = (householdId: number) =>
    t.db
      .insert(householdCards)
      .values({ householdId, code: `C1.card${householdId}-${n}`, pinHash: 'x', createdAt: 0 })
      .returning()
      .get().id;
  const pass = (householdId: number) => createPassToken(testConfig.passSecret, householdId, now() + 60_000).token;
  const listing = (householdId: number, villageId: number, proposedBy: number, status: 'proposed' | 'listed') =>
    t.db
      .insert(dishonestyListings)
      .values({ householdId, villageId, reason: 'other', detail: '虚报', suspendRedemption: false, status, proposedBy, proposedAt: 0 })
      .returning()
      .get().id;
  const black = (householdId: number, villageId: number) =>
    writeNow(t.db, () =>
      appendLedgerEntry(t.db, { householdId, villageId, kind: 'deduction', points: -5, conductPoints: -5, occurredOn: '2026-06-10', ruleId: w.deduction.id, category: 'hygiene', createdAt: now() }),
    ).id;
  const rect = (householdId: number, villageId: number, by: number) =>
    t.db
      .insert(rectifications)
      .values({ ledgerEntryId: black(householdId, villageId), householdId, villageId, note: '已整改', rectifiedOn: '2026-06-12', proposedBy: by, proposedAt: now() })
      .returning()
      .get().id;
  const pub = (areaId: number, by: number, status: 'pending' | 'approved' = 'pending') =>
    t.db
      .insert(boardPublications)
      .values({
        kind: status === 'pending' ? 'black' : 'stars',
        // A period per publication: two pending ones of one board would be refused, two approved ones share a version.
        period: status === 'pending' ? nextMonth() : nextYear(),
        areaId,
        params: '{}',
        // A board of the shape the API answers (GET /api/boards/publications/:id shows it as stored).
        snapshot: JSON.stringify({
          kind: status === 'pending' ? 'black' : 'stars',
          area: { id: areaId, name: '村', kind: 'village', trail: '村' },
          period: '2026',
          chainHead: { lastEntryId: 0, hash: '0'.repeat(64) },
          items: [],
          ...(status === 'pending' ? { params: {} } : { params: { method: 'score', dimensionThreshold: 0 }, thresholds: [], dimensions: [] }),
        }),
        hash: 'h',
        chainEntryId: 0,
        chainHash: '0'.repeat(64),
        status,
        version: status === 'pending' ? null : 1,
        proposedBy: by,
        proposedAt: now(),
        reviewedAt: status === 'pending' ? null : now(),
      })
      .returning()
      .get().id;
  const householdUser = (villageId: number, householdId: number) =>
    t.db
      .insert(users)
      .values({ username: `hh-${householdId}-${n}`, passwordHash: 'x', role: 'household', areaId: villageId, householdId, createdAt: 0, updatedAt: 0 })
      .returning()
      .get().id;
  const group = (villageId: number) => writeNow(t.db, () => insertArea(t.db, { name: `原${n}组`, kind: 'group', parentId: villageId, createdAt: 0 })).id;
  // A receipt at the village's own store, with its ledger entry (db:copy verifies the county before moving it);
  // its goods lines do not matter to who may read it.
  const redemption = (householdId: number, villageId: number, clerkId: number) =>
    writeNow(t.db, () => {
      const id = t.db.insert(redemptions).values({ householdId, villageId, storeAreaId: villageId, clerkId, points: 1, balanceAfter: 0, via: 'pass', createdAt: now() }).returning().get().id;
      const entry = appendLedgerEntry(t.db, { householdId, villageId, kind: 'redemption', points: -1, conductPoints: 0, occurredOn: today, redemptionId: id, createdBy: clerkId, createdAt: now() });
      t.db.$client.prepare('UPDATE redemptions SET ledger_entry_id = ? WHERE id = ?').run(entry.id, id);
      return id;
    });
  const spare = (villageId: number, headName: string) => makeHousehold(t.db, villageId, { headName, idNumber: null }).id;
  // With the audit row the app writes beside it: the money books' witness, which db:copy's verify reads.
  const funding = (storeAreaId: number) =>
    writeNow(t.db, () => {
      const c = t.db.$client;
      const id = Number(
        c
          .prepare(`INSERT INTO fund_entries (store_area_id, kind, source, source_name, amount_fen, on_day, created_at) VALUES (?, 'funding', 'budget', '县财政局', 100000, '2026-06-01', ?)`)
          .run(storeAreaId, now()).lastInsertRowid,
      );
      const after = c
        .prepare(
          `SELECT id, store_area_id AS storeAreaId, kind, source, amount_fen AS amountFen, on_day AS onDay, movement_id AS movementId, goods_id AS goodsId, quantity, reverses_id AS reversesId, created_at AS createdAt FROM fund_entries WHERE id = ?`,
        )
        .get(id);
      insertAuditRow(t.db, { actorId: null, actorRole: 'system', areaId: storeAreaId, entity: 'fund_entry', entityId: String(id), action: 'fund_entry.funding', before: null, after: JSON.stringify(after), ip: null, userAgent: null, createdAt: now() });
      return id;
    });
  /** Goods of the case's own whose opening stock (a purchase) has no cost yet. */
  const uncostedPurchase = (storeAreaId: number, k: number) => {
    const g = makeGoods(t.db, storeAreaId, { name: `进货${k}`, stock: 5 });
    return (t.db.$client.prepare(`SELECT id FROM stock_movements WHERE goods_id = ?`).get(g.id) as { id: number }).id;
  };
  const own = { village: a.villageA.id, by: w.users.cadre2.id, household: w.household.id };
  const other = { village: a.villageB.id, by: w.users.otherCadre.id, household: w.otherHousehold.id };
  return {
    w,
    n,
    get month() {
      return once('month', nextMonth);
    },
    get spareOwn() {
      return once('spareOwn', () => spare(own.village, '周九'));
    },
    get spareOther() {
      return once('spareOther', () => spare(other.village, '吴十'));
    },
    get householdUserOwn() {
      return once('householdUserOwn', () => householdUser(own.village, own.household));
    },
    get householdUserOther() {
      return once('householdUserOther', () => householdUser(other.village, other.household));
    },
    get groupOwn() {
      return once('groupOwn', () => group(own.village));
    },
    get groupOther() {
      return once('groupOther', () => group(other.village));
    },
    get redemptionOwn() {
      return once('redemptionOwn', () => redemption(own.household, own.village, w.users.clerk.id));
    },
    get redemptionOther() {
      return once('redemptionOther', () => redemption(other.household, other.village, w.users.otherClerk.id));
    },
    get pendingOwn() {
      return once('pendingOwn', () => insertAward(t, w, own.household, own.village, own.by, 'pending'));
    },
    get pendingOther() {
      return once('pendingOther', () => insertAward(t, w, other.household, other.village, other.by, 'pending'));
    },
    get noticeOwn() {
      return once('noticeOwn', () => insertAward(t, w, own.household, own.village, own.by, 'notice'));
    },
    get noticeOther() {
      return once('noticeOther', () => insertAward(t, w, other.household, other.village, other.by, 'notice'));
    },
    get objectionOwn() {
      return once('objectionOwn', () => objection(insertAward(t, w, own.household, own.village, own.by, 'notice'), own.by));
    },
    get objectionOther() {
      return once('objectionOther', () => objection(insertAward(t, w, other.household, other.village, other.by, 'notice'), other.by));
    },
    get entryOwn() {
      return once('entryOwn', () => grantPoints(t.db, own.household, own.village, 100).id);
    },
    get entryOther() {
      return once('entryOther', () => grantPoints(t.db, other.household, other.village, 100).id);
    },
    get fundOwn() {
      return once('fundOwn', () => funding(own.village));
    },
    get fundOther() {
      return once('fundOther', () => funding(other.village));
    },
    get purchaseOwn() {
      return once('purchaseOwn', () => uncostedPurchase(own.village, n));
    },
    get purchaseOther() {
      return once('purchaseOther', () => uncostedPurchase(other.village, n));
    },
    get ruleOwn() {
      return once('ruleOwn', () => makeRule(t.db, own.village, { name: `村规则${n}` }).id);
    },
    get ruleOther() {
      return once('ruleOther', () => makeRule(t.db, other.village, { name: `外村规则${n}` }).id);
    },
    get headingOwn() {
      return once('headingOwn', () => writeNow(t.db, () => insertHeading(t.db, { areaId: own.village, name: `村类别${n}`, sortOrder: 100, starDimension: null, blackList: false }, now())).id);
    },
    get headingOther() {
      return once('headingOther', () => writeNow(t.db, () => insertHeading(t.db, { areaId: other.village, name: `外村类别${n}`, sortOrder: 100, starDimension: null, blackList: false }, now())).id);
    },
    get cardOwn() {
      return once('cardOwn', () => card(own.household));
    },
    get cardOther() {
      return once('cardOther', () => card(other.household));
    },
    get passOwn() {
      return once('passOwn', () => pass(own.household));
    },
    get passOther() {
      return once('passOther', () => pass(other.household));
    },
    get listingOwn() {
      return once('listingOwn', () => listing(spare(own.village, '孙八'), own.village, own.by, 'proposed'));
    },
    get listingOther() {
      return once('listingOther', () => listing(other.household, other.village, other.by, 'proposed'));
    },
    get listedOwn() {
      return once('listedOwn', () => listing(spare(own.village, '赵六'), own.village, own.by, 'listed'));
    },
    get listedOther() {
      return once('listedOther', () => listing(spare(other.village, '钱七'), other.village, other.by, 'listed'));
    },
    boards: {
      get blackOwn() {
        return once('blackOwn', () => black(own.household, own.village));
      },
      get blackOther() {
        return once('blackOther', () => black(other.household, other.village));
      },
      get rectOwn() {
        return once('rectOwn', () => rect(own.household, own.village, own.by));
      },
      get rectOther() {
        return once('rectOther', () => rect(other.household, other.village, other.by));
      },
      get pubOwn() {
        return once('pubOwn', () => pub(own.village, own.by));
      },
      get pubOther() {
        return once('pubOther', () => pub(other.village, other.by));
      },
      get published() {
        return once('published', () => pub(own.village, own.by, 'approved'));
      },
    },
  };
}

/** Periods no other case uses: months, and years, counting back from June 2026. */
function nextMonth(): string {
  periods += 1;
  return new Date(Date.UTC(2026, 6 - periods, 1)).toISOString().slice(0, 7);
}
function nextYear(): string {
  periods += 1;
  return String(2026 - periods);
}

export async function send(t: TestApp, method: string, req: Req, cookie?: string) {
  if (req.raw) {
    const res = await t.app.request(req.path, { method, headers: { ...req.headers, ...(cookie ? { cookie } : {}) }, body: Uint8Array.from(req.raw) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  return call(t, method, req.path, { cookie, body: req.body ?? (method === 'GET' ? undefined : {}), headers: req.headers });
}
