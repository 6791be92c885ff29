/** Runs the public verifier off the page's main thread: hashing a village's ledger never freezes a slow phone. */
import { runJob } from './verify-run';
import type { RunMessage, VerifyJob } from './verify-types';

const scope = self as unknown as { postMessage(m: RunMessage): void; onmessage: ((e: MessageEvent<VerifyJob>) => void) | null };
// Progress at most ten times a second: thousands of messages would cost the page what the worker saved.
const EVERY_MS = 100;

scope.onmessage = (e) => {
  let last = 0;
  const progress = (done: number, total: number) => {
    const now = performance.now();
    if (done < total && now - last < EVERY_MS) return;
    last = now;
    scope.postMessage({ type: 'progress', done, total });
  };
  // The verifier turns every failure, unreachable server included, into its report; this is for bugs only.
  runJob(e.data, progress).then(
    ({ result, observed }) => scope.postMessage({ type: 'done', result, observed }),
    (err: unknown) => scope.postMessage({ type: 'error', status: 0, message: err instanceof Error ? err.message : String(err) }),
  );
};
