import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const ID = '11010519491231002X';

describe('household writes decided inside their transaction', () => {
  it('twenty parallel registrations with one ID number make one household; the others answer 409 id_number_taken', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '赵六', doorNo: `${i}号`, idNumber: ID } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'id_number_taken')).toHaveLength(19);
    const list = await call(t, 'GET', '/api/households?q=赵六', { cookie: cadre });
    expect(list.body.total).toBe(1);
  });

  it('an ID number held in another village is refused with the same answer wherever it is, on update as on create', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const other = await call(t, 'POST', '/api/households', { cookie: await login(t, 'othercadre'), body: { villageId: w.areas.villageB.id, headName: '钱七', idNumber: ID } });
    expect(other.status).toBe(201);
    const cadre = await login(t, 'cadre');
    const create = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '孙八', idNumber: ID } });
    const update = await call(t, 'PATCH', `/api/households/${w.household.id}`, { cookie: cadre, body: { idNumber: ID } });
    expect(create.status).toBe(409);
    expect(update.status).toBe(409);
    expect(create.body.error.message).toBe(update.body.error.message);
    expect(create.body.error.message).not.toContain('本村');
  });

  it('a cadre cannot edit, recategorise or add members to a household of another village: 404 as for none', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const id = w.otherHousehold.id;
    const edits = [
      await call(t, 'PATCH', `/api/households/${id}`, { cookie: cadre, body: { headName: '改名' } }),
      await call(t, 'POST', `/api/households/${id}/category`, { cookie: cadre, body: { category: 'dibao', validFrom: '2026-06-01', reason: '试' } }),
      await call(t, 'POST', `/api/households/${id}/members`, { cookie: cadre, body: { name: '王五' } }),
    ];
    for (const e of edits) expect(e.status).toBe(404);
    const household = await call(t, 'GET', `/api/households/${id}`, { cookie: await login(t, 'county') });
    expect(household.body.headName).toBe('李四');
    expect(household.body.category).toBe('general');
    expect(household.body.members).toHaveLength(0);
  });

  it('renaming the head renames the head member and is audited with the row as it was', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const created = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '周九' } });
    const renamed = await call(t, 'PATCH', `/api/households/${created.body.id}`, { cookie: cadre, body: { headName: '周十' } });
    expect(renamed.status).toBe(200);
    const page = await call(t, 'GET', `/api/households/${created.body.id}`, { cookie: cadre });
    expect(page.body.members.find((m: { relation: string }) => m.relation === 'head').name).toBe('周十');
    const audit = await call(t, 'GET', `/api/audit?entity=household&entityId=${created.body.id}&action=household.update`, { cookie: cadre });
    expect(audit.body.items[0].before.headName).toBe('周九');
    expect(audit.body.items[0].after.headName).toBe('周十');
  });
});
