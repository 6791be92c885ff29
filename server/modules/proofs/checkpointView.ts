import type { CheckpointRow } from '../../../db/proofs/checkpoints';
import type { CheckpointBody } from './writeCheckpoint';

/** A checkpoint as the public gets it: the signed body parsed (verifiers re-canonicalize it), its hash and signature. */
export function checkpointView(row: CheckpointRow) {
  return { id: row.id, countyId: row.countyId, seq: row.seq, hash: row.hash, signature: row.signature, body: JSON.parse(row.body) as CheckpointBody };
}
