import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { homeFor, loadSession, session, type Role } from './modules/auth/use-session';

declare module 'vue-router' {
  interface RouteMeta {
    roles?: readonly Role[];
    public?: boolean;
    titleKey?: string;
  }
}

const managers: Role[] = ['county_admin', 'township_admin', 'village_cadre'];
const staffConsole: Role[] = [...managers, 'reviewer'];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: () => (session.user ? homeFor(session.user.role) : '/login') },
  { path: '/login', component: () => import('./modules/auth/AuthLoginPage.vue'), meta: { public: true, titleKey: 'auth.login' } },
  { path: '/board/:areaId?', component: () => import('./modules/public/PublicBoardPage.vue'), meta: { public: true, titleKey: 'nav.board' } },
  { path: '/public/areas/:id(\\d+)/:tab?', component: () => import('./modules/boards/PublicAreaBoardsPage.vue'), meta: { public: true, titleKey: 'boards.nav' } },
  { path: '/public/publications/:id(\\d+)', component: () => import('./modules/boards/PublicPublicationPage.vue'), meta: { public: true, titleKey: 'boards.nav' } },
  { path: '/public/proofs', component: () => import('./modules/proofs/PublicProofsPage.vue'), meta: { public: true, titleKey: 'proofs.pageTitle' } },
  { path: '/public/households/:id(\\d+)/stars', component: () => import('./modules/boards/PublicHouseholdStarsPage.vue'), meta: { public: true, titleKey: 'boards.kinds.stars' } },
  { path: '/me', component: () => import('./modules/households/HouseholdPhonePage.vue'), meta: { roles: ['household'], titleKey: 'me.title' } },
  { path: '/counter', component: () => import('./modules/counter/CounterPage.vue'), meta: { roles: ['clerk'], titleKey: 'counter.title' } },
  {
    path: '/console',
    component: () => import('./shell/ConsoleLayout.vue'),
    meta: { roles: [...staffConsole, 'clerk'] },
    children: [
      { path: '', redirect: () => (session.user ? homeFor(session.user.role) : '/login') },
      { path: 'households', component: () => import('./modules/households/HouseholdListPage.vue'), meta: { roles: staffConsole, titleKey: 'nav.households' } },
      { path: 'households/:id', component: () => import('./modules/households/HouseholdDetailPage.vue'), meta: { roles: staffConsole, titleKey: 'nav.households' } },
      { path: 'awards/new', component: () => import('./modules/awards/AwardSinglePage.vue'), meta: { roles: managers, titleKey: 'nav.awardSingle' } },
      { path: 'awards/batch', component: () => import('./modules/awards/AwardBatchPage.vue'), meta: { roles: managers, titleKey: 'nav.awardBatch' } },
      { path: 'review', component: () => import('./modules/awards/AwardReviewList.vue'), meta: { roles: staffConsole, titleKey: 'nav.review' } },
      { path: 'awards/:id(\\d+)', component: () => import('./modules/awards/AwardRecordPage.vue'), meta: { roles: staffConsole, titleKey: 'awardRecord.title' } },
      { path: 'credit', component: () => import('./modules/credit/CreditListPage.vue'), meta: { roles: staffConsole, titleKey: 'credit.nav' } },
      { path: 'rules', component: () => import('./modules/rules/RuleCatalogPage.vue'), meta: { roles: staffConsole, titleKey: 'nav.rules' } },
      { path: 'goods', component: () => import('./modules/goods/GoodsPage.vue'), meta: { roles: [...managers, 'clerk'], titleKey: 'nav.goods' } },
      { path: 'funds', component: () => import('./modules/funds/FundsStatementPage.vue'), meta: { roles: [...staffConsole, 'clerk'], titleKey: 'funds.nav' } },
      { path: 'users', component: () => import('./modules/users/UserListPage.vue'), meta: { roles: managers, titleKey: 'nav.users' } },
      { path: 'areas', component: () => import('./modules/areas/AreaListPage.vue'), meta: { roles: managers, titleKey: 'nav.areas' } },
      { path: 'boards', component: () => import('./modules/boards/BoardsConsolePage.vue'), meta: { roles: staffConsole, titleKey: 'boards.consoleTitle' } },
      { path: 'audit', component: () => import('./modules/audit/AuditLogPage.vue'), meta: { roles: managers, titleKey: 'nav.audit' } },
      { path: 'import', component: () => import('./modules/excel/ExcelImportPage.vue'), meta: { roles: managers, titleKey: 'excel.navImport' } },
      { path: 'exports', component: () => import('./modules/excel/ExcelExportPage.vue'), meta: { roles: [...staffConsole, 'clerk'], titleKey: 'excel.navExport' } },
      { path: 'dashboard', component: () => import('./modules/dashboard/DashboardPage.vue'), meta: { roles: staffConsole, titleKey: 'dashboard.nav' } },
    ],
  },
  { path: '/:pathMatch(.*)*', component: () => import('./shell/NotFoundPage.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory(), routes });

// Set while this browser holds a session (one is written at login, cleared at logout or a 401), so a
// visitor who never signed in is not asked for one: no /api/auth/me and no 401 on every public visit.
const SIGNED_IN_HINT = 'jifen.signedIn';

function hinted(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === '1';
  } catch {
    return false;
  }
}

export function remember(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1');
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Private mode without storage: every visit asks, as before.
  }
}

let sessionRequest: Promise<unknown> | null = null;
function ensureSession(): Promise<unknown> {
  sessionRequest ??= loadSession().finally(() => {
    sessionRequest = null;
  });
  return sessionRequest;
}

/** Starts fetching the page's code while the session is being asked for, instead of after. */
function prefetchPage(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    const component = record.components?.default;
    if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => undefined);
  }
}

router.beforeEach(async (to) => {
  if (to.meta.public && to.path !== '/login') {
    // Public pages never wait for the session; one kept from an earlier visit is picked up meanwhile.
    if (!session.loaded && hinted()) void ensureSession();
    return true;
  }
  if (!session.loaded) {
    if (to.path === '/login' && !hinted()) {
      // Not signed in here as far as we know: show the form at once, and move on if a session turns up after all.
      void ensureSession().then(() => {
        if (session.user && router.currentRoute.value.path === '/login') void router.replace(homeFor(session.user.role));
      });
      return true;
    }
    prefetchPage(to);
    await ensureSession();
  }
  remember(session.user !== null);
  if (to.path === '/login' && session.user) return homeFor(session.user.role);
  if (to.meta.public) return true;
  const user = session.user;
  if (!user) return { path: '/login', query: { next: to.fullPath } };
  // The deepest matched record decides who may enter.
  const allowed = [...to.matched].reverse().find((r) => r.meta.roles)?.meta.roles;
  if (allowed && !allowed.includes(user.role)) return homeFor(user.role);
  return true;
});
