import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, readDb, type SqliteDb } from '../../db/client';
import { lockVillageChain, postLedgerEntry } from '../../db/ledger';
import { transaction, TransactionMisuse, type Tx } from '../../db/transaction';
import { verifyDatabase } from '../../db/verify';
import { makeAreas, makeHousehold } from '../support/factories';

const dir = mkdtempSync(join(tmpdir(), 'jifen-tx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fileDb(): SqliteDb {
  return openDb({ file: join(dir, `t${++n}.db`) });
}

function world(db: SqliteDb) {
  const areas = makeAreas(db);
  const household = makeHousehold(db, areas.villageA.id);
  return { village: areas.villageA.id, household: household.id };
}

const balanceOf = (db: SqliteDb, id: number) => (db.$client.prepare('SELECT balance FROM households WHERE id = ?').get(id) as { balance: number }).balance;
const count = (db: SqliteDb, table: string) => (db.$client.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('transaction()', () => {
  it('commits everything the body wrote and returns its value', async () => {
    const db = fileDb();
    const w = world(db);
    const row = await transaction(db, async (tx) => {
      await lockVillageChain(tx, w.village);
      return postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 10, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 1 });
    });
    expect(row).toMatchObject({ seq: 1, chainId: w.village, balanceAfter: 10 });
    expect(balanceOf(readDb(db), w.household)).toBe(10);
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 1 });
    closeDb(db);
  });

  it('rolls back every write when the body throws after awaiting, and re-throws', async () => {
    const db = fileDb();
    const w = world(db);
    const boom = new Error('boom');
    await expect(
      transaction(db, async (tx) => {
        await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 10, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 1 });
        await tick();
        await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 5, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 2 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(count(db, 'ledger_entries')).toBe(0);
    expect(count(db, 'ledger_chains')).toBe(0);
    expect(balanceOf(db, w.household)).toBe(0);
    expect(db.$client.inTransaction).toBe(false);
    // The connection is free again.
    await transaction(db, async (tx) => postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 3 }));
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 1 });
    closeDb(db);
  });

  it('runs concurrent transactions one at a time, in the order they asked, each seeing the commits before it', async () => {
    const db = fileDb();
    const w = world(db);
    const order: string[] = [];
    const runs = Array.from({ length: 20 }, (_, i) =>
      transaction(db, async (tx) => {
        order.push(`begin ${i}`);
        const before = balanceOf(tx, w.household);
        await tick();
        const row = await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-03-01', createdAt: i });
        order.push(`end ${i}`);
        return { before, seq: row.seq };
      }),
    );
    const results = await Promise.all(runs);
    expect(results).toEqual(results.map((_, i) => ({ before: i, seq: i + 1 })));
    expect(order).toEqual(results.flatMap((_, i) => [`begin ${i}`, `end ${i}`]));
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 20 });
    closeDb(db);
  });

  it('one failing transaction does not disturb the ones queued behind it', async () => {
    const db = fileDb();
    const w = world(db);
    const post = (points: number, fail: boolean) =>
      transaction(db, async (tx) => {
        await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 1 });
        await tick();
        if (fail) throw new Error('refused');
      });
    const settled = await Promise.allSettled([post(1, false), post(100, true), post(2, false)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(balanceOf(db, w.household)).toBe(3);
    expect(await verifyDatabase(db)).toMatchObject({ ok: true, entries: 2, chains: [{ lastSeq: 2 }] });
    closeDb(db);
  });

  it('refuses a nested transaction on the same database as a programming error, and rolls the outer one back', async () => {
    const db = fileDb();
    const w = world(db);
    await expect(
      transaction(db, async (tx) => {
        await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 10, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 1 });
        await transaction(db, async () => undefined);
      }),
    ).rejects.toThrow(TransactionMisuse);
    expect(count(db, 'ledger_entries')).toBe(0);
    closeDb(db);
  });

  it('refuses drizzle\'s synchronous db.transaction(): transaction() is the one way in, held or not', async () => {
    const db = fileDb();
    const w = world(db);
    expect(() => db.transaction(() => 1)).toThrow(TransactionMisuse);
    let release!: () => void;
    const held = transaction(db, () => new Promise<void>((resolve) => (release = resolve)));
    await tick();
    expect(() => db.transaction(() => 1)).toThrow(TransactionMisuse);
    release();
    await held;
    expect(balanceOf(db, w.household)).toBe(0);
    closeDb(db);
  });

  it('reads outside a transaction through readDb see the last commit, never a transaction in progress', async () => {
    const db = fileDb();
    const w = world(db);
    const reader = readDb(db);
    expect(reader).not.toBe(db);
    let seenInside = -1;
    await transaction(db, async (tx) => {
      await postLedgerEntry(tx, { householdId: w.household, villageId: w.village, kind: 'adjustment', points: 10, conductPoints: 0, occurredOn: '2026-03-01', createdAt: 1 });
      await tick();
      seenInside = balanceOf(reader, w.household);
    });
    expect(seenInside).toBe(0);
    expect(balanceOf(reader, w.household)).toBe(10);
    expect(() => reader.$client.exec('DELETE FROM sessions')).toThrow(/readonly/);
    closeDb(db);
    expect(reader.$client.open).toBe(false);
  });

  it('on an in-memory database the read handle is the write one', () => {
    const db = openDb({ file: ':memory:' });
    expect(readDb(db)).toBe(db);
  });

  it('the ledger is written only inside a transaction', async () => {
    const db = openDb({ file: ':memory:' });
    const w = world(db);
    // A plain Db does not type-check as a Tx; forced, the store still refuses.
    await expect(lockVillageChain(db as Tx, w.village)).rejects.toThrow(/only inside a transaction/);
  });
});
