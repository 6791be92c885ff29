import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld, PASSWORD } from '../support/factories';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  return { t, w };
}

describe('account changes decided before a hash are decided again inside the transaction', () => {
  it('five parallel changes of one’s own password with the right current one: exactly one wins, and its password is the one that works', async () => {
    const { t } = await setup();
    const cadre = await login(t, 'cadre');
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => call(t, 'POST', '/api/users/me/password', { cookie: cadre, body: { currentPassword: PASSWORD, newPassword: `new-password-${i}` } })),
    );
    const won = answers.flatMap((a, i) => (a.status === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('bad_credentials');
    await login(t, 'cadre', `new-password-${won[0]}`);
    for (let i = 0; i < 5; i++) if (i !== won[0]) await expect(login(t, 'cadre', `new-password-${i}`)).rejects.toThrow(/401/);
  });

  it('twenty parallel creations of one username make one account; the others answer 409', async () => {
    const { t, w } = await setup();
    const township = await login(t, 'township');
    const body = { username: 'same-name', password: 'a-strong-password-1', role: 'clerk', areaId: w.areas.villageA.id };
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(t, 'POST', '/api/users', { cookie: township, body })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'username_taken')).toBe(true);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    const list = await call(t, 'GET', '/api/users?q=same-name', { cookie: township });
    expect(list.body.total).toBe(1);
  });

  it('a deactivated account cannot log in even with the right password, and its failure stays counted', async () => {
    const { t, w } = await setup();
    const township = await login(t, 'township');
    expect((await call(t, 'PATCH', `/api/users/${w.users.clerk.id}`, { cookie: township, body: { active: false } })).status).toBe(200);
    await expect(login(t, 'clerk')).rejects.toThrow(/401/);
    const row = await t.sql.get<{ n: number }>('SELECT failed_logins AS n FROM users WHERE id = ?', [w.users.clerk.id]);
    expect(row?.n).toBe(1);
  });

  it('a cadre cannot unlock or reset an account of another village: it answers like one that does not exist', async () => {
    const { t, w } = await setup();
    const cadre = await login(t, 'cadre');
    const other = await call(t, 'POST', `/api/users/${w.users.otherClerk.id}/unlock`, { cookie: cadre });
    const none = await call(t, 'POST', `/api/users/999999/unlock`, { cookie: cadre });
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: { ...none.body.error, requestId: expect.any(String) } });
    const reset = await call(t, 'PATCH', `/api/users/${w.users.otherClerk.id}`, { cookie: cadre, body: { password: 'hijacked-123' } });
    expect(reset.status).toBe(404);
  });
});
