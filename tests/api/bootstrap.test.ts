import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { createApp } from '../../server/app';
import { bootstrapCounty, BootstrapRefused } from '../../server/cli/bootstrap';
import { testConfig } from '../support/app';

const dir = mkdtempSync(join(tmpdir(), 'jifen-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an installation without the demo', () => {
  it('refuses to start on an empty database without JIFEN_ADMIN_PASSWORD', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, JIFEN_DEMO: '0', JIFEN_DB: join(dir, 'empty.db'), JIFEN_NO_WEB: '1', JIFEN_ADMIN_PASSWORD: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('JIFEN_ADMIN_PASSWORD');
  });

  it('creates one county and an admin who can log in', async () => {
    const db = openDb({ file: join(dir, 'boot.db') });
    await bootstrapCounty(db, { adminPassword: 'correct horse battery', scryptN: 1024, countyName: '青山县' });
    const app = createApp({ db, config: testConfig });
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const areas = (await (await app.request('/api/areas', { headers: { cookie } })).json()) as { items: { name: string; kind: string }[] };
    expect(areas.items).toEqual([expect.objectContaining({ name: '青山县', kind: 'county' })]);
    db.$client.close();
  });

  it('is audited as the system, and a second run changes nothing', async () => {
    const db = openDb({ file: join(dir, 'twice.db') });
    await bootstrapCounty(db, { adminPassword: 'correct horse battery', scryptN: 1024 });
    await expect(bootstrapCounty(db, { adminPassword: 'another password 2', scryptN: 1024 })).rejects.toThrow(BootstrapRefused);
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 1 });
    expect(db.$client.prepare('SELECT action, actor_role AS role, actor_id AS actorId FROM audit_log ORDER BY id').all()).toEqual([
      { action: 'area.create', role: 'system', actorId: null },
      { action: 'user.create', role: 'system', actorId: null },
    ]);
    db.$client.close();
  });

  it('refuses an admin password shorter than 8 characters and writes nothing', async () => {
    const db = openDb({ file: ':memory:' });
    await expect(bootstrapCounty(db, { adminPassword: 'short', scryptN: 1024 })).rejects.toThrow(BootstrapRefused);
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM areas').get()).toEqual({ n: 0 });
  });
});
