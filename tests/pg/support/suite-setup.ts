/**
 * Setup file of the `pg-suite` lane: the PostgreSQL databases a test's apps moved to are dropped after that test,
 * those made in a beforeAll after the file.
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { closeOpened, enterTest, timing } from './engine-switch';

beforeEach(() => enterTest());
afterEach(() => closeOpened(false));
afterAll(async () => {
  await closeOpened(true);
  if (process.env.JIFEN_PG_SUITE_TIMING === '1') console.log(`[pg-suite] ${timing.moves} moves ${timing.moveMs} ms, ${timing.syncs} syncs ${timing.syncMs} ms (this worker so far)`);
});
