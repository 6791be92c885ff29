import type Database from 'better-sqlite3';
import { pgBackendOf, type Db } from './client';
import { checkEvidenceFile, evidencePath } from './evidence/files';
import { chainedLedgerHash, entryHashV3, GENESIS_HASH, legacyLedgerHash, pseudonymMemo, pseudonymYear, PSEUDONYM_SEED, scoreBucketSql, sealedLedgerHash, type LedgerContent, type LedgerRow } from './ledger';
import { checkout } from './pg/pool';
import { pgSql, sqliteSql, type Sql } from './sql';
import { checkCatalogue, columnNames, eachPage, PAGE, tableExists } from './verifyCatalogue';
import { checkFundBook } from './verifyFundBook';
import { checkLedgerTotals } from './verifyLedgerTotals';
import { checkStoreCloses } from './verifyStoreCloses';

/** A village chain as verified: its last seq and head hash. */
export interface VerifiedChain {
  villageId: number;
  villageName: string;
  lastSeq: number;
  hash: string;
}

export interface VerifyOk {
  ok: true;
  /** The newest entry of the whole ledger (highest id) and its hash. */
  head: { lastEntryId: number; hash: string };
  /** The old single chain of an upgraded database (entries written before per-village chains), or null. */
  legacy: { lastEntryId: number; hash: string } | null;
  chains: VerifiedChain[];
  entries: number;
  households: number;
  goods: number;
  /** Photo files checked (present and hashing to their names); absent when no evidence folder was given. */
  photos?: number;
}

export interface VerifyOptions {
  /** The evidence folder of this database: every photo it records must be there with unchanged bytes. */
  evidenceDir?: string;
}

/** An entry whose stored text cannot reproduce its hash because an old version stored a lone surrogate. */
export interface DamagedText {
  entryId: number;
  villageId: number;
  /** Its seq in the village chain, or null on the old single chain. */
  seq: number | null;
  field: 'note' | 'category';
  /** Whether the original text was recovered from the stored bytes and reproduces the hash exactly. */
  confirmed: boolean;
}

export interface VerifyFailure {
  ok: false;
  /** What kind of check failed: hash, chain, damaged_text, balance, stock, score, totals, award, redemption, funds, closes, heading, orphan_heading, evidence, integrity, foreign_key. */
  what: string;
  table: string;
  rowId: string | number | null;
  detail: string;
  /**
   * On a version 3 hash failure, which part no longer matches: 'private' (salt, household, balance, note,
   * author, time, photos … against the stored private digest), 'public' (what the public ledger shows,
   * the pseudonym included), or 'both'.
   */
  part?: 'public' | 'private' | 'both';
  /** Entries with damaged text found before the failure (all of them when `what` is damaged_text). */
  damaged?: DamagedText[];
}

export type VerifyResult = VerifyOk | VerifyFailure;

class Mismatch extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.detail);
  }
}

function fail(what: string, table: string, rowId: string | number | null, detail: string, part?: VerifyFailure['part']): never {
  throw new Mismatch(part ? { ok: false, what, table, rowId, detail, part } : { ok: false, what, table, rowId, detail });
}

interface RawEntry extends LedgerContent {
  id: number;
  kind: LedgerRow['kind'];
  chainId: number | null;
  seq: number | null;
  hashVersion: number;
  hash: string;
  /** Version 3 only (null before): the stored salt and private digest. */
  salt: string | null;
  privateDigest: string | null;
  /** The household's secret pseudonym seed as stored now (null on a file from before pseudonyms). */
  pseudonymSeed: string | null;
  /** rule_public as stored (1 on a file from before it; a boolean on PostgreSQL); `rulePublic` is set from it. */
  rulePublicFlag: number | boolean;
  /** The seq of the reversed entry when it is in this entry's chain, else null. */
  reversesSeq: number | null;
}

const SALT = /^[0-9a-f]{32}$/;

/**
 * The photo hashes of the awards posted by the entries with ids in [from, to], one page's worth (their
 * hash covers them), each award's in code-unit order as SQLite's BINARY collation gave them.
 */
async function awardEvidence(q: Sql, from: number, to: number): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const rows = await q.all<{ awardId: number; hash: string }>(
    `SELECT award_id AS "awardId", hash FROM award_evidence
      WHERE award_id IN (SELECT award_id FROM ledger_entries WHERE id >= ? AND id <= ? AND award_id IS NOT NULL AND kind IN ('award', 'deduction'))`,
    [from, to],
  );
  for (const r of rows) {
    const list = out.get(r.awardId);
    if (list) list.push(r.hash);
    else out.set(r.awardId, [r.hash]);
  }
  for (const list of out.values()) list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

// One derivation per household and year for the whole walk.
let pseudonymOf = pseudonymMemo();

/** The entry's public pseudonym: its household's of the entry's year (empty when the seed is missing or malformed). */
function pseudonymOfEntry(e: RawEntry): string {
  return e.pseudonymSeed && PSEUDONYM_SEED.test(e.pseudonymSeed) && /^\d{4}/.test(e.occurredOn) ? pseudonymOf(e.pseudonymSeed, pseudonymYear(e.occurredOn)) : '';
}

/** A version 3 entry's digests and hash recomputed from its row, its household's pseudonym of the year and the photos. */
function sealedOf(e: RawEntry): ReturnType<typeof sealedLedgerHash> {
  return sealedLedgerHash({ ...e, chainId: e.chainId!, seq: e.seq!, salt: e.salt ?? '' }, { pseudonym: pseudonymOfEntry(e), reversesSeq: e.reversesSeq });
}

