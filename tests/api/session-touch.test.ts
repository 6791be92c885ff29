import { describe, expect, it } from 'vitest';
import { transaction } from '../../db/transaction';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

// The app's database (t.sql), on either engine.
const lastSeen = async (t: ReturnType<typeof makeTestApp>) => (await t.sql.get<{ at: number }>('SELECT MAX(last_seen_at) AS "at" FROM sessions'))!.at;

describe('the session touch', () => {
  it('moves last-seen at most once a minute', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const loggedIn = await lastSeen(t);
    t.clock.advance(30_000);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: cadre })).status).toBe(200);
    expect(await lastSeen(t)).toBe(loggedIn);
    t.clock.advance(40_000);
    expect((await call(t, 'GET', '/api/auth/me', { cookie: cadre })).status).toBe(200);
    expect(await lastSeen(t)).toBe(t.clock.now.getTime());
  });

  it('waits for a transaction in progress instead of writing inside it, so that transaction’s rollback does not undo it', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const cadre = await login(t, 'cadre');
    t.clock.advance(5 * 60_000);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const failing = transaction(await t.appDb(), async () => {
      await held;
      throw new Error('rolled back');
    });
    const request = call(t, 'GET', '/api/auth/me', { cookie: cadre });
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(failing).rejects.toThrow('rolled back');
    expect((await request).status).toBe(200);
    expect(await lastSeen(t)).toBe(t.clock.now.getTime());
  });

  it('never moves last-seen backwards', async () => {
    const t = makeTestApp();
    await makeWorld(t);
    const cadre = await login(t, 'cadre');
    t.clock.advance(10 * 60_000);
    await call(t, 'GET', '/api/auth/me', { cookie: cadre });
    const later = await lastSeen(t);
    // A request stamped earlier (a slow one finishing late) leaves the later time in place.
    t.clock.advance(-8 * 60_000);
    await call(t, 'GET', '/api/auth/me', { cookie: cadre });
    expect(await lastSeen(t)).toBe(later);
  });
});
