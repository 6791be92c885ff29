import { SaxesParser } from 'saxes';
import { Invalid } from '../../lib/errors';
import { badFile, sheetLimits, tooManyCells, tooManyColumns, tooManyRows } from './sheetLimits';
import { ZipReader } from './unzip';

/** Rows of a sheet by their 1-based number, each its cells by 0-based column; only cells that hold a value. */
export type Grid = Map<number, string[]>;

type Attributes = Record<string, string>;

interface XmlVisitor {
  open(name: string, attributes: Attributes, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data (entities already decoded) and CDATA, in pieces. */
  text(text: string): void;
  /** A character reference to a non-character (`&#xD800;`) sat in the text being read. */
  badCharRef?(): void;
}

/** `x:c` → `c`: the parts an .xlsx is made of use a prefix or a default namespace, both mean the same. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by local name (`r:id` answers to `id`). */
function attr(attributes: Attributes, name: string): string | undefined {
  for (const key in attributes) if (localName(key) === name) return excelUnescape(attributes[key]);
  return undefined;
}

/**
 * Feeds one XML part, chunk by chunk as it is inflated, through saxes. A DTD is refused: OOXML never
 * has one, and it is how entity bombs start. A character that XML forbids (U+FFFF, a control character,
 * a reference to a surrogate) does not sink the file: it stays in its cell, which then reads as a row
 * error ("unreadable") instead of being stored; every other well-formedness error is a bad file.
 */
async function parsePart(zip: ZipReader, path: string, v: XmlVisitor): Promise<boolean> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('doctype', () => {
    throw badFile();
  });
  parser.on('opentag', (tag) => v.open(localName(tag.name), tag.attributes, tag.isSelfClosing));
  parser.on('closetag', (tag) => v.close(localName(tag.name)));
  parser.on('text', (t) => v.text(t));
  parser.on('cdata', (t) => v.text(t));
  parser.on('error', (err) => {
    if (err.message.endsWith('disallowed character.')) return;
    if (err.message.endsWith('malformed character entity.')) return v.badCharRef?.();
    throw badFile();
  });
  const decoder = new TextDecoder('utf-8');
  const found = await zip.stream(path, (chunk) => parser.write(decoder.decode(chunk, { stream: true })));
  if (found) parser.write(decoder.decode()).close();
  return found;
}

/**
 * saxes leaves a reference to a non-character as written (`&#xD800;`); read it as the character it
 * names, as exceljs did, so the text check downstream refuses the cell.
 */
