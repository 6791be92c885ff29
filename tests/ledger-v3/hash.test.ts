import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendLedgerEntry, entryHashV3, HASH_VERSION, privateDigestOf, publicDigestOf, yearlyPseudonym, type LedgerRow } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp } from '../support/app';
import { call, login, makeRule, makeWorld, writeNow } from '../support/factories';

/** The design's encoding written out by hand: SHA-256 over the UTF-8 bytes of JSON.stringify, lowercase hex. */
const H = (x: unknown) => createHash('sha256').update(Buffer.from(JSON.stringify(x), 'utf8')).digest('hex');

/** The yearly pseudonym written out by hand: the digest as one big number, its 12 lowest base-23 digits in the alphabet, grouped by four. */
function pseudonymByHand(seed: string, year: string): string {
  let n = BigInt(`0x${H(['jifen-pseudonym/1', seed, year])}`);
  const letters: string[] = [];
  for (let i = 0; i < 12; i++) {
    letters.push('abcdefghjkmnpqrstuvwxyz'[Number(n % 23n)]);
    n /= 23n;
  }
  return [letters.slice(0, 4), letters.slice(4, 8), letters.slice(8)].map((g) => g.join('')).join('-');
}

interface StoredRow extends Omit<LedgerRow, 'rulePublic'> {
  seed: string;
  rulePublic: number;
}

function storedRow(t: ReturnType<typeof makeTestApp>, id: number): StoredRow {
  return t.db.$client
    .prepare(
      `SELECT e.id, e.household_id AS householdId, e.village_id AS villageId, e.kind, e.points, e.balance_after AS balanceAfter, e.conduct_points AS conductPoints,
              e.occurred_on AS occurredOn, e.rule_id AS ruleId, e.category, e.award_id AS awardId, e.redemption_id AS redemptionId, e.reverses_id AS reversesId,
              e.note, e.created_by AS createdBy, e.created_at AS createdAt, e.prev_hash AS prevHash, e.hash, e.chain_id AS chainId, e.seq,
              e.hash_version AS hashVersion, e.salt, e.private_digest AS privateDigest, e.rule_public AS rulePublic, h.pseudonym_seed AS seed
         FROM ledger_entries e JOIN households h ON h.id = e.household_id WHERE e.id = ?`,
    )
    .get(id) as StoredRow;
}

