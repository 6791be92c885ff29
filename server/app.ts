import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError, NotFound } from './lib/errors';
import type { AppDeps, AppEnv } from './lib/http';
import { serveApiDocs } from './lib/apiDocsPage';
import { compressJson } from './lib/compress';
import { idempotency } from './lib/idempotency';
import { onError, requestIds } from './lib/onError';
import { openApiDocument } from './lib/openapi';
import { preparedFastPath } from './lib/preparedJson';
import { securityHeaders } from './lib/securityHeaders';
import { sessionMiddleware } from './lib/session';
import { areaRoutes } from './modules/areas/routes';
import { auditRoutes } from './modules/audit/routes';
import { authRoutes } from './modules/auth/routes';
import { awardRoutes } from './modules/awards/routes';
import { counterRoutes } from './modules/counter/routes';
import { creditRoutes } from './modules/credit/routes';
import { dashboardRoutes } from './modules/dashboard/routes';
import { evidenceRoutes } from './modules/evidence/routes';
import { fundRoutes } from './modules/funds/routes';
import { excelRoutes } from './modules/excel/routes';
import { goodsRoutes } from './modules/goods/routes';
import { householdRoutes } from './modules/households/routes';
import { integrityRoutes } from './modules/integrity/routes';
import { ledgerRoutes } from './modules/ledger/routes';
import { publicRoutes } from './modules/public/routes';
import { boardRoutes } from './modules/boards/routes';
import { boardPublicRoutes } from './modules/boards/publicRoutes';
import { printRoutes } from './modules/boards/print/routes';
import { proofRoutes } from './modules/proofs/routes';
import { publicRateLimit, timeBudget } from './lib/rateLimit';
import { ruleRoutes } from './modules/rules/routes';
import { headingRoutes } from './modules/rules/headingRoutes';
import { systemRoutes } from './modules/system/routes';
import { userRoutes } from './modules/users/routes';
import { serveWeb } from './web';

const MAX_BODY_BYTES = 1024 * 1024;

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The one mutation that is not JSON: a photo upload sends the image itself (no base64 inflation) and
 * has its own size limit. Still same-origin checked; and no cross-site form can send an image/* body,
 * while a cross-site fetch with one needs a CORS preflight this server never grants.
 */
const isPhotoUpload = (method: string, path: string) => method === 'POST' && path === '/api/evidence';

/** Builds the whole HTTP app over the given dependencies; tests call it with an in-memory database. */
export function createApp(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    .route('/', systemRoutes)
    .route('/', authRoutes)
    .route('/', areaRoutes)
    .route('/', userRoutes)
    .route('/', householdRoutes)
    .route('/', ruleRoutes)
    .route('/', headingRoutes)
    .route('/', awardRoutes)
    .route('/', ledgerRoutes)
    .route('/', goodsRoutes)
    .route('/', counterRoutes)
    .route('/', auditRoutes)
    .route('/', publicRoutes)
    .route('/', boardRoutes)
    .route('/', boardPublicRoutes)
    .route('/', integrityRoutes)
    .route('/', excelRoutes)
    .route('/', dashboardRoutes)
    .route('/', creditRoutes)
    .route('/', evidenceRoutes)
    .route('/', fundRoutes)
    .route('/', proofRoutes);

  const app = new Hono<AppEnv>();
  app.onError(onError);
  const publicLimit = publicRateLimit(deps.config.publicRateLimitPerMinute, undefined, deps.db);
  app.use('*', requestIds);
  app.use('*', securityHeaders);
  app.use('/api/*', compressJson);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('actor', null);
    await next();
  });
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, 'payload_too_large', '请求内容过大');
    },
  });
  // Only requests that may carry a body: on a GET, looking at the body builds a whole Request object (~6% of a public board).
  app.use('/api/*', (c, next) => (mutating.has(c.req.method) && !isPhotoUpload(c.req.method, c.req.path) ? limitBody(c, next) : next()));
  // Mutations are JSON only and same-origin: a form post from another site cannot ride on the cookie.
  app.use('/api/*', async (c, next) => {
    if (mutating.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin) {
        const host = c.req.header('host');
        let originHost: string | null = null;
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = null;
        }
        if (!host || originHost !== host) throw new AppError(403, 'bad_origin', '请求来源不被允许');
      }
      // Forms a foreign page can send cross-site always carry a non-JSON content type.
      const type = c.req.header('content-type');
      const declaredLength = Number(c.req.header('content-length') ?? '0');
      const nonJson = type ? !type.toLowerCase().startsWith('application/json') : declaredLength > 0;
      if (nonJson && !(isPhotoUpload(c.req.method, c.req.path) && type?.toLowerCase().startsWith('image/'))) {
        throw new AppError(415, 'unsupported_media_type', '请求内容必须是 JSON');
      }
    }
    await next();
  });
  // Public boards never look at who is asking, so they skip the session lookup.
  const session = sessionMiddleware();
  app.use('/api/*', (c, next) => (c.req.path.startsWith('/api/public/') ? next() : session(c, next)));
  // After the session (keys are per user); redemptions keep their answer inside their own transaction.
  // A photo upload is idempotent by itself (content-addressed); its body is an image, not a form to fingerprint.
  app.post('/api/*', idempotency({ skip: (path) => path === '/api/redemptions' || path === '/api/evidence' }));
  app.use('/api/public/*', publicLimit.middleware);
  app.use('/print/*', publicLimit.middleware);
  // Live boards are computed on every request (~15 ms for a county of 9,000 households): at most half of each second, for all visitors together.
  app.use('/api/public/areas/:id/live/*', timeBudget());

  const routes = app.route('/api', api);

  const document = openApiDocument(app);
  app.get('/api/openapi.json', async (c) => c.json(await document()));
  serveApiDocs(app);
  app.all('/api/*', () => {
    throw new NotFound('接口不存在');
  });
  app.route('/print', printRoutes);
  if (deps.webRoot) serveWeb(app, deps.webRoot);
  // Ahead of routing: a whole village scanning a poster's QR gets the prepared board without the app's ~200 routes.
  const fast = preparedFastPath(deps, publicLimit);
  const appFetch = app.fetch;
  app.fetch = (req, env, ctx) => {
    const served = fast(req, env);
    return served ? served.then((res) => res ?? appFetch(req, env, ctx)) : appFetch(req, env, ctx);
  };
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