function expectedHash(e: RawEntry): string {
  if (e.hashVersion === 1) return legacyLedgerHash(e);
  if (e.hashVersion === 2) return chainedLedgerHash({ ...e, chainId: e.chainId!, seq: e.seq! });
  return sealedOf(e).hash;
}

/**
 * Why a version 3 entry's hash does not match, by part: the private digest is stored, so a change to the
 * private fields shows against it; the public digest is not, so a public change shows only in the hash.
 */
function v3Mismatch(e: RawEntry, where: string): never {
  const sealed = sealedOf(e);
  const privateMoved = sealed.privateDigest !== e.privateDigest;
  const hashFromStored = e.privateDigest ? entryHashV3(e.chainId!, e.seq!, e.prevHash, sealed.publicDigest, e.privateDigest) : null;
  if (privateMoved && hashFromStored === e.hash) {
    fail('hash', 'ledger_entries', e.id, `the private fields of ${where} (salt, household, rule, balance, award, redemption, reversal, note, author, time or photos) hash to ${sealed.privateDigest}, but the entry was sealed with private digest ${e.privateDigest}; its public part still matches`, 'private');
  }
  if (!privateMoved) {
    fail('hash', 'ledger_entries', e.id, `the public part of ${where} (seq, kind, points, conduct points, heading, rule or whether it is shown, day, reversal or the household's pseudonym of the year ${pseudonymOfEntry(e)}) does not reproduce its stored hash ${e.hash} (recomputed ${sealed.hash})`, 'public');
  }
  fail('hash', 'ledger_entries', e.id, `stored hash ${e.hash} of ${where} matches neither its public fields nor its private digest (recomputed ${sealed.hash}, private digest ${sealed.privateDigest} stored as ${e.privateDigest})`, 'both');
}

/**
 * Decodes UTF-8 that may hold surrogate code points (what SQLite keeps when a lone surrogate was bound:
 * ED A0 BD for U+D83D), which a strict decoder turns into U+FFFD. Null when the bytes are not that.
 */
function decodeLenientUtf8(bytes: Buffer): string | null {
  const units: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let cp: number;
    let n: number;
    if (b < 0x80) [cp, n] = [b, 1];
    else if (b >= 0xc2 && b < 0xe0) [cp, n] = [b & 0x1f, 2];
    else if (b >= 0xe0 && b < 0xf0) [cp, n] = [b & 0x0f, 3];
    else if (b >= 0xf0 && b < 0xf5) [cp, n] = [b & 0x07, 4];
    else return null;
    if (i + n > bytes.length) return null;
    for (let k = 1; k < n; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (bytes[i + k] & 0x3f);
    }
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += n;
  }
  return String.fromCharCode(...units);
}

const REPLACEMENT = '\uFFFD';

/**
 * Whether `e`, whose hash does not match its stored fields, is an entry an old version wrote with a lone
 * surrogate in its note or category: either SQLite kept the surrogate's bytes (recovered here, and the
 * hash then matches exactly), or the text holds exactly one U+FFFD that some lone surrogate reproduces.
 */
async function damagedText(q: Sql, e: RawEntry): Promise<DamagedText | null> {
  // Only SQLite keeps a lone surrogate's bytes; PostgreSQL accepts valid UTF-8 only, so a copied county holds
  // U+FFFD there and only the one-U+FFFD search below can confirm it.
  const raw =
    q.engine === 'sqlite'
      ? await q.get<{ note: Buffer | null; category: Buffer | null }>('SELECT CAST(note AS BLOB) AS note, CAST(category AS BLOB) AS category FROM ledger_entries WHERE id = ?', [e.id])
      : undefined;
  for (const field of ['note', 'category'] as const) {
    const bytes = raw ? raw[field] : null;
    const stored = e[field];
    if ((raw && !bytes) || stored == null || !stored.includes(REPLACEMENT)) continue;
    const base = { entryId: e.id, villageId: e.villageId, seq: e.seq, field };
    const original = bytes ? decodeLenientUtf8(bytes) : null;
    if (original !== null && original !== stored && expectedHash({ ...e, [field]: original }) === e.hash) return { ...base, confirmed: true };
    const at = stored.indexOf(REPLACEMENT);
    if (at === stored.lastIndexOf(REPLACEMENT)) {
      for (let unit = 0xd800; unit <= 0xdfff; unit++) {
        const candidate = stored.slice(0, at) + String.fromCharCode(unit) + stored.slice(at + 1);
        if (expectedHash({ ...e, [field]: candidate }) === e.hash) return { ...base, confirmed: true };
      }
    }
  }
  return null;
}

interface ChainRow {
  villageId: number;
  villageName: string | null;
  lastSeq: number;
  headHash: string;
  genesisHash: string;
}

/** Every chain starts where the old single chain ended (zeros if there was none), so cutting that chain's tail shows. */
function checkGenesis(row: ChainRow, legacyHash: string): void {
  if (row.genesisHash !== legacyHash) fail('chain', 'ledger_chains', row.villageId, `genesis ${row.genesisHash} but the old single chain ends at ${legacyHash}`);
}

