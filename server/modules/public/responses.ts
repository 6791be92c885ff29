import { z } from 'zod';
import { AreaKind } from '../auth/responses';
import { LedgerKind } from '../ledger/responses';

export const PublicAreasAnswer = z.object({
  items: z.array(z.object({ id: z.number().int(), name: z.string(), kind: AreaKind, parentId: z.number().int().nullable() })),
});

/** Names are masked by the area's rule (name or door number); never a phone or ID number. */
export const LeaderboardAnswer = z.object({
  area: z.object({ id: z.number().int(), name: z.string(), kind: AreaKind }),
  period: z.string(),
  items: z.array(z.object({ rank: z.number().int(), name: z.string().describe('Masked'), village: z.string(), points: z.number() })),
  total: z.number().int(),
  offset: z.number().int(),
});

export const HouseholdRankAnswer = z.object({
  householdId: z.number().int(),
  townshipId: z.number().int(),
  period: z.string(),
  score: z.number(),
  rank: z.number().int().nullable().describe('Null when the household has no score in the period'),
  ranked: z.number().int().describe('How many households are ranked'),
});

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * One page of a village's name-free ledger. Each entry carries what its version 3 hash commits to in
 * public (the household appears only as its pseudonym) and its private digest (null on entries from
 * before version 3, whose public fields are shown but not bound by the hash).
 */
export const PublicLedgerAnswer = z.object({
  villageId: z.number().int(),
  villageName: z.string(),
  treeSize: z.number().int().describe('Entries in the chain now (its last seq): the size of its Merkle tree'),
  genesisHash: Hex64.describe('What entry 1 links to'),
  entries: z.array(
    z.object({
      seq: z.number().int(),
      hashVersion: z.number().int(),
      kind: LedgerKind,
      points: z.number().int(),
      conductPoints: z.number().int(),
      category: z.string().nullable().describe('The heading text on the entry'),
      ruleId: z.number().int().nullable().describe("The entry's rule; null on a deduction under a rule that is not a black-list rule (and its reversal)"),
      occurredOn: z.string(),
      reversesSeq: z.number().int().nullable().describe('Seq of the reversed entry in this chain'),
      pseudonym: z.string().describe("The household's pseudonym of the entry's year (xxxx-xxxx-xxxx, letters only; another every year)"),
      privateDigest: Hex64.nullable().describe('Commitment to the private fields (salted); null before hash version 3'),
      prevHash: Hex64,
      hash: Hex64,
    }),
  ),
  nextFrom: z.number().int().nullable().describe('The seq to ask for next, or null when the range is done'),
});
