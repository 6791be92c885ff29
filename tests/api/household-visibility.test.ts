import { describe, expect, it } from 'vitest';
import { withIdChecksum } from '../../server/lib/identity';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeUser, makeWorld } from '../support/factories';

const OWN = { memberName: '张小明', note: '本户自己的说明' };
const SECRETS = { memberName: '王秘密', note: '私下说明：家里有困难', rejectReason: '证据不足，另有隐情' };

/** Village A with two households that log in, and awards of the neighbour in every status. */
async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const county = await login(t, 'county');
  await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 3 } });
  const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '赵大宝', doorNo: '18号' });
  await makeUser(t.db, 'household', w.areas.villageA.id, { username: 'neighbour', householdId: neighbour.id });
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const propose = async (householdId: number, text = { memberName: SECRETS.memberName, note: SECRETS.note }) => {
    const r = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId, ruleId: w.rule.id, occurredOn: '2026-06-10', ...text } });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  const pending = await propose(neighbour.id);
  const rejected = await propose(neighbour.id);
  expect((await call(t, 'POST', `/api/awards/${rejected}/reject`, { cookie: reviewer, body: { reason: SECRETS.rejectReason } })).status).toBe(200);
  const onNotice = await propose(neighbour.id);
  expect((await call(t, 'POST', `/api/awards/${onNotice}/approve`, { cookie: reviewer })).body.status).toBe('notice');
  const posted = await propose(neighbour.id);
  await call(t, 'POST', `/api/awards/${posted}/approve`, { cookie: reviewer });
  // On the app's database: on PostgreSQL the award exists only there (the app made it).
  await t.sql.run(`UPDATE awards SET status = 'posted', notice_ends_at = NULL WHERE id = ?`, [posted]);
  const mine = await propose(w.household.id, OWN);
  return { t, w, neighbour, cadre, reviewer, county, ids: { pending, rejected, onNotice, posted, mine }, household: await login(t, 'household') };
}

describe('a household reading awards', () => {
  it('sees its own award in full', async () => {
    const { t, ids, household } = await setup();
    const r = await call(t, 'GET', `/api/awards/${ids.mine}`, { cookie: household });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids.mine, ...OWN, status: 'pending' });
  });

  it.each(['pending', 'rejected', 'posted'] as const)('gets 404 for a neighbour’s %s award, as for one that does not exist', async (which) => {
    const { t, ids, household } = await setup();
    const r = await call(t, 'GET', `/api/awards/${ids[which]}`, { cookie: household });
    const missing = await call(t, 'GET', '/api/awards/999999', { cookie: household });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { ...missing.body.error, requestId: expect.any(String) } });
  });

  it('sees a neighbour’s award on notice only as the public notice shows it', async () => {
    const { t, w, ids, household } = await setup();
    const r = await call(t, 'GET', `/api/awards/${ids.onNotice}`, { cookie: household });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['id', 'myObjection', 'name', 'noticeEndsAt', 'objectionCounts', 'occurredOn', 'points', 'quantity', 'rule', 'status', 'villageId'].sort());
    expect(r.body).toMatchObject({ id: ids.onNotice, name: '赵*宝', rule: w.rule.name, points: 5, status: 'notice', myObjection: null, objectionCounts: { open: 0, upheld: 0, dismissed: 0 } });
    // The same item on the public notice board, field for field.
    const board = await call(t, 'GET', `/api/public/areas/${w.areas.villageA.id}/notices`);
    const item = board.body.villages[0].items.find((i: { awardId: number }) => i.awardId === ids.onNotice);
    expect(item).toMatchObject({ name: r.body.name, rule: r.body.rule, points: r.body.points, quantity: r.body.quantity, occurredOn: r.body.occurredOn, noticeEndsAt: r.body.noticeEndsAt });

    // It may object, and then sees its own objection, never anyone else's.
    const neighbour = await login(t, 'neighbour');
    const mine = await call(t, 'POST', `/api/awards/${ids.onNotice}/objections`, { cookie: household, body: { reason: '不属实' } });
    expect(mine.status).toBe(201);
    const after = await call(t, 'GET', `/api/awards/${ids.onNotice}`, { cookie: household });
    expect(after.body).toMatchObject({ myObjection: { status: 'open' }, objectionCounts: { open: 1 } });
    // The award's own household sees it in full, with the objection's reason withheld.
    const own = await call(t, 'GET', `/api/awards/${ids.onNotice}`, { cookie: neighbour });
    expect(own.body).toMatchObject({ memberName: SECRETS.memberName, objections: [{ reason: null, mine: false }] });
  });

  it('finds none of the neighbour’s private text through any award route', async () => {
    const { t, w, neighbour, ids, household } = await setup();
    const bodies: unknown[] = [];
    for (const id of Object.values(ids)) if (id !== ids.mine) bodies.push((await call(t, 'GET', `/api/awards/${id}`, { cookie: household })).body);
    for (const q of ['', '?status=notice', '?status=rejected', `?householdId=${neighbour.id}`, `?villageId=${w.areas.villageA.id}`]) {
      const list = await call(t, 'GET', `/api/awards${q}`, { cookie: household });
      expect(list.status).toBe(200);
      for (const item of list.body.items) expect(item.householdId).toBe(w.household.id);
      bodies.push(list.body);
    }
    const text = JSON.stringify(bodies);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain('赵大宝');
    expect((await call(t, 'GET', '/api/objections', { cookie: household })).status).toBe(403);
  });

  it('cannot read a neighbour’s household, ledger, redemptions or stars', async () => {
    const { t, neighbour, household } = await setup();
    for (const path of [`/api/households/${neighbour.id}`, `/api/households/${neighbour.id}/ledger`, `/api/boards/stars/household/${neighbour.id}`]) {
      expect((await call(t, 'GET', path, { cookie: household })).status).toBe(404);
    }
    const redemptions = await call(t, 'GET', `/api/redemptions?householdId=${neighbour.id}`, { cookie: household });
    expect(redemptions.body.items).toEqual([]);
  });
});