interface LedgerWalk {
  balances: Map<number, number>;
  head: { lastEntryId: number; hash: string };
  legacy: { lastEntryId: number; hash: string } | null;
  chains: VerifiedChain[];
  entries: number;
  damaged: DamagedText[];
}

/**
 * Walks the ledger once in id order: the old single chain (version 1: ids 1, 2, 3 … linked from zeros),
 * then every village chain (seq 1, 2, 3 … linked from the chain's genesis, which must be the old chain's
 * head); every hash, every link, every running balance, and each chain row against its last entry.
 */
async function checkLedger(q: Sql, damaged: DamagedText[]): Promise<LedgerWalk> {
  // A file from before per-village chains (a backup, a database not yet upgraded) is checked as it is.
  const ledgerColumns = await columnNames(q, 'ledger_entries');
  const perVillage = ledgerColumns.has('hash_version');
  const chainRows = new Map(
    (perVillage
      ? await q.all<ChainRow>(
          `SELECT c.village_id AS "villageId", a.name AS "villageName", c.last_seq AS "lastSeq", c.head_hash AS "headHash", c.genesis_hash AS "genesisHash"
             FROM ledger_chains c LEFT JOIN areas a ON a.id = c.village_id ORDER BY c.village_id`,
        )
      : []
    ).map((r) => [r.villageId, r]),
  );
  const chainColumns = perVillage ? 'e.chain_id AS "chainId", e.seq, e.hash_version AS "hashVersion"' : 'NULL AS "chainId", NULL AS seq, 1 AS "hashVersion"';
  // Version 3 (public part + salted private digest) and household pseudonyms came together (migration 0013).
  const sealed = ledgerColumns.has('private_digest');
  const sealedColumns = sealed
    ? `e.salt, e.private_digest AS "privateDigest", h.pseudonym_seed AS "pseudonymSeed", e.rule_public AS "rulePublicFlag", CASE WHEN r.chain_id = e.chain_id THEN r.seq END AS "reversesSeq"`
    : 'NULL AS salt, NULL AS "privateDigest", NULL AS "pseudonymSeed", 1 AS "rulePublicFlag", NULL AS "reversesSeq"';
  pseudonymOf = pseudonymMemo();
  const sealedJoins = sealed ? 'LEFT JOIN households h ON h.id = e.household_id LEFT JOIN ledger_entries r ON r.id = e.reverses_id' : '';
  // Keyset pages in id order: memory holds one page, the balances and the chain heads, never the ledger.
  const page = `SELECT e.id, e.household_id AS "householdId", e.village_id AS "villageId", e.kind, e.points, e.balance_after AS "balanceAfter",
                       e.conduct_points AS "conductPoints", e.occurred_on AS "occurredOn", e.rule_id AS "ruleId", e.award_id AS "awardId",
                       e.redemption_id AS "redemptionId", e.reverses_id AS "reversesId", e.category, e.note, e.created_by AS "createdBy",
                       e.created_at AS "createdAt", e.prev_hash AS "prevHash", e.hash, ${chainColumns}, ${sealedColumns}
                  FROM ledger_entries e ${sealedJoins} WHERE `;
  const photos = await tableExists(q, 'award_evidence');
  const balances = new Map<number, number>();
  const chains = new Map<number, { seq: number; hash: string; version: number }>();
  let legacyHash = GENESIS_HASH;
  let legacyLast = 0;
  let lastId = 0;
  let lastHash = GENESIS_HASH;
  let entries = 0;
  const where = (e: RawEntry) => (e.hashVersion === 1 ? `entry ${e.id} of the old single chain` : `entry ${e.seq} of village ${e.chainId}`);
  await eachPage<RawEntry>(q, (after) => `${page}${after} ORDER BY e.id LIMIT ${PAGE}`, 'e.id', (e) => e.id, async (rows) => {
    const evidence = photos ? await awardEvidence(q, rows[0].id, rows[rows.length - 1].id) : new Map<number, string[]>();
    for (const e of rows) {
      e.rulePublic = e.rulePublicFlag !== 0 && e.rulePublicFlag !== false;
      if (e.hashVersion === 1) {
        if (chains.size) fail('chain', 'ledger_entries', e.id, 'an entry of the old single chain after the village chains began');
        // The old chain's ids were head + 1, so a gap means a row was removed.
        if (e.id !== legacyLast + 1) fail('chain', 'ledger_entries', e.id, `expected entry ${legacyLast + 1} next on the old single chain, found ${e.id}`);
        if (e.prevHash !== legacyHash) fail('chain', 'ledger_entries', e.id, `prev_hash ${e.prevHash} does not match the previous entry's hash ${legacyHash}`);
        legacyHash = e.hash;
        legacyLast = e.id;
      } else if (e.hashVersion === 2 || e.hashVersion === 3) {
        if (e.chainId === null || e.seq === null || e.chainId !== e.villageId) fail('chain', 'ledger_entries', e.id, `chain ${e.chainId} seq ${e.seq} on an entry of village ${e.villageId}`);
        let state = chains.get(e.chainId);
        if (!state) {
          const row = chainRows.get(e.chainId);
          if (!row) fail('chain', 'ledger_chains', e.chainId, `entry ${e.id} is on the chain of village ${e.chainId}, which has no chain row`);
          // The old chain is complete once village chains begin, so its head is known here.
          checkGenesis(row, legacyHash);
          chains.set(e.chainId, (state = { seq: 0, hash: row.genesisHash, version: e.hashVersion }));
        }
        if (e.seq !== state.seq + 1) fail('chain', 'ledger_entries', e.id, `expected entry ${state.seq + 1} of village ${e.chainId} next, found ${e.seq}`);
        if (e.prevHash !== state.hash) fail('chain', 'ledger_entries', e.id, `prev_hash ${e.prevHash} of ${where(e)} does not match the previous entry's hash ${state.hash}`);
        // A chain only moves to newer hash versions: an older-version row after newer ones was slipped in.
        if (e.hashVersion < state.version) fail('chain', 'ledger_entries', e.id, `${where(e)} has hash version ${e.hashVersion} after version ${state.version} entries of the same chain`);
        if (e.hashVersion === 3) {
          if (e.salt === null || !SALT.test(e.salt)) fail('hash', 'ledger_entries', e.id, `${where(e)} is version 3 but its salt ${JSON.stringify(e.salt)} is not 32 lowercase hex`, 'private');
          if (e.privateDigest === null) fail('hash', 'ledger_entries', e.id, `${where(e)} is version 3 but has no private digest`, 'private');
          if (e.pseudonymSeed === null || !PSEUDONYM_SEED.test(e.pseudonymSeed)) fail('hash', 'households', e.householdId, `household ${e.householdId} of ${where(e)} has no pseudonym seed (32 lowercase hex)`, 'public');
          // Only a deduction's rule (or its reversal's) may be hidden: a hidden award rule would keep deeds off the public red list.
          if (!e.rulePublic && e.ruleId != null && e.kind !== 'deduction' && e.kind !== 'reversal') fail('hash', 'ledger_entries', e.id, `${where(e)} is a ${e.kind} whose rule is hidden from the public ledger; only deductions' rules may be`, 'public');
        }
        state.seq = e.seq;
        state.hash = e.hash;
        state.version = e.hashVersion;
      } else {
        fail('hash', 'ledger_entries', e.id, `unknown hash version ${e.hashVersion}`);
      }
      if (e.awardId != null && (e.kind === 'award' || e.kind === 'deduction')) e.evidence = evidence.get(e.awardId) ?? null;
      const v3 = e.hashVersion === 3 ? sealedOf(e) : null;
      const expected = v3 ? v3.hash : expectedHash(e);
      if (e.hash !== expected) {
        const damage = await damagedText(q, e);
        // Not tampering: the stored hash is the original's, so the next entry's link still checks it.
        if (damage) damaged.push(damage);
        else if (e.hashVersion === 3) v3Mismatch(e, where(e));
        else fail('hash', 'ledger_entries', e.id, `stored hash ${e.hash} of ${where(e)} but the row's fields hash to ${expected}`);
      } else if (v3 && v3.privateDigest !== e.privateDigest) {
        // The hash holds, so the stored digest column itself was changed.
        fail('hash', 'ledger_entries', e.id, `private_digest ${e.privateDigest} of ${where(e)} is not the digest its hash was sealed with`, 'private');
      }
      const before = balances.get(e.householdId) ?? 0;
      if (e.balanceAfter !== before + e.points) {
        fail('balance', 'ledger_entries', e.id, `balance_after ${e.balanceAfter} but household ${e.householdId} had ${before} and the entry moves ${e.points}`);
      }
      if (e.balanceAfter < 0) fail('balance', 'ledger_entries', e.id, `balance_after ${e.balanceAfter} is below zero`);
      balances.set(e.householdId, e.balanceAfter);
      lastId = e.id;
      lastHash = e.hash;
      entries += 1;
    }
  });
  if (!perVillage) {
    const head = await q.get<{ lastEntryId: number; hash: string }>('SELECT last_entry_id AS "lastEntryId", hash FROM chain_head WHERE id = 1');
    const published = head ?? { lastEntryId: 0, hash: GENESIS_HASH };
    if (published.lastEntryId !== legacyLast || published.hash !== legacyHash) {
      fail('chain', 'chain_head', 1, `chain_head says entry ${published.lastEntryId} ${published.hash}, the ledger ends at entry ${legacyLast} ${legacyHash}`);
    }
  }
  const verified: VerifiedChain[] = [];
  for (const row of chainRows.values()) {
    checkGenesis(row, legacyHash);
    const state = chains.get(row.villageId) ?? { seq: 0, hash: row.genesisHash };
    if (row.lastSeq !== state.seq || row.headHash !== state.hash) {
      fail('chain', 'ledger_chains', row.villageId, `village ${row.villageId} chain row says entry ${row.lastSeq} ${row.headHash}, its entries end at ${state.seq} ${state.hash}`);
    }
    verified.push({ villageId: row.villageId, villageName: row.villageName ?? '', lastSeq: state.seq, hash: state.hash });
  }
  return {
    balances,
    head: { lastEntryId: lastId, hash: lastHash },
    legacy: legacyLast ? { lastEntryId: legacyLast, hash: legacyHash } : null,
    chains: verified,
    entries,
    damaged,
  };
}

