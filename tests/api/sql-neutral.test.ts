import { afterAll, describe, expect, it, vi } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import { sqlOf, toPgPlaceholders } from '../../db/sql';

describe('toPgPlaceholders', () => {
  it('numbers the placeholders in order', () => {
    expect(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });

  it('counts past 9 (two-digit placeholders stay whole)', () => {
    const text = `INSERT INTO t VALUES (${Array.from({ length: 14 }, () => '?').join(', ')})`;
    expect(toPgPlaceholders(text)).toBe(`INSERT INTO t VALUES (${Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ')})`);
  });

  it('leaves a ? inside a string literal alone', () => {
    expect(toPgPlaceholders("SELECT '?' AS q, ? AS p")).toBe("SELECT '?' AS q, $1 AS p");
  });

  it("treats a doubled quote as part of the string ('it''s ?')", () => {
    expect(toPgPlaceholders("SELECT 'it''s ?' AS a, ? AS b, '''?''' AS c, ? AS d")).toBe("SELECT 'it''s ?' AS a, $1 AS b, '''?''' AS c, $2 AS d");
  });

  it('leaves a ? inside a quoted name alone, doubled quotes included', () => {
    expect(toPgPlaceholders('SELECT x AS "what?", y AS "say ""?""", ? AS "z"')).toBe('SELECT x AS "what?", y AS "say ""?""", $1 AS "z"');
  });

  it('leaves a ? inside -- and /* */ comments alone, and counts after them', () => {
    const text = `SELECT ? -- why? because
      , /* is it? yes ? */ ? /**/ , ?`;
    expect(toPgPlaceholders(text)).toBe(`SELECT $1 -- why? because
      , /* is it? yes ? */ $2 /**/ , $3`);
  });

  it('does not take a lone dash or slash for a comment', () => {
    expect(toPgPlaceholders('SELECT ? - 1, ? / 2, -?')).toBe('SELECT $1 - 1, $2 / 2, -$3');
  });

  it('keeps an unterminated string or comment to the end without inventing placeholders', () => {
    expect(toPgPlaceholders("SELECT ?, 'open ?")).toBe("SELECT $1, 'open ?");
    expect(toPgPlaceholders('SELECT ? /* open ?')).toBe('SELECT $1 /* open ?');
    expect(toPgPlaceholders('SELECT ? -- last line ?')).toBe('SELECT $1 -- last line ?');
  });

  it('answers the same text the same way twice (cached)', () => {
    const text = "SELECT ?, '?', ?";
    expect(toPgPlaceholders(text)).toBe(toPgPlaceholders(text));
    expect(toPgPlaceholders(text)).toBe("SELECT $1, '?', $2");
  });
});

describe('the SQLite side of the neutral handle', () => {
  const db = openDb({ file: ':memory:', migrate: false });
  db.$client.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER NOT NULL, name TEXT)');
  afterAll(() => closeDb(db));

  it('is one handle per connection', () => {
    expect(sqlOf(db)).toBe(sqlOf(db));
    expect(sqlOf(db).engine).toBe('sqlite');
  });

  it('binds booleans as 1 and 0 and reads them back as numbers', async () => {
    const sql = sqlOf(db);
    await sql.run('INSERT INTO t (id, flag, name) VALUES (?, ?, ?)', [1, true, 'a']);
    await sql.run('INSERT INTO t (id, flag, name) VALUES (?, ?, ?)', [2, false, null]);
    expect(await sql.all('SELECT id, flag FROM t ORDER BY id')).toEqual([
      { id: 1, flag: 1 },
      { id: 2, flag: 0 },
    ]);
    expect(await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM t WHERE flag = ?', [true])).toEqual({ n: 1 });
  });

  it('reports the rows a write changed, and 0 when ON CONFLICT does nothing', async () => {
    const sql = sqlOf(db);
    expect(await sql.run('UPDATE t SET name = ? WHERE flag = ?', ['b', false])).toEqual({ changes: 1 });
    expect(await sql.run('UPDATE t SET name = ?', ['c'])).toEqual({ changes: 2 });
    expect(await sql.run('INSERT INTO t (id, flag) VALUES (?, ?) ON CONFLICT (id) DO NOTHING', [1, true])).toEqual({ changes: 0 });
    expect(await sql.run('DELETE FROM t WHERE id = ?', [99])).toEqual({ changes: 0 });
  });

  it('answers undefined from get() when there is no row, [] from all()', async () => {
    const sql = sqlOf(db);
    expect(await sql.get('SELECT id FROM t WHERE id = ?', [404])).toBeUndefined();
    expect(await sql.all('SELECT id FROM t WHERE id = ?', [404])).toEqual([]);
  });

  it('compiles a text once and reuses the statement', async () => {
    const sql = sqlOf(db);
    const prepare = vi.spyOn(db.$client, 'prepare');
    try {
      const text = 'SELECT name AS "n" FROM t WHERE id = ? /* cache probe */';
      for (let i = 0; i < 5; i++) await sql.get(text, [1]);
      await sql.all(text, [2]);
      expect(prepare.mock.calls.filter(([t]) => t === text)).toHaveLength(1);
    } finally {
      prepare.mockRestore();
    }
  });

  it('keeps working past the statement cap (1,000 texts)', async () => {
    const sql = sqlOf(db);
    for (let i = 0; i < 1_100; i++) expect(await sql.get<{ v: number }>(`SELECT ? + ${i} AS v`, [1])).toEqual({ v: i + 1 });
  });

  it('keeps quoted camelCase aliases and a literal ? as written', async () => {
    const row = await sqlOf(db).get("SELECT id AS \"rowId\", 'why?' AS \"q\", ? AS \"p\" FROM t WHERE id = ?", ['x', 1]);
    expect(row).toEqual({ rowId: 1, q: 'why?', p: 'x' });
  });

  it('binds bytes as a blob', async () => {
    const row = await sqlOf(db).get<{ b: Uint8Array }>('SELECT ? AS b', [new Uint8Array([1, 2, 255])]);
    expect([...row!.b]).toEqual([1, 2, 255]);
  });
});
