/**
 * The work driver.pg.test.ts races across processes, and its second process:
 *   tsx tests/pg/driverRacer.ts sell <url> <villageId> <goodsId> <attempts>   (waits for "go" on stdin)
 *   tsx tests/pg/driverRacer.ts hold <url> <jobName>                         (holds the job until killed)
 * Each prints one JSON line per step on stdout.
 */
import type { Pool } from 'pg';
import { pathToFileURL } from 'node:url';
import { lockGoods, lockVillageChain, runExclusive } from '../../db/pg/locks';
import { openPgPools } from '../../db/pg/pool';
import { pgTransaction } from '../../db/pg/transaction';

/**
 * Sells one unit of a goods row if its stock allows (the cap: never below zero), as a redemption would:
 * village chain, then goods, then check, then write. `lock: false` is the control that skips both locks.
 */
export async function sellOne(pool: Pool, villageId: number, goodsId: number, lock = true): Promise<boolean> {
  return pgTransaction(pool, async (tx) => {
    if (lock) {
      await lockVillageChain(tx, villageId);
      await lockGoods(tx, [goodsId]);
    }
    const row = await tx.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [goodsId]);
    if (!row || row.stock < 1) return false;
    // Widens the window between the check and the write, as a real redemption's other statements do.
    await tx.run('SELECT pg_sleep(0.005)');
    await tx.run('UPDATE goods SET stock = stock - 1 WHERE id = ?', [goodsId]);
    await tx.run('INSERT INTO driver_sales (goods_id, pid) VALUES (?, ?)', [goodsId, process.pid]);
    return true;
  });
}

async function main(argv: string[]): Promise<void> {
  const [mode, url] = argv;
  if (!url) throw new Error('usage: driverRacer.ts sell|hold <url> …');
  const pools = openPgPools({ url, poolSize: 4 });
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  try {
    if (mode === 'sell') {
      const [villageId, goodsId, attempts] = argv.slice(2).map(Number);
      await pools.primary.query('SELECT 1');
      say({ ready: true });
      await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
      // A stdin left flowing would keep this process alive after its work.
      process.stdin.pause();
      let sold = 0;
      const tries = Array.from({ length: attempts! }, () => sellOne(pools.primary, villageId!, goodsId!).then((ok) => void (ok && sold++)));
      await Promise.all(tries);
      say({ sold });
    } else if (mode === 'hold') {
      const job = argv[2]!;
      const result = await runExclusive(pools.primary, job, async () => {
        say({ holding: true });
        await new Promise(() => undefined);
      });
      say(result);
    } else throw new Error(`unknown mode ${mode}`);
  } finally {
    await pools.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
