import { describe, expect, it } from 'vitest';
import { entryHashV3 as nodeEntryHash, publicDigestOf } from '../../db/ledger/posting';
import { entryHashV3, publicDigest } from '../../server/lib/publicVerify/ledgerHash';

const base = { seq: 12, kind: 'award' as const, points: 5, conductPoints: 5, category: 'hygiene', ruleId: 3, occurredOn: '2026-06-01', reversesSeq: null, pseudonym: 'kzgj-skuy-pnhb' };

describe('the browser verifier hashes ledger entries byte for byte as the server does', () => {
  it('gives the same public digest and entry hash for plain, reversal, null and non-ASCII fields', async () => {
    const cases = [
      base,
      { ...base, kind: 'reversal' as const, points: -5, conductPoints: -5, reversesSeq: 7 },
      { ...base, kind: 'redemption' as const, points: -30, conductPoints: 0, category: null, ruleId: null },
      { ...base, category: '村规民约“孝老爱亲”\u2028', occurredOn: '2026-12-31' },
    ];
    for (const c of cases) {
      const mine = await publicDigest(c);
      expect(mine).toBe(publicDigestOf(c));
      const prev = 'ab'.repeat(32);
      const priv = 'cd'.repeat(32);
      expect(await entryHashV3(9, c.seq, prev, mine, priv)).toBe(nodeEntryHash(9, c.seq, prev, mine, priv));
    }
  });

  it('changes the public digest when any public field changes', async () => {
    const d = await publicDigest(base);
    for (const change of [{ seq: 13 }, { points: 6 }, { conductPoints: 4 }, { category: null }, { ruleId: 4 }, { occurredOn: '2026-06-02' }, { reversesSeq: 1 }, { pseudonym: 'kzgj-skuy-pnhc' }, { kind: 'deduction' as const, ruleId: null }]) {
      expect(await publicDigest({ ...base, ...change })).not.toBe(d);
    }
  });
});
