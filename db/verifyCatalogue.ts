import type Database from 'better-sqlite3';

/** How a check reports the first bad row (verify.ts's `fail`). */
export type Fail = (what: string, table: string, rowId: string | number | null, detail: string) => never;

interface Heading {
  id: number;
  code: string;
  areaId: number | null;
  name: string;
  createdAt: number;
}

const tableExists = (client: Database.Database, name: string) => !!client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
const line = (path: string | null) => (path ?? '').split('/').filter(Boolean).map(Number);
const day = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Every ledger entry's category and every rule version's heading names a heading of its area's
 * inherited catalogue (the county template, an area above, or the area itself) that existed when it
 * was written, or one the heading history (the append-only audit log's `rule_heading.create` rows)
 * records there by then. Anything else is an `orphan_heading`. And the headings table still holds every
 * heading the history records, with the code and owner it was created with: a removed, re-coded or
 * re-homed heading is a `heading` failure. A file from before headings (no rule_headings) has the
 * seven fixed categories only and nothing to check.
 */
export function checkCatalogue(client: Database.Database, fail: Fail): void {
  if (!tableExists(client, 'rule_headings')) return;
  const rows = client.prepare('SELECT id, code, area_id AS areaId, name, created_at AS createdAt FROM rule_headings ORDER BY id').all() as Heading[];
  const byCode = new Map(rows.map((h) => [h.code, h]));
  const byId = new Map(rows.map((h) => [h.id, h]));
  const history = (
    client
      .prepare(
        `SELECT CAST(entity_id AS INTEGER) AS id, json_extract("after", '$.code') AS code, json_extract("after", '$.areaId') AS areaId,
                json_extract("after", '$.name') AS name, created_at AS createdAt
           FROM audit_log WHERE entity = 'rule_heading' AND action = 'rule_heading.create' AND json_valid("after") ORDER BY id`,
      )
      .all() as Heading[]
  ).filter((h) => typeof h.code === 'string');
  const recorded = new Map<string, Heading[]>();
  for (const h of history) recorded.set(h.code, [...(recorded.get(h.code) ?? []), h]);
  const areas = new Map((client.prepare('SELECT id, name, path FROM areas').all() as { id: number; name: string; path: string }[]).map((a) => [a.id, a]));
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
  const uses = client
    .prepare(
      `SELECT e.village_id AS villageId, e.category, MIN(e.created_at) AS at, a.path
         FROM ledger_entries e LEFT JOIN areas a ON a.id = e.village_id
        WHERE e.category IS NOT NULL GROUP BY e.village_id, e.category ORDER BY e.village_id, e.category`,
    )
    .all() as { villageId: number; category: string; at: number; path: string | null }[];
  for (const u of uses) {
    const why = orphan(u.category, u.path, u.at);
    if (!why) continue;
    const first = client.prepare('SELECT id FROM ledger_entries WHERE village_id = ? AND category = ? ORDER BY created_at, id LIMIT 1').get(u.villageId, u.category) as { id: number };
    fail('orphan_heading', 'ledger_entries', first.id, `entry of village ${u.villageId} under category ${u.category}: ${why}`);
  }

  const versions = client
    .prepare(
      `SELECT v.id, v.rule_id AS ruleId, v.version, v.category, v.created_at AS at, r.area_id AS areaId, a.path
         FROM rule_versions v JOIN rules r ON r.id = v.rule_id LEFT JOIN areas a ON a.id = r.area_id ORDER BY v.id`,
    )
    .all() as { id: number; ruleId: number; version: number; category: string; at: number; areaId: number; path: string | null }[];
  for (const v of versions) {
    const why = orphan(v.category, v.path, v.at);
    if (why) fail('orphan_heading', 'rule_versions', v.id, `version ${v.version} of rule ${v.ruleId} of ${owner(v.areaId)}: ${why}`);
  }

  for (const r of history) {
    const now = byId.get(r.id);
    if (!now) fail('heading', 'rule_headings', r.id, `heading ${r.code} (${r.name}) of ${owner(r.areaId)}, created at ${day(r.createdAt)} by the audit log, is gone from rule_headings`);
    if (now.code !== r.code || now.areaId !== r.areaId) {
      fail('heading', 'rule_headings', r.id, `heading ${r.id} was created as ${r.code} of ${owner(r.areaId)} but is now ${now.code} of ${owner(now.areaId)}`);
    }
  }
}
