import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * RFC 6962 §2.1 Merkle trees (SHA-256) over a village chain's entry hashes, and the county root.
 * Hashes are lowercase hex. The leaves of a village tree are the 32 raw bytes of each entry hash.
 * The browser verifier (server/lib/publicVerify) computes the same bytes with WebCrypto.
 */

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);
const HEX64 = /^[0-9a-f]{64}$/;

function hexBytes(hex: string): Buffer {
  if (!HEX64.test(hex)) throw new Error(`merkle: not a 32-byte lowercase hex hash: ${hex.slice(0, 70)}`);
  return Buffer.from(hex, 'hex');
}

/** H(0x00 ‖ data): the leaf hash of arbitrary leaf data (the county root's leaves are JSON text). */
export function leafHashOfBytes(data: Uint8Array): string {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest('hex');
}


/** The leaf hash of a ledger entry: H(0x00 ‖ the 32 bytes of its hash). */
export function leafHash(entryHash: string): string {
  return leafHashOfBytes(hexBytes(entryHash));
}

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(left: string, right: string): string {
  return createHash('sha256').update(NODE_PREFIX).update(hexBytes(left)).update(hexBytes(right)).digest('hex');
}

/** The largest power of two strictly below n (n ≥ 2): RFC 6962's split point. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const HASH_BYTES = 32;

// 0x01 ‖ left ‖ right in one reused buffer, hashed one-shot: twice as fast as a Hash object per node.
const nodeInput = Buffer.alloc(65, 1);
function nodeBytes(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return oneShotHash('sha256', nodeInput, 'buffer');
}

/**
 * Every level of the tree over the given leaf hashes (32 bytes each, back to back): levels[0] the
 * leaves, the last one the root. Pairing neighbours and carrying an odd last node up unchanged gives
 * exactly RFC 6962's tree: node j of level l is MTH of leaves [j·2^l, min((j+1)·2^l, n)). One buffer
 * per level, not a string per node: a village of 10⁵ entries is 6 MB, built without 2·10⁵ hex strings.
 */
function buildLevels(leaves: Buffer): Buffer[] {
  const levels: Buffer[] = [leaves];
  let level = leaves;
  let n = leaves.length / HASH_BYTES;
  while (n > 1) {
    const m = Math.ceil(n / 2);
    const up = Buffer.allocUnsafe(m * HASH_BYTES);
    for (let i = 0; i + 1 < n; i += 2) {
      const at = i * HASH_BYTES;
      nodeBytes(level.subarray(at, at + HASH_BYTES), level.subarray(at + HASH_BYTES, at + 2 * HASH_BYTES)).copy(up, (i / 2) * HASH_BYTES);
    }
    if (n % 2 === 1) level.copy(up, (m - 1) * HASH_BYTES, (n - 1) * HASH_BYTES, n * HASH_BYTES);
    levels.push(up);
    level = up;
    n = m;
  }
  return levels;
}

// 0x00 ‖ entry hash, reused like nodeInput.
const leafInput = Buffer.alloc(33, 0);

/** Replaces each packed entry hash by its leaf hash. */
function leavesInPlace(packed: Buffer): Buffer {
  for (let at = 0; at < packed.length; at += HASH_BYTES) {
    leafInput.set(packed.subarray(at, at + HASH_BYTES), 1);
    oneShotHash('sha256', leafInput, 'buffer').copy(packed, at);
  }
  return packed;
}

/**
 * A tree over a prefix-closed list of leaves: answers roots, inclusion paths and consistency proofs
 * for every size up to its own in O(log n) hashes once built (building is n hashes).
 */
export class MerkleTree {
  private readonly levels: Buffer[];
  readonly size: number;

  /** A tree over leaf hashes (hex); `ofEntries` hashes entry hashes into leaves first. */
  constructor(leafHashes: readonly string[] | Buffer) {
    const packed = Buffer.isBuffer(leafHashes) ? leafHashes : packEntryHashes(leafHashes);
    this.size = packed.length / HASH_BYTES;
    this.levels = buildLevels(packed);
  }

  /** Builds the tree over entry hashes (the village chain in seq order). */
  static ofEntries(entryHashes: readonly string[]): MerkleTree {
    return new MerkleTree(leavesInPlace(packEntryHashes(entryHashes)));
  }

  /** Bytes this tree holds (for a cache's budget). */
  get bytes(): number {
    return this.levels.reduce((n, l) => n + l.length, 0);
  }