async function checkHouseholds(q: Sql, balances: Map<number, number>): Promise<number> {
  let n = 0;
  await eachPage<{ id: number; balance: number }>(q, (after) => `SELECT id, balance FROM households WHERE ${after} ORDER BY id LIMIT ${PAGE}`, 'id', (h) => h.id, (rows) => {
    for (const h of rows) {
      const sum = balances.get(h.id) ?? 0;
      if (h.balance !== sum) fail('balance', 'households', h.id, `cached balance ${h.balance} but its ledger entries sum to ${sum}`);
      // What is left once every household has taken its own is entries of households that do not exist.
      balances.delete(h.id);
      n += 1;
    }
  });
  for (const id of balances.keys()) fail('balance', 'ledger_entries', null, `entries name household ${id}, which does not exist`);
  return n;
}

async function checkStock(q: Sql): Promise<number> {
  const stock = new Map<number, number>();
  await eachPage<{ id: number; goodsId: number; quantity: number; stockAfter: number }>(
    q,
    (after) => `SELECT id, goods_id AS "goodsId", quantity, stock_after AS "stockAfter" FROM stock_movements WHERE ${after} ORDER BY id LIMIT ${PAGE}`,
    'id',
    (m) => m.id,
    (movements) => {
      for (const m of movements) {
        const before = stock.get(m.goodsId) ?? 0;
        if (m.stockAfter !== before + m.quantity) fail('stock', 'stock_movements', m.id, `stock_after ${m.stockAfter} but goods ${m.goodsId} had ${before} and the movement is ${m.quantity}`);
        if (m.stockAfter < 0) fail('stock', 'stock_movements', m.id, `stock_after ${m.stockAfter} is below zero`);
        stock.set(m.goodsId, m.stockAfter);
      }
    },
  );
  let n = 0;
  await eachPage<{ id: number; stock: number }>(q, (after) => `SELECT id, stock FROM goods WHERE ${after} ORDER BY id LIMIT ${PAGE}`, 'id', (g) => g.id, (goods) => {
    for (const g of goods) {
      const sum = stock.get(g.id) ?? 0;
      if (g.stock !== sum) fail('stock', 'goods', g.id, `cached stock ${g.stock} but its movements sum to ${sum}`);
      n += 1;
    }
  });
  return n;
}

