import { beforeEach, describe, expect, it } from 'vitest';
import { checkConsistency, verifyBoard, verifyCheckpoint, verifyHouseholdProofs, verifyVillage, type PublicApi } from '../../server/lib/publicVerify';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';
import { appApi, tamperedApi } from './support';

type World = Awaited<ReturnType<typeof makeWorld>>;
let t: TestApp;
let w: World;
let admin: string;

beforeEach(async () => {
  t = makeTestApp('2026-06-15T02:00:00.000Z');
  w = await makeWorld(t);
  admin = await login(t, 'county');
});

async function checkpointNow(): Promise<number> {
  const made = await call(t, 'POST', '/api/checkpoints', { cookie: admin, body: { countyId: w.areas.county.id } });
  expect(made.status).toBe(201);
  return made.body.id as number;
}

function post(n: number, villageId = w.areas.villageA.id) {
  const h = villageId === w.areas.villageB.id ? w.otherHousehold : w.household;
  for (let i = 0; i < n; i++) grantPoints(t.db, h.id, villageId, 1 + (i % 5));
}

describe('the public verifier against the real routes', () => {
  it('verifies the latest checkpoint and every village from public answers only', async () => {
    post(7);
    post(3, w.areas.villageB.id);
    await checkpointNow();
    const api = appApi(t);
    const cp = await verifyCheckpoint(api, 'latest', w.areas.county.id);
    expect(cp.firstFailure).toBeUndefined();
    expect(cp.ok).toBe(true);
    expect(cp.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['signature', 'checkpoint hash', 'county root']));
    for (const v of cp.checkpoint!.body.villages) {
      const progress: number[] = [];
      const vr = await verifyVillage(api, v.villageId, cp.checkpoint!, (done) => progress.push(done));
      expect(vr.firstFailure, `village ${v.villageName}`).toBeUndefined();
      expect(vr.village!.entries).toHaveLength(v.treeSize);
      if (v.treeSize) expect(progress.at(-1)).toBe(v.treeSize * 2);
    }
    expect(api.calls.every((p) => p.startsWith('/public/'))).toBe(true);
  });

  it('names the village and seq of an entry whose public fields the server changed', async () => {
    post(4);
    await checkpointNow();
    const api = tamperedApi(appApi(t), (path, body) => {
      if (!path.startsWith(`/public/villages/${w.areas.villageA.id}/ledger`)) return body;
      const page = body as { entries: Array<{ seq: number; points: number; conductPoints: number }> };
      for (const e of page.entries) if (e.seq === 3) e.points = e.conductPoints = 500;
      return page;
    });
    const cp = await verifyCheckpoint(api, 'latest', w.areas.county.id);
    const vr = await verifyVillage(api, w.areas.villageA.id, cp.checkpoint!);
    expect(vr.ok).toBe(false);
    expect(vr.firstFailure).toMatchObject({ villageId: w.areas.villageA.id, seq: 3 });
    expect(vr.firstFailure!.what).toContain('public fields');
  });

  it('refuses a checkpoint whose served body was changed or whose signature is not the key’s', async () => {
    post(2);
    const id = await checkpointNow();
    const changed = await verifyCheckpoint(
      tamperedApi(appApi(t), (path, body) => (path.startsWith('/public/checkpoints/') ? { ...(body as object), body: { ...(body as { body: object }).body, countyName: '别的县' } } : body)),
      id,
    );
    expect(changed.ok).toBe(false);
    expect(changed.firstFailure!.what).toContain('signature');
    const garbage = await verifyCheckpoint(tamperedApi(appApi(t), (path, body) => (path.startsWith('/public/checkpoints/') ? { ...(body as object), signature: 'not base64!' } : body)), id);
    expect(garbage.ok).toBe(false);
    const hostile = await verifyCheckpoint(tamperedApi(appApi(t), () => ({ items: 'nope' })), id);
    expect(hostile.ok).toBe(false);
    expect(hostile.firstFailure!.what).toContain('unexpected answer');
  });

  it('refuses a key other than the trusted fingerprint', async () => {
    post(1);
    const id = await checkpointNow();
    const r = await verifyCheckpoint(appApi(t), id, undefined, { trustedFingerprint: 'ab'.repeat(16) });
    expect(r.ok).toBe(false);
    expect(r.firstFailure!.what).toContain('not the trusted');
  });

  it('accepts a later checkpoint that extends an earlier one and checks each village’s consistency proof', async () => {
    post(5);
    const first = await verifyCheckpoint(appApi(t), await checkpointNow());
    post(9);
    post(2, w.areas.villageB.id);
    t.clock.advance(86_400_000);
    const second = await verifyCheckpoint(appApi(t), await checkpointNow());
    const api = appApi(t);
    const r = await checkConsistency(api, first.checkpoint!, second.checkpoint!);
    expect(r.firstFailure).toBeUndefined();
    expect(api.calls.some((p) => p.includes('/proof/consistency?from=5&to=14'))).toBe(true);
    // The other way round is refused: the ledger cannot shrink.
    const back = await checkConsistency(api, second.checkpoint!, first.checkpoint!);
    expect(back.ok).toBe(false);
  });

  it('verifies a household’s own entries against the latest checkpoint, newer ones pending', async () => {
    post(3);
    await checkpointNow();
    post(2);
    const cookie = await login(t, 'household');
    const r = await verifyHouseholdProofs(appApi(t, cookie), w.household.id);
    expect(r.firstFailure, JSON.stringify(r.firstFailure)).toBeUndefined();
    expect(r.proven).toBeGreaterThanOrEqual(3);
    expect(r.pending).toBe(2);
  });

  it('verifies a household whose entries span two years under two pseudonyms, and refuses an entry of another household slipped in', async () => {
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 4, '2025-12-30');
    post(3);
    await checkpointNow();
    const cookie = await login(t, 'household');
    const answer = (await call(t, 'GET', `/api/households/${w.household.id}/proofs`, { cookie })).body as { year: string; pseudonym: string; entries: Array<{ seq: number; occurredOn: string; pseudonym: string }> };
    expect(answer.year).toBe('2026');
    expect(answer.entries.map((e) => e.occurredOn.slice(0, 4))).toEqual(['2025', '2026', '2026', '2026']);
    expect(answer.entries[0].pseudonym).not.toBe(answer.pseudonym);
    expect(answer.entries.slice(1).every((e) => e.pseudonym === answer.pseudonym)).toBe(true);
    const r = await verifyHouseholdProofs(appApi(t, cookie), w.household.id);
    expect(r.firstFailure, JSON.stringify(r.firstFailure)).toBeUndefined();
    expect(r.proven).toBe(4);
    // The server lists another pseudonym's entry of this year among the household's: named, not proven.
    const api = tamperedApi(appApi(t, cookie), (path, body) => {
      if (!path.endsWith('/proofs')) return body;
      const b = body as { entries: Array<{ seq: number; pseudonym: string }> };
      b.entries[2].pseudonym = 'abcd-efgh-jkmn';
      return b;
    });
    const forged = await verifyHouseholdProofs(api, w.household.id);
    expect(forged.ok).toBe(false);
    expect(forged.firstFailure).toMatchObject({ villageId: w.areas.villageA.id, seq: answer.entries[2].seq });
    expect(forged.firstFailure!.what).toMatch(/another household/);
  });

  it('names the seq of a household entry whose inclusion path does not lead to the signed root', async () => {
    post(4);
    await checkpointNow();
    const cookie = await login(t, 'household');
    const api = tamperedApi(appApi(t, cookie), (path, body) => {
      if (!path.endsWith('/proofs')) return body;
      const b = body as { entries: Array<{ seq: number; path: string[] | null }> };
      const e = b.entries.find((x) => x.seq === 2)!;
      e.path = [...e.path!].reverse();
      return b;
    });
    const r = await verifyHouseholdProofs(api, w.household.id);
    expect(r.ok).toBe(false);
    expect(r.firstFailure).toMatchObject({ villageId: w.areas.villageA.id, seq: 2 });
  });

  it('turns any hostile or broken answer into a failed check, never an exception', async () => {
    post(2);
    const id = await checkpointNow();
    const good = await verifyCheckpoint(appApi(t), id);
    const garbage: unknown[] = [null, 'x', 42, [], {}, { items: [{}] }, { entries: 'no' }, { body: { villages: 'x' } }, { board: { kind: 'red', items: [null] } }, { a: { b: { c: 1e308 } } }];
    for (const g of garbage) {
      const api: PublicApi = { getJson: async () => g };
      const results = [
        await verifyCheckpoint(api, 'latest', w.areas.county.id),
        await verifyVillage(api, w.areas.villageA.id, good.checkpoint!),
        await verifyBoard(api, 1),
        await verifyHouseholdProofs(api, w.household.id),
        await checkConsistency(api, { ...good.checkpoint!, seq: 0 }, good.checkpoint!),
      ];
      for (const r of results) {
        expect(r.ok, JSON.stringify(g)).toBe(false);
        expect(r.firstFailure?.what).toBeTruthy();
      }
    }
    const down: PublicApi = {
      getJson: async () => {
        throw new TypeError('fetch failed');
      },
    };
    const r = await verifyCheckpoint(down, 'latest');
    expect(r.firstFailure).toMatchObject({ unreachable: true });
  });
});
