import pg from 'pg';
import type { Pool } from 'pg';
import type { PgTx } from './transaction';

/** The LISTEN/NOTIFY channel every write transaction that changes public data notifies on commit. */
export const DATA_VERSION_CHANNEL = 'jifen_data_version';

/**
 * Moves the one-row `data_version` (id 1) forward and queues a NOTIFY carrying the new version; PostgreSQL
 * delivers it only if the transaction commits. Call it last in the body: the row lock it takes is held
 * until COMMIT and every other writer that bumps waits for it. Returns the new version.
 */
export async function bumpDataVersion(tx: PgTx): Promise<string> {
  // An upsert: a database whose migrations did not seed the row still counts from 1.
  const row = await tx.get<{ version: number }>(
    'INSERT INTO data_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1 RETURNING version',
  );
  if (!row) throw new Error('data_version: the upsert returned no row');
  const version = String(row.version);
  await tx.run('SELECT pg_notify(?, ?)', [DATA_VERSION_CHANNEL, version]);
  return version;
}

/** The committed version as a stamp (caches keep an answer only while it stays the same). */
export async function dataVersionPg(pool: Pool): Promise<string> {
  const res = await pool.query<{ version: number }>('SELECT version FROM data_version WHERE id = 1');
  // No row yet: nothing has been bumped since the database was made.
  return String(res.rows[0]?.version ?? 0);
}

export interface DataVersionWatch {
  /** Settles once the first LISTEN is in place (notifications before it are not seen). */
  readonly ready: Promise<void>;
  /** Whether the LISTEN connection is up now. */
  readonly listening: boolean;
  /** Stops listening and ends the connection; idempotent. */
  close(): Promise<void>;
}

export interface WatchOptions {
  /** First pause before reconnecting; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Calls `onChange(version)` whenever another connection commits a `bumpDataVersion`. Holds its own
 * connection (same settings as the pool, outside it, so it never takes a request's slot) and reconnects
 * after losing it with a growing pause; after a reconnect it calls `onChange` with the version read then,
 * because commits made while it was away sent notifications nobody heard.
 */
export function watchDataVersion(pool: Pool, onChange: (version: string) => void, opts: WatchOptions = {}): DataVersionWatch {
  const retryMs = opts.retryMs ?? 200;
  const maxRetryMs = opts.maxRetryMs ?? 10_000;
  let delay = retryMs;
  let client: pg.Client | null = null;
  let closed = false;
  let everListened = false;
  let timer: NodeJS.Timeout | null = null;
  let attempt: Promise<void> | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const notify = (version: string) => {
    try {
      onChange(version);
    } catch (err) {
      // A failing listener must not stop the watch.
      console.error('[jifen] data version listener failed', err);
    }
  };

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      attempt = connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, maxRetryMs);
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client(pool.options);
    let lost = false;
    const drop = () => {
      if (lost) return;
      lost = true;
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      schedule();
    };
    c.on('error', drop);
    c.on('end', drop);
    c.on('notification', (msg) => {
      if (msg.channel === DATA_VERSION_CHANNEL && msg.payload) notify(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${DATA_VERSION_CHANNEL}`);
      const missed = everListened ? await c.query<{ version: number }>('SELECT version FROM data_version WHERE id = 1') : null;
      if (closed || lost) {
        drop();
        return;
      }
      client = c;
      delay = retryMs;
      everListened = true;
      markReady();
      if (missed) notify(String(missed.rows[0]?.version ?? 0));
    } catch (err) {
      if (!closed) console.error('[jifen] data version LISTEN failed; retrying', err instanceof Error ? err.message : err);
      drop();
    }
  };

  attempt = connect();
  return {
    ready,
    get listening() {
      return client !== null;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      markReady();
      // An attempt under way sees `closed` and ends its own connection.
      await attempt;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