interface ScoreRow {
  householdId: number;
  period: string;
  score: number;
  earned: number;
  deducted: number;
}

// The ledger's own score-bucket rule, as SQL: a reversal counts against the bucket of the entry it reverses.
const BUCKET = scoreBucketSql('e', 'o');

/** Households per score page: a household has a row per year, quarter and month it has conduct points in. */
const SCORE_HOUSEHOLDS = 250;

/** Score rows in merge order: household, then period by code units (what SQLite's BINARY gave; PostgreSQL's collation may not). */
function scoreOrder(a: ScoreRow, b: ScoreRow): number {
  if (a.householdId !== b.householdId) return a.householdId - b.householdId;
  return a.period < b.period ? -1 : a.period > b.period ? 1 : 0;
}

/**
 * Recomputes every household_period_scores row from the ledger's conduct points and merges the two sorted
 * lists, a range of household ids at a time. The ranges are cut at households' ids but cover every id, so a
 * score or entry of a household that does not exist still falls in one.
 */
async function checkScores(q: Sql): Promise<void> {
  const periodOf = {
    year: 'substr(e.occurred_on, 1, 4)',
    quarter: `substr(e.occurred_on, 1, 4) || '-Q' || ((CAST(substr(e.occurred_on, 6, 2) AS INTEGER) + 2) / 3)`,
    month: 'substr(e.occurred_on, 1, 7)',
  };
  let lo: number | null = null;
  for (;;) {
    const cut: { id: number } | undefined = await q.get<{ id: number }>(`SELECT id FROM households ${lo === null ? '' : 'WHERE id > ?'} ORDER BY id LIMIT 1 OFFSET ${SCORE_HOUSEHOLDS - 1}`, lo === null ? [] : [lo]);
    const hi: number | null = cut ? cut.id : null;
    const range = (column: string) => [lo === null ? null : `${column} > ?`, hi === null ? null : `${column} <= ?`].filter((c) => c !== null);
    const bounds = [lo, hi].filter((b) => b !== null);
    const inRange = (column: string) => range(column).map((c) => ` AND ${c}`).join('');
    const parts = Object.values(periodOf).map(
      (p) => `SELECT e.household_id AS "householdId", ${p} AS period, e.conduct_points AS cp, ${BUCKET} AS bucket
                FROM ledger_entries e LEFT JOIN ledger_entries o ON o.id = e.reverses_id
               WHERE e.conduct_points <> 0${inRange('e.household_id')}`,
    );
    const expected = await q.all<ScoreRow>(
      `SELECT x."householdId", x.period, SUM(x.cp) AS score,
              SUM(CASE WHEN x.bucket = 'earned' THEN x.cp ELSE 0 END) AS earned,
              SUM(CASE WHEN x.bucket = 'deducted' THEN -x.cp ELSE 0 END) AS deducted
         FROM (${parts.join(' UNION ALL ')}) AS x
        GROUP BY x."householdId", x.period`,
      [...bounds, ...bounds, ...bounds],
    );
    const stored = await q.all<ScoreRow>(
      `SELECT household_id AS "householdId", period, score, earned, deducted FROM household_period_scores WHERE TRUE${inRange('household_id')}`,
      bounds,
    );
    mergeScores(expected.sort(scoreOrder), stored.sort(scoreOrder));
    if (hi === null) return;
    lo = hi;
  }
}

