import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { seedDemoCounty } from '../../seeds/demo';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const shipped = (name: string) => ({ filename: name, contentBase64: readFileSync(new URL(`../../seeds/${name}`, import.meta.url)).toString('base64') });

describe('spreadsheets shipped in seeds/', () => {
  it('the demo roster imports cleanly into a new village: 40 households with their members', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const village = insertArea(t.db, { name: '清水村', kind: 'village', parentId: w.areas.townA.id, createdAt: 0 });
    insertArea(t.db, { name: '一组', kind: 'group', parentId: village.id, createdAt: 0 });
    insertArea(t.db, { name: '二组', kind: 'group', parentId: village.id, createdAt: 0 });
    const township = await login(t, 'township');
    const body = { villageId: village.id, file: shipped('roster-demo.xlsx') };
    const preview = await call(t, 'POST', '/api/imports/households/preview', { cookie: township, body });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toEqual({ total: 40, create: 40, update: 0, unchanged: 0, error: 0 });
    expect(preview.body.rows.some((r: { members: unknown[] }) => r.members.length >= 2)).toBe(true);
    const res = await call(t, 'POST', '/api/imports/households', { cookie: township, body });
    expect(res.body).toMatchObject({ create: 40 });
  });

  it('the demo roster and the hygiene sheet import as the demo cadre over the demo data', async () => {
    // The same moment make-roster.ts seeds with: June's inspection (around the 25th) is still to come.
    const t = makeTestApp('2026-06-15T02:00:00.000Z');
    await seedDemoCounty(t.db, { scryptN: 1024, now: t.clock.now });
    const cadre = await login(t, 'cadre', 'jifen123');
    const me = await call(t, 'GET', '/api/auth/me', { cookie: cadre });
    const villageId = me.body.user.areaId;
    const roster = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId, file: shipped('roster-demo.xlsx') } });
    expect(roster.body.counts).toMatchObject({ create: 40, error: 0 });

    const body = { villageId, occurredOn: '2026-06-14', file: shipped('hygiene-sheet-demo.xlsx') };
    const preview = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body });
    expect(preview.status).toBe(200);
    expect(preview.body.counts.error).toBe(0);
    expect(preview.body.counts.propose).toBeGreaterThan(50);
    const res = await call(t, 'POST', '/api/imports/awards', { cookie: cadre, body });
    expect(res.status).toBe(201);
    expect(res.body.batches).toHaveLength(2);
  });
});
