import { Invalid } from '../../lib/errors';
import { badFile, sheetLimits, tooManyCells, tooManyColumns, tooManyRows } from './sheetLimits';
import { ZipReader } from './unzip';

/** Rows of a sheet by their 1-based number, each its cells by 0-based column; only cells that hold a value. */
export type Grid = Map<number, string[]>;

/** A tag as met by the scanner: its local name and where its text (between < and >) lies in the document. */
interface Tag {
  name: string;
  xml: string;
  from: number;
  to: number;
}

interface XmlVisitor {
  open(tag: Tag, selfClosing: boolean): void;
  close(name: string): void;
  text(xml: string, from: number, to: number, raw: boolean): void;
}

function isNameEnd(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 47 /* / */ || code === 62 /* > */;
}

/** The local name of the tag starting at `from` (`x:c` → `c`). */
function tagName(xml: string, from: number, to: number): string {
  let end = from;
  let colon = from - 1;
  while (end < to && !isNameEnd(xml.charCodeAt(end))) {
    if (xml.charCodeAt(end) === 58 /* : */) colon = end;
    end++;
  }
  return xml.slice(colon + 1, end);
}

/**
 * One linear pass over the tags of an XML document (indexOf and charCodeAt, no regular expressions,
 * no backtracking), enough for the parts of an .xlsx. A DTD is refused: OOXML never has one, and it
 * is how entity bombs start.
 */
function scanXml(xml: string, v: XmlVisitor): void {
  const n = xml.length;
  const tag: Tag = { name: '', xml, from: 0, to: 0 };
  let i = 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      v.text(xml, i, n, false);
      return;
    }
    if (lt > i) v.text(xml, i, lt, false);
    const next = xml.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) throw badFile();
        i = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) throw badFile();
        v.text(xml, lt + 9, end, true);
        i = end + 3;
        continue;
      }
      throw badFile();
    }
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw badFile();
      i = end + 2;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw badFile();
    if (next === 47 /* / */) {
      let from = lt + 2;
      while (from < gt && xml.charCodeAt(from) <= 32) from++;
      v.close(tagName(xml, from, gt));
    } else {
      const selfClosing = xml.charCodeAt(gt - 1) === 47;
      tag.name = tagName(xml, lt + 1, gt);
      tag.from = lt + 1;
      tag.to = selfClosing ? gt - 1 : gt;
      v.open(tag, selfClosing);
      if (selfClosing) v.close(tag.name);
    }
    i = gt + 1;
  }
}

/** An attribute of a tag by local name (`r:id` answers to `id`); values are read as written, quotes " or '. */
function attr(tag: Tag, name: string): string | undefined {
  const { xml, to } = tag;
  let at = tag.from;
  for (;;) {
    const i = xml.indexOf(name, at);
    if (i < 0 || i >= to) return undefined;
    at = i + 1;
    const before = xml.charCodeAt(i - 1);
    if (!(before === 32 || before === 58 || before === 9 || before === 10 || before === 13)) continue;
    let j = i + name.length;
    while (j < to && xml.charCodeAt(j) <= 32) j++;
    if (xml.charCodeAt(j) !== 61 /* = */) continue;
    j++;
    while (j < to && xml.charCodeAt(j) <= 32) j++;
    const quote = xml[j];
    if (quote !== '"' && quote !== "'") return undefined;
    const end = xml.indexOf(quote, j + 1);
    if (end < 0 || end > to) return undefined;
    return decodeXml(xml.slice(j + 1, end));
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities, then the `_xHHHH_` escapes Excel writes for control characters (as exceljs reads them). */
function decodeXml(s: string): string {
  if (s.includes('&')) {
    s = s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ent: string) => {
      if (ent[0] !== '#') return NAMED[ent];
      const cp = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      // Surrogate code points come through as lone surrogates, for the text check to refuse.
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    });
  }
  if (s.includes('_x')) s = s.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return s;
}

function xmlOf(zip: ZipReader, path: string): string | null {
  const b = zip.read(path);
  return b ? b.toString('utf8') : null;
}

