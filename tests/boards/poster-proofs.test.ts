import { describe, expect, it } from 'vitest';
import { systemCtx } from '../../server/lib/context';
import { proofLine, qrSvg, renderPoster } from '../../server/modules/boards/print/layout';
import { posterProof } from '../../server/modules/boards/print/posterProof';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call } from '../support/factories';
import { makeBoardWorld } from './world';

const GROUPED = /^([0-9A-F]{4} ){7}[0-9A-F]{4}$/;

async function page(t: TestApp, path: string): Promise<string> {
  const res = await t.app.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The footer's checkpoint line and printed fingerprint of every sheet of a poster. */
function proofLines(html: string): Array<{ line: string; fingerprint: string }> {
  return [...html.matchAll(/<span class="proof">([^<]*)<\/span><span class="fp">([^<]*)<\/span>/g)].map((m) => ({ line: m[1], fingerprint: m[2] }));
}

async function keyDisplay(t: TestApp): Promise<string> {
  const key = await call(t, 'GET', '/api/public/checkpoint-key');
  expect(key.status).toBe(200);
  return key.body.fingerprintDisplay as string;
}

describe('posters carry the signed checkpoint and the key fingerprint', () => {
  it('a published board prints its own checkpoint number and the signing key grouped, and its QR code leads to the page with 核验', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: b.cadre, body: { kind: 'red', areaId: b.v, period: '2026-06' } });
    expect(p.status).toBe(201);
    expect((await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: b.reviewer })).status).toBe(200);
    const facts = await call(t, 'GET', `/api/public/publications/${p.body.id}`);
    const checkpointId = facts.body.publication.checkpointId as number;
    expect(checkpointId).toBeGreaterThan(0);
    const checkpoint = await call(t, 'GET', `/api/public/checkpoints/${checkpointId}`);

    const html = await page(t, `/print/publications/${p.body.id}`);
    const lines = proofLines(html);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.line).toContain(`依据检查点 第 ${checkpoint.body.seq} 号`);
      expect(l.fingerprint).toMatch(GROUPED);
      expect(l.fingerprint).toBe(await keyDisplay(t));
      expect(l.fingerprint.replace(/ /g, '')).toBe((checkpoint.body.body.keyFingerprint as string).slice(0, 32).toUpperCase());
    }
    // The QR code is the public board page's address, the page with the 核验 button.
    expect(html).toContain(await qrSvg(`http://localhost/public/publications/${p.body.id}`));
    expect(html).toContain('扫码核验网上版本');
    // The same poster through the area's print address.
    const byArea = proofLines(await page(t, `/print/areas/${b.v}/red?period=2026-06`));
    expect(byArea.map((l) => l.line)).toEqual(lines.map((l) => l.line));
  });

  it('live posters name the county’s latest checkpoint, and a new checkpoint shows on the next print (not a cached one)', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const paths = [
      `/print/areas/${b.w.areas.townA.id}/leaderboard?period=2026-06`,
      `/print/areas/${b.w.areas.county.id}/villages?period=2026-06`,
      `/print/areas/${b.v}/notices`,
      `/print/areas/${b.v}/donations`,
      `/print/areas/${b.v}/honour-roll`,
    ];
    const before = await call(t, 'GET', `/api/public/checkpoints?countyId=${b.w.areas.county.id}&limit=1`);
    const seqBefore = (before.body.items[0]?.seq as number | undefined) ?? null;
    for (const path of paths) {
      const [l] = proofLines(await page(t, path));
      expect(l.line, path).toContain(seqBefore == null ? '尚无检查点' : `最近检查点 第 ${seqBefore} 号`);
      expect(l.fingerprint).toBe(await keyDisplay(t));
    }
    const made = await call(t, 'POST', '/api/checkpoints', { cookie: b.county, body: { countyId: b.w.areas.county.id } });
    expect(made.status).toBe(201);
    expect(made.body.seq).toBe((seqBefore ?? 0) + 1);
    for (const path of paths) {
      const [l] = proofLines(await page(t, path));
      expect(l.line, path).toContain(`最近检查点 第 ${made.body.seq} 号`);
      expect(l.line).not.toContain('扫码点');
    }
  });

  it('a board published before checkpoints existed says so instead of naming a checkpoint', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const proof = await posterProof(systemCtx(t.db, testConfig, t.clock.now), b.v, null);
    expect(proof).toMatchObject({ checkpointSeq: null, beforeCheckpoints: true });
    expect(proof.fingerprintDisplay).toBe(await keyDisplay(t));
    const html = String(
      await renderPoster({
        title: '红　榜',
        trail: '测试县',
        periodLabel: '2025年6月',
        publishedAt: Date.UTC(2025, 5, 30),
        now: Date.UTC(2026, 5, 15),
        onlineUrl: 'http://localhost/public/publications/1',
        hash: 'a'.repeat(64),
        chainHead: '#1',
        columns: [{ label: '户主' }],
        rows: [],
        emptyText: '无',
        proof,
      }),
    );
    expect(proofLines(html)[0].line).toBe(proofLine(proof));
    expect(proofLine(proof)).toContain('本榜发布于检查点启用前');
  });

  it('a poster that names a checkpoint id that does not exist falls back to the county’s latest, never to a made-up number', async () => {
    const t = makeTestApp();
    const b = await makeBoardWorld(t);
    const proof = await posterProof(systemCtx(t.db, testConfig, t.clock.now), b.v, 987_654);
    expect(proof.own).toBe(false);
    const latest = await call(t, 'GET', `/api/public/checkpoints?countyId=${b.w.areas.county.id}&limit=1`);
    expect(proof.checkpointSeq).toBe((latest.body.items[0]?.seq as number | undefined) ?? null);
  });
});
