import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  EMPTY_FRONTIER,
  MerkleTree,
  consistencyProof,
  frontierAppend,
  inclusionPath,
  leafHash,
  leafHashOfBytes,
  nodeHash,
  rootFromInclusionPath,
  rootOf,
  rootOfFrontier,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../server/lib/merkle';

// RFC 6962 test vectors as published with transparency-dev/merkle (proof/verify_test.go): the leaf data,
// the roots of the trees of 1..8 of them, and known inclusion and consistency proofs.
const VECTOR_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [1-based leaf, tree size, path]
const VECTOR_INCLUSION: [number, number, string[]][] = [
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
// [old size, new size, proof]
const VECTOR_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

const vectorLeafHashes = VECTOR_LEAVES.map((hex) => leafHashOfBytes(Buffer.from(hex, 'hex')));

// The reference: RFC 6962 §2.1 written out literally, recursion and slices, no shortcuts.
function sha(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}
function k(n: number): number {
  let x = 1;
  while (x * 2 < n) x *= 2;
  return x;
}
function refMth(d: Buffer[]): string {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]);
  const s = k(d.length);
  return sha(Buffer.from([1]), Buffer.from(refMth(d.slice(0, s)), 'hex'), Buffer.from(refMth(d.slice(s)), 'hex'));
}
function refPath(m: number, d: Buffer[]): string[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...refPath(m, d.slice(0, s)), refMth(d.slice(s))] : [...refPath(m - s, d.slice(s)), refMth(d.slice(0, s))];
}
function refSubproof(m: number, d: Buffer[], b: boolean): string[] {
  const n = d.length;
  if (m === n) return b ? [] : [refMth(d)];
  const s = k(n);
  return m <= s ? [...refSubproof(m, d.slice(0, s), b), refMth(d.slice(s))] : [...refSubproof(m - s, d.slice(s), false), refMth(d.slice(0, s))];
}

const randomHashes = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('hex'));
const flipBit = (hex: string, bit = 0) => {
  const b = Buffer.from(hex, 'hex');
  b[bit >> 3] ^= 1 << (bit & 7);
  return b.toString('hex');
};

describe('RFC 6962 test vectors', () => {
  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(rootOf([])).toBe(EMPTY_ROOT);
    expect(rootOfLeafHashes([])).toBe(createHash('sha256').digest('hex'));
  });

  it('roots of the trees of 1..8 leaves match the published ones', () => {
    for (let n = 1; n <= 8; n++) {
      expect(rootOfLeafHashes(vectorLeafHashes.slice(0, n))).toBe(VECTOR_ROOTS[n - 1]);
      expect(new MerkleTree(vectorLeafHashes).root(n)).toBe(VECTOR_ROOTS[n - 1]);
    }
  });

  it('inclusion paths equal the published ones and verify', () => {
    const tree = new MerkleTree(vectorLeafHashes);
    for (const [leaf, size, path] of VECTOR_INCLUSION) {
      expect(tree.inclusionPath(leaf - 1, size)).toEqual(path);
      expect(rootFromInclusionPath(leaf - 1, size, vectorLeafHashes[leaf - 1], path)).toBe(VECTOR_ROOTS[size - 1]);
      expect(rootFromInclusionPath(leaf, size, vectorLeafHashes[leaf - 1], path)).not.toBe(VECTOR_ROOTS[size - 1]);
    }
  });

  it('consistency proofs equal the published ones and verify; corrupted ones do not', () => {
    const tree = new MerkleTree(vectorLeafHashes);
    for (const [m, n, proof] of VECTOR_CONSISTENCY) {
      expect(tree.consistencyProof(m, n)).toEqual(proof);
      const [r1, r2] = [VECTOR_ROOTS[m - 1], VECTOR_ROOTS[n - 1]];
      expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
      if (proof.length === 0) continue;
      expect(verifyConsistency(m, n, r2, r1, proof)).toBe(false);
      expect(verifyConsistency(m - 1, n, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(m + 1, n, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(m, n * 2, r1, r2, proof)).toBe(false);
      expect(verifyConsistency(m, n, r1, r2, [])).toBe(false);
      expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1))).toBe(false);
      expect(verifyConsistency(m, n, r1, r2, [...proof, r1])).toBe(false);
      expect(verifyConsistency(m, n, r1, r2, [r2, ...proof])).toBe(false);
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.slice();
        bad[i] = flipBit(bad[i], 4);
        expect(verifyConsistency(m, n, r1, r2, bad)).toBe(false);
      }
    }
  });

  it('trivial consistency: from the empty tree, and a tree with itself, only with an empty proof', () => {
    expect(verifyConsistency(0, 5, EMPTY_ROOT, VECTOR_ROOTS[4], [])).toBe(true);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(3, 3, VECTOR_ROOTS[2], VECTOR_ROOTS[2], [])).toBe(true);
    expect(verifyConsistency(3, 3, VECTOR_ROOTS[2], VECTOR_ROOTS[3], [])).toBe(false);
    expect(verifyConsistency(2, 1, VECTOR_ROOTS[1], VECTOR_ROOTS[0], [])).toBe(false);
  });
});