/** Relationship id → target part path, resolved against the folder of the part that owns the rels. */
function readRels(zip: ZipReader, relsPath: string, baseDir: string): { id: string; type: string; target: string }[] {
  const xml = xmlOf(zip, relsPath);
  if (!xml) return [];
  const out: { id: string; type: string; target: string }[] = [];
  scanXml(xml, {
    open(tag) {
      if (tag.name !== 'Relationship') return;
      const target = attr(tag, 'Target') ?? '';
      const path = target.startsWith('/') ? target.slice(1) : normalisePath(baseDir + target);
      out.push({ id: attr(tag, 'Id') ?? '', type: attr(tag, 'Type') ?? '', target: path });
    },
    close() {},
    text() {},
  });
  return out;
}

function normalisePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

function readSharedStrings(xml: string): string[] {
  const out: string[] = [];
  let cur: string[] | null = null;
  let capture = false;
  let phonetic = 0;
  scanXml(xml, {
    open({ name }) {
      if (name === 'si') {
        cur = [];
        if (out.length >= sheetLimits.maxCells) throw tooManyCells();
      } else if (name === 'rPh') phonetic++;
      else if (name === 't' && cur && !phonetic) capture = true;
    },
    close(name) {
      if (name === 'si' && cur) {
        out.push(cur.join(''));
        cur = null;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') capture = false;
    },
    text(x, from, to, raw) {
      if (capture && cur) cur.push(raw ? x.slice(from, to) : decodeXml(x.slice(from, to)));
    },
  });
  return out;
}

/** "XFD1048576" (or "$A$1") → row 1048576, column 16384; null when it is not a cell reference. */
function parseRef(ref: string): { row: number; col: number } | null {
  let i = 0;
  let col = 0;
  let row = 0;
  if (ref.charCodeAt(i) === 36 /* $ */) i++;
  const colStart = i;
  for (let c = ref.charCodeAt(i); (c >= 65 && c <= 90) || (c >= 97 && c <= 122); c = ref.charCodeAt(++i)) col = col * 26 + ((c & 0xdf) - 64);
  if (i === colStart || i - colStart > 3) return null;
  if (ref.charCodeAt(i) === 36) i++;
  const rowStart = i;
  for (let c = ref.charCodeAt(i); c >= 48 && c <= 57; c = ref.charCodeAt(++i)) row = row * 10 + (c - 48);
  if (i === rowStart || i - rowStart > 7 || i !== ref.length) return null;
  return { row, col };
}

export class GridBuilder {
  readonly grid: Grid = new Map();
  private cells = 0;

  /** Bounds are checked on each cell as it is met, so an absurd sheet stops at its first absurd cell. */
  put(row: number, col: number, value: string): void {
    if (row > sheetLimits.maxRows) throw tooManyRows();
    if (col > sheetLimits.maxColumns) throw tooManyColumns();
    let cells = this.grid.get(row);
    if (!cells) this.grid.set(row, (cells = []));
    if (cells[col - 1] === undefined && ++this.cells > sheetLimits.maxCells) throw tooManyCells();
    cells[col - 1] = value;
  }

  get(row: number, col: number): string | undefined {
    return this.grid.get(row)?.[col - 1];
  }

  /** Merged cells read as their top-left value everywhere they cover, as Excel shows them. */
  fillMerge(ref: string): void {
    const [a, b] = ref.split(':').map(parseRef);
    if (!a || !b) return;
    const master = this.get(a.row, a.col);
    if (!master) return;
    if (b.row > sheetLimits.maxRows) throw tooManyRows();
    if (b.col > sheetLimits.maxColumns) throw tooManyColumns();
    if ((b.row - a.row + 1) * (b.col - a.col + 1) > sheetLimits.maxCells) throw tooManyCells();
    for (let r = a.row; r <= b.row; r++) for (let c = a.col; c <= b.col; c++) if (this.get(r, c) === undefined) this.put(r, c, master);
  }
}

function cellText(type: string, v: string, inline: string, shared: string[]): string {
  switch (type) {
    case 's':
      return shared[Number(v)] ?? '';
    case 'inlineStr':
      return inline;
    case 'b':
      return v === '1' ? 'true' : v === '0' ? 'false' : v;
    case 'str':
    case 'e':
    case 'd':
      return v;
    default: {
      // A number reads as JavaScript writes it, as exceljs did: 13900001111, 0.5, 4.3e+21.
      const n = Number(v);
      return v.trim() && Number.isFinite(n) ? String(n) : v;
    }
  }
}

function readSheet(xml: string, shared: string[]): Grid {
  const g = new GridBuilder();
  let rowNum = 0;
  let colNum = 0;
  let cell: { row: number; col: number; type: string; v: string; t: string } | null = null;
  let capture: 'v' | 't' | null = null;
  let inlineString = false;
  let phonetic = 0;
  const merges: string[] = [];
  scanXml(xml, {
    open(tag, selfClosing) {
      switch (tag.name) {
        case 'row': {
          const r = attr(tag, 'r');
          rowNum = r ? Number(r) : rowNum + 1;
          if (!Number.isInteger(rowNum) || rowNum < 1) throw badFile();
          colNum = 0;
          break;
        }
        case 'c': {
          const r = attr(tag, 'r');
          const at = r ? parseRef(r) : { row: rowNum, col: colNum + 1 };
          if (!at || at.row < 1 || at.col < 1) throw badFile();
          colNum = at.col;
          cell = selfClosing ? null : { row: at.row, col: at.col, type: attr(tag, 't') ?? 'n', v: '', t: '' };
          break;
        }
        case 'v':
          if (cell) capture = 'v';
          break;
        case 'is':
          inlineString = true;
          break;
        case 'rPh':
          phonetic++;
          break;
        case 't':
          if (cell && inlineString && !phonetic) capture = 't';
          break;
        case 'mergeCell': {
          const ref = attr(tag, 'ref');
          if (ref) merges.push(ref);
          break;
        }
      }
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          capture = null;
          break;
        case 'is':
          inlineString = false;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c':
          if (cell) {
            const text = cellText(cell.type, cell.v, cell.t, shared);
            if (text !== '') g.put(cell.row, cell.col, text);
          }
          cell = null;
          break;
      }
    },
    text(x, from, to, raw) {
      if (!capture || !cell) return;
      cell[capture] += raw ? x.slice(from, to) : decodeXml(x.slice(from, to));
    },
  });
  for (const ref of merges) g.fillMerge(ref);
  return g.grid;
}

