import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { households } from '../../db/schema';
import { makeTestApp } from '../support/app';
import { call, grantPoints, makeHousehold, makeWorld } from '../support/factories';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const a = w.areas;
  const second = makeHousehold(t.db, a.villageA2.id, { headName: '王五' });
  const third = makeHousehold(t.db, a.villageA.id, { headName: '赵六' });
  const outsider = w.otherHousehold;
  grantPoints(t.db, w.household.id, a.villageA.id, 30);
  grantPoints(t.db, second.id, a.villageA2.id, 50);
  grantPoints(t.db, third.id, a.villageA.id, 30);
  grantPoints(t.db, outsider.id, a.villageB.id, 90);
  return { t, w, second, third, outsider };
}

const rankOf = (t: ReturnType<typeof makeTestApp>, id: number, period = '2026') => call(t, 'GET', `/api/public/households/${id}/rank?period=${period}`);

describe('a household rank', () => {
  it('counts only households of its own township, ties sharing a rank', async () => {
    const { t, w, second, third } = await setup();
    expect((await rankOf(t, second.id)).body).toMatchObject({ rank: 1, score: 50, ranked: 3, townshipId: w.areas.townA.id });
    expect((await rankOf(t, w.household.id)).body).toMatchObject({ rank: 2, score: 30, ranked: 3 });
    expect((await rankOf(t, third.id)).body).toMatchObject({ rank: 2, score: 30, ranked: 3 });
  });

  it('has no rank in a period without conduct points', async () => {
    const { t, w } = await setup();
    expect((await rankOf(t, w.household.id, '2025')).body).toMatchObject({ rank: null, score: 0, ranked: 0 });
  });

  it('is 404 for an unknown household and 400 for a malformed period', async () => {
    const { t, w } = await setup();
    expect((await rankOf(t, 999_999)).status).toBe(404);
    const bad = await rankOf(t, w.household.id, '26');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid');
  });

  it('shows no name', async () => {
    const { t, w } = await setup();
    expect(JSON.stringify((await rankOf(t, w.household.id)).body)).not.toContain('张');
  });
});

describe('a cached leaderboard', () => {
  const board = async (t: ReturnType<typeof makeTestApp>, areaId: number) =>
    (await call(t, 'GET', `/api/public/areas/${areaId}/leaderboard?period=2026`)).body as { items: { name: string; points: number }[] };

  it('shows new ledger postings at once', async () => {
    const { t, w, second } = await setup();
    expect((await board(t, w.areas.townA.id)).items[0].points).toBe(50);
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 40);
    const after = await board(t, w.areas.townA.id);
    expect(after.items[0]).toMatchObject({ points: 70 });
    expect(after.items.map((i) => i.points)).toEqual([70, 50, 30]);
    expect(second.id).toBeGreaterThan(0);
  });

  it('shows a renamed household at once', async () => {
    const { t, w, second } = await setup();
    expect((await board(t, w.areas.townA.id)).items[0].name).toBe('王*');
    t.db.update(households).set({ headName: '孙七' }).where(eq(households.id, second.id)).run();
    expect((await board(t, w.areas.townA.id)).items[0].name).toBe('孙*');
  });
});
