import canonicalize from 'canonicalize';
import { concat, hexToBytes, inBatches, sha256Bytes, bytesToHex, utf8 } from './crypto';

/**
 * RFC 6962 §2.1 Merkle trees on WebCrypto, the verifier's side of server/lib/merkle.ts:
 * leaf = H(0x00 ‖ data), node = H(0x01 ‖ left ‖ right), the empty tree's root = H(""). Ledger leaves' data
 * are the 32 raw bytes of the entry hash; county leaves' data the UTF-8 of canonicalize({villageId, treeSize, root}).
 */

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export async function leafHash(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256Bytes(concat(LEAF, data));
}

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256Bytes(concat(NODE, left, right));
}

/**
 * The root over leaf hashes, level by level: adjacent pairs are joined and a lone last node is carried up,
 * which builds exactly RFC 6962's tree (split at the largest power of two below n) with each level's
 * digests computed concurrently.
 */
export async function rootOfLeafHashes(leaves: Uint8Array[]): Promise<string> {
  if (!leaves.length) return EMPTY_ROOT;
  let level = leaves;
  while (level.length > 1) {
    const pairs = Math.floor(level.length / 2);
    const current = level;
    const next = await inBatches(Array.from({ length: pairs }, (_, i) => i), (i) => nodeHash(current[2 * i], current[2 * i + 1]));
    level = current.length % 2 ? [...next, current[current.length - 1]] : next;
  }
  return bytesToHex(level[0]);
}

/** Merkle root of a village chain over its entry hashes (hex) in seq order. */
export async function ledgerRoot(entryHashes: readonly string[], onBatch?: (done: number) => void): Promise<string> {
  const leaves = await inBatches(entryHashes, (h) => leafHash(hexToBytes(h)), 4096, onBatch);
  return rootOfLeafHashes(leaves);
}

export interface VillageHead {
  villageId: number;
  treeSize: number;
  root: string;
}

/** The county root over every village's (id, tree size, root), villages in ascending id order. */
export async function countyRoot(villages: readonly VillageHead[]): Promise<string> {
  const sorted = [...villages].sort((a, b) => a.villageId - b.villageId);
  const leaves = await Promise.all(sorted.map((v) => leafHash(utf8(canonicalize({ villageId: v.villageId, treeSize: v.treeSize, root: v.root }) ?? ''))));
  return rootOfLeafHashes(leaves);
}

const lsb = (n: number) => (n & 1) === 1;

/**
 * RFC 9162 §2.1.3.2: does `path` prove that the entry hash `entryHash` is leaf `leafIndex` (0-based) of the
 * tree of `treeSize` leaves with root `root`? Numbers stay below 2^31 (a village chain is far smaller).
 */
export async function verifyInclusion(entryHash: string, leafIndex: number, treeSize: number, path: readonly string[], root: string): Promise<boolean> {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize || treeSize > 0x7fffffff) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await leafHash(hexToBytes(entryHash));
  for (const hex of path) {
    if (sn === 0) return false;
    const p = hexToBytes(hex);
    if (lsb(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && bytesToHex(r) === root;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of size `second` with root `secondRoot` extends the tree
 * of size `first` with root `firstRoot` (the ledger only grew)?
 */
export async function verifyConsistency(first: number, second: number, firstRoot: string, secondRoot: string, proof: readonly string[]): Promise<boolean> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second || second > 0x7fffffff) return false;
  if (first === second) return proof.length === 0 && firstRoot === secondRoot;
  if (first === 0) return proof.length === 0 && firstRoot === EMPTY_ROOT;
  if (!proof.length) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = hexToBytes(path[0]);
  let sr = fr;
  for (const hex of path.slice(1)) {
    if (sn === 0) return false;
    const c = hexToBytes(hex);
    if (lsb(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && bytesToHex(fr) === firstRoot && bytesToHex(sr) === secondRoot;
}
