import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { yearlyPseudonym } from '../../db/ledger';
import { createApp } from '../../server/app';
import { runVerifyPublic } from '../../server/cli/verifyPublic';
import { generateCheckpointKey } from '../../server/lib/checkpointKey';
import { entryHashV3, publicDigest } from '../../server/lib/publicVerify/ledgerHash';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';
import { startServer } from '../support/server-process';
import { makeBoardWorld } from '../boards/world';
import { appApi } from '../proofs-verify/support';
import { seedTrustWorld, HttpClient } from './support';
import type Database from 'better-sqlite3';

/**
 * Someone with the database file edits, deletes or re-hashes ledger rows (triggers dropped), forges a
 * checkpoint or a board: the public verifier (npm run verify:public) must say so, naming the village and seq
 * (or the board row), and its state file must catch a rewritten history even after the server re-signed it.
 */

const root = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'jifen-tamper-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dropTriggers(client: Database.Database): void {
  for (const t of ['ledger_entries_no_update', 'ledger_entries_no_delete', 'ledger_entries_in_village_chain', 'board_publications_snapshot_frozen', 'board_publications_decided_frozen']) {
    client.exec(`DROP TRIGGER IF EXISTS ${t}`);
  }
}

interface Row {
  id: number;
  seq: number;
  kind: string;
  points: number;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
  privateDigest: string;
  prevHash: string;
  hash: string;
}

/** A chain's rows with their public fields as the public ledger shows them (the rule where public, the pseudonym of the entry's year). */
function chainRows(client: Database.Database, villageId: number): Row[] {
  const rows = client
    .prepare(
      `SELECT e.id, e.seq, e.kind, e.points, e.conduct_points AS conductPoints, e.category, CASE WHEN e.rule_public THEN e.rule_id END AS ruleId, e.occurred_on AS occurredOn,
              r.seq AS reversesSeq, h.pseudonym_seed AS seed, e.private_digest AS privateDigest, e.prev_hash AS prevHash, e.hash
         FROM ledger_entries e JOIN households h ON h.id = e.household_id LEFT JOIN ledger_entries r ON r.id = e.reverses_id
        WHERE e.chain_id = ? ORDER BY e.seq`,
    )
    .all(villageId) as Array<Omit<Row, 'pseudonym'> & { seed: string }>;
  return rows.map(({ seed, ...r }) => ({ ...r, pseudonym: yearlyPseudonym(seed, r.occurredOn.slice(0, 4)) }));
}

/**
 * The attacker's full rewrite: entry `seq` gets new points and its hash, and every later entry is re-linked
 * and re-hashed, the chain head moved and the Merkle cache dropped, so the next checkpoint signs the new history.
 */
async function rewrite(client: Database.Database, villageId: number, seq: number, points: number, suffix = true): Promise<void> {
  dropTriggers(client);
  const rows = chainRows(client, villageId);
  let prev = rows[seq - 2]?.hash ?? rows[0].prevHash;
  const update = client.prepare('UPDATE ledger_entries SET points = ?, conduct_points = ?, prev_hash = ?, hash = ? WHERE id = ?');
  for (const r of rows.slice(seq - 1, suffix ? undefined : seq)) {
    const changed = r.seq === seq ? { ...r, points, conductPoints: points } : r;
    const hash = await entryHashV3(villageId, r.seq, prev, await publicDigest(changed), r.privateDigest);
    update.run(changed.points, changed.conductPoints, prev, hash, r.id);
    prev = hash;
  }
  if (suffix) {
    client.prepare('UPDATE ledger_chains SET head_hash = ? WHERE village_id = ?').run(prev, villageId);
    client.prepare('DELETE FROM merkle_frontiers WHERE village_id = ?').run(villageId);
  }
}

