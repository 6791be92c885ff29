import { ref } from 'vue';
import { ApiError, newIdempotencyKey, setRequestHook } from '../api/client';

/**
 * A double click never creates two. The key is made when the form opens (this is called in its setup);
 * every POST the send makes carries `Idempotency-Key: <key>.<n>` (n counts the POSTs of one send, so a
 * send that creates two things gives each its own key, and a repeat of the send repeats them in order).
 * The server answers a repeat with the first answer. While a send is in flight the form is busy and
 * a second submit does nothing; after a success the next send gets a fresh key (a form kept open for
 * the next entry must not replay the last one).
 */
export function useIdempotentSubmit() {
  let key = newIdempotencyKey();
  const busy = ref(false);

  async function run(send: () => Promise<void>): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    let posts = 0;
    const base = key;
    setRequestHook((init) => ((init?.method ?? 'GET').toUpperCase() === 'POST' ? { 'Idempotency-Key': `${base}.${++posts}` } : undefined));
    try {
      await send();
      key = newIdempotencyKey();
      return true;
    } catch (err) {
      // The key already answered another request (one whose answer was lost, on another row): the next send is new.
      if (err instanceof ApiError && err.code === 'idempotency_mismatch') key = newIdempotencyKey();
      throw err;
    } finally {
      setRequestHook(null);
      busy.value = false;
    }
  }

  return { busy, run, currentKey: () => key };
}
