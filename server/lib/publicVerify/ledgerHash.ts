import { hashJson } from './crypto';

/** The public part of a version-3 ledger entry, as the public ledger serves it. */
export interface PublicFields {
  seq: number;
  kind: string;
  points: number;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
}

/** publicDigest = H(J(['jifen-public/3', seq, kind, points, conductPoints, category, ruleId, occurredOn, reversesSeq, pseudonym])). */
export function publicDigest(e: PublicFields): Promise<string> {
  return hashJson(['jifen-public/3', e.seq, e.kind, e.points, e.conductPoints, e.category, e.ruleId, e.occurredOn, e.reversesSeq, e.pseudonym]);
}

/** hash (v3) = H(J(['jifen-ledger/3', chainId, seq, prevHash, publicDigest, privateDigest])); chainId is the village id. */
export function entryHashV3(chainId: number, seq: number, prevHash: string, pubDigest: string, privateDigest: string): Promise<string> {
  return hashJson(['jifen-ledger/3', chainId, seq, prevHash, pubDigest, privateDigest]);
}
