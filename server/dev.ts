import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';

/** `npm run dev`: the API under tsx watch on PORT (3000), and Vite with hot reload on 5173 proxying /api to it. */
const root = resolve(import.meta.dirname, '..');
// As `npm start`: the demo county on an empty database, when the seeds are there (the server does not need them).
const entry = existsSync(join(root, 'seeds/start.ts')) ? 'seeds/start.ts' : 'server/main.ts';
const api = spawn(process.execPath, ['--import', 'tsx', '--watch', join(root, entry)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, JIFEN_NO_WEB: '1' },
});
const vite = await createServer({ configFile: join(root, 'vite.config.ts') });
await vite.listen();
vite.printUrls();

const stop = () => {
  api.kill('SIGTERM');
  void vite.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
api.on('exit', (code) => {
  if (code) console.error(`[dev] API exited with ${code}`);
});
