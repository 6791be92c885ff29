import { z } from 'zod';
import { AreaKind } from '../auth/responses';

export const BoardKind = z.enum(['red', 'black', 'stars', 'leaderboard', 'villages']);
const ReviewStatus = z.enum(['pending', 'rejected', 'approved']);

export const BoardArea = z.object({ id: z.number().int(), name: z.string(), kind: AreaKind, trail: z.string().describe('The area with its parents, e.g. 石门镇 · 石门村') });

/** The ledger state a board was computed from: its hash is part of the board's hash. */
const ChainHead = z.object({
  lastEntryId: z.number().int(),
  hash: z.string(),
  chains: z.array(z.object({ villageId: z.number().int(), lastSeq: z.number().int(), headHash: z.string() })).optional(),
});

const common = { area: BoardArea, period: z.string(), chainHead: ChainHead };
// Boards published before public proofs carry no pseudonyms (their rows cannot be recomputed publicly).
const Pseudonym = z.string().optional().describe("The household's public pseudonym: its name in the public ledger, so anyone can recompute the row");

/** Every board is one of five kinds; names are masked by the area's rule. */
export const Board = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('red'),
      ...common,
      params: z.object({ categories: z.array(z.string()) }),
      items: z.array(
        z.object({
          rank: z.number().int(),
          householdId: z.number().int(),
          pseudonym: Pseudonym,
          name: z.string(),
          earned: z.number(),
          deeds: z.array(z.string()),
          deedRules: z.array(z.number().int()).optional().describe('Rule ids behind the deeds, ascending (the public ledger names rules by id)'),
        }),
      ),
    }),
    z.object({
      kind: z.literal('black'),
      ...common,
      params: z.object({}),
      items: z.array(
        z.object({
          entryId: z.number().int(),
          seq: z.number().int().nullable().optional().describe("The deduction's seq in its village chain"),
          householdId: z.number().int(),
          pseudonym: Pseudonym,
          name: z.string(),
          conduct: z.string(),
          occurredOn: z.string(),
          points: z.number(),
          rectification: z.enum(['pending']).nullable(),
        }),
      ),
      rectifiedSeqs: z.array(z.number().int()).optional().describe('Seqs of black-list deductions an approved rectification took off the list'),
      blackRules: z.array(z.number().int()).optional().describe("Rule ids of the period's black-list deductions"),
      notBlackSeqs: z.array(z.number().int()).optional().describe('Seqs of deductions under those rules made while the rule was not a black-list rule'),
    }),
    z.object({
      kind: z.literal('stars'),
      ...common,
      params: z.object({ method: z.enum(['score', 'dimensions', 'both']), dimensionThreshold: z.number() }),
      items: z.array(z.object({ rank: z.number().int(), householdId: z.number().int(), pseudonym: Pseudonym, name: z.string(), score: z.number(), stars: z.number().int(), dimensions: z.array(z.string()) })),
      thresholds: z.array(z.number()),
      dimensions: z.array(z.object({ label: z.string(), category: z.string() })),
    }),
    z.object({
      kind: z.literal('leaderboard'),
      ...common,
      params: z.object({ limit: z.number().int(), category: z.string().optional() }),
      items: z.array(z.object({ rank: z.number().int(), householdId: z.number().int(), pseudonym: Pseudonym, name: z.string(), village: z.string(), points: z.number() })),
    }),
    z.object({
      kind: z.literal('villages'),
      ...common,
      params: z.object({}),
      items: z.array(
        z.object({
          rank: z.number().int(),
          villageId: z.number().int(),
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
  ])
  .meta({ id: 'Board' });

/** A board computed now: nothing stored, so no publication. */
export const LiveBoardAnswer = z.object({ board: Board, hash: z.string().describe('SHA-256 of the board'), publication: z.null() });

export const Publication = z.object({
  id: z.number().int(),
  kind: BoardKind,
  areaId: z.number().int(),
  period: z.string(),
  status: ReviewStatus,
  version: z.number().int().nullable().describe('1, 2 … once published'),
  hash: z.string(),
  chainHash: z.string(),
  chainEntryId: z.number().int(),
  proposedAt: z.number(),
  publishedAt: z.number().nullable(),
  checkpointId: z.number().int().nullable().describe('The signed checkpoint made when the board was proposed: its figures are those of its tree sizes (null before public proofs)'),
});

export const PublicationListAnswer = z.object({
  items: z.array(Publication.extend({ areaName: z.string(), proposedBy: z.number().int(), proposer: z.string(), reviewedBy: z.number().int().nullable(), rejectReason: z.string().nullable(), mine: z.boolean() })),
  total: z.number().int(),
});
export const ProposedPublicationAnswer = Publication.extend({ board: Board });
export const PublicationDetailAnswer = Publication.extend({ board: Board, rejectReason: z.string().nullable(), mine: z.boolean() });

const Verification = z.object({ hashMatches: z.boolean().describe('The stored board still hashes to its published hash'), chainHeadInLedger: z.boolean() });

export const PublishedBoardAnswer = z.object({
  area: BoardArea,
  kind: BoardKind,
  period: z.string(),
  publication: Publication.nullable(),
  verification: Verification.nullable(),
  versions: z.array(z.object({ id: z.number().int(), version: z.number().int().nullable(), publishedAt: z.number().nullable(), hash: z.string() })),
  board: Board.nullable(),
});
export const PublicPublicationAnswer = z.object({ area: BoardArea, publication: Publication, verification: Verification, board: Board });

export const RectificationListAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      householdId: z.number().int(),
      villageId: z.number().int(),
      village: z.string(),
      headName: z.string(),
      ledgerEntryId: z.number().int(),
      conduct: z.string(),
      occurredOn: z.string(),
      points: z.number(),
      status: ReviewStatus,
      note: z.string(),
      rectifiedOn: z.string(),
      proposedBy: z.number().int(),
      proposedAt: z.number(),
      reviewedBy: z.number().int().nullable(),
      reviewedAt: z.number().nullable(),
      rejectReason: z.string().nullable(),
      mine: z.boolean(),
    }),
  ),
  total: z.number().int(),
});
export const RectificationAnswer = z.object({ id: z.number().int(), ledgerEntryId: z.number().int(), householdId: z.number().int(), status: ReviewStatus, rectifiedOn: z.string() });
export const RectificationReviewAnswer = z.object({ id: z.number().int(), ledgerEntryId: z.number().int(), householdId: z.number().int(), status: z.enum(['rejected', 'approved']), reviewedAt: z.number() });

