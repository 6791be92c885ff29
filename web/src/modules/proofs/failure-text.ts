import type { Observed, VerifyResult } from './verify-types';

type T = (key: string, values?: Record<string, unknown>) => string;

/** The verifier's check names (server/lib/publicVerify), each with what its failure means in plain words. */
const REASONS: Record<string, string> = {
  signature: 'signature',
  'checkpoint key': 'key',
  'key named': 'key',
  'trusted key': 'key',
  'checkpoint hash': 'checkpoint',
  'checkpoint body': 'checkpoint',
  'county root': 'checkpoint',
  checkpoint: 'checkpoint',
  'board hash': 'boardHash',
  'chain heads': 'chainHeads',
  'board figures': 'figures',
  'public ledger': 'ledger',
  response: 'ledger',
  board: 'ledger',
  'household proofs': 'ledger',
  'ledger only grows': 'shrunk',
  'seq continuity': 'missing',
  'hash versions': 'entryHash',
  'entry hash': 'entryHash',
  'hash chain': 'link',
  'merkle root': 'root',
  'village in checkpoint': 'notInCheckpoint',
  inclusion: 'inclusion',
  'checkpoint chain': 'chain',
};

/** Whether the run failed only because the server could not be asked (network, HTTP error): no evidence either way. */
export function unreachable(result: VerifyResult | null): boolean {
  return !!result?.firstFailure?.unreachable;
}

/**
 * The first thing that did not match, in plain Chinese (or English): where (village and entry number,
 * or board row) and what it means. The verifier's own technical wording is shown beside it.
 */
export function failureText(t: T, result: VerifyResult, observed: Observed | null): string {
  const f = result.firstFailure;
  const check = result.checks.find((c) => !c.ok);
  const reason = t(`proofs.reason.${REASONS[check?.name ?? ''] ?? 'other'}`);
  if (!f) return reason;
  const village = f.villageId != null ? observed?.villageNames[f.villageId] || t('proofs.villageN', { id: f.villageId }) : '';
  if (village && f.seq != null) return t('proofs.failAtEntry', { village, seq: f.seq, what: reason });
  if (f.row != null) return t('proofs.failAtRow', { row: f.row, what: reason });
  if (village) return t('proofs.failAtVillage', { village, what: reason });
  return reason;
}
