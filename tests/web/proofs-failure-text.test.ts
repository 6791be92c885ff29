/**
 * What the 核验 panel and the household badge say, from the verifier's real reports over a test app: a
 * tampered ledger row is named by village and entry number in Chinese, a wrong board row by its row, an
 * unreachable server is not called a mismatch, and every check name the verifier uses has plain words.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { verifyBoard, type PublicApi } from '../../server/lib/publicVerify';
import { failureText, unreachable } from '../../web/src/modules/proofs/failure-text';
import { groupFingerprint } from '../../web/src/modules/proofs/use-board-verify';
import type { Observed, VerifyResult } from '../../web/src/modules/proofs/verify-types';
import en from '../../web/src/i18n/en';
import zhCN from '../../web/src/i18n/zh-CN';
import { makeTestApp, type TestApp } from '../support/app';
import { call } from '../support/factories';
import { makeBoardWorld } from '../boards/world';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, en } });
const tr = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {});

function appApi(app: TestApp): PublicApi {
  return {
    async getJson(path) {
      const res = await app.app.request(`/api${path}`);
      if (!res.ok) throw new Error(`GET /api${path}: HTTP ${res.status}`);
      return res.json();
    },
  };
}

const observedOf = (r: VerifyResult): Observed => ({
  villageNames: Object.fromEntries((r.checkpoint?.body.villages ?? []).map((v) => [v.villageId, v.villageName])),
  entriesByVillage: {},
  pseudonym: null,
});

async function publishedRed(app: TestApp) {
  const b = await makeBoardWorld(app);
  const p = await call(app, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06' } });
  expect(p.status).toBe(201);
  expect((await call(app, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
  return { b, id: p.body.id as number };
}

describe('核验 in plain words', () => {
  it('names the village and the entry of a ledger row edited behind the triggers, in Chinese', async () => {
    const t = makeTestApp();
    const { b, id } = await publishedRed(t);
    const clean = await verifyBoard(appApi(t), id);
    expect(clean.ok, JSON.stringify(clean.firstFailure)).toBe(true);

    t.db.$client.exec('DROP TRIGGER ledger_entries_no_update');
    t.db.$client.prepare('UPDATE ledger_entries SET points = points + 50, conduct_points = conduct_points + 50 WHERE village_id = ? AND seq = 2').run(b.v);
    const r = await verifyBoard(appApi(t), id);
    expect(r.ok).toBe(false);
    expect(unreachable(r)).toBe(false);
    const text = failureText(tr, r, observedOf(r));
    expect(text).toBe(`东村 第 2 条账目：${zhCN.proofs.reason.entryHash}`);
  });

  it('names the board row when the served board differs from the ledger (its own hash recomputed to match)', async () => {
    const t = makeTestApp();
    const { id } = await publishedRed(t);
    const inner = appApi(t);
    const hostile: PublicApi = {
      async getJson(path) {
        const body = await inner.getJson(path);
        if (path !== `/public/publications/${id}`) return body;
        const pub = body as { board: { items: Array<{ earned: number }> }; publication: { hash: string; chainHash: string } };
        pub.board.items[1].earned += 5;
        pub.publication.hash = createHash('sha256').update(`${canonicalize(pub.board)}\n${pub.publication.chainHash}`).digest('hex');
        return pub;
      },
    };
    const r = await verifyBoard(hostile, id);
    expect(r.ok).toBe(false);
    expect(r.firstFailure?.row).toBeGreaterThan(0);
    expect(failureText(tr, r, observedOf(r))).toBe(`榜单第 ${r.firstFailure!.row} 行：${zhCN.proofs.reason.figures}`);
  });

  it('does not call an unreachable server a mismatch', async () => {
    const down: PublicApi = {
      getJson: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const r = await verifyBoard(down, 1);
    expect(r.ok).toBe(false);
    expect(unreachable(r)).toBe(true);
  });

  it('has plain words for every check name the verifier can fail with', () => {
    const dir = join(import.meta.dirname, '../../server/lib/publicVerify');
    const names = new Set<string>();
    for (const file of readdirSync(dir)) {
      const src = readFileSync(join(dir, file), 'utf8');
      for (const m of src.matchAll(/new Stop\('([^']+)'/g)) names.add(m[1]);
      for (const m of src.matchAll(/rec\.expect\(\s*[^,]+,\s*'([^']+)'/g)) names.add(m[1]);
      for (const m of src.matchAll(/fetchParsed\([^)]*?'([a-z ]+)'(?:, \{[^}]*\})?\)/g)) names.add(m[1]);
    }
    expect(names.size).toBeGreaterThan(10);
    const other = zhCN.proofs.reason.other;
    for (const name of names) {
      const r: VerifyResult = { ok: false, checks: [{ name, ok: false, detail: '' }], firstFailure: { what: '' } };
      expect(failureText(tr, r, null), name).not.toBe(other);
    }
  });

  it('groups a key fingerprint as the posters print it', () => {
    expect(groupFingerprint('3f2a91c0'.repeat(8))).toBe('3F2A 91C0 3F2A 91C0 3F2A 91C0 3F2A 91C0');
  });
});
