import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cacheDir, root } from './data';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export interface PageWeight {
  page: string;
  gzipKb: number;
  files: { file: string; gzipKb: number }[];
}

/**
 * Builds the web app with the shared vite config plus a manifest (bench-only override), then sums
 * the gzip size of the JS and CSS a page loads on first view: the entry, the page's chunk and their
 * static imports. Dynamic imports (loaded later, e.g. the QR decoder) are not counted.
 */
export async function webWeights(pages: Record<string, string>): Promise<PageWeight[]> {
  const outDir = join(cacheDir, 'web');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { manifest: true, outDir, emptyOutDir: true } });
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entryKey) throw new Error('no entry in the Vite manifest');
  const gz = new Map<string, number>();
  const sizeOf = (file: string) => {
    let n = gz.get(file);
    if (n === undefined) gz.set(file, (n = gzipSync(readFileSync(join(outDir, file))).length / 1024));
    return n;
  };
  const closure = (key: string, files: Set<string>) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imp of chunk.imports ?? []) closure(imp, files);
  };
  return Object.entries(pages).map(([page, src]) => {
    if (!manifest[src]) throw new Error(`${src} is not a chunk of the web build`);
    const files = new Set<string>();
    closure(entryKey, files);
    closure(src, files);
    const list = [...files].filter((f) => /\.(js|css)$/.test(f) && existsSync(join(outDir, f))).map((file) => ({ file, gzipKb: sizeOf(file) }));
    list.sort((a, b) => b.gzipKb - a.gzipKb);
    return { page, gzipKb: list.reduce((s, f) => s + f.gzipKb, 0), files: list };
  });
}