describe('npm run verify:public against a real server process', () => {
  it('passes on an honest server, then fails naming the village and seq after a ledger row is edited in the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'jifen.db');
    const state = join(dir, 'state.json');
    const db = openDb({ file });
    const w = await seedTrustWorld(db, { households: 3 });
    for (let i = 0; i < 6; i++) grantPoints(db, w.households[i % 3].id, w.areas.villageA.id, 5 + i);
    db.$client.close();
    const server = await startServer({ env: { JIFEN_DB: file, JIFEN_NO_WEB: '1', JIFEN_DEMO: '0', JIFEN_CHECKPOINT_KEY: join(dir, 'key.pem') } });
    try {
      const admin = await new HttpClient(server.base).login('admin');
      const checkpoint = async () => expect((await admin.request('POST', '/api/checkpoints', { countyId: w.areas.county.id })).status).toBe(201);
      await checkpoint();
      const cli = () => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/verifyPublic.ts', '--url', server.base, '--state', state], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      const honest = cli();
      expect(honest.stdout).toContain('OK');
      expect(honest.status, honest.stdout + honest.stderr).toBe(0);
      expect(existsSync(state)).toBe(true);
      // Edited in the file behind the server's back: entry 4's points, its hash left as it was.
      const raw = openDb({ file }).$client;
      dropTriggers(raw);
      raw.prepare('UPDATE ledger_entries SET points = 500, conduct_points = 500 WHERE chain_id = ? AND seq = 4').run(w.areas.villageA.id);
      raw.close();
      await checkpoint();
      const caught = cli();
      expect(caught.status, caught.stdout + caught.stderr).toBe(1);
      expect(caught.stdout).toMatch(/MISMATCH: .*seq 4: the hash does not match the entry's public fields/);
      expect(caught.stdout).toContain(`village 东村 (id ${w.areas.villageA.id}), seq 4`);
      // Usage and network errors are exit 2, not a mismatch.
      expect(spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/verifyPublic.ts', '--village', '1'], { cwd: root, encoding: 'utf8' }).status).toBe(2);
    } finally {
      await server.stop();
    }
  });
});

describe('verify:public against tampering (in-process server)', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof makeWorld>>;
  let admin: string;
  let state: string;
  const v = () => w.areas.villageA.id;

  beforeEach(async () => {
    t = makeTestApp('2026-06-15T02:00:00.000Z');
    w = await makeWorld(t);
    admin = await login(t, 'county');
    state = join(tempDir(), 'state.json');
    for (let i = 0; i < 8; i++) grantPoints(t.db, w.household.id, v(), 1 + i);
    grantPoints(t.db, w.otherHousehold.id, w.areas.villageB.id, 3);
  });

  const checkpoint = async (app = t.app) => {
    const r = await app.request('/api/checkpoints', { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ countyId: w.areas.county.id }) });
    expect(r.status).toBe(201);
  };
  const run = async (extra: string[] = [], app = t) => {
    const out: string[] = [];
    const code = await runVerifyPublic(['--url', 'http://jifen.test', '--state', state, ...extra], { out: (l) => out.push(l), err: (l) => out.push(l) }, () => appApi(app));
    return { code, text: out.join('\n') };
  };

  it('a deleted row: names the village and the missing seq', async () => {
    await checkpoint();
    expect((await run()).code).toBe(0);
    dropTriggers(t.db.$client);
    t.db.$client.prepare('DELETE FROM ledger_entries WHERE chain_id = ? AND seq = 5').run(v());
    await checkpoint();
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/MISMATCH: .*(entry 5 is missing|entries from seq 5 were removed)/);
    expect(r.text).toContain(`village 东村 (id ${v()}), seq 5`);
  });

  it('a re-hashed row: its successor no longer links to it, named by seq', async () => {
    await checkpoint();
    expect((await run()).code).toBe(0);
    await rewrite(t.db.$client, v(), 3, 99, false);
    await checkpoint();
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.text).toContain('seq 4: prevHash does not match the hash of seq 3');
    expect(r.text).toContain(`village 东村 (id ${v()}), seq 4`);
  });

  it('a rewritten and re-signed history: the state file catches it, a verifier without memory cannot', async () => {
    await checkpoint();
    expect((await run()).code).toBe(0);
    const before = JSON.parse(readFileSync(state, 'utf8')) as { servers: Record<string, Record<string, { checkpoint: { seq: number } }>> };
    expect(before.servers['http://jifen.test'][String(w.areas.county.id)].checkpoint.seq).toBe(1);
    await rewrite(t.db.$client, v(), 2, 77);
    grantPoints(t.db, w.household.id, v(), 4);
    await checkpoint();
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/MISMATCH: 东村: the ledger of checkpoint No. 2 \(9 entries\) does not extend the 8 entries signed in No. 1/);
    expect(r.text).toContain(`village 东村 (id ${v()})`);
    // The rewritten history is self-consistent: only the remembered checkpoint exposes it.
    const fresh = await runVerifyPublic(['--url', 'http://jifen.test', '--state', join(tempDir(), 'none.json')], { out: () => {}, err: () => {} }, () => appApi(t));
    expect(fresh).toBe(0);
  });

  it('a re-signed checkpoint chain that does not link back is refused, even with every signature valid', async () => {
    await checkpoint();
    expect((await run()).code).toBe(0);
    // The attacker replaces checkpoint 1 (same seq, new body) and signs a new No. 2 on top of it.
    dropTriggers(t.db.$client);
    t.db.$client.exec('DROP TRIGGER IF EXISTS checkpoints_no_delete');
    await rewrite(t.db.$client, v(), 1, 42);
    t.db.$client.prepare('DELETE FROM checkpoints').run();
    await checkpoint();
    await checkpoint();
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/does not link back to checkpoint No. 1 seen before|re-signed/);
  });

  it('a checkpoint forged with another key fails the signature', async () => {
    await checkpoint();
    const latest = t.db.$client.prepare('SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as { body: string; hash: string; county_id: number; seq: number; key_fingerprint: string };
    const body = { ...(JSON.parse(latest.body) as Record<string, unknown>), seq: latest.seq + 1, previousHash: latest.hash, issuedAt: '2026-06-16T02:00:00.000Z' };
    const other = generateKeyPairSync('ed25519');
    const bytes = Buffer.from(canonicalize(body)!, 'utf8');
    t.db.$client
      .prepare('INSERT INTO checkpoints (county_id, seq, issued_at, reason, body, hash, prev_hash, signature, key_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(latest.county_id, latest.seq + 1, Date.parse('2026-06-16T02:00:00.000Z'), 'manual', canonicalize(body), createHash('sha256').update(bytes).digest('hex'), latest.hash, sign(null, bytes, other.privateKey).toString('base64'), latest.key_fingerprint);
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/MISMATCH: checkpoint #\d+: the signature does not verify with the server's key/);
  });

  it('a server that now signs with a new key is refused by the remembered fingerprint', async () => {
    await checkpoint();
    expect((await run()).code).toBe(0);
    const swapped = { ...t, app: createApp({ db: t.db, config: { ...testConfig, checkpointKey: generateCheckpointKey() }, now: () => t.clock.now }) };
    await checkpoint(swapped.app);
    const r = await run([], swapped);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/not the trusted|now signs with key/);
  });
});

