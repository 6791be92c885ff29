import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { GENESIS_HASH, newSalt, pseudonymYear, sealedLedgerHash, yearlyPseudonym, type LedgerRow } from '../db/ledger';
import { periodsOfDay, shanghaiDay, shanghaiMonth } from '../db/time';

/** The same pragmas as db/client.ts openDb, so ceilings compare like with like (durable FULL). */
export function openRaw(file: string): Database.Database {
  const c = new Database(file);
  c.pragma('journal_mode = WAL');
  c.pragma('synchronous = FULL');
  c.pragma('foreign_keys = ON');
  c.pragma('busy_timeout = 5000');
  c.pragma('cache_size = -32000');
  return c;
}

interface Head {
  lastSeq: number;
  hash: string;
}

/** The village chain's row, as db/ledger.ts takeVillageChain reads it (created on first use). */
function chainStatements(c: Database.Database) {
  const get = c.prepare('SELECT last_seq AS lastSeq, head_hash AS hash FROM ledger_chains WHERE village_id = ?');
  const create = c.prepare(
    `INSERT INTO ledger_chains (village_id, last_seq, head_hash, genesis_hash)
     SELECT ?, 0, g, g FROM (SELECT COALESCE((SELECT genesis_hash FROM ledger_chains LIMIT 1), ?) AS g)`,
  );
  return {
    head: (villageId: number): Head => {
      let h = get.get(villageId) as Head | undefined;
      if (!h) {
        create.run(villageId, GENESIS_HASH);
        h = get.get(villageId) as Head;
      }
      return h;
    },
    set: c.prepare('UPDATE ledger_chains SET last_seq = ?, head_hash = ? WHERE village_id = ?'),
  };
}

const LEDGER_INSERT = `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, rule_id, category, award_id, redemption_id, reverses_id, note, created_by, created_at, prev_hash, hash, chain_id, seq, hash_version, salt, private_digest)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, ?, ?)`;

/** Salts, digests and hashes `row` as version 3, in place (what db/ledger.ts chainEntry does), under the household's pseudonym of the entry's year. */
function seal(row: Omit<LedgerRow, 'id'>, chainId: number, seq: number, pseudonymSeed: string): void {
  const salt = newSalt();
  const sealed = sealedLedgerHash({ ...row, chainId, seq, salt }, { pseudonym: yearlyPseudonym(pseudonymSeed, pseudonymYear(row.occurredOn)), reversesSeq: null });
  row.salt = salt;
  row.privateDigest = sealed.privateDigest;
  row.hash = sealed.hash;
}

/**
 * Ceiling for redemption: the SQL of one redemption (idempotency and code checks, household and
 * goods reads, redemption, item, stock movement, chained ledger entry, balance, stored response,
 * audit row) as raw prepared statements in one transaction each, back to back in-process. Returns tx/s.
 */
