/**
 * Every creating request from the web carries an Idempotency-Key (issue #12 item 7). The source of the web app is
 * read, not sampled: every function that POSTs through the typed client is found, and every place that calls one
 * must send it inside a form's idempotent submit cycle (`useFormDialog().submit` / `useIdempotentSubmit().run`,
 * which put the form's key on its POSTs) or hand it a key itself. A new form that forgets is named here, by
 * file and line, before any browser sees it. The POSTs exempt by design are listed with their reason, and each must
 * still be a POST route of the server (a renamed route cannot leave a stale exemption behind).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';

const webSrc = resolve(import.meta.dirname, '../../web/src');

/** POSTs that create nothing, so a repeat is harmless, or that are deduplicated by the server in another way. */
const EXEMPT: Record<string, string> = {
  '/api/auth/login': 'opens a session; a second one is harmless',
  '/api/auth/logout': 'ends the session; a repeat is a no-op',
  '/api/counter/lookup': 'reads who a code belongs to',
  '/api/imports/households/preview': 'reads a spreadsheet, writes nothing',
  '/api/imports/awards/preview': 'reads a spreadsheet, writes nothing',
  '/api/imports/catalogue/preview': 'reads a spreadsheet, writes nothing',
  '/api/evidence': 'content-addressed: the same photo uploaded twice is one photo (the server skips keys here)',
  '/api/households/:id/pass': 'a fresh one-time code is wanted every time; a replay would hand back a spent one',
  // Decisions on one record: the record's state refuses a repeat (409 invalid_status), never a second record.
  '/api/awards/:id/approve': 'a decision; a repeat is refused by the award\'s state',
  '/api/awards/approve': 'decisions; a repeat is refused by each award\'s state',
  '/api/awards/:id/reject': 'a decision; a repeat is refused by the award\'s state',
  '/api/objections/:id/resolve': 'a decision; a repeat is refused by the objection\'s state',
  '/api/boards/publications/:id/approve': 'a decision; a repeat is refused by the publication\'s state',
  '/api/boards/publications/:id/reject': 'a decision; a repeat is refused by the publication\'s state',
  '/api/boards/rectifications/:id/approve': 'a decision; a repeat is refused by the rectification\'s state',
  '/api/boards/rectifications/:id/reject': 'a decision; a repeat is refused by the rectification\'s state',
  '/api/cards/:id/revoke': 'a state change of one card; revoking twice leaves it revoked',
  '/api/cards/:id/unlock': 'a state change of one card; unlocking twice leaves it unlocked',
};

