import type { Sql } from './sql';

/** How a check reports the first bad row (verify.ts's `fail`). */
export type Fail = (what: string, table: string, rowId: string | number | null, detail: string) => never;

/** Rows per keyset page of a big table (`WHERE id > ? ORDER BY id LIMIT PAGE`): memory holds one page, not the table. */
export const PAGE = 5000;

/**
 * Walks a table in keyset pages of `PAGE` rows: `text(after)` is the page's query with `after` as its key
 * condition (`column > ?` from the second page on). The first page has no lower bound at all, since one
 * below every key would overflow PostgreSQL's integer columns.
 */
export async function eachPage<T>(q: Sql, text: (after: string) => string, column: string, keyOf: (row: T) => number | string, each: (rows: T[]) => void | Promise<void>): Promise<void> {
  let after: number | string | null = null;
  for (;;) {
    const rows: T[] = await q.all<T>(text(after === null ? 'TRUE' : `${column} > ?`), after === null ? [] : [after]);
    if (!rows.length) return;
    await each(rows);
    if (rows.length < PAGE) return;
    after = keyOf(rows[rows.length - 1]);
  }
}

/** Whether the database has table `name`: a file from before some migration lacks newer tables. */
export async function tableExists(q: Sql, name: string): Promise<boolean> {
  const sql =
    q.engine === 'sqlite'
      ? `SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?`
      : 'SELECT 1 AS present FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?';
  return (await q.get<{ present: number }>(sql, [name])) !== undefined;
}

/** The column names of table `name` (an old file lacks newer columns). */
export async function columnNames(q: Sql, name: string): Promise<Set<string>> {
  const sql =
    q.engine === 'sqlite'
      ? 'SELECT name FROM pragma_table_info(?)'
      : 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?';
  return new Set((await q.all<{ name: string }>(sql, [name])).map((c) => c.name));
}

interface Heading {
  id: number;
  code: string;
  areaId: number | null;
  name: string;
  createdAt: number;
}

