import { reactive, ref, shallowRef } from 'vue';
import { RunFailed, WorkerUnavailable, yieldToPage, type Observed, type RunMessage, type VerifyJob, type VerifyResult } from './verify-types';

/** Runs a job inside a worker and relays its messages. */
export function runInWorker(job: VerifyJob, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<{ result: VerifyResult; observed: Observed }> {
  return new Promise((resolve, reject) => {
    if (typeof Worker === 'undefined') return reject(new WorkerUnavailable('no Worker'));
    let worker: Worker;
    try {
      worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' });
    } catch (err) {
      return reject(new WorkerUnavailable(String(err)));
    }
    let heard = false;
    const finish = () => worker.terminate();
    // A page left mid-check stops hashing at once instead of draining the phone's battery.
    signal?.addEventListener('abort', () => {
      finish();
      reject(new DOMException('aborted', 'AbortError'));
    });
    worker.onmessage = (e: MessageEvent<RunMessage>) => {
      heard = true;
      const m = e.data;
      if (m.type === 'progress') onProgress(m.done, m.total);
      else if (m.type === 'done') {
        finish();
        resolve({ result: m.result, observed: m.observed });
      } else {
        finish();
        reject(new RunFailed(m.status, m.message));
      }
    };
    worker.onerror = (e) => {
      finish();
      reject(heard ? new Error(e.message || 'worker failed') : new WorkerUnavailable(e.message));
    };
    worker.postMessage(job);
  });
}

export type VerifyState = 'idle' | 'running' | 'passed' | 'failed' | 'error';

/** Runs a job in a worker, or on the page (yielding between requests) where a worker cannot start. */
export async function runVerify(job: VerifyJob, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<{ result: VerifyResult; observed: Observed }> {
  try {
    return await runInWorker(job, onProgress, signal);
  } catch (err) {
    if (!(err instanceof WorkerUnavailable)) throw err;
  }
  // The verifier's code is fetched only here: a page that never runs it on the main thread never loads it.
  const { runJob } = await import('./verify-run');
  let last = 0;
  return runJob(
    job,
    (done, total) => {
      // Vue re-renders on every change: a few times a second is enough for a progress line.
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      onProgress(done, total);
    },
    async () => {
      signal?.throwIfAborted();
      await yieldToPage();
    },
  );
}

/**
 * The state of one 核验 on a page: idle → running (entries checked / total) → passed or failed
 * (the verifier's result and what it fetched), or error when the server could not be asked at all.
 */
export function useVerify() {
  const state = ref<VerifyState>('idle');
  const progress = reactive({ done: 0, total: 0 });
  const result = shallowRef<VerifyResult | null>(null);
  const observed = shallowRef<Observed | null>(null);
  const failure = shallowRef<{ status: number; message: string } | null>(null);
  let runs = 0;
  let controller: AbortController | null = null;

  async function run(job: VerifyJob): Promise<void> {
    controller?.abort();
    controller = new AbortController();
    const mine = ++runs;
    state.value = 'running';
    progress.done = 0;
    progress.total = 0;
    result.value = null;
    observed.value = null;
    failure.value = null;
    try {
      const out = await runVerify(job, (done, total) => {
        if (mine !== runs) return;
        progress.done = done;
        progress.total = total;
      }, controller.signal);
      if (mine !== runs) return;
      result.value = out.result;
      observed.value = out.observed;
      state.value = out.result.ok ? 'passed' : 'failed';
    } catch (err) {
      if (mine !== runs) return;
      failure.value = { status: err instanceof RunFailed ? err.status : 0, message: err instanceof Error ? err.message : String(err) };
      state.value = 'error';
    }
  }

  /** Forgets a run in flight (the page moved to another board). */
  function reset(): void {
    runs++;
    controller?.abort();
    controller = null;
    state.value = 'idle';
    result.value = null;
    observed.value = null;
    failure.value = null;
  }

  return { state, progress, result, observed, failure, run, reset };
}

/** Key fingerprint as posters print it: the first 32 hex digits in 8 groups of 4, upper case. */
export function groupFingerprint(hex: string): string {
  return (hex.slice(0, 32).toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

export function totalEntries(o: Observed): number {
  return Object.values(o.entriesByVillage).reduce((a, b) => a + b, 0);
}
