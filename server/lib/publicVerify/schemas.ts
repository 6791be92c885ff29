import { z } from 'zod';

/**
 * What the verifier accepts from a server it does not trust: every fetched document is parsed with these
 * before use, so a malformed or hostile answer is a clear failed check, never an exception deep inside.
 */

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash (64 lowercase hex digits)');
const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Count = z.number().int().min(0).max(0x7fffffff);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** A household's pseudonym of one year: three groups of four letters without i, l and o. */
const Pseudonym = z.string().regex(/^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/, 'a yearly pseudonym (xxxx-xxxx-xxxx)');

export const PublicEntry = z.object({
  seq: Count.min(1),
  hashVersion: z.number().int().min(1).max(3),
  kind: z.string().max(40),
  points: z.number().int(),
  conductPoints: z.number().int(),
  category: z.string().max(200).nullable(),
  ruleId: Id.nullable(),
  occurredOn: Day,
  reversesSeq: Count.min(1).nullable(),
  pseudonym: Pseudonym,
  privateDigest: Hex64.nullable(),
  prevHash: Hex64,
  hash: Hex64,
});
export type PublicEntry = z.infer<typeof PublicEntry>;

export const LedgerPage = z.object({
  villageId: Id,
  villageName: z.string(),
  treeSize: Count,
  genesisHash: Hex64,
  entries: z.array(PublicEntry).max(1000),
  nextFrom: Count.min(1).nullable(),
});
export type LedgerPage = z.infer<typeof LedgerPage>;

export const CheckpointKey = z.object({
  algorithm: z.literal('Ed25519'),
  publicKey: z.string().max(100),
  publicKeyPem: z.string().max(1000),
  fingerprint: Hex64,
  fingerprintDisplay: z.string().max(100),
});
export type CheckpointKey = z.infer<typeof CheckpointKey>;

export const CheckpointVillage = z.object({ villageId: Id, villageName: z.string(), treeSize: Count, root: Hex64 });
export type CheckpointVillage = z.infer<typeof CheckpointVillage>;

export const CheckpointBody = z.object({
  format: z.literal('jifen-checkpoint/1'),
  countyId: Id,
  countyName: z.string(),
  seq: Count.min(1),
  issuedAt: z.string(),
  reason: z.enum(['daily', 'board', 'manual']),
  previousHash: Hex64.nullable(),
  villages: z.array(CheckpointVillage),
  countyRoot: Hex64,
  keyFingerprint: Hex64,
});
export type CheckpointBody = z.infer<typeof CheckpointBody>;

/** A checkpoint as served; `body` stays the raw object too, because the signature covers exactly what was sent. */
export const SignedCheckpoint = z.object({ id: Id, countyId: Id, seq: Count.min(1), hash: Hex64, signature: z.string().max(200), body: z.unknown() });
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

export const CheckpointList = z.object({
  items: z.array(z.object({ id: Id, countyId: Id, seq: Count.min(1), issuedAt: z.union([z.number(), z.string()]), reason: z.string(), hash: Hex64 })),
});
export type CheckpointList = z.infer<typeof CheckpointList>;

export const InclusionProof = z.object({ villageId: Id, seq: Count.min(1), treeSize: Count, leafIndex: Count, entryHash: Hex64, path: z.array(Hex64).max(64), root: Hex64 });
export const ConsistencyProof = z.object({ villageId: Id, from: Count, to: Count, proof: z.array(Hex64).max(128), fromRoot: Hex64, toRoot: Hex64 });
export type ConsistencyProof = z.infer<typeof ConsistencyProof>;

export const HouseholdProofs = z.object({
  checkpoint: SignedCheckpoint,
  villageId: Id,
  /** The year `pseudonym` is the household's pseudonym of (entries of other years carry their own). */
  year: z.string().regex(/^\d{4}$/),
  pseudonym: Pseudonym,
  entries: z.array(PublicEntry.extend({ path: z.array(Hex64).max(64).nullable() })),
});
export type HouseholdProofs = z.infer<typeof HouseholdProofs>;

const ChainHead = z.object({
  lastEntryId: z.number().int(),
  hash: z.string(),
  chains: z.array(z.object({ villageId: Id, lastSeq: Count, headHash: Hex64 })).optional(),
});
const area = z.object({ id: Id, name: z.string(), kind: z.string() });
const common = { area, period: z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/), chainHead: ChainHead };
// Boards published before pseudonyms existed lack them: parsed, then reported as not recomputable.
const householdRow = { householdId: z.number().int(), name: z.string(), pseudonym: Pseudonym.optional() };

export const PublicBoard = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('red'),
    ...common,
    params: z.object({ categories: z.array(z.string()) }),
    items: z.array(z.object({ ...householdRow, rank: z.number().int(), earned: z.number(), deeds: z.array(z.string()), deedRules: z.array(Id).optional() })),
  }),
  z.object({
    kind: z.literal('black'),
    ...common,
    params: z.object({}),
    items: z.array(z.object({ ...householdRow, entryId: z.number().int(), seq: Count.min(1).nullable().optional(), conduct: z.string(), occurredOn: Day, points: z.number(), rectification: z.enum(['pending']).nullable() })),
    rectifiedSeqs: z.array(Count.min(1)).optional(),
    blackRules: z.array(Id).optional(),
    notBlackSeqs: z.array(Count.min(1)).optional(),
  }),
  z.object({
    kind: z.literal('stars'),
    ...common,
    params: z.object({ method: z.enum(['score', 'dimensions', 'both']), dimensionThreshold: z.number() }),
    items: z.array(z.object({ ...householdRow, rank: z.number().int(), score: z.number(), stars: z.number().int(), dimensions: z.array(z.string()) })),
    thresholds: z.array(z.number()),
    dimensions: z.array(z.object({ label: z.string(), category: z.string() })),
  }),
  z.object({
    kind: z.literal('leaderboard'),
    ...common,
    params: z.object({ limit: z.number().int().min(1), category: z.string().optional() }),
    items: z.array(z.object({ ...householdRow, rank: z.number().int(), village: z.string(), points: z.number() })),
  }),
  z.object({
    kind: z.literal('villages'),
    ...common,
    params: z.object({}),
    items: z.array(
      z.object({
        rank: z.number().int(),
        villageId: Id,
        name: z.string(),
        households: z.number().int(),
        participants: z.number().int(),
        participationRate: z.number(),
        totalPoints: z.number(),
        pointsPerHousehold: z.number(),
        rankByPerHousehold: z.number().int(),
        rankByTotal: z.number().int(),
      }),
    ),
  }),
]);
export type PublicBoard = z.infer<typeof PublicBoard>;

export const PublicPublication = z.object({
  area,
  publication: z.object({ id: Id, kind: z.string(), areaId: Id, period: z.string(), version: z.number().int().nullable(), hash: z.string(), chainHash: z.string(), checkpointId: Id.nullable().optional() }),
  board: PublicBoard,
});
export type PublicPublication = z.infer<typeof PublicPublication>;

/** A short, readable reason a document did not parse (the first problem, with its path). */
export function parseProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