const line = (path: string | null) => (path ?? '').split('/').filter(Boolean).map(Number);
const day = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What SQLite's json_extract gives for a JSON value: true/false as 1/0, an object or array as its JSON text. */
function extracted(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** SQLite's CAST(text AS INTEGER): the leading integer, or 0. */
function leadingInteger(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * The heading history: every `rule_heading.create` audit row whose `after` is JSON, as the heading it created
 * (read and parsed here rather than with json_extract, which PostgreSQL spells otherwise). Ordered by the
 * heading id it names, then by audit row.
 */
async function headingHistory(q: Sql): Promise<Heading[]> {
  const out: (Heading & { auditId: number })[] = [];
  await eachPage<{ auditId: number; entityId: string; after: string | null; createdAt: number }>(
    q,
    (after) => `SELECT id AS "auditId", entity_id AS "entityId", "after", created_at AS "createdAt" FROM audit_log
                 WHERE entity = 'rule_heading' AND action = 'rule_heading.create' AND ${after} ORDER BY id LIMIT ${PAGE}`,
    'id',
    (r) => r.auditId,
    (rows) => {
      for (const r of rows) {
        let value: unknown;
        try {
          value = r.after === null ? undefined : JSON.parse(r.after);
        } catch {
          continue;
        }
        if (value === undefined) continue;
        const field = (name: string) => extracted(value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined);
        const code = field('code');
        if (typeof code !== 'string') continue;
        out.push({ auditId: r.auditId, id: leadingInteger(String(r.entityId)), code, areaId: field('areaId') as number | null, name: field('name') as string, createdAt: r.createdAt });
      }
    },
  );
  return out.sort((a, b) => a.id - b.id || a.auditId - b.auditId).map(({ auditId: _auditId, ...h }) => h);
}

/**
 * Every ledger entry's category and every rule version's heading names a heading of its area's
 * inherited catalogue (the county template, an area above, or the area itself) that existed when it
 * was written, or one the heading history (the append-only audit log's `rule_heading.create` rows)
 * records there by then. Anything else is an `orphan_heading`. And the headings table still holds every
 * heading the history records, with the code and owner it was created with: a removed, re-coded or
 * re-homed heading is a `heading` failure. A file from before headings (no rule_headings) has the
 * seven fixed categories only and nothing to check.
 */
export async function checkCatalogue(q: Sql, fail: Fail): Promise<void> {
  if (!(await tableExists(q, 'rule_headings'))) return;
  const rows = await q.all<Heading>('SELECT id, code, area_id AS "areaId", name, created_at AS "createdAt" FROM rule_headings ORDER BY id');
  const byCode = new Map(rows.map((h) => [h.code, h]));
  const byId = new Map(rows.map((h) => [h.id, h]));
  const history = await headingHistory(q);
  const recorded = new Map<string, Heading[]>();
  for (const h of history) recorded.set(h.code, [...(recorded.get(h.code) ?? []), h]);
  const areas = new Map((await q.all<{ id: number; name: string; path: string }>('SELECT id, name, path FROM areas')).map((a) => [a.id, a]));
  const owner = (areaId: number | null) => (areaId === null ? '县模板' : `${areas.get(areaId)?.name ?? '?'} (area ${areaId})`);

  /** Why `code` is not a heading of the area at `path` at moment `at`, or null when it is. */
  const orphan = (code: string, path: string | null, at: number): string | null => {
    const ancestry = line(path);
    const within = (h: Heading) => h.areaId === null || ancestry.includes(h.areaId);
    const h = byCode.get(code);
    if (h && within(h) && h.createdAt <= at) return null;
    if ((recorded.get(code) ?? []).some((r) => within(r) && r.createdAt <= at)) return null;
    if (!h) return `heading ${code} exists neither in rule_headings nor in the heading history`;
    if (!within(h)) return `heading ${code} (${h.name}) belongs to ${owner(h.areaId)}, outside this area's inherited catalogue`;
    return `heading ${code} (${h.name}) was created at ${day(h.createdAt)}, after its use at ${day(at)}`;
  };

  // One row per village and category: the earliest use is the one that must have had its heading.
  const uses = await q.all<{ villageId: number; category: string; at: number; path: string | null }>(
    `SELECT e.village_id AS "villageId", e.category, MIN(e.created_at) AS at, MIN(a.path) AS path
       FROM ledger_entries e LEFT JOIN areas a ON a.id = e.village_id
      WHERE e.category IS NOT NULL GROUP BY e.village_id, e.category`,
  );
  // Ordered here: PostgreSQL's collation may sort categories otherwise than SQLite's BINARY (code units here).
  uses.sort((a, b) => a.villageId - b.villageId || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  for (const u of uses) {
    const why = orphan(u.category, u.path, u.at);
    if (!why) continue;
    const first = (await q.get<{ id: number }>('SELECT id FROM ledger_entries WHERE village_id = ? AND category = ? ORDER BY created_at, id LIMIT 1', [u.villageId, u.category]))!;
    fail('orphan_heading', 'ledger_entries', first.id, `entry of village ${u.villageId} under category ${u.category}: ${why}`);
  }

  await eachPage<{ id: number; ruleId: number; version: number; category: string; at: number; areaId: number; path: string | null }>(
    q,
    (after) => `SELECT v.id, v.rule_id AS "ruleId", v.version, v.category, v.created_at AS at, r.area_id AS "areaId", a.path
                  FROM rule_versions v JOIN rules r ON r.id = v.rule_id LEFT JOIN areas a ON a.id = r.area_id WHERE ${after} ORDER BY v.id LIMIT ${PAGE}`,
    'v.id',
    (v) => v.id,
    (versions) => {
      for (const v of versions) {
        const why = orphan(v.category, v.path, v.at);
        if (why) fail('orphan_heading', 'rule_versions', v.id, `version ${v.version} of rule ${v.ruleId} of ${owner(v.areaId)}: ${why}`);
      }
    },
  );

  for (const r of history) {
    const now = byId.get(r.id);
    if (!now) fail('heading', 'rule_headings', r.id, `heading ${r.code} (${r.name}) of ${owner(r.areaId)}, created at ${day(r.createdAt)} by the audit log, is gone from rule_headings`);
    if (now.code !== r.code || now.areaId !== r.areaId) {
      fail('heading', 'rule_headings', r.id, `heading ${r.id} was created as ${r.code} of ${owner(r.areaId)} but is now ${now.code} of ${owner(now.areaId)}`);
    }
  }
}
