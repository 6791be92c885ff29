/**
 * One run of the public verifier (server/lib/publicVerify) as the web app runs it: in a worker when it
 * can (verify.worker.ts), on the page otherwise. Its HTTP goes through the server's public answers only;
 * the wrapper also notes what was fetched (how many ledger entries per village, the household's
 * pseudonym) so the result can say in plain words what was checked.
 */
import { httpApi, verifyBoard, verifyHouseholdProofs, type PublicApi } from '../../../../server/lib/publicVerify';
import type { Observed, VerifyJob, VerifyResult } from './verify-types';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * `between` runs before every request: on the page it hands the main thread back to the browser so a
 * slow phone keeps scrolling and painting while thousands of entries are hashed.
 */
export async function runJob(job: VerifyJob, onProgress: (done: number, total: number) => void, between: () => Promise<void> = async () => undefined): Promise<{ result: VerifyResult; observed: Observed }> {
  const observed: Observed = { villageNames: {}, entriesByVillage: {}, pseudonym: null };
  const seen = new Map<number, Set<number>>();
  // Same origin, with the session cookie: the household's own proofs need it, public answers ignore it.
  const http = httpApi(globalThis.location.origin, (input, init) => fetch(input, init), { credentials: 'same-origin' });

  function note(path: string, body: unknown): void {
    const url = new URL(path, 'http://x');
    const ledger = /^\/public\/villages\/(\d+)\/ledger$/.exec(url.pathname);
    if (ledger && isRecord(body) && Array.isArray(body.entries)) {
      const villageId = Number(ledger[1]);
      const set = seen.get(villageId) ?? new Set<number>();
      seen.set(villageId, set);
      for (const e of body.entries) if (isRecord(e) && typeof e.seq === 'number') set.add(e.seq);
      observed.entriesByVillage[villageId] = set.size;
      if (typeof body.villageName === 'string') observed.villageNames[villageId] = body.villageName;
    }
    if (/^\/households\/\d+\/proofs$/.test(url.pathname) && isRecord(body) && typeof body.pseudonym === 'string') observed.pseudonym = body.pseudonym;
  }

  const api: PublicApi = {
    async getJson(path) {
      await between();
      const body = await http.getJson(path);
      note(path, body);
      return body;
    },
  };
  const result: VerifyResult =
    job.kind === 'board' ? await verifyBoard(api, job.publicationId, { onProgress }) : await verifyHouseholdProofs(api, job.householdId, { onProgress });
  for (const v of result.checkpoint?.body.villages ?? []) observed.villageNames[v.villageId] ??= v.villageName;
  return { result, observed };
}