/**
 * The cells of one sheet of an .xlsx: the first of `sheetNames` that exists, else the first sheet.
 * Reads only the workbook, its relations, the shared strings and that sheet, each inside the
 * limits of `sheetLimits`.
 */
export function readXlsxGrid(bytes: Buffer, sheetNames: readonly string[]): Grid {
  const zip = new ZipReader(bytes);
  const root = readRels(zip, '_rels/.rels', '');
  const workbookPath = root.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const workbookXml = xmlOf(zip, workbookPath);
  if (!workbookXml) throw badFile();
  const dir = workbookPath.includes('/') ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1) : '';
  const rels = readRels(zip, `${dir}_rels/${workbookPath.slice(dir.length)}.rels`, dir);
  const sheets: { name: string; path: string }[] = [];
  scanXml(workbookXml, {
    open(tag) {
      if (tag.name !== 'sheet') return;
      const rel = rels.find((r) => r.id === attr(tag, 'id'));
      if (rel) sheets.push({ name: attr(tag, 'name') ?? '', path: rel.target });
    },
    close() {},
    text() {},
  });
  const sheet = sheetNames.map((n) => sheets.find((s) => s.name === n)).find((s) => s) ?? sheets[0];
  if (!sheet) throw new Invalid('文件中没有工作表', undefined, 'empty_file');
  const sharedPath = rels.find((r) => r.type.endsWith('/sharedStrings'))?.target ?? `${dir}sharedStrings.xml`;
  const sharedXml = zip.has(sharedPath) ? xmlOf(zip, sharedPath) : null;
  const shared = sharedXml ? readSharedStrings(sharedXml) : [];
  const sheetXml = xmlOf(zip, sheet.path);
  if (sheetXml === null) throw badFile();
  return readSheet(sheetXml, shared);
}
