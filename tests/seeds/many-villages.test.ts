import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { generateCounty } from '../../seeds/generate';
import { hashPassword } from '../../server/lib/password';

describe('the generator on a county of thousands of villages', () => {
  // 60 × 28 two-character place names: a county of a million households (5,000 villages) drew names for ever.
  it('names 2,000 villages, each once, instead of running out of names', async () => {
    const db = openDb({ file: ':memory:' });
    const passwordHash = await hashPassword('jifen123', 1024);
    const county = await generateCounty(db, { households: 2_000, months: 1, villages: 2_000, now: new Date('2026-06-15T02:00:00Z'), passwordHash });
    const names = db.$client.prepare(`SELECT name FROM areas WHERE kind = 'village'`).pluck().all() as string[];
    expect(county.villages).toHaveLength(2_000);
    expect(new Set(names).size).toBe(2_000);
    expect(names.every((n) => /^\p{Script=Han}{2,4}村$/u.test(n))).toBe(true);
  }, 120_000);
});