export function rawRedemptionRate(file: string, opts: { clerkId: number; goodsId: number; buyers: number[]; seconds: number }): number {
  const c = openRaw(file);
  const s = {
    idem: c.prepare('SELECT user_id, key, request_hash, status, body, created_at FROM idempotency_keys WHERE user_id = ? AND key = ?'),
    passUsed: c.prepare('SELECT nonce FROM pass_uses WHERE nonce = ?'),
    household: c.prepare('SELECT h.*, a.path AS villagePath FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?'),
    spend: c.prepare('INSERT INTO pass_uses (nonce, household_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    goods: c.prepare('SELECT g.*, a.path AS storePath FROM goods g JOIN areas a ON a.id = g.store_area_id WHERE g.id IN (?)'),
    redemption: c.prepare(
      `INSERT INTO redemptions (household_id, village_id, store_area_id, clerk_id, points, balance_after, via, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pass', ?) RETURNING id`,
    ),
    item: c.prepare('INSERT INTO redemption_items (redemption_id, goods_id, household_id, month, quantity, price, points) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    stock: c.prepare('SELECT stock, store_area_id AS storeAreaId FROM goods WHERE id = ?'),
    movement: c.prepare(
      `INSERT INTO stock_movements (goods_id, store_area_id, kind, quantity, stock_after, donation_id, redemption_id, note, created_by, created_at) VALUES (?, ?, 'redemption', ?, ?, NULL, ?, NULL, ?, ?)`,
    ),
    setStock: c.prepare('UPDATE goods SET stock = ?, updated_at = ? WHERE id = ?'),
    chain: chainStatements(c),
    balance: c.prepare('SELECT balance FROM households WHERE id = ?'),
    ledger: c.prepare(LEDGER_INSERT),
    setBalance: c.prepare('UPDATE households SET balance = ?, updated_at = ? WHERE id = ?'),
    link: c.prepare('UPDATE redemptions SET ledger_entry_id = ? WHERE id = ?'),
    storeIdem: c.prepare('INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, 201, ?, ?)'),
    audit: c.prepare(
      `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at) VALUES (?, 'clerk', ?, 'redemption', ?, 'redemption.create', ?, ?, '127.0.0.1', 'bench', ?)`,
    ),
  };
  const redeemOne = c.transaction((householdId: number, key: string, nonce: string, reqHash: string, at: number) => {
    if (s.idem.get(opts.clerkId, key)) throw new Error('replayed');
    const h = s.household.get(householdId) as { id: number; village_id: number; balance: number; head_name: string; pseudonym_seed: string };
    if (s.spend.run(nonce, householdId, at).changes !== 1) throw new Error('code used');
    const g = s.goods.get(opts.goodsId) as { id: number; price: number; name: string; unit: string; store_area_id: number };
    const total = g.price;
    const redemptionId = (s.redemption.get(h.id, h.village_id, g.store_area_id, opts.clerkId, total, h.balance - total, at) as { id: number }).id;
    s.item.run(redemptionId, g.id, h.id, shanghaiMonth(at), 1, g.price, total);
    const st = s.stock.get(g.id) as { stock: number; storeAreaId: number };
    s.movement.run(g.id, st.storeAreaId, -1, st.stock - 1, redemptionId, opts.clerkId, at);
    s.setStock.run(st.stock - 1, at, g.id);
    const head = s.chain.head(h.village_id);
    const bal = (s.balance.get(h.id) as { balance: number }).balance;
    const row: Omit<LedgerRow, 'id'> = {
      householdId: h.id, villageId: h.village_id, kind: 'redemption', points: -total, balanceAfter: bal - total, conductPoints: 0,
      occurredOn: shanghaiDay(at), ruleId: null, category: null, awardId: null, redemptionId, reversesId: null, note: null, createdBy: opts.clerkId, createdAt: at, prevHash: head.hash, hash: '',
      chainId: h.village_id, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
    };
    seal(row, h.village_id, head.lastSeq + 1, h.pseudonym_seed);
    const entryId = Number(s.ledger.run(row.householdId, row.villageId, row.kind, row.points, row.balanceAfter, 0, row.occurredOn, null, null, null, redemptionId, null, null, opts.clerkId, at, row.prevHash, row.hash, row.chainId, row.seq, row.salt, row.privateDigest).lastInsertRowid);
    s.chain.set.run(row.seq, row.hash, h.village_id);
    s.setBalance.run(row.balanceAfter, at, h.id);
    s.link.run(entryId, redemptionId);
    const result = { id: redemptionId, householdId: h.id, headName: h.head_name, points: total, balanceAfter: row.balanceAfter, items: [{ goodsId: g.id, name: g.name, unit: g.unit, quantity: 1, price: g.price, points: total }], createdAt: at };
    s.storeIdem.run(opts.clerkId, key, reqHash, JSON.stringify(result), at);
    s.audit.run(opts.clerkId, h.village_id, String(redemptionId), JSON.stringify({ balance: h.balance }), JSON.stringify({ ...result, via: 'pass' }), at);
  });
  const run = randomBytes(4).toString('hex');
  let n = 0;
  const started = performance.now();
  const until = started + opts.seconds * 1000;
  while (performance.now() < until) {
    const nonce = randomBytes(9).toString('base64url');
    const key = `raw-${run}-${n}`;
    const reqHash = createHash('sha256').update(JSON.stringify({ code: nonce, pin: null, items: [{ goodsId: opts.goodsId, quantity: 1 }] })).digest('hex');
    if (s.passUsed.get(nonce)) throw new Error('code used');
    redeemOne(opts.buyers[n % opts.buyers.length], key, nonce, reqHash, Date.now());
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  c.close();
  return rate;
}

/**
 * Ceiling for batch approval: the ledger rows those awards would post (same households, points,
 * day, rule), chained and inserted as raw prepared statements in one transaction. Returns ms.
 */
export function rawLedgerBatchMs(file: string, awardIds: number[]): number {
  const c = openRaw(file);
  const awards = c
    .prepare(
      `SELECT a.household_id AS householdId, a.village_id AS villageId, a.points, a.occurred_on AS occurredOn, a.rule_id AS ruleId, r.category, h.balance, h.pseudonym_seed AS pseudonymSeed
         FROM awards a JOIN rules r ON r.id = a.rule_id JOIN households h ON h.id = a.household_id WHERE a.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(awardIds)) as { householdId: number; villageId: number; points: number; occurredOn: string; ruleId: number; category: string; balance: number; pseudonymSeed: string }[];
  const chain = chainStatements(c);
  const insert = c.prepare(LEDGER_INSERT);
  const at = Date.now();
  const started = performance.now();
  c.transaction(() => {
    const heads = new Map<number, Head>();
    for (const a of awards) {
      let head = heads.get(a.villageId);
      if (!head) heads.set(a.villageId, (head = chain.head(a.villageId)));
      const row: Omit<LedgerRow, 'id'> = {
        householdId: a.householdId, villageId: a.villageId, kind: 'award', points: a.points, balanceAfter: a.balance + a.points, conductPoints: a.points,
        occurredOn: a.occurredOn, ruleId: a.ruleId, category: a.category, awardId: null, redemptionId: null, reversesId: null, note: null, createdBy: null, createdAt: at, prevHash: head.hash, hash: '',
        chainId: a.villageId, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
      };
      seal(row, a.villageId, head.lastSeq + 1, a.pseudonymSeed);
      insert.run(row.householdId, row.villageId, 'award', row.points, row.balanceAfter, row.conductPoints, row.occurredOn, row.ruleId, row.category, null, null, null, null, null, at, row.prevHash, row.hash, row.chainId, row.seq, row.salt, row.privateDigest);
      head.lastSeq += 1;
      head.hash = row.hash;
    }
    for (const [villageId, head] of heads) chain.set.run(head.lastSeq, head.hash, villageId);
  })();
  const ms = performance.now() - started;
  c.close();
  return ms;
}

/**
 * Second ceiling for batch approval: everything approving with notice 0 writes, as raw prepared
 * statements in one transaction (award status, chained ledger row, balance, the three period scores
 * of village/township/county, award posted, audit row). Posts the given (twin) awards. Returns ms.
 */
export function rawPostingBatchMs(file: string, awardIds: number[], reviewerId: number): number {
  const c = openRaw(file);
  const awards = c
    .prepare(
      `SELECT a.id, a.household_id AS householdId, a.village_id AS villageId, a.points, a.occurred_on AS occurredOn, a.rule_id AS ruleId, v.path
         FROM awards a JOIN areas v ON v.id = a.village_id WHERE a.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(awardIds)) as { id: number; householdId: number; villageId: number; points: number; occurredOn: string; ruleId: number; path: string }[];
  const s = {
    review: c.prepare(`UPDATE awards SET status = 'posted', reviewed_by = ?, reviewed_at = ?, notice_ends_at = NULL WHERE id = ? AND status = 'pending'`),
    category: c.prepare('SELECT category FROM rules WHERE id = ?'),
    chain: chainStatements(c),
    balance: c.prepare('SELECT balance, pseudonym_seed AS pseudonymSeed FROM households WHERE id = ?'),
    insert: c.prepare(LEDGER_INSERT),
    setBalance: c.prepare('UPDATE households SET balance = ?, updated_at = ? WHERE id = ?'),
    score: c.prepare(
      `INSERT INTO household_period_scores (household_id, period, village_id, township_id, county_id, score, earned, deducted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT (household_id, period) DO UPDATE SET score = score + excluded.score, earned = earned + excluded.earned, deducted = deducted + excluded.deducted`,
    ),
    posted: c.prepare(`UPDATE awards SET status = 'posted', posted_at = ?, ledger_entry_id = ? WHERE id = ?`),
    audit: c.prepare(
      `INSERT INTO audit_log (actor_id, actor_role, area_id, entity, entity_id, action, before, after, ip, user_agent, created_at) VALUES (?, 'reviewer', ?, 'award', ?, 'award.approve', ?, ?, '127.0.0.1', 'bench', ?)`,
    ),
  };
  const at = Date.now();
  const started = performance.now();
  c.transaction(() => {
    for (const a of awards) {
      if (s.review.run(reviewerId, at, a.id).changes !== 1) throw new Error(`award ${a.id} is not pending`);
      const category = (s.category.get(a.ruleId) as { category: string }).category;
      const head = s.chain.head(a.villageId);
      const { balance, pseudonymSeed } = s.balance.get(a.householdId) as { balance: number; pseudonymSeed: string };
      const row: Omit<LedgerRow, 'id'> = {
        householdId: a.householdId, villageId: a.villageId, kind: 'award', points: a.points, balanceAfter: balance + a.points, conductPoints: a.points,
        occurredOn: a.occurredOn, ruleId: a.ruleId, category, awardId: a.id, redemptionId: null, reversesId: null, note: null, createdBy: reviewerId, createdAt: at, prevHash: head.hash, hash: '',
        chainId: a.villageId, seq: head.lastSeq + 1, hashVersion: 3, salt: null, privateDigest: null, rulePublic: true,
      };
      seal(row, a.villageId, head.lastSeq + 1, pseudonymSeed);
      const entryId = Number(s.insert.run(row.householdId, row.villageId, 'award', row.points, row.balanceAfter, row.conductPoints, row.occurredOn, row.ruleId, category, a.id, null, null, null, reviewerId, at, row.prevHash, row.hash, row.chainId, row.seq, row.salt, row.privateDigest).lastInsertRowid);
      s.chain.set.run(row.seq, row.hash, a.villageId);
      s.setBalance.run(row.balanceAfter, at, a.householdId);
      const [countyId, townshipId] = a.path.split('/').filter(Boolean).map(Number);
      for (const period of periodsOfDay(a.occurredOn)) s.score.run(a.householdId, period, a.villageId, townshipId, countyId, a.points, a.points);
      s.posted.run(at, entryId, a.id);
      s.audit.run(reviewerId, a.villageId, String(a.id), JSON.stringify({ status: 'pending' }), JSON.stringify({ id: a.id, status: 'posted', noticeEndsAt: null, ledgerEntryId: entryId }), at);
    }
  })();
  const ms = performance.now() - started;
  c.close();
  return ms;
}