interface Poster {
  name: string;
  file: string;
  paths: string[];
  /** Index of a parameter that takes the key, when the caller must give it. */
  keyParam: number | null;
  /** Sets the header itself, whatever the caller does. */
  selfKeyed: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The script of a .ts file, or the <script> blocks of a .vue file (line numbers kept). */
function scriptOf(file: string, text = readFileSync(file, 'utf8')): string {
  if (file.endsWith('.ts')) return text;
  // Everything outside <script> becomes blank lines, so positions map back to the file's own lines.
  return text.replace(/([\s\S]*?)(<script[^>]*>)([\s\S]*?)(<\/script>)|([\s\S]+)$/g, (_m, before: string | undefined, open: string | undefined, body: string | undefined, close: string | undefined, rest: string | undefined) =>
    body !== undefined ? blank(before ?? '') + blank(open ?? '') + body + blank(close ?? '') : blank(rest ?? ''),
  );
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** `/api/awards/:id/approve` from `api.awards[':id'].approve.$post`. */
function pathOfChain(chain: string): string {
  return chain
    .replace(/^client\./, '')
    .replace(/\[\s*'([^']+)'\s*\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((s) => `/${s}`)
    .join('');
}

const POST_CHAIN = /((?:client\.)?api(?:\.[A-Za-z_$][\w$]*|\[\s*'[^']+'\s*\])*)\.\$post\s*\(/g;

function posterPaths(text: string): string[] {
  return [...text.matchAll(POST_CHAIN)].map((m) => pathOfChain(m[1]));
}

function functionsOf(sf: ts.SourceFile): Array<{ name: string; node: ts.FunctionLikeDeclaration }> {
  const out: Array<{ name: string; node: ts.FunctionLikeDeclaration }> = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionDeclaration(n) && n.name) out.push({ name: n.name.text, node: n });
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer)))
      out.push({ name: n.name.text, node: n.initializer });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Functions of the web's .ts modules that POST, directly or through another one (to a fixpoint). */
function findPosters(files: string[]): Map<string, Poster> {
  const posters = new Map<string, Poster>();
  const parsed = files.filter((f) => f.endsWith('.ts')).map((f) => ({ file: f, sf: ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true) }));
  for (let changed = true; changed; ) {
    changed = false;
    for (const { file, sf } of parsed) {
      for (const fn of functionsOf(sf)) {
        if (posters.has(fn.name) || !fn.node.body) continue;
        const body = fn.node.body.getText(sf);
        const direct = posterPaths(body).filter((p) => !EXEMPT[p]);
        const viaOthers = [...posters.values()].filter((p) => new RegExp(`\\b${p.name}\\s*\\(`).test(body)).flatMap((p) => p.paths);
        if (!direct.length && !viaOthers.length) continue;
        const keyParam = fn.node.parameters.findIndex((p) => ts.isIdentifier(p.name) && /key$/i.test(p.name.text));
        const selfKeyed = keyParam < 0 && /['"]Idempotency-Key['"]\s*:/.test(body);
        posters.set(fn.name, { name: fn.name, file: relative(webSrc, file), paths: [...direct, ...viaOthers], keyParam: keyParam >= 0 ? keyParam : null, selfKeyed });
        changed = true;
      }
    }
  }
  return posters;
}

/** Names that run a callback inside the idempotent submit cycle in this file: `submit`, `run`, `x.submit` … */
function guardsOf(sf: ts.SourceFile): { names: Set<string>; objects: Set<string> } {
  const names = new Set<string>();
  const objects = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isCallExpression(n.initializer) && ts.isIdentifier(n.initializer.expression) && /^use(FormDialog|IdempotentSubmit)$/.test(n.initializer.expression.text)) {
      if (ts.isIdentifier(n.name)) objects.add(n.name.text);
      else if (ts.isObjectBindingPattern(n.name))
        for (const el of n.name.elements) {
          const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : '';
          if ((prop === 'submit' || prop === 'run') && ts.isIdentifier(el.name)) names.add(el.name.text);
        }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // A local wrapper that runs its callback inside a cycle (`function run(work) { … once.run(() => work()) … }`) is one too.
  const wrappers = (n: ts.Node) => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) {
      const params = new Set(n.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : [])));
      let wraps = false;
      const inGuard = (m: ts.Node): void => {
        if (isGuardCall(m, { names, objects })) {
          const callsParam = (k: ts.Node): boolean => (ts.isCallExpression(k) && ts.isIdentifier(k.expression) && params.has(k.expression.text)) || (ts.isIdentifier(k) && params.has(k.text)) || (ts.forEachChild(k, callsParam) ?? false);
          if (m.arguments.some(callsParam)) wraps = true;
        }
        ts.forEachChild(m, inGuard);
      };
      inGuard(n.body);
      if (wraps) names.add(n.name.text);
    }
    ts.forEachChild(n, wrappers);
  };
  wrappers(sf);
  return { names, objects };
}

function isGuardCall(n: ts.Node, g: { names: Set<string>; objects: Set<string> }): n is ts.CallExpression {
  if (!ts.isCallExpression(n)) return false;
  const e = n.expression;
  if (ts.isIdentifier(e)) return g.names.has(e.text);
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && g.objects.has(e.expression.text) && /^(submit|run)$/.test(e.name.text);
}

/** The named function (declaration or `const f = () => …`) a node sits in, outermost first excluded. */
function enclosingNames(n: ts.Node): string[] {
  const out: string[] = [];
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isFunctionDeclaration(p) && p.name) out.push(p.name.text);
    if ((ts.isArrowFunction(p) || ts.isFunctionExpression(p)) && ts.isVariableDeclaration(p.parent) && ts.isIdentifier(p.parent.name)) out.push(p.parent.name.text);
  }
  return out;
}

interface Site {
  where: string;
  callee: string;
  paths: string[];
}