const PublishedStars = z.object({
  publicationId: z.number().int(),
  version: z.number().int().nullable(),
  publishedAt: z.number().nullable(),
  hash: z.string(),
  method: z.enum(['score', 'dimensions', 'both']),
  stars: z.number().int(),
  dimensions: z.array(z.string()),
  score: z.number(),
});
export const HouseholdStarsAnswer = z.object({
  householdId: z.number().int(),
  year: z.string(),
  thresholds: z.array(z.number()),
  computed: z.object({ stars: z.number().int(), score: z.number(), dimensions: z.array(z.string()), method: z.literal('score') }).nullable(),
  published: PublishedStars.nullable(),
});
export const PublicHouseholdStarsAnswer = z.object({ householdId: z.number().int(), name: z.string().describe('Masked'), village: BoardArea, year: z.string(), published: PublishedStars.nullable() });

export const NoticesAnswer = z.object({
  area: BoardArea,
  villages: z.array(
    z.object({
      villageId: z.number().int(),
      name: z.string(),
      endsAt: z.number().nullable(),
      items: z.array(
        z.object({
          awardId: z.number().int(),
          name: z.string(),
          rule: z.string(),
          quantity: z.number(),
          points: z.number(),
          occurredOn: z.string(),
          noticeEndsAt: z.number().nullable(),
          objections: z.object({ open: z.number().int(), upheld: z.number().int(), dismissed: z.number().int() }),
        }),
      ),
    }),
  ),
  total: z.number().int(),
});

const DonorKind = z.enum(['unit', 'enterprise', 'organisation', 'person']);
export const DonationsAnswer = z.object({
  area: BoardArea,
  year: z.string().nullable(),
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.number().int(),
      donor: z.string(),
      donorKind: DonorKind,
      what: z.string(),
      description: z.string().nullable(),
      quantity: z.number().nullable(),
      unit: z.string().nullable(),
      amountFen: z.number().int().nullable(),
      receivedOn: z.string(),
      store: z.string(),
      drawdown: z.object({ received: z.number(), redeemed: z.number(), lost: z.number(), remaining: z.number() }).nullable().describe('Where donated goods went'),
    }),
  ),
});
export const HonourRollAnswer = z.object({
  area: BoardArea,
  year: z.string().nullable(),
  items: z.array(z.object({ donor: z.string(), donorKind: DonorKind, totalFen: z.number().int(), donations: z.number().int(), rank: z.number().int() })),
});