function mergeScores(expected: readonly ScoreRow[], stored: readonly ScoreRow[]): void {
  const key = (r: ScoreRow) => `${r.householdId}/${r.period}`;
  const before = (a: ScoreRow, b: ScoreRow) => a.householdId < b.householdId || (a.householdId === b.householdId && a.period < b.period);
  let i = 0;
  let j = 0;
  while (i < expected.length || j < stored.length) {
    const want = expected[i] as ScoreRow | undefined;
    const got = stored[j] as ScoreRow | undefined;
    if (want && (!got || before(want, got))) fail('score', 'household_period_scores', key(want), 'missing: the ledger has conduct points for this household and period');
    if (!want || before(got!, want)) {
      if (got!.score !== 0 || got!.earned !== 0 || got!.deducted !== 0) fail('score', 'household_period_scores', key(got!), 'no conduct points in the ledger for this household and period');
      j += 1;
      continue;
    }
    if (got!.score !== want.score || got!.earned !== want.earned || got!.deducted !== want.deducted) {
      fail('score', 'household_period_scores', key(got!), `stored score/earned/deducted ${got!.score}/${got!.earned}/${got!.deducted}, ledger gives ${want.score}/${want.earned}/${want.deducted}`);
    }
    i += 1;
    j += 1;
  }
}

/** Posted awards and redemptions point at exactly one ledger entry each, and every such entry points back. */
async function checkLinks(q: Sql): Promise<void> {
  const award = await q.get<{ id: number; status: string; points: number; entryId: number | null; entryAwardId: number | null; kind: string | null; cp: number | null }>(
    `SELECT a.id, a.status, a.points, a.ledger_entry_id AS "entryId", e.award_id AS "entryAwardId", e.kind, e.conduct_points AS cp
       FROM awards a LEFT JOIN ledger_entries e ON e.id = a.ledger_entry_id
      WHERE (a.status = 'posted' OR a.ledger_entry_id IS NOT NULL)
        AND (a.status <> 'posted' OR e.id IS NULL OR e.award_id IS DISTINCT FROM a.id OR e.kind NOT IN ('award', 'deduction') OR e.conduct_points <> a.points)
      ORDER BY a.id LIMIT 1`,
  );
  if (award) {
    fail('award', 'awards', award.id, `status ${award.status}, ${award.points} points, ledger_entry_id ${award.entryId}: the entry is ${award.kind ?? 'missing'} for award ${award.entryAwardId} with ${award.cp} conduct points`);
  }
  const entry = await q.get<{ id: number; awardId: number; status: string | null; entryId: number | null }>(
    `SELECT e.id, e.award_id AS "awardId", a.status, a.ledger_entry_id AS "entryId"
       FROM ledger_entries e LEFT JOIN awards a ON a.id = e.award_id
      WHERE e.kind IN ('award', 'deduction') AND e.award_id IS NOT NULL
        AND (a.id IS NULL OR a.status <> 'posted' OR a.ledger_entry_id IS DISTINCT FROM e.id)
      ORDER BY e.id LIMIT 1`,
  );
  if (entry) fail('award', 'ledger_entries', entry.id, `posts award ${entry.awardId}, but that award is ${entry.status ?? 'missing'} with ledger_entry_id ${entry.entryId}`);
  const redemption = await q.get<{ id: number; points: number; entryId: number | null; kind: string | null; entryPoints: number | null; entryRedemptionId: number | null }>(
    `SELECT r.id, r.points, r.ledger_entry_id AS "entryId", e.kind, e.points AS "entryPoints", e.redemption_id AS "entryRedemptionId"
       FROM redemptions r LEFT JOIN ledger_entries e ON e.id = r.ledger_entry_id
      WHERE e.id IS NULL OR e.kind <> 'redemption' OR e.redemption_id IS DISTINCT FROM r.id OR e.points <> -r.points
      ORDER BY r.id LIMIT 1`,
  );
  if (redemption) {
    fail('redemption', 'redemptions', redemption.id, `${redemption.points} points, ledger_entry_id ${redemption.entryId}: the entry is ${redemption.kind ?? 'missing'} of ${redemption.entryPoints} for redemption ${redemption.entryRedemptionId}`);
  }
}

/** The money books: reversals undo an entry of their own store exactly once; a purchase cost matches its stock movement. */
async function checkFunds(q: Sql): Promise<void> {
  if (!(await tableExists(q, 'fund_entries'))) return;
  const reversal = await q.get<{ id: number; store: number; amount: number; oid: number | null; ostore: number | null; okind: string | null; oamount: number | null }>(
    `SELECT r.id, r.store_area_id AS store, r.amount_fen AS amount, o.id AS oid, o.store_area_id AS ostore, o.kind AS okind, o.amount_fen AS oamount
       FROM fund_entries r LEFT JOIN fund_entries o ON o.id = r.reverses_id
      WHERE r.kind = 'reversal' AND (o.id IS NULL OR o.kind = 'reversal' OR o.store_area_id <> r.store_area_id OR r.amount_fen <> -o.amount_fen)
      ORDER BY r.id LIMIT 1`,
  );
  if (reversal) {
    fail('funds', 'fund_entries', reversal.id, `reversal of ${reversal.amount} at store ${reversal.store} names entry ${reversal.oid}: ${reversal.okind ?? 'missing'} of ${reversal.oamount} at store ${reversal.ostore}`);
  }
  const purchase = await q.get<{ id: number; movementId: number; store: number; goodsId: number; quantity: number; kind: string | null; mstore: number | null; mgoods: number | null; mquantity: number | null }>(
    `SELECT f.id, f.movement_id AS "movementId", f.store_area_id AS store, f.goods_id AS "goodsId", f.quantity, m.kind, m.store_area_id AS mstore, m.goods_id AS mgoods, m.quantity AS mquantity
       FROM fund_entries f LEFT JOIN stock_movements m ON m.id = f.movement_id
      WHERE f.kind = 'purchase' AND (m.id IS NULL OR m.kind <> 'purchase' OR m.store_area_id <> f.store_area_id OR m.goods_id <> f.goods_id OR m.quantity <> f.quantity)
      ORDER BY f.id LIMIT 1`,
  );
  if (purchase) {
    fail('funds', 'fund_entries', purchase.id, `cost of ${purchase.quantity} of goods ${purchase.goodsId} at store ${purchase.store}, but movement ${purchase.movementId} is ${purchase.kind ?? 'missing'} of ${purchase.mquantity} of goods ${purchase.mgoods} at store ${purchase.mstore}`);
  }
  const twice = await q.get<{ movementId: number; n: number }>(
    `SELECT movement_id AS "movementId", COUNT(*) AS n FROM fund_entries f
      WHERE f.kind = 'purchase' AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = f.id)
      GROUP BY movement_id HAVING COUNT(*) > 1 ORDER BY movement_id LIMIT 1`,
  );
  if (twice) fail('funds', 'stock_movements', twice.movementId, `purchase costed ${twice.n} times without a reversal`);
}