/** Calls of a poster that send without a key: not inside a submit cycle, no key handed over. */
function unkeyedCalls(file: string, posters: Map<string, Poster>, text?: string): Site[] {
  const sf = ts.createSourceFile(file, scriptOf(file, text), ts.ScriptTarget.Latest, true);
  const guards = guardsOf(sf);
  // Functions whose every run is inside a cycle: passed to one by name (`submit(send)`) or called inside one (one level).
  const guardedFns = new Set<string>();
  const direct: Array<{ node: ts.Node; callee: string; paths: string[] }> = [];
  const visit = (n: ts.Node) => {
    if (isGuardCall(n, guards)) {
      for (const a of n.arguments) if (ts.isIdentifier(a)) guardedFns.add(a.text);
      const inner = (m: ts.Node) => {
        if (ts.isCallExpression(m) && ts.isIdentifier(m.expression)) guardedFns.add(m.expression.text);
        ts.forEachChild(m, inner);
      };
      n.arguments.forEach(inner);
    }
    if (ts.isCallExpression(n)) {
      const e = n.expression;
      const name = ts.isIdentifier(e) ? e.text : null;
      const poster = name ? posters.get(name) : undefined;
      if (poster && !poster.selfKeyed && !(poster.keyParam !== null && n.arguments.length > poster.keyParam)) direct.push({ node: n, callee: name!, paths: poster.paths });
      if (ts.isPropertyAccessExpression(e) && e.name.text === '$post') {
        const chain = e.expression.getText(sf);
        const path = pathOfChain(chain.replace(/\s+/g, ''));
        const keyed = n.arguments.length > 1 && /Idempotency-Key/.test(n.arguments[1].getText(sf));
        if (!EXEMPT[path] && !keyed && file.endsWith('.vue')) direct.push({ node: n, callee: `${chain}.$post`, paths: [path] });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const insideGuard = (n: ts.Node) => {
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (isGuardCall(p, guards)) return true;
    return enclosingNames(n).some((f) => guardedFns.has(f));
  };
  return direct
    .filter((d) => !insideGuard(d.node))
    .map((d) => ({ where: `${relative(webSrc, file)}:${sf.getLineAndCharacterOfPosition(d.node.getStart(sf)).line + 1}`, callee: d.callee, paths: d.paths }));
}

/** Calls of posters straight from a template (`@click="approve(id)"`): never inside a cycle. */
function templateCalls(file: string, posters: Map<string, Poster>): Site[] {
  const text = readFileSync(file, 'utf8');
  const template = text.match(/<template>([\s\S]*)<\/template>/)?.[1] ?? '';
  const out: Site[] = [];
  for (const p of posters.values()) {
    if (p.selfKeyed) continue;
    if (new RegExp(`["'\\s(]${p.name}\\s*\\(`).test(template)) out.push({ where: relative(webSrc, file), callee: p.name, paths: p.paths });
  }
  return out;
}

describe('every creating request from the web carries an Idempotency-Key', () => {
  const files = filesUnder(webSrc).filter((f) => /\.(ts|vue)$/.test(f) && !f.endsWith('.d.ts'));
  const posters = findPosters(files);

  it('finds the functions that create (a sanity floor, so a broken scan cannot pass by finding nothing)', () => {
    const names = [...posters.keys()];
    for (const n of ['createHousehold', 'proposeAward', 'proposeBatch', 'redeem', 'createGoods', 'recordFunding']) expect(names).toContain(n);
    expect(posters.get('redeem')?.selfKeyed).toBe(true);
    expect(posters.get('proposeBatch')?.keyParam).toBe(1);
  });

  it('every call of one is inside a submit cycle or hands it the key', () => {
    const missing = files.flatMap((f) => [...unkeyedCalls(f, posters), ...(f.endsWith('.vue') ? templateCalls(f, posters) : [])]);
    expect(missing.map((m) => `${m.where} ${m.callee} → POST ${m.paths.join(', ')}`)).toEqual([]);
  });

  it('the scan reports a component that forgets (the household form with its submit cycle taken away)', () => {
    const file = join(webSrc, 'modules/households/HouseholdCreateDialog.vue');
    const text = readFileSync(file, 'utf8');
    expect(unkeyedCalls(file, posters, text)).toEqual([]);
    const forgetful = unkeyedCalls(file, posters, text.replace(/useFormDialog\(/g, 'useSomethingElse('));
    expect(forgetful.map((m) => m.callee)).toContain('createHousehold');
    // A batch sent without its key is reported too.
    const batch = join(webSrc, 'modules/awards/AwardBatchPage.vue');
    const unkeyedBatch = readFileSync(batch, 'utf8').replace(/proposeBatch\(body, submitKey\)/, 'proposeBatch(body)');
    expect(unkeyedCalls(batch, posters, unkeyedBatch).map((m) => m.callee)).toContain('proposeBatch');
  });

  it('each exemption is a POST route of the server', () => {
    const app = makeTestApp().app;
    const posts = new Set(app.routes.filter((r) => r.method === 'POST').map((r) => r.path));
    for (const path of Object.keys(EXEMPT)) expect(posts, path).toContain(path);
  });
});
