import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendLedgerEntry, entryHashV3, HASH_VERSION, privateDigestOf, publicDigestOf, type LedgerRow } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld, writeNow } from '../support/factories';

/** The design's encoding written out by hand: SHA-256 over the UTF-8 bytes of JSON.stringify, lowercase hex. */
const H = (x: unknown) => createHash('sha256').update(Buffer.from(JSON.stringify(x), 'utf8')).digest('hex');

interface StoredRow extends LedgerRow {
  pseudonym: string;
}

function storedRow(t: ReturnType<typeof makeTestApp>, id: number): StoredRow {
  return t.db.$client
    .prepare(
      `SELECT e.id, e.household_id AS householdId, e.village_id AS villageId, e.kind, e.points, e.balance_after AS balanceAfter, e.conduct_points AS conductPoints,
              e.occurred_on AS occurredOn, e.rule_id AS ruleId, e.category, e.award_id AS awardId, e.redemption_id AS redemptionId, e.reverses_id AS reversesId,
              e.note, e.created_by AS createdBy, e.created_at AS createdAt, e.prev_hash AS prevHash, e.hash, e.chain_id AS chainId, e.seq,
              e.hash_version AS hashVersion, e.salt, e.private_digest AS privateDigest, h.pseudonym
         FROM ledger_entries e JOIN households h ON h.id = e.household_id WHERE e.id = ?`,
    )
    .get(id) as StoredRow;
}

describe('ledger hash version 3', () => {
  it('encodes a fixed entry to fixed digests and hash (the vector a browser verifier must reproduce)', () => {
    const pub = { seq: 7, kind: 'deduction' as const, points: -5, conductPoints: -5, category: '环境卫生', ruleId: 12, occurredOn: '2026-06-01', reversesSeq: null, pseudonym: '0123456789abcdef' };
    const priv = {
      salt: '00112233445566778899aabbccddeeff', householdId: 42, villageId: 3, balanceAfter: 15, awardId: 9, redemptionId: null, reversesId: null,
      note: '乱倒垃圾，已劝导', createdBy: 5, createdAt: 1780000000000, evidence: ['bb'.repeat(32), 'aa'.repeat(32)],
    };
    // Recomputed by hand from the design, then pinned: a change to either side fails here.
    const publicDigest = H(['jifen-public/3', 7, 'deduction', -5, -5, '环境卫生', 12, '2026-06-01', null, '0123456789abcdef']);
    const privateDigest = H(['jifen-private/3', priv.salt, 42, 3, 15, 9, null, null, '乱倒垃圾，已劝导', 5, 1780000000000, ['aa'.repeat(32), 'bb'.repeat(32)]]);
    const hash = H(['jifen-ledger/3', 3, 7, 'cc'.repeat(32), publicDigest, privateDigest]);
    expect([publicDigest, privateDigest, hash]).toEqual([
      '98f7ed50ecdb8434f079dc34d9806c7c1ea1757a5ade87b8ec7888e929549d67',
      'e336327653426d5b6adde08cf80fa0f9685166f69e4e1a8b09c2559cfc03f4fa',
      '707ae642f00faf0516a553e5d93f07172609cc2da8e39864faf13be63b594847',
    ]);
    expect(publicDigestOf(pub)).toBe(publicDigest);
    expect(privateDigestOf(priv)).toBe(privateDigest);
    expect(entryHashV3(3, 7, 'cc'.repeat(32), publicDigest, privateDigest)).toBe(hash);
    // No photos is an empty array, not null or a missing element.
    expect(privateDigestOf({ ...priv, evidence: null })).toBe(H(['jifen-private/3', priv.salt, 42, 3, 15, 9, null, null, '乱倒垃圾，已劝导', 5, 1780000000000, []]));
    expect(privateDigestOf({ ...priv, evidence: [] })).toBe(privateDigestOf({ ...priv, evidence: null }));
  });

  it('seals every posted entry as version 3, reproducible by hand from the stored row, the pseudonym and the photos', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const township = await login(t, 'township');
    const deduction = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.deduction.id, quantity: 1, occurredOn: '2026-06-01', note: '门前堆放杂物' } });
    const posted = await call(t, 'POST', `/api/awards/${deduction.body.id}/approve`, { cookie: reviewer });
    const reversal = await call(t, 'POST', `/api/ledger/${posted.body.ledgerEntryId}/reverse`, { cookie: township, body: { reason: '误扣' } });
    expect(reversal.status).toBe(201);
    const ids = (t.db.$client.prepare('SELECT id FROM ledger_entries ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) {
      const e = storedRow(t, id);
      expect(e.hashVersion).toBe(HASH_VERSION);
      expect(HASH_VERSION).toBe(3);
      expect(e.salt).toMatch(/^[0-9a-f]{32}$/);
      expect(e.pseudonym).toMatch(/^[0-9a-f]{16}$/);
      const reversed = e.reversesId ? storedRow(t, e.reversesId) : null;
      const reversesSeq = reversed && reversed.chainId === e.chainId ? reversed.seq : null;
      if (e.kind === 'reversal') expect(reversesSeq).toBe(storedRow(t, posted.body.ledgerEntryId).seq);
      const pub = H(['jifen-public/3', e.seq, e.kind, e.points, e.conductPoints, e.category, e.ruleId, e.occurredOn, reversesSeq, e.pseudonym]);
      const priv = H(['jifen-private/3', e.salt, e.householdId, e.villageId, e.balanceAfter, e.awardId, e.redemptionId, e.reversesId, e.note, e.createdBy, e.createdAt, []]);
      expect(e.privateDigest).toBe(priv);
      expect(e.hash).toBe(H(['jifen-ledger/3', e.chainId, e.seq, e.prevHash, pub, priv]));
    }
    expect(verifyDatabase(t.db)).toMatchObject({ ok: true });
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
    expect(verifyDatabase(t.db)).toMatchObject({ ok: true, entries: 300 });
  });

  it('does not let a right guess of the household, note and author be confirmed without the salt', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const row = writeNow(t.db, () =>
      appendLedgerEntry(t.db, { householdId: w.household.id, villageId: w.areas.villageA.id, kind: 'adjustment', points: 3, conductPoints: 0, occurredOn: '2026-06-01', note: '补录张三明的积分', createdBy: w.users.county.id, createdAt: 1_780_000_000_000 }),
    );
    // Everything private guessed right, down to the millisecond; only the salt is unknown.
    const guess = { householdId: w.household.id, villageId: w.areas.villageA.id, balanceAfter: row.balanceAfter, awardId: null, redemptionId: null, reversesId: null, note: '补录张三明的积分', createdBy: w.users.county.id, createdAt: 1_780_000_000_000, evidence: null };
    for (const salt of ['', '0'.repeat(32), 'f'.repeat(32)]) expect(privateDigestOf({ ...guess, salt })).not.toBe(row.privateDigest);
    // The guess is right: with the salt (which only the database holds) it matches, so the test can fail.
    expect(privateDigestOf({ ...guess, salt: row.salt! })).toBe(row.privateDigest);
  });
});