function reviveCharRefs(s: string): string {
  return s.replace(/&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});/g, (whole, ref: string) => {
    const cp = ref[0] === 'x' ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

/** The `_xHHHH_` escapes Excel writes for control characters (as exceljs reads them). */
function excelUnescape(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

/** Text gathered across saxes' pieces, finished once its element closes. */
class TextRun {
  private parts: string[] = [];
  private badRef = false;
  add(t: string): void {
    this.parts.push(t);
  }
  poison(): void {
    this.badRef = true;
  }
  take(): string {
    const joined = this.parts.join('');
    const text = excelUnescape(this.badRef ? reviveCharRefs(joined) : joined);
    this.parts = [];
    this.badRef = false;
    return text;
  }
}

/** Relationship id → target part path, resolved against the folder of the part that owns the rels. */
async function readRels(zip: ZipReader, relsPath: string, baseDir: string): Promise<{ id: string; type: string; target: string }[]> {
  const out: { id: string; type: string; target: string }[] = [];
  await parsePart(zip, relsPath, {
    open(name, a) {
      if (name !== 'Relationship') return;
      const target = attr(a, 'Target') ?? '';
      const path = target.startsWith('/') ? target.slice(1) : normalisePath(baseDir + target);
      out.push({ id: attr(a, 'Id') ?? '', type: attr(a, 'Type') ?? '', target: path });
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

async function readSharedStrings(zip: ZipReader, path: string): Promise<string[]> {
  const out: string[] = [];
  const run = new TextRun();
  let inItem = false;
  let capture = false;
  let phonetic = 0;
  await parsePart(zip, path, {
    open(name) {
      if (name === 'si') {
        inItem = true;
        if (out.length >= sheetLimits.maxCells) throw tooManyCells();
      } else if (name === 'rPh') phonetic++;
      else if (name === 't' && inItem && !phonetic) capture = true;
    },
    close(name) {
      if (name === 'si' && inItem) {
        out.push(run.take());
        inItem = false;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') capture = false;
    },
    text(t) {
      if (capture) run.add(t);
    },
    badCharRef() {
      if (capture) run.poison();
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

async function readSheet(zip: ZipReader, path: string, shared: string[]): Promise<Grid> {
  const g = new GridBuilder();
  let rowNum = 0;
  let colNum = 0;
  let cell: { row: number; col: number; type: string; v: string } | null = null;
  const run = new TextRun();
  let capture: 'v' | 't' | null = null;
  let inlineString = false;
  let phonetic = 0;
  const merges: string[] = [];
  const found = await parsePart(zip, path, {
    open(name, a, selfClosing) {
      switch (name) {
        case 'row': {
          const r = attr(a, 'r');
          rowNum = r ? Number(r) : rowNum + 1;
          if (!Number.isInteger(rowNum) || rowNum < 1) throw badFile();
          colNum = 0;
          break;
        }
        case 'c': {
          const r = attr(a, 'r');
          const at = r ? parseRef(r) : { row: rowNum, col: colNum + 1 };
          if (!at || at.row < 1 || at.col < 1) throw badFile();
          colNum = at.col;
          cell = selfClosing ? null : { row: at.row, col: at.col, type: attr(a, 't') ?? 'n', v: '' };
          run.take();
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
          const ref = attr(a, 'ref');
          if (ref) merges.push(ref);
          break;
        }
      }
    },
    close(name) {
      switch (name) {
        case 'v':
          if (cell && capture === 'v') cell.v += run.take();
          capture = null;
          break;
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
            const inline = cell.type === 'inlineStr' ? run.take() : '';
            const text = cellText(cell.type, cell.v, inline, shared);
            if (text !== '') g.put(cell.row, cell.col, text);
          }
          cell = null;
          break;
      }
    },
    text(t) {
      if (capture && cell) run.add(t);
    },
    badCharRef() {
      if (capture && cell) run.poison();
    },
  });
  if (!found) throw badFile();
  for (const ref of merges) g.fillMerge(ref);
  return g.grid;
}

/**
 * The cells of one sheet of an .xlsx: the first of `sheetNames` that exists, else the first sheet.
 * Reads only the workbook, its relations, the shared strings and that sheet, each inside the
 * limits of `sheetLimits`, each as it is inflated.
 */
export async function readXlsxGrid(bytes: Buffer, sheetNames: readonly string[]): Promise<Grid> {
  const zip = await ZipReader.open(bytes);
  try {
    const root = await readRels(zip, '_rels/.rels', '');
    const workbookPath = root.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
    const dir = workbookPath.includes('/') ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1) : '';
    const rels = await readRels(zip, `${dir}_rels/${workbookPath.slice(dir.length)}.rels`, dir);
    const sheets: { name: string; path: string }[] = [];
    const hasWorkbook = await parsePart(zip, workbookPath, {
      open(name, a) {
        if (name !== 'sheet') return;
        const rel = rels.find((r) => r.id === attr(a, 'id'));
        if (rel) sheets.push({ name: attr(a, 'name') ?? '', path: rel.target });
      },
      close() {},
      text() {},
    });
    if (!hasWorkbook) throw badFile();
    const sheet = sheetNames.map((n) => sheets.find((s) => s.name === n)).find((s) => s) ?? sheets[0];
    if (!sheet) throw new Invalid('文件中没有工作表', undefined, 'empty_file');
    const sharedPath = rels.find((r) => r.type.endsWith('/sharedStrings'))?.target ?? `${dir}sharedStrings.xml`;
    const shared = zip.has(sharedPath) ? await readSharedStrings(zip, sharedPath) : [];
    return await readSheet(zip, sheet.path, shared);
  } finally {
    zip.close();
  }
}
