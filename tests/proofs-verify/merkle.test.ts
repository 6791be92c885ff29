import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree, consistencyProof, inclusionPath, rootOf } from '../../server/lib/merkle';
import { EMPTY_ROOT, ledgerRoot, verifyConsistency, verifyInclusion } from '../../server/lib/publicVerify/merkle';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 §2.1 MTH, written straight from the definition. */
function reference(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), reference(leaves.slice(0, k)), reference(leaves.slice(k)));
}

// A seeded generator: failures reproduce.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hashes = (n: number, salt = 'x') => Array.from({ length: n }, (_, i) => createHash('sha256').update(`${salt}${i}`).digest('hex'));

describe('the verifier’s Merkle trees (WebCrypto) agree with RFC 6962 and with the server', () => {
  it('gives the empty tree the hash of the empty string', async () => {
    expect(await ledgerRoot([])).toBe(EMPTY_ROOT);
    expect(EMPTY_ROOT).toBe(sha().toString('hex'));
  });

  it('computes the same root as the reference and the server for every size up to 70 and random larger ones', async () => {
    const random = rng(16);
    const sizes = [...Array.from({ length: 70 }, (_, i) => i + 1), ...Array.from({ length: 6 }, () => 71 + Math.floor(random() * 3000))];
    for (const n of sizes) {
      const h = hashes(n);
      const want = reference(h.map((x) => Buffer.from(x, 'hex'))).toString('hex');
      expect(await ledgerRoot(h), `size ${n}`).toBe(want);
      expect(rootOf(h), `server, size ${n}`).toBe(want);
    }
  });

  it('accepts the server’s inclusion paths for random entries and sizes, and refuses a wrong leaf, index or root', async () => {
    const random = rng(7);
    for (let t = 0; t < 40; t++) {
      const n = 1 + Math.floor(random() * 600);
      const h = hashes(n, `t${t}`);
      const i = Math.floor(random() * n);
      const root = rootOf(h);
      const path = inclusionPath(h, i, n);
      expect(await verifyInclusion(h[i], i, n, path, root), `leaf ${i} of ${n}`).toBe(true);
      if (n > 1) {
        expect(await verifyInclusion(h[(i + 1) % n], i, n, path, root)).toBe(false);
        expect(await verifyInclusion(h[i], (i + 1) % n, n, path, root)).toBe(false);
      }
      expect(await verifyInclusion(h[i], n, n, path, root)).toBe(false);
      expect(await verifyInclusion(h[i], i, n, path, EMPTY_ROOT)).toBe(false);
    }
  });

  it('accepts the server’s consistency proofs between random sizes and refuses them once an old entry changed', async () => {
    const random = rng(11);
    for (let t = 0; t < 40; t++) {
      const n = 2 + Math.floor(random() * 500);
      const m = 1 + Math.floor(random() * (n - 1));
      const h = hashes(n, `c${t}`);
      const tree = MerkleTree.ofEntries(h);
      const proof = consistencyProof(h, m, n);
      expect(await verifyConsistency(m, n, tree.root(m), tree.root(n), proof), `${m} → ${n}`).toBe(true);
      // History rewritten: entry j < m changed, the new tree re-rooted and a proof made from it.
      const j = Math.floor(random() * m);
      const forged = [...h];
      forged[j] = hashes(1, `forged${t}`)[0];
      const forgedTree = MerkleTree.ofEntries(forged);
      expect(await verifyConsistency(m, n, tree.root(m), forgedTree.root(n), consistencyProof(forged, m, n)), `rewrite of ${j} in ${m} → ${n}`).toBe(false);
      expect(await verifyConsistency(m, n, tree.root(m), tree.root(n), proof.slice(1))).toBe(false);
    }
  });

  it('treats equal sizes and an empty old tree as trivially consistent only with matching roots', async () => {
    const h = hashes(5);
    const root = rootOf(h);
    expect(await verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(await verifyConsistency(5, 5, root, EMPTY_ROOT, [])).toBe(false);
    expect(await verifyConsistency(0, 5, EMPTY_ROOT, root, [])).toBe(true);
    expect(await verifyConsistency(6, 5, root, root, [])).toBe(false);
  });
});
