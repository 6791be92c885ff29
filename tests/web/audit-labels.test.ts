import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActions } from '../../server/lib/audit';
import { auditEntities } from '../../web/src/modules/audit/audit-labels';
import zhCN from '../../web/src/i18n/zh-CN';
import en from '../../web/src/i18n/en';

type Messages = { [key: string]: string | Messages };

function lookup(messages: Messages, path: string): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

describe('audit log labels', () => {
  it('labels every action the server audits, in Chinese and in English', () => {
    const missing = auditActions.flatMap((a) => [
      ...(lookup(zhCN as Messages, `auditActions.${a}`) ? [] : [`zh-CN ${a}`]),
      ...(lookup(en as Messages, `auditActions.${a}`) ? [] : [`en ${a}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('shows Chinese words for actions, not the code names', () => {
    for (const a of auditActions) expect(lookup(zhCN as Messages, `auditActions.${a}`)).toMatch(/\p{Script=Han}/u);
  });

  it('labels every entity the server writes to the audit log', () => {
    const root = join(import.meta.dirname, '../..');
    const written = new Set<string>();
    for (const dir of ['server', 'seeds', 'db']) {
      for (const file of sourceFiles(join(root, dir))) for (const m of readFileSync(file, 'utf8').matchAll(/entity: '([a-z_]+)'/g)) written.add(m[1]);
    }
    expect(written.size).toBeGreaterThan(10);
    const known = new Set<string>(auditEntities);
    expect([...written].filter((e) => !known.has(e))).toEqual([]);
    for (const e of auditEntities) {
      expect(lookup(zhCN as Messages, `auditEntities.${e}`)).toMatch(/\p{Script=Han}/u);
      expect(lookup(en as Messages, `auditEntities.${e}`)).toBeTruthy();
    }
  });
});