describe('ledger hash version 3', () => {
  it('derives a fixed seed and year to a fixed pseudonym of letters only, another every year', () => {
    const seed = 'ffeeddccbbaa99887766554433221100';
    // Computed by hand (Python: int(sha256(json).hexdigest(), 16), 12 times divmod 23), then pinned.
    expect(H(['jifen-pseudonym/1', seed, '2026'])).toBe('3d72d1513cc30fd54fc2860e760944c1e843923fbadf070b47791d7624183017');
    expect(yearlyPseudonym(seed, '2026')).toBe('dpqb-hvhw-tqfs');
    expect(yearlyPseudonym(seed, '2025')).toBe('udcd-rsyd-hqwa');
    expect(pseudonymByHand(seed, '2026')).toBe('dpqb-hvhw-tqfs');
    expect(yearlyPseudonym('0123456789abcdef0123456789abcdef', '2026')).toBe('kzgj-skuy-pnhb');
    // No digits and none of i, l, o: a pseudonym cannot be read as a phone, ID or door number.
    for (let y = 2000; y < 2200; y++) expect(yearlyPseudonym(seed, String(y))).toMatch(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/);
    expect(new Set(Array.from({ length: 200 }, (_, i) => yearlyPseudonym(seed, String(2000 + i)))).size).toBe(200);
    expect(() => yearlyPseudonym('0123456789abcdef', '2026')).toThrow(/seed/);
    expect(() => yearlyPseudonym(seed, '26')).toThrow(/year/);
  });

  it('encodes a fixed entry to fixed digests and hash (the vector a browser verifier must reproduce)', () => {
    const pseudonym = 'dpqb-hvhw-tqfs';
    const pub = { seq: 7, kind: 'deduction' as const, points: -5, conductPoints: -5, category: '环境卫生', ruleId: 12, occurredOn: '2026-06-01', reversesSeq: null, pseudonym };
    const priv = {
      salt: '00112233445566778899aabbccddeeff', householdId: 42, villageId: 3, ruleId: 12, balanceAfter: 15, awardId: 9, redemptionId: null, reversesId: null,
      note: '乱倒垃圾，已劝导', createdBy: 5, createdAt: 1780000000000, evidence: ['bb'.repeat(32), 'aa'.repeat(32)],
    };
    // Recomputed by hand from the design (and in Python), then pinned: a change to either side fails here.
    const publicDigest = H(['jifen-public/3', 7, 'deduction', -5, -5, '环境卫生', 12, '2026-06-01', null, pseudonym]);
    const privateDigest = H(['jifen-private/3', priv.salt, 42, 3, 12, 15, 9, null, null, '乱倒垃圾，已劝导', 5, 1780000000000, ['aa'.repeat(32), 'bb'.repeat(32)]]);
    const hash = H(['jifen-ledger/3', 3, 7, 'cc'.repeat(32), publicDigest, privateDigest]);
    expect([publicDigest, privateDigest, hash]).toEqual([
      'ac9b4f41dfe216755e56ffde84913b4c4c8fb993c211205b420b86393f1a4af3',
      '1ec664f864f52a7fbf272e712201e713e14a96e44be736378e3d4e0310dcb46f',
      '45020dae2bad037a4e69fd0d7e7862a6794fea23b6273b378923e8b1f98d9efd',
    ]);
    expect(publicDigestOf(pub)).toBe(publicDigest);
    expect(privateDigestOf(priv)).toBe(privateDigest);
    expect(entryHashV3(3, 7, 'cc'.repeat(32), publicDigest, privateDigest)).toBe(hash);
    // The same deduction under a rule that is not a black-list rule: the public part shows no rule, the private digest still binds it.
    const hiddenDigest = H(['jifen-public/3', 7, 'deduction', -5, -5, '环境卫生', null, '2026-06-01', null, pseudonym]);
    expect(hiddenDigest).toBe('e406ed1896b3fbb713fd97a1e9c14ed082e52e156026c78a37968938d4f66872');
    expect(publicDigestOf({ ...pub, ruleId: null })).toBe(hiddenDigest);
    expect(entryHashV3(3, 7, 'cc'.repeat(32), hiddenDigest, privateDigest)).toBe('739bf31dce71f3ab5a55d484ebd2bcbae7eba758443c633984c8402ef89df3c5');
    expect(privateDigestOf({ ...priv, ruleId: 13 })).not.toBe(privateDigest);
    // No photos is an empty array, not null or a missing element.
    expect(privateDigestOf({ ...priv, evidence: null })).toBe(H(['jifen-private/3', priv.salt, 42, 3, 12, 15, 9, null, null, '乱倒垃圾，已劝导', 5, 1780000000000, []]));
    expect(privateDigestOf({ ...priv, evidence: [] })).toBe(privateDigestOf({ ...priv, evidence: null }));
  });

  it('seals every posted entry as version 3, reproducible by hand from the stored row, the pseudonym of its year, the rule where public and the photos', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const quarrel = makeRule(t.db, w.areas.county.id, { name: '邻里争吵', points: -3, category: 'civility', blackList: false });
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const township = await login(t, 'township');
    const posted: Array<{ ledgerEntryId: number }> = [];
    for (const [ruleId, occurredOn] of [[w.deduction.id, '2026-06-01'], [quarrel.id, '2025-12-30']] as const) {
      const proposed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId, quantity: 1, occurredOn, note: '门前堆放杂物' } });
      posted.push((await call(t, 'POST', `/api/awards/${proposed.body.id}/approve`, { cookie: reviewer })).body);
    }
    for (const p of posted) expect((await call(t, 'POST', `/api/ledger/${p.ledgerEntryId}/reverse`, { cookie: township, body: { reason: '误扣' } })).status).toBe(201);
    const ids = (t.db.$client.prepare('SELECT id FROM ledger_entries ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    expect(ids.length).toBe(4);
    const seen = { hidden: 0, shown: 0 };
    for (const id of ids) {
      const e = storedRow(t, id);
      expect(e.hashVersion).toBe(HASH_VERSION);
      expect(HASH_VERSION).toBe(3);
      expect(e.salt).toMatch(/^[0-9a-f]{32}$/);
      expect(e.seed).toMatch(/^[0-9a-f]{32}$/);
      const reversed = e.reversesId ? storedRow(t, e.reversesId) : null;
      const reversesSeq = reversed && reversed.chainId === e.chainId ? reversed.seq : null;
      if (e.kind === 'reversal') expect(reversesSeq).toBe(reversed!.seq);
      // The black-list rule is shown; the other deduction's rule (and its reversal's) is not.
      const shown = e.ruleId === w.deduction.id;
      expect(e.rulePublic).toBe(shown ? 1 : 0);
      seen[shown ? 'shown' : 'hidden'] += 1;
      const pub = H(['jifen-public/3', e.seq, e.kind, e.points, e.conductPoints, e.category, shown ? e.ruleId : null, e.occurredOn, reversesSeq, pseudonymByHand(e.seed, e.occurredOn.slice(0, 4))]);
      const priv = H(['jifen-private/3', e.salt, e.householdId, e.villageId, e.ruleId, e.balanceAfter, e.awardId, e.redemptionId, e.reversesId, e.note, e.createdBy, e.createdAt, []]);
      expect(e.privateDigest).toBe(priv);
      expect(e.hash).toBe(H(['jifen-ledger/3', e.chainId, e.seq, e.prevHash, pub, priv]));
    }
    expect(seen).toEqual({ hidden: 2, shown: 2 });
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true });
  });

  it('gives every entry its own random salt', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const rows = writeNow(t.db, () =>
      Array.from({ length: 300 }, () =>
        appendLedgerEntry(t.db, { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 0, conductPoints: 0, occurredOn: '2026-06-01', note: '同一条说明', createdAt: 1_780_000_000_000 }),
      ),
    );
    const salts = new Set(rows.map((r) => r.salt));
    expect(salts.size).toBe(300);
    for (const s of salts) expect(s).toMatch(/^[0-9a-f]{32}$/);
    // Same household, balance, note and time: only the salt keeps their private digests apart.
    expect(new Set(rows.map((r) => r.privateDigest)).size).toBe(300);
    expect(await verifyDatabase(t.db)).toMatchObject({ ok: true, entries: 300 });
  });

  it('does not let a right guess of the household, note and author be confirmed without the salt', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const row = writeNow(t.db, () =>
      appendLedgerEntry(t.db, { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 3, conductPoints: 0, occurredOn: '2026-06-01', note: '补录张三明的积分', createdBy: w.users.county.id, createdAt: 1_780_000_000_000 }),
    );
    // Everything private guessed right, down to the millisecond; only the salt is unknown.
    const guess = { householdId: w.household.id, villageId: w.areas.villageA.id, ruleId: null, balanceAfter: row.balanceAfter, awardId: null, redemptionId: null, reversesId: null, note: '补录张三明的积分', createdBy: w.users.county.id, createdAt: 1_780_000_000_000, evidence: null };
    for (const salt of ['', '0'.repeat(32), 'f'.repeat(32)]) expect(privateDigestOf({ ...guess, salt })).not.toBe(row.privateDigest);
    // The guess is right: with the salt (which only the database holds) it matches, so the test can fail.
    expect(privateDigestOf({ ...guess, salt: row.salt! })).toBe(row.privateDigest);
  });
});