describe('personal numbers in the audit log', () => {
  async function withPersonalData() {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const idNumber = withIdChecksum('43072119750315002');
    const memberId = withIdChecksum('43072120010101003');
    const created = await call(t, 'POST', '/api/households', {
      cookie: cadre,
      body: { villageId: w.areas.villageA.id, headName: '钱多多', phone: '13912345678', idNumber, members: [{ name: '钱小小', relation: 'child', idNumber: memberId, phone: '13700001111' }] },
    });
    expect(created.status).toBe(201);
    expect((await call(t, 'PATCH', `/api/households/${created.body.id}`, { cookie: cadre, body: { phone: '13698765432' } })).status).toBe(200);
    return { t, w, cadre, householdId: created.body.id as number, numbers: [idNumber, memberId, '13912345678', '13700001111', '13698765432'] };
  }

  it('are masked for a reviewer exactly as the household page masks them', async () => {
    const { t, householdId, numbers } = await withPersonalData();
    const reviewer = await login(t, 'reviewer');
    const audit = await call(t, 'GET', '/api/audit?entity=household&limit=50', { cookie: reviewer });
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(audit.body);
    for (const n of numbers) expect(text).not.toContain(n);
    const page = await call(t, 'GET', `/api/households/${householdId}`, { cookie: reviewer });
    const create = audit.body.items.find((i: { action: string }) => i.action === 'household.create');
    const update = audit.body.items.find((i: { action: string }) => i.action === 'household.update');
    expect(create.after.idNumber).toBe(page.body.idNumber);
    expect(update.before.phone).toBe('139****5678');
    expect(update.after.phone).toBe(page.body.phone);
    expect(create.after.members.find((m: { name: string }) => m.name === '钱小小')).toMatchObject({ phone: '137****1111', idNumber: page.body.members.find((m: { name: string }) => m.name === '钱小小').idNumber });
    // Everything that is not a personal number is left as it was.
    expect(create.after.headName).toBe('钱多多');
  });

  it('are shown in full to the cadre, who sees them on the household too', async () => {
    const { t, cadre, numbers } = await withPersonalData();
    const text = JSON.stringify((await call(t, 'GET', '/api/audit?entity=household&limit=50', { cookie: cadre })).body);
    for (const n of numbers) expect(text).toContain(n);
  });

  it('are masked inside free text too', async () => {
    const { t, w } = await withPersonalData();
    const county = await login(t, 'county');
    const idNumber = withIdChecksum('43072119750315002');
    const adj = await call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 5, reason: `核对身份证 ${idNumber}，电话13912345678` } });
    expect(adj.status).toBe(201);
    const reviewer = await login(t, 'reviewer');
    const audit = await call(t, 'GET', '/api/audit?action=ledger_entry.adjust', { cookie: reviewer });
    expect(audit.body.items[0].after.reason).toBe(`核对身份证 430***********${idNumber.slice(-4)}，电话139****5678`);
  });
});