  private node(level: number, index: number): Buffer {
    return this.levels[level].subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  /** The leaf hash at a 0-based index. */
  leaf(index: number): string {
    this.checkSize(index + 1);
    return this.node(0, index).toString('hex');
  }

  /** MTH of leaves [a, b), a < b ≤ size. */
  private range(a: number, b: number): Buffer {
    const n = b - a;
    if (n === 1) return this.node(0, a);
    let l = 0;
    let width = 1;
    while (width < n) {
      width *= 2;
      l++;
    }
    // A node of this tree: a full aligned subtree, or one cut short by the end of the tree.
    if (a % width === 0 && (n === width || b === this.size)) return this.node(l, a / width);
    const k = splitPoint(n);
    return nodeBytes(this.range(a, a + k), this.range(a + k, b));
  }

  private checkSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) throw new RangeError(`merkle: tree size ${treeSize} outside 0..${this.size}`);
  }

  /** The root of the first `treeSize` leaves (default: all). */
  root(treeSize: number = this.size): string {
    this.checkSize(treeSize);
    return treeSize === 0 ? EMPTY_ROOT : this.range(0, treeSize).toString('hex');
  }

  /** RFC 6962 PATH(m, D[0:treeSize]), deepest sibling first. */
  inclusionPath(index: number, treeSize: number = this.size): string[] {
    this.checkSize(treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new RangeError(`merkle: leaf index ${index} outside 0..${treeSize - 1}`);
    const out: string[] = [];
    const walk = (a: number, b: number): void => {
      if (b - a === 1) return;
      const k = splitPoint(b - a);
      if (index < a + k) {
        walk(a, a + k);
        out.push(this.range(a + k, b).toString('hex'));
      } else {
        walk(a + k, b);
        out.push(this.range(a, a + k).toString('hex'));
      }
    };
    walk(0, treeSize);
    return out;
  }

  /** RFC 6962 PROOF(m, D[0:n]) (SUBPROOF with b = true); empty when m is 0 or m = n. */
  consistencyProof(m: number, n: number = this.size): string[] {
    this.checkSize(n);
    if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`merkle: old size ${m} outside 0..${n}`);
    if (m === 0 || m === n) return [];
    const out: string[] = [];
    const sub = (a: number, b: number, complete: boolean): void => {
      if (m - a === b - a) {
        if (!complete) out.push(this.range(a, b).toString('hex'));
        return;
      }
      const k = splitPoint(b - a);
      if (m - a <= k) {
        sub(a, a + k, complete);
        out.push(this.range(a + k, b).toString('hex'));
      } else {
        sub(a + k, b, false);
        out.push(this.range(a, a + k).toString('hex'));
      }
    };
    sub(0, n, true);
    return out;
  }
}

/** MTH over already hashed leaves. */
export function rootOfLeafHashes(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  const levels = buildLevels(packEntryHashes(leafHashes));
  return levels[levels.length - 1].toString('hex');
}

/** MTH of a village chain: its entry hashes in seq order. */
export function rootOf(entryHashes: readonly string[]): string {
  return entryHashes.length === 0 ? EMPTY_ROOT : MerkleTree.ofEntries(entryHashes).root();
}

/** Inclusion path of entry `index` (0-based) in the tree of the first `treeSize` entries. */
export function inclusionPath(entryHashes: readonly string[], index: number, treeSize: number): string[] {
  if (treeSize > entryHashes.length) throw new RangeError(`merkle: tree size ${treeSize} beyond ${entryHashes.length} leaves`);
  return MerkleTree.ofEntries(entryHashes.slice(0, treeSize)).inclusionPath(index, treeSize);
}

/** Consistency proof between the trees of the first m and the first n entries. */
export function consistencyProof(entryHashes: readonly string[], m: number, n: number): string[] {
  if (n > entryHashes.length) throw new RangeError(`merkle: tree size ${n} beyond ${entryHashes.length} leaves`);
  return MerkleTree.ofEntries(entryHashes.slice(0, n)).consistencyProof(m, n);
}

// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Sizes may reach 2^53, so no 32-bit bit operators.
const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);
function isPowerOfTwo(x: number): boolean {
  let k = 1;
  while (k < x) k *= 2;
  return k === x;
}