describe('a published board that does not match the public ledger', () => {
  it('fails verify:public --board naming the row, though its snapshot hash was recomputed', async () => {
    const t = makeTestApp('2026-06-20T02:00:00.000Z');
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'leaderboard', areaId: b.v, period: '2026-06', params: { limit: 10 } } });
    expect((await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
    const state = join(tempDir(), 'state.json');
    const run = async () => {
      const out: string[] = [];
      const code = await runVerifyPublic(['--url', 'http://jifen.test', '--state', state, '--board', String(p.body.id)], { out: (l) => out.push(l), err: (l) => out.push(l) }, () => appApi(t));
      return { code, text: out.join('\n') };
    };
    const honest = await run();
    expect(honest.code, honest.text).toBe(0);
    // Row 3's points raised in the stored snapshot, and the board's hash recomputed so the snapshot still "verifies".
    const row = t.db.$client.prepare('SELECT snapshot, chain_hash AS chainHash FROM board_publications WHERE id = ?').get(p.body.id) as { snapshot: string; chainHash: string };
    const board = JSON.parse(row.snapshot) as { items: Array<{ points: number }> };
    board.items[2].points += 30;
    const snapshot = canonicalize(board)!;
    dropTriggers(t.db.$client);
    t.db.$client.prepare('UPDATE board_publications SET snapshot = ?, hash = ? WHERE id = ?').run(snapshot, createHash('sha256').update(`${snapshot}\n${row.chainHash}`).digest('hex'), p.body.id);
    const forged = await run();
    expect(forged.code).toBe(1);
    expect(forged.text).toMatch(/MISMATCH: row 3: conduct score \d+, the public ledger gives \d+/);
    expect(forged.text).toContain('board row 3');
  });
});
