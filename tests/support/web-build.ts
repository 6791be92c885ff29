import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Builds the web app into `outDir` (a test's own temp directory) for a server started with `JIFEN_WEB_DIR`,
 * so a concurrent `npm start` or another test rebuilding dist/web cannot swap files under a running browser test.
 */
export async function buildWebInto(outDir: string): Promise<string> {
  const { build } = await import('vite');
  // What phones get: Vite keeps vitest's NODE_ENV=test and would build Vue for development otherwise.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}