/** The root an inclusion path leads to, or null when the path cannot belong to that index and size. */
export function rootFromInclusionPath(leafIndex: number, treeSize: number, leafHashHex: string, path: readonly string[]): string | null {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return null;
  if (!HEX64.test(leafHashHex) || !path.every((p) => HEX64.test(p))) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHashHex;
  for (const p of path) {
    if (sn === 0) return null;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** Whether `path` proves the entry with hash `entryHash` is leaf `leafIndex` (0-based) of the tree with that root. */
export function verifyInclusion(leafIndex: number, treeSize: number, entryHash: string, path: readonly string[], root: string): boolean {
  if (!HEX64.test(entryHash)) return false;
  return rootFromInclusionPath(leafIndex, treeSize, leafHash(entryHash), path) === root;
}

/** Whether `proof` shows the tree of size `m` (root `oldRoot`) is a prefix of the tree of size `n` (root `newRoot`). */
export function verifyConsistency(m: number, n: number, oldRoot: string, newRoot: string, proof: readonly string[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (!HEX64.test(oldRoot) || !HEX64.test(newRoot) || !proof.every((p) => HEX64.test(p))) return false;
  if (m === n) return proof.length === 0 && oldRoot === newRoot;
  if (m === 0) return proof.length === 0 && oldRoot === EMPTY_ROOT;
  if (proof.length === 0) return false;
  let path = proof;
  let fn = m - 1;
  let sn = n - 1;
  // m a power of two: the old root is itself a node of the new tree and starts the walk.
  if (isPowerOfTwo(m)) path = [oldRoot, ...proof];
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr === oldRoot && sr === newRoot && sn === 0;
}

/**
 * The right edge of a tree: one perfect-subtree root per set bit of its size, largest first. Enough
 * to extend the tree by new leaves and to compute its root without the older leaves.
 */
export interface Frontier {
  size: number;
  nodes: string[];
}

export const EMPTY_FRONTIER: Frontier = { size: 0, nodes: [] };

function heightsOf(size: number): number[] {
  const heights: number[] = [];
  let rest = size;
  for (let h = 0; rest > 0; h++) {
    if (odd(rest)) heights.unshift(h);
    rest = half(rest);
  }
  return heights;
}

/**
 * Entry hashes (lowercase hex) packed 32 bytes each, back to back. One join, one regular expression
 * and one hex decode for the lot: per-hash checks and buffers cost more than the hashing after them.
 */
export function packEntryHashes(entryHashes: readonly string[]): Buffer {
  for (const h of entryHashes) if (typeof h !== 'string' || h.length !== 64) hexBytes(String(h));
  const joined = entryHashes.join('');
  if (!/^[0-9a-f]*$/.test(joined)) for (const h of entryHashes) hexBytes(h);
  return Buffer.from(joined, 'hex');
}

/**
 * frontierAppend over entry hashes already packed (32 bytes each): per entry one leaf hash and, amortised,
 * one merge (as many as the trailing one bits of the size), so a chain of n entries costs 2n hashes and
 * never holds more than log₂ n nodes.
 */
export function frontierAppendPacked(frontier: Frontier, packed: Uint8Array): Frontier {
  const count = packed.length / HASH_BYTES;
  if (!Number.isInteger(count)) throw new Error(`merkle: ${packed.length} bytes are not whole 32-byte hashes`);
  const expected = heightsOf(frontier.size).length;
  if (expected !== frontier.nodes.length) throw new Error(`merkle: a frontier of size ${frontier.size} needs ${expected} nodes, has ${frontier.nodes.length}`);
  const nodes = frontier.nodes.map(hexBytes);
  let size = frontier.size;
  for (let at = 0; at < packed.length; at += HASH_BYTES) {
    leafInput.set(packed.subarray(at, at + HASH_BYTES), 1);
    let node: Buffer = oneShotHash('sha256', leafInput, 'buffer');
    // The nodes are the perfect subtrees of `size`, smallest last: merge one per trailing one bit.
    for (let rest = size; odd(rest); rest = half(rest)) node = nodeBytes(nodes.pop() as Buffer, node);
    nodes.push(node);
    size++;
  }
  return { size, nodes: nodes.map((n) => n.toString('hex')) };
}

/** The frontier after appending entry hashes (not modified in place). */
export function frontierAppend(frontier: Frontier, entryHashes: readonly string[]): Frontier {
  return frontierAppendPacked(frontier, packEntryHashes(entryHashes));
}

/** MTH of the tree the frontier is the right edge of. */
export function rootOfFrontier(frontier: Frontier): string {
  if (frontier.nodes.length === 0) return EMPTY_ROOT;
  let acc = hexBytes(frontier.nodes[frontier.nodes.length - 1]);
  for (let i = frontier.nodes.length - 2; i >= 0; i--) acc = nodeBytes(hexBytes(frontier.nodes[i]), acc);
  return acc.toString('hex');
}
