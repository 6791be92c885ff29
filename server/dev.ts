import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';

/** `npm run dev`: the API under tsx watch on PORT (3000), and Vite with hot reload on 5173 proxying /api to it. */
const root = resolve(import.meta.dirname, '..');
const api = spawn(process.execPath, ['--import', 'tsx', '--watch', join(root, 'server/main.ts')], {
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
