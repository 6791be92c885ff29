import { z } from 'zod';
import { ledgerKinds } from '../../../db/proofs/householdEntries';

const Hex = z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256, lowercase hex');

export const CheckpointKeyAnswer = z.object({
  algorithm: z.literal('Ed25519'),
  publicKey: z.string().describe('The raw 32-byte public key, standard base64'),
  publicKeyPem: z.string().describe('The same key, SPKI PEM'),
  fingerprint: Hex.describe('SHA-256 of the raw public key'),
  fingerprintDisplay: z.string().describe('Its first 32 hex digits in 8 groups of 4, upper case, as printed on posters'),
});

/** The signed body: verifiers re-canonicalize it (RFC 8785) and check the signature over those UTF-8 bytes. */
export const CheckpointBody = z.object({
  format: z.literal('jifen-checkpoint/1'),
  countyId: z.number().int(),
  countyName: z.string(),
  seq: z.number().int(),
  issuedAt: z.string().describe('ISO 8601 UTC with milliseconds'),
  reason: z.enum(['daily', 'board', 'manual']),
  previousHash: Hex.nullable().describe("The county's previous checkpoint's hash; null for its first"),
  villages: z.array(z.object({ villageId: z.number().int(), villageName: z.string(), treeSize: z.number().int(), root: Hex })),
  countyRoot: Hex.describe('RFC 6962 root over canonicalize({villageId, treeSize, root}) of each village, ascending id'),
  keyFingerprint: Hex,
});

export const CheckpointAnswer = z.object({
  id: z.number().int(),
  countyId: z.number().int(),
  seq: z.number().int(),
  hash: Hex.describe('SHA-256 of canonicalize(body)'),
  signature: z.string().describe('Ed25519 signature of canonicalize(body), standard base64'),
  body: CheckpointBody,
});

export const CheckpointListAnswer = z.object({
  items: z.array(z.object({ id: z.number().int(), countyId: z.number().int(), seq: z.number().int(), issuedAt: z.string(), reason: z.enum(['daily', 'board', 'manual']), hash: Hex })),
});

export const InclusionProofAnswer = z.object({
  villageId: z.number().int(),
  seq: z.number().int(),
  treeSize: z.number().int(),
  leafIndex: z.number().int().describe('seq − 1'),
  entryHash: Hex,
  path: z.array(Hex).describe('RFC 6962 audit path, deepest sibling first'),
  root: Hex.describe('The root of the tree of treeSize entries'),
});

export const ConsistencyProofAnswer = z.object({
  villageId: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  proof: z.array(Hex).describe('RFC 6962 consistency proof'),
  fromRoot: Hex,
  toRoot: Hex,
});

/** A household's entries as the public ledger shows them, each with its path into the checkpoint's village tree. */
export const HouseholdProofsAnswer = z.object({
  checkpoint: CheckpointAnswer.describe("The county's latest signed checkpoint"),
  villageId: z.number().int(),
  year: z.string().describe('This calendar year (Shanghai), four digits'),
  pseudonym: z.string().describe("The household's public pseudonym of this year (xxxx-xxxx-xxxx, letters only): this year's boards and entries carry it; every year has another"),
  entries: z.array(
    z.object({
      seq: z.number().int(),
      hashVersion: z.number().int(),
      kind: z.enum(ledgerKinds),
      points: z.number().int(),
      conductPoints: z.number().int(),
      category: z.string().nullable(),
      ruleId: z.number().int().nullable(),
      occurredOn: z.string(),
      reversesSeq: z.number().int().nullable(),
      pseudonym: z.string().describe("The household's pseudonym of the entry's year"),
      privateDigest: Hex.nullable().describe('Null before hash version 3'),
      prevHash: Hex,
      hash: Hex,
      path: z.array(Hex).nullable().describe("Inclusion path into the checkpoint's tree of the village (leaf index seq − 1); null for entries after the checkpoint"),
    }),
  ),
});