async function checkIntegrity(q: Sql): Promise<void> {
  if (q.engine === 'pg') return checkForeignKeysPg(q);
  const integrity = await q.all<{ integrity_check: string }>('PRAGMA integrity_check');
  if (integrity.length !== 1 || integrity[0].integrity_check !== 'ok') {
    fail('integrity', 'sqlite', null, integrity.map((r) => r.integrity_check).slice(0, 3).join('; '));
  }
  const fk = await q.all<{ table: string; rowid: number; parent: string }>('PRAGMA foreign_key_check');
  if (fk.length) fail('foreign_key', fk[0].table, fk[0].rowid, `references a missing ${fk[0].parent} row`);
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * PostgreSQL's side of SQLite's foreign_key_check. The engine enforces foreign keys, but a superuser can
 * slip rows past them (session_replication_role = replica, DISABLE TRIGGER ALL) and a NOT VALID constraint
 * never checked old rows, so every foreign key of the schema is re-checked by an anti-join. SQLite's
 * integrity_check (the file's b-trees and indexes) has no equivalent in plain PostgreSQL: amcheck is an
 * extension, and page checksums (initdb --data-checksums) are checked by the server on every read, which
 * this walk makes of every ledger, household and stock page.
 */
async function checkForeignKeysPg(q: Sql): Promise<void> {
  const keys = await q.all<{ table: string; parent: string; columns: string[]; parentColumns: string[]; hasId: boolean }>(
    `SELECT t.relname AS "table", p.relname AS parent,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS "parentColumns",
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'id' AND NOT a.attisdropped) AS "hasId"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid
      WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
      ORDER BY t.relname, c.conname`,
  );
  for (const k of keys) {
    const present = k.columns.map((c) => `c.${quoteName(c)} IS NOT NULL`).join(' AND ');
    const joined = k.columns.map((c, i) => `p.${quoteName(k.parentColumns[i])} = c.${quoteName(c)}`).join(' AND ');
    const orphan = await q.get<{ rowId: number | null }>(
      `SELECT ${k.hasId ? 'c.id' : 'NULL'} AS "rowId" FROM ${quoteName(k.table)} c
        WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${quoteName(k.parent)} p WHERE ${joined}) LIMIT 1`,
    );
    if (orphan) fail('foreign_key', k.table, orphan.rowId, `references a missing ${k.parent} row`);
  }
}

/** The hashes of every stored photo the database records (none on a file from before photos). */
export async function photoHashes(db: Db | Database.Database): Promise<string[]> {
  return withSnapshot(db, async (q) => {
    const out: string[] = [];
    await eachPhotoPage(q, (hashes) => void out.push(...hashes));
    return out;
  });
}

/** The recorded photo hashes in pages, in hash order. */
async function eachPhotoPage(q: Sql, each: (hashes: string[]) => void): Promise<void> {
  if (!(await tableExists(q, 'evidence_files'))) return;
  await eachPage<{ hash: string }>(q, (after) => `SELECT hash FROM evidence_files WHERE ${after} ORDER BY hash LIMIT ${PAGE}`, 'hash', (r) => r.hash, (rows) => each(rows.map((r) => r.hash)));
}

/** Every recorded photo is in the evidence folder and its bytes still hash to its name. */
function checkPhotos(dir: string, hashes: readonly string[]): void {
  for (const hash of hashes) {
    const state = checkEvidenceFile(dir, hash);
    if (state === 'missing') fail('evidence', 'evidence_files', hash, `photo file ${evidencePath(dir, hash)} is missing`);
    if (state === 'changed') fail('evidence', 'evidence_files', hash, `photo file ${evidencePath(dir, hash)} was changed: its bytes no longer hash to its name`);
  }
}

/**
 * Runs `body` on one consistent snapshot of `db`. SQLite: a deferred read transaction on the connection given
 * (WAL: writers elsewhere go on), or the caller's transaction when the connection is already in one (db:copy
 * verifies the snapshot it then copies). Nothing else may use that connection meanwhile: a transaction()
 * started on it would find it busy (TransactionMisuse). PostgreSQL: one pooled connection in a REPEATABLE READ
 * READ ONLY transaction, without the pool's statement and idle limits (a province's walk is long).
 */
async function withSnapshot<T>(db: Db | Database.Database, body: (q: Sql) => Promise<T>): Promise<T> {
  const pg = pgBackendOf(db as Db);
  if (pg) {
    const client = await checkout(pg.pools.primary);
    let broken: Error | undefined;
    const onLost = (err: Error) => void (broken ??= err);
    client.on('error', onLost);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query('SET LOCAL statement_timeout = 0');
      await client.query('SET LOCAL idle_in_transaction_session_timeout = 0');
      try {
        return await body(pgSql(client));
      } finally {
        try {
          await client.query('ROLLBACK');
        } catch (err) {
          broken ??= err instanceof Error ? err : new Error(String(err));
        }
      }
    } finally {
      client.removeListener('error', onLost);
      client.release(broken ?? false);
    }
  }
  const client = '$client' in db ? db.$client : 'prepare' in db ? db : undefined;
  if (!client) throw new Error('programming error: verify takes the database handle, not a replica or transaction handle');
  const q = sqliteSql(client);
  if (client.inTransaction) return body(q);
  client.prepare('BEGIN DEFERRED').run();
  try {
    return await body(q);
  } finally {
    // COMMIT, not ROLLBACK: the walk only reads, and a write someone else slipped in on this connection is theirs.
    if (client.inTransaction) client.prepare('COMMIT').run();
  }
}

/**
 * Recomputes everything the ledger promises from first principles: the old single chain and every
 * village chain with their heads (award entries covering their photos' hashes), every running and
 * cached balance, every stock level, every conduct score, the award and redemption links, the engine's
 * own integrity checks (SQLite's integrity and foreign-key checks; PostgreSQL's foreign keys re-checked),
 * and, given the evidence folder, every photo file. Runs on either engine: a `Db` of SQLite or PostgreSQL,
 * or a raw SQLite connection (a file opened as it is). Reads one consistent snapshot, big tables in keyset
 * pages (memory holds a page, the balances and the chain heads, not the ledger); stops at the first bad
 * row, except entries with damaged text (an old version's lone surrogate), which are collected and
 * reported together after everything else checked out.
 */
export async function verifyDatabase(db: Db | Database.Database, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const damaged: DamagedText[] = [];
  let result: VerifyOk;
  try {
    result = await withSnapshot(db, async (q): Promise<VerifyOk> => {
      const ledger = await checkLedger(q, damaged);
      const households = await checkHouseholds(q, ledger.balances);
      const goods = await checkStock(q);
      await checkScores(q);
      await checkLedgerTotals(q, fail);
      await checkLinks(q);
      await checkFunds(q);
      await checkFundBook(q, fail);
      await checkStoreCloses(q, fail);
      await checkCatalogue(q, fail);
      await checkIntegrity(q);
      const ok: VerifyOk = { ok: true, head: ledger.head, legacy: ledger.legacy, chains: ledger.chains, entries: ledger.entries, households, goods };
      if (opts.evidenceDir !== undefined) {
        // Photo files are read inside the snapshot so the list and the folder are compared as of one moment (files are only added).
        let photos = 0;
        await eachPhotoPage(q, (hashes) => {
          checkPhotos(opts.evidenceDir!, hashes);
          photos += hashes.length;
        });
        ok.photos = photos;
      }
      return ok;
    });
  } catch (err) {
    if (!(err instanceof Mismatch)) throw err;
    return damaged.length ? { ...err.failure, damaged } : err.failure;
  }
  if (!damaged.length) return result;
  const first = damaged[0];
  const place = (d: DamagedText) => (d.seq === null ? `entry ${d.entryId} of the old single chain (village ${d.villageId})` : `entry ${d.seq} of village ${d.villageId}`);
  return {
    ok: false,
    what: 'damaged_text',
    table: 'ledger_entries',
    rowId: first.entryId,
    damaged,
    detail:
      `damaged text written by an old version (lone surrogate) in the ${first.field} of ${place(first)}` +
      (damaged.length > 1 ? ` and ${damaged.length - 1} more (${damaged.slice(1, 6).map(place).join(', ')})` : '') +
      `: not tampering — the original text reproduces the stored hash and every link, balance and total checks out. ` +
      `The text cannot be repaired in place (the ledger is append-only); keep this report with the database and its backups.`,
  };
}

/** The one-line verdict `npm run verify` prints. */
export function formatVerdict(r: VerifyResult): string {
  if (r.ok) {
    const photos = r.photos ? `, ${r.photos} photos` : '';
    return `OK ${r.chains.length} village chains, ledger head ${r.head.hash} at entry ${r.head.lastEntryId}; ${r.entries} entries, ${r.households} households, ${r.goods} goods${photos}`;
  }
  return `FAIL ${r.what} at ${r.table} row ${r.rowId ?? '-'}: ${r.detail}`;
}

/** One line per verified village chain, for `npm run verify` to print above the verdict. */
export function formatChainHeads(r: VerifyOk): string[] {
  const lines = r.chains.map((c) => `village ${c.villageName} (id ${c.villageId}): seq ${c.lastSeq} head ${c.hash}`);
  if (r.legacy) lines.unshift(`old single chain (before per-village chains): entry ${r.legacy.lastEntryId} head ${r.legacy.hash}`);
  return lines;
}
