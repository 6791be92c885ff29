import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupAlive, startServer } from './server-process';

describe('a server started by a test', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'jifen-server-process-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers over HTTP, and after stop() nothing of its process group runs or listens', async () => {
    const server = await startServer({
      env: { JIFEN_DB: join(tmp, 'db.sqlite'), JIFEN_NO_WEB: '1', JIFEN_DEMO: '0', JIFEN_ADMIN_PASSWORD: 'admin-password-1' },
    });
    try {
      expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
      expect(groupAlive(server.pid)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(groupAlive(server.pid)).toBe(false);
    await expect(fetch(`${server.base}/api/health`)).rejects.toThrow();
    // Stopping twice is harmless (teardown after a failed start, for one).
    await server.stop();
  }, 60_000);
});