describe('Merkle proofs for random trees of 1..300 entries', () => {
  const entries = randomHashes(300);
  // Every proof of 40 random sizes (and the edges): all sizes would be ~90,000 proofs, seconds on a shared machine.
  const sizes = [...new Set([1, 2, 3, 4, 5, 255, 256, 257, 300, ...Array.from({ length: 40 }, () => 1 + Math.floor(Math.random() * 300))])];
  const full = MerkleTree.ofEntries(entries);
  const data = entries.map((e) => Buffer.from(e, 'hex'));

  it('every root equals the literal RFC definition, the frontier root, and the from-scratch root', () => {
    let frontier = EMPTY_FRONTIER;
    for (let n = 1; n <= 300; n++) {
      frontier = frontierAppend(frontier, [entries[n - 1]]);
      const expected = refMth(data.slice(0, n));
      expect(full.root(n)).toBe(expected);
      expect(rootOfFrontier(frontier)).toBe(expected);
      expect(frontier.nodes.length).toBe(n.toString(2).split('').filter((b) => b === '1').length);
      if (n % 37 === 0) expect(rootOf(entries.slice(0, n))).toBe(expected);
    }
  });

  it('a frontier extended in uneven batches ends at the root of all entries', () => {
    let frontier = EMPTY_FRONTIER;
    let at = 0;
    for (const step of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 69]) {
      frontier = frontierAppend(frontier, entries.slice(at, at + step));
      at += step;
      expect(rootOfFrontier(frontier)).toBe(full.root(at));
    }
    expect(at).toBe(300);
  });

  it('every inclusion path of each size verifies, and one flipped bit fails it', () => {
    const failed: string[] = [];
    for (const n of sizes) {
      const root = full.root(n);
      for (let i = 0; i < n; i++) {
        const path = full.inclusionPath(i, n);
        if (!verifyInclusion(i, n, entries[i], path, root)) failed.push(`${i}/${n}`);
        if ((i * 7 + n) % 23 === 0) {
          expect(verifyInclusion(i, n, flipBit(entries[i], n % 256), path, root)).toBe(false);
          if (path.length > 0) {
            const bad = path.slice();
            bad[i % path.length] = flipBit(bad[i % path.length], i % 256);
            expect(verifyInclusion(i, n, entries[i], bad, root)).toBe(false);
          }
          if (n > 1) expect(verifyInclusion((i + 1) % n, n, entries[i], path, root)).toBe(false);
        }
      }
    }
    expect(failed).toEqual([]);
  });

  it('every consistency proof from every smaller size verifies, and one flipped bit fails it', () => {
    const failed: string[] = [];
    for (const n of sizes) {
      const newRoot = full.root(n);
      for (let m = 1; m <= n; m++) {
        const proof = full.consistencyProof(m, n);
        const oldRoot = full.root(m);
        if (!verifyConsistency(m, n, oldRoot, newRoot, proof)) failed.push(`${m}/${n}`);
        if (proof.length > 0 && (m * 5 + n) % 17 === 0) {
          const bad = proof.slice();
          const at = (m + n) % proof.length;
          bad[at] = flipBit(bad[at], (m * n) % 256);
          expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
          expect(verifyConsistency(m, n, flipBit(oldRoot), newRoot, proof)).toBe(false);
        }
      }
    }
    expect(failed).toEqual([]);
  });

  it('paths and proofs equal the literal RFC PATH and SUBPROOF on sampled sizes', () => {
    for (const n of [1, 2, 3, 7, 8, 9, 31, 64, 65, 100, 127, 200, 255, 256, 257, 300]) {
      for (const i of [0, Math.floor(n / 3), n - 1]) {
        expect(full.inclusionPath(i, n)).toEqual(refPath(i, data.slice(0, n)));
        expect(inclusionPath(entries, i, n)).toEqual(refPath(i, data.slice(0, n)));
      }
      for (const m of [1, Math.ceil(n / 2), n - 1].filter((x) => x >= 1 && x < n)) {
        expect(full.consistencyProof(m, n)).toEqual(refSubproof(m, data.slice(0, n), true));
        expect(consistencyProof(entries, m, n)).toEqual(refSubproof(m, data.slice(0, n), true));
      }
    }
  });

  it('a changed old entry makes the proof to a later tree fail against the earlier root', () => {
    const oldRoot = full.root(100);
    const tampered = entries.slice();
    tampered[42] = flipBit(tampered[42], 3);
    const tree = MerkleTree.ofEntries(tampered);
    expect(verifyConsistency(100, 300, oldRoot, tree.root(300), tree.consistencyProof(100, 300))).toBe(false);
  });

  it('refuses out-of-range sizes and indexes instead of answering', () => {
    expect(() => full.inclusionPath(5, 5)).toThrow(RangeError);
    expect(() => full.inclusionPath(-1, 5)).toThrow(RangeError);
    expect(() => full.root(301)).toThrow(RangeError);
    expect(() => full.consistencyProof(6, 5)).toThrow(RangeError);
    expect(rootFromInclusionPath(0, 2 ** 53, leafHash(entries[0]), [])).toBeNull();
    expect(verifyInclusion(0, 1, 'zz', [], leafHash(entries[0]))).toBe(false);
    expect(() => nodeHash('ab', entries[0])).toThrow();
  });
});
