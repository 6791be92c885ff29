import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';

/** Canonical JSON: keys sorted at every level, no whitespace, so the same board always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value);
}

/**
 * The hash a board is published under: SHA-256 (hex) of its canonical JSON, a newline, and the hash of
 * the ledger chain head it was computed from. Anyone holding the snapshot can recompute it.
 */
export function boardHash(snapshot: string, chainHash: string): string {
  return createHash('sha256').update(`${snapshot}\n${chainHash}`).digest('hex');
}
