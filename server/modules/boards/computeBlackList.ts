import { and, asc, between, eq, inArray } from 'drizzle-orm';
import { awards, households, ledgerEntries, rectifications, ruleVersions, rules } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { periodRange } from '../../../db/time';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { reversedIds } from './computeRedList';

export interface BlackItem {
  entryId: number;
  householdId: number;
  name: string;
  /** The conduct: the rule's name as it was on the day. Never the household's private data. */
  conduct: string;
  occurredOn: string;
  points: number;
  /** A rectification under review; approved ones take the entry off the list. */
  rectification: 'pending' | null;
}

/** Deductions under black-list rules in a village and period, still standing (not reversed, not rectified). */
export function blackListEntries(db: Db, villageId: number, period: string) {
  const { from, to } = periodRange(period);
  const rows = db
    .select({
      entryId: ledgerEntries.id,
      householdId: ledgerEntries.householdId,
      occurredOn: ledgerEntries.occurredOn,
      conductPoints: ledgerEntries.conductPoints,
      versionName: ruleVersions.name,
      versionBlack: ruleVersions.blackList,
      ruleName: rules.name,
      ruleBlack: rules.blackList,
    })
    .from(ledgerEntries)
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(and(eq(ledgerEntries.villageId, villageId), between(ledgerEntries.occurredOn, from, to), eq(ledgerEntries.kind, 'deduction')))
    .orderBy(asc(ledgerEntries.id))
    .all()
    // The rule version the deduction was made under decides; direct entries fall back to the rule head.
    .filter((r) => (r.versionBlack ?? r.ruleBlack) === true);
  if (!rows.length) return [];
  const reversed = reversedIds(db, villageId, period);
  const open = rows.filter((r) => !reversed.has(r.entryId));
  const states = new Map<number, string>();
  for (const part of chunks(open.map((r) => r.entryId), 500)) {
    for (const r of db
      .select({ entryId: rectifications.ledgerEntryId, status: rectifications.status })
      .from(rectifications)
      .where(and(inArray(rectifications.ledgerEntryId, part), inArray(rectifications.status, ['pending', 'approved'])))
      .all()) {
      if (states.get(r.entryId) !== 'approved') states.set(r.entryId, r.status);
    }
  }
  return open
    .filter((r) => states.get(r.entryId) !== 'approved')
    .map((r) => ({
      entryId: r.entryId,
      householdId: r.householdId,
      occurredOn: r.occurredOn,
      points: -r.conductPoints,
      conduct: r.versionName ?? r.ruleName ?? '',
      rectification: states.get(r.entryId) === 'pending' ? ('pending' as const) : null,
    }));
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** 黑榜: the standing black-list deductions, grouped by household (pinyin order), newest conduct first within one. */
export function computeBlackList(db: Db, { row, settings }: LoadedArea, period: string): BlackItem[] {
  const entries = blackListEntries(db, row.id, period);
  if (!entries.length) return [];
  const ids = [...new Set(entries.map((e) => e.householdId))];
  const people = new Map<number, { headName: string; doorNo: string | null; initials: string }>();
  for (const part of chunks(ids, 500)) {
    for (const h of db
      .select({ id: households.id, headName: households.headName, doorNo: households.doorNo, initials: households.nameInitials })
      .from(households)
      .where(inArray(households.id, part))
      .all())
      people.set(h.id, h);
  }
  const key = (e: { householdId: number }) => people.get(e.householdId)?.initials ?? '';
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.householdId - b.householdId || (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : a.entryId - b.entryId)));
  return entries.map((e) => {
    const p = people.get(e.householdId)!;
    return { ...e, name: publicName(settings.maskMode, p.headName, p.doorNo) };
  });
}
