import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { areaById } from '../../../db/areas';
import { insertCheckpoint, lastCheckpointOfCounty, type CheckpointReason, type CheckpointRow } from '../../../db/proofs/checkpoints';
import { countyVillageChains, villageEntryHashes } from '../../../db/proofs/chains';
import { frontiersOf, saveFrontier, type StoredFrontier } from '../../../db/proofs/frontiers';
import type { Tx } from '../../../db/transaction';
import { writeAudit, type AuditCtx } from '../../lib/audit';
import { checkpointKeyOf, signBytes } from '../../lib/checkpointKey';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { EMPTY_FRONTIER, frontierAppend, leafHashOfBytes, rootOfFrontier, rootOfLeafHashes, type Frontier } from '../../lib/merkle';

export const CHECKPOINT_FORMAT = 'jifen-checkpoint/1';

/** One village of a checkpoint: its chain's Merkle tree size and root. */
export interface CheckpointVillage {
  villageId: number;
  villageName: string;
  treeSize: number;
  root: string;
}

/** What is signed: `canonicalize(body)` (RFC 8785), UTF-8. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  countyId: number;
  countyName: string;
  seq: number;
  issuedAt: string;
  reason: CheckpointReason;
  previousHash: string | null;
  villages: CheckpointVillage[];
  countyRoot: string;
  keyFingerprint: string;
}

/** Who makes a checkpoint: a signed-in county admin, or the system (scheduler, board proposal's actor alike). */
export type CheckpointCtx = Pick<Ctx, 'db' | 'config' | 'now' | 'device'> & { actor: AuditCtx['actor'] };

const utf8 = (text: string) => Buffer.from(text, 'utf8');

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('checkpoint: value cannot be canonicalized');
  return text;
}

/** The county root: RFC 6962 root over canonicalize({villageId, treeSize, root}) of each village, ascending id. */
export function countyRootOf(villages: readonly Pick<CheckpointVillage, 'villageId' | 'treeSize' | 'root'>[]): string {
  const sorted = [...villages].sort((a, b) => a.villageId - b.villageId);
  return rootOfLeafHashes(sorted.map((v) => leafHashOfBytes(utf8(canonical({ villageId: v.villageId, treeSize: v.treeSize, root: v.root })))));
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The county an area lies in: the first id of its materialised path ("/1/4/9/" → 1). */
export function countyIdOfPath(path: string): number {
  const id = Number(path.split('/')[1]);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`area path without a county: ${path}`);
  return id;
}

/** The stored frontier if it is well-formed and not ahead of the chain; otherwise the tree is rebuilt from seq 1. */
export function usableFrontier(stored: StoredFrontier | undefined, lastSeq: number): Frontier {
  if (!stored || stored.treeSize > lastSeq || !Array.isArray(stored.nodes) || !stored.nodes.every((n) => typeof n === 'string' && HEX64.test(n))) return EMPTY_FRONTIER;
  const setBits = stored.treeSize.toString(2).split('').filter((b) => b === '1').length;
  return setBits === stored.nodes.length ? { size: stored.treeSize, nodes: stored.nodes } : EMPTY_FRONTIER;
}

/**
 * The village trees of a county now: each stored frontier extended by the entries added since (only
 * those are read and hashed), saved back. A tree ends before the first missing seq, so a deleted row
 * stops its village's tree there, in plain view of every verifier.
 */
async function currentVillageTrees(tx: Tx, countyPath: string): Promise<CheckpointVillage[]> {
  const villages = await countyVillageChains(tx, countyPath);
  const frontiers = await frontiersOf(tx, villages.map((v) => v.villageId));
  const out: CheckpointVillage[] = [];
  for (const v of villages) {
    const stored = frontiers.get(v.villageId);
    let frontier = usableFrontier(stored, v.lastSeq);
    if (frontier.size < v.lastSeq) {
      frontier = frontierAppend(frontier, await villageEntryHashes(tx, v.villageId, frontier.size + 1, v.lastSeq));
    }
    if (!stored || stored.treeSize !== frontier.size || stored.nodes.join() !== frontier.nodes.join()) {
      await saveFrontier(tx, { villageId: v.villageId, treeSize: frontier.size, nodes: frontier.nodes });
    }
    out.push({ villageId: v.villageId, villageName: v.villageName, treeSize: frontier.size, root: rootOfFrontier(frontier) });
  }
  return out;
}

/**
 * Makes, signs and stores the county's next checkpoint inside the caller's transaction (a board
 * proposal's, or makeCheckpoint's own), with its audit row. Seq and previousHash come from the last
 * checkpoint read in the same transaction, so concurrent makers queue into 1, 2, 3 … with no gap.
 */
export async function writeCheckpoint(tx: Tx, ctx: CheckpointCtx, countyId: number, reason: CheckpointReason): Promise<CheckpointRow> {
  const key = checkpointKeyOf(ctx.config, ctx.db);
  const county = await areaById(tx, countyId);
  if (!county || county.kind !== 'county') throw new NotFound('县不存在');
  const villages = await currentVillageTrees(tx, county.path);
  const previous = await lastCheckpointOfCounty(tx, countyId);
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    countyId,
    countyName: county.name,
    seq: (previous?.seq ?? 0) + 1,
    issuedAt: ctx.now.toISOString(),
    reason,
    previousHash: previous?.hash ?? null,
    villages,
    countyRoot: countyRootOf(villages),
    keyFingerprint: key.info.fingerprint,
  };
  const bytes = utf8(canonical(body));
  const row = await insertCheckpoint(tx, {
    countyId,
    seq: body.seq,
    issuedAt: ctx.now.getTime(),
    reason,
    body: bytes.toString('utf8'),
    hash: createHash('sha256').update(bytes).digest('hex'),
    prevHash: body.previousHash,
    signature: signBytes(key, bytes),
    keyFingerprint: key.info.fingerprint,
  });
  await writeAudit(tx, ctx, {
    entity: 'checkpoint',
    entityId: row.id,
    action: 'checkpoint.create',
    areaId: countyId,
    after: { seq: row.seq, reason, hash: row.hash, countyRoot: body.countyRoot, villages: villages.length, entries: villages.reduce((n, v) => n + v.treeSize, 0) },
  });
  return row;
}
