import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  define: {
    // vue-i18n feature flags: keep the JIT message compiler, drop the legacy API and devtools from the bundle.
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
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
