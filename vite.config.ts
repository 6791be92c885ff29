import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

/**
 * Writes a .br and a .gz beside every text asset of the build (once, at the highest levels), so the
 * server sends phones on bad signal a fraction of the bytes without compressing per request.
 */
function precompress(): Plugin {
  let dir = outDir;
  return {
    name: 'jifen-precompress',
    apply: 'build',
    configResolved(config) {
      dir = config.build.outDir;
    },
    closeBundle(error?: Error) {
      // On a failed build there is nothing to compress, and throwing here would hide the build's own error.
      if (error || !existsSync(dir)) return;
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
      for (const file of walk(dir)) {
        if (!/\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/.test(file) || file.includes('/.vite/')) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
        const gz = gzipSync(raw, { level: 9 });
        if (br.length < raw.length) writeFileSync(`${file}.br`, br);
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

/**
 * The web only asks whether a code is one of the server's (web/src/api/client.ts): it gets the codes' names, not
 * the catalogue with its Chinese and English texts (~2 KB gzip less on every page). Type checks still read the
 * real file; an import of anything else from it fails the build.
 */
function errorCodeNames(): Plugin {
  const file = fileURLToPath(new URL('./server/lib/errorCodes.ts', import.meta.url));
  return {
    name: 'jifen-error-code-names',
    enforce: 'pre',
    load(id) {
      if (id !== file) return null;
      // Read from the text (the config cannot import a .ts file without an extension warning): one `code: { status: … }` a line.
      const text = readFileSync(file, 'utf8');
      const errorCodes = [...text.matchAll(/^ {2}([a-z][a-z0-9_]*): \{ status: \d{3},/gm)].map((m) => m[1]);
      const entries = (text.match(/\{ status: \d{3},/g) ?? []).length;
      if (errorCodes.length < 10 || errorCodes.length !== entries) throw new Error(`jifen-error-code-names: read ${errorCodes.length} codes of ${entries} in ${file}`);
      return `const codes = new Set(${JSON.stringify(errorCodes)});\nexport const errorCodes = [...codes];\nexport function isErrorCode(value) {\n  return typeof value === 'string' && codes.has(value);\n}\n`;
    },
  };
}

/**
 * Small helpers the phone and public pages share: list paging, formatting, the submit cycle's key, the API wrappers they
 * call, the counter's cart rules (also the card dialog's digit grouping), the phone pages' header, the language switch.
 */
const SHARED = /[\\/]web[\\/]src[\\/](ui[\\/](format|use-paged|use-idempotent-submit)\.ts|modules[\\/](public|goods|awards|boards|households|ledger)[\\/]use-[^\\/]+\.ts|modules[\\/]counter[\\/]cart\.ts|shell[\\/](LocaleSwitch|PhoneShell)\.vue)|plugin-vue:export-helper/;
let entryGraph: Set<string> | null = null;

/** Whether a module is in the entry's static graph (index.html → main.ts …): those stay in the entry chunk. */
function inEntry(id: string, ctx: { getModuleInfo(id: string): { importedIds: readonly string[] } | null }): boolean {
  if (!entryGraph) {
    entryGraph = new Set();
    const stack = [...(ctx.getModuleInfo(join(root, 'index.html'))?.importedIds ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (entryGraph.has(next)) continue;
      entryGraph.add(next);
      stack.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
    }
  }
  return entryGraph.has(id);
}

export default defineConfig({
  root,
  base: '/',
  plugins: [
    vue(),
    // The two message files are compiled at build time, so phones get vue-i18n's runtime without its message
    // compiler (~20 KB gzip less on every page). Only these files: the plugin treats an included .ts as messages.
    VueI18nPlugin({
      include: [join(root, 'src/i18n/zh-CN.ts'), join(root, 'src/i18n/en.ts')],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
    }),
    errorCodeNames(),
    precompress(),
    { name: 'jifen-entry-graph-reset', buildStart: () => void (entryGraph = null) },
  ],
  define: {
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    // Cheap counter phones on bad signal: no source maps shipped, chunks per route.
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    // The server reads it to tell a phone, with the first HTML, which chunks its page will need (server/web.ts).
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // The libraries every page runs (Vue, its router and i18n runtime, the bundler's own runtime and helpers) in
              // one request: left alone they came as up to four, some under 1 KB, each a 400 ms round trip on the phone.
              debugName: 'vendor',
              name: (id, ctx) => (/[\\/]node_modules[\\/]|^\0/.test(id) && inEntry(id, ctx) ? 'vendor' : null),
              includeDependenciesRecursively: false,
            },
            {
              // One request for the helpers instead of eight tiny chunks: on HTTP/1.1 each held one of the phone's six
              // connections for a 400 ms round trip before the page could show.
              debugName: 'shared',
              name: (id, ctx) => (SHARED.test(id) && !inEntry(id, ctx) ? 'shared' : null),
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // Same host header as the page so the server's same-origin check on mutations passes.
    proxy: {
      '/api': { target: 'http://localhost:3000' },
      '/print': { target: 'http://localhost:3000' },
    },
  },
});
