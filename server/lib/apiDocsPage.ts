import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AppEnv } from './http';

// Swagger UI's own files, served from here: no CDN, and the page's one script is a file too, so the CSP (script-src 'self') holds.
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' },
} as const;
const loaded = new Map<string, string>();

function asset(name: keyof typeof assets): string {
  let text = loaded.get(name);
  if (text === undefined) {
    // Without the source map comment the browser does not ask for a map this route does not serve.
    text = readFileSync(join(assetDir, assets[name].file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    loaded.set(name, text);
  }
  return text;
}

const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jifen API 接口文档</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  withCredentials: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

/** /api/docs: the API reference page over /api/openapi.json. */
export function serveApiDocs(app: Hono<AppEnv>): void {
  const cache = { 'Cache-Control': 'public, max-age=3600' };
  app.get('/api/docs', (c) => c.html(page));
  app.get('/api/docs/init.js', (c) => c.body(init, 200, { 'Content-Type': 'text/javascript; charset=utf-8', ...cache }));
  app.get('/api/docs/swagger-ui.css', (c) => c.body(asset('swagger-ui.css'), 200, { 'Content-Type': assets['swagger-ui.css'].type, ...cache }));
  app.get('/api/docs/swagger-ui-bundle.js', (c) => c.body(asset('swagger-ui-bundle.js'), 200, { 'Content-Type': assets['swagger-ui-bundle.js'].type, ...cache }));
}
