/** What the page and the verifier worker say to each other; no verifier code here, so pages stay small. */
import type { VerifiedCheckpoint, VerifyReport } from '../../../../server/lib/publicVerify';

/** A board's or a household's report: the checks, the first failure, the checkpoint checked against. */
export type VerifyResult = VerifyReport & { checkpoint?: VerifiedCheckpoint; notes?: string[]; proven?: number; pending?: number };

export type VerifyJob = { kind: 'board'; publicationId: number } | { kind: 'household'; householdId: number };

/** What the verifier fetched, summarised: enough to say how much was checked. */
export interface Observed {
  /** villageId → name (the public ledger's, else the signed checkpoint's). */
  villageNames: Record<number, string>;
  /** villageId → how many distinct ledger entries of it were fetched (and, on success, checked). */
  entriesByVillage: Record<number, number>;
  /** The household's pseudonym on the public ledger (household proofs only). */
  pseudonym: string | null;
}

export type RunMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: VerifyResult; observed: Observed }
  | { type: 'error'; status: number; message: string };

/** The run could not happen at all (the worker failed, the page was left): not a verification result. */
export class RunFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The worker could not start (old browser, blocked script): the caller runs the job on the page instead. */
export class WorkerUnavailable extends Error {}

/** Lets the browser paint and handle input before the next batch (scheduler.yield where there is one). */
export function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s?.yield) return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
