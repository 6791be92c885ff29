import { describe, expect, it } from 'vitest';
import { insertAuditRow } from '../../db/audit/auditLog';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

describe('the audit log is read within the reader’s area', () => {
  it('a township admin sees its villages’ rows but not the other township’s; only the county sees rows about no area', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const row = (areaId: number | null, entityId: string) =>
      insertAuditRow(t.db, { actorId: null, actorRole: 'system', areaId, entity: 'probe', entityId, action: 'area.settings', before: null, after: null, ip: null, userAgent: null, createdAt: 1 });
    row(w.areas.villageA.id, 'east');
    row(w.areas.villageB.id, 'west');
    row(null, 'nowhere');
    const seen = async (who: string) => {
      const res = await call(t, 'GET', '/api/audit?entity=probe', { cookie: await login(t, who) });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(res.body.items.length);
      return res.body.items.map((i: { entityId: string }) => i.entityId).sort();
    };
    expect(await seen('township')).toEqual(['east']);
    expect(await seen('cadre')).toEqual(['east']);
    expect(await seen('othercadre')).toEqual(['west']);
    expect(await seen('county')).toEqual(['east', 'nowhere', 'west']);
  });

  it('masks a household’s ID number for a reviewer, and shows it to the cadre who registered it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const created = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '赵六', idNumber: '11010519491231002X', phone: '13812345678' } });
    expect(created.status).toBe(201);
    const read = async (cookie: string) => JSON.stringify((await call(t, 'GET', `/api/audit?entity=household&entityId=${created.body.id}`, { cookie })).body.items);
    expect(await read(cadre)).toContain('11010519491231002X');
    const reviewer = await read(await login(t, 'reviewer'));
    expect(reviewer).not.toContain('11010519491231002X');
    expect(reviewer).not.toContain('13812345678');
    expect(reviewer).toContain('household.create');
  });
});
