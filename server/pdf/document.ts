import type { PDFDocument, PDFPage } from 'pdf-lib';
import type * as PdfLib from 'pdf-lib';
import type QRCodeType from 'qrcode';
import { lazyModule } from '../lazy';
import { Box, LayoutMarks, writeMarks } from './marks';
import { embedFonts, Fonts, FontStyle } from './fonts';

/** pdf-lib loads with the first document drawn, not at start (issue 17: the server's memory). */
const pdfLib = lazyModule<typeof PdfLib>('pdf-lib');

/** Loaded on the first QR code drawn (issue 17: memory). */
const QRCode = lazyModule<typeof QRCodeType>('qrcode', 'default');

/**
 * A small Decree 30/2020 layout engine on pdf-lib (design.md §10): A4, margins top/bottom 20 mm,
 * left 30 mm, right 15 mm; Tinos 13–14 pt; the agency block and "Số:" in the left column, the
 * national motto and the place-and-date line in the right column; justified paragraphs with a
 * first-line indent that wrap and flow onto new pages (page numbers from page 2, centred at the top
 * of the text area); tables whose header repeats on each page; the signature block in the right half
 * and "Nơi nhận:" at the bottom left.
 */

export const MM = 72 / 25.4;
export const A4 = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM } as const;

/** Body text size (Decree 30: 13–14 pt). */
export const BODY = 14;
/** First-line indent of a body paragraph (1.27 cm). */
export const INDENT = 12.7 * MM;
/** Line height as a multiple of the font size (between single and 1.5 lines). */
const LEADING = 1.2;
/** Tinos' ascent and descent, as fractions of the font size (1825 and 443 of 2048 units). */
const ASCENT = 1825 / 2048;
const DESCENT = 443 / 2048;

export interface Run {
  text: string;
  style?: FontStyle;
}
/** Text to lay out: plain (in the paragraph's style) or runs of styles. */
export type Rich = string | Run[];

export type Align = 'justify' | 'left' | 'center' | 'right';

export interface ParagraphOptions {
  size?: number;
  style?: FontStyle;
  align?: Align;
  /** First-line indent in points (default: {@link INDENT} for justified text, 0 otherwise). */
  indent?: number;
  /** Space before and after, in points (default 0 and 6). */
  before?: number;
  after?: number;
  /** Line height as a multiple of the size (default 1.2). */
  leading?: number;
  /** A column inside the text area: its left edge and width (default: the whole text area). */
  x?: number;
  width?: number;
}

interface Seg {
  text: string;
  style: FontStyle;
  width: number;
}
interface Word {
  segs: Seg[];
  width: number;
  /** The width of the space before this word (when it is not first on its line). */
  space: number;
}
interface Line {
  words: Word[];
  /** Natural width: the words and single spaces between them. */
  width: number;
  /** The last line of a paragraph or before a hard break: never stretched. */
  last: boolean;
}

// Widths at size 1, per style and text: laying text out with fontkit is the slow part of a document.
const widths = new Map<string, number>();

export interface HeaderSpec {
  /** "Mẫu số 01", right-aligned above the header (printed forms). */
  formNo?: string | null;
  /** The governing body (upper case, regular), e.g. "UBND HUYỆN X"; null when none. */
  agencyTop: string | null;
  /** The issuing agency (upper case, bold). */
  agency: string;
  /** "Số:" with the number left blank, then e.g. "/QĐ-UBND" (a result draft). */
  number?: { suffix: string } | null;
  /** A line under the agency block instead of the number (e.g. "Mã hồ sơ: …"). */
  ref?: string | null;
  /** "V/v …": the subject of an official letter (công văn), under the number. */
  about?: string | null;
  /** The place-and-date line (italic), e.g. "Tân Thành, ngày 25 tháng 11 năm 2026". */
  placeDate: string;
}

export interface SignBlock {
  /** Upper-case bold lines: the authority ("TM. ỦY BAN NHÂN DÂN") and the title ("CHỦ TỊCH"). */
  titles: string[];
  /** An italic hint under the titles, e.g. "(Ký và ghi rõ họ tên)". */
  hint?: string | null;
  /** The signer's name (bold), under the room to sign; blank when unknown. */
  name?: string | null;
}

export interface SignatureResult {
  page: number;
  /** The room to sign of each block, in order. */
  boxes: Box[];
  /** Where the seal goes: over the left third of the last block's room to sign. */
  seal: Box;
  /** Where a QR fits, under "Nơi nhận:" (bottom left). */
  qr: Box;
  /** The last title line of each block (the head's title, "CHỦ TỊCH"), in order. */
  titles: Box[];
}

export class DocWriter {
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  readonly pageSize: [number, number];
  page!: PDFPage;
  /** The top of the next line, in PDF points from the bottom of the page. */
  y = 0;

  private constructor(doc: PDFDocument, fonts: Fonts, landscape: boolean) {
    this.doc = doc;
    this.fonts = fonts;
    this.pageSize = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
    this.newPage();
  }

  static async create(opts: { landscape?: boolean; title?: string } = {}): Promise<DocWriter> {
    const doc = await pdfLib.PDFDocument.create();
    doc.setTitle(opts.title ?? 'Văn bản');
    doc.setLanguage('vi-VN');
    doc.setCreator('Một Cửa');
    doc.setProducer('Một Cửa (pdf-lib)');
    return new DocWriter(doc, await embedFonts(doc), !!opts.landscape);
  }

  get left(): number {
    return MARGIN.left;
  }
  get right(): number {
    return this.pageSize[0] - MARGIN.right;
  }
  get width(): number {
    return this.right - this.left;
  }
  get top(): number {
    return this.pageSize[1] - MARGIN.top;
  }
  get bottom(): number {
    return MARGIN.bottom;
  }
  get pageIndex(): number {
    return this.doc.getPageCount() - 1;
  }

  /** A new page; from the second page on, its number centred at the top of the text area. */
  newPage(): void {
    this.page = this.doc.addPage(this.pageSize);
    this.y = this.top;
    const n = this.doc.getPageCount();
    if (n > 1) {
      const text = String(n);
      const w = this.measure(text, 'regular', 13);
      this.page.drawText(text, {
        x: this.left + (this.width - w) / 2,
        y: this.y - 13 * ASCENT,
        size: 13,
        font: this.fonts.regular,
      });
      this.y -= 13 * LEADING + 8;
    }
  }

  /** Start a new page unless `height` points still fit above the bottom margin. */
  ensure(height: number): void {
    if (this.y - height < this.bottom && this.y < this.top) this.newPage();
  }

  space(pt: number): void {
    this.y -= pt;
  }

  measure(text: string, style: FontStyle, size: number): number {
    const key = `${style}\u0001${text}`;
    let w = widths.get(key);
    if (w === undefined) {
      w = this.fonts[style].widthOfTextAtSize(text, 1);
      if (widths.size > 50_000) widths.clear();
      widths.set(key, w);
    }
    return w * size;
  }

  // ---- Line breaking -------------------------------------------------------------------------

  private words(rich: Rich, style: FontStyle, size: number): Array<Word | 'br'> {
    const runs: Run[] = typeof rich === 'string' ? [{ text: rich, style }] : rich;
    const out: Array<Word | 'br'> = [];
    let pending = 0;
    let current: Word | null = null;
    for (const run of runs) {
      const st = run.style ?? style;
      for (const part of run.text.normalize('NFC').split(/(\n|[ \t]+)/)) {
        if (!part) continue;
        if (part === '\n') {
          out.push('br');
          current = null;
          pending = 0;
        } else if (/^[ \t]+$/.test(part)) {
          pending = this.measure(' ', st, size);
          current = null;
        } else {
          const seg = { text: part, style: st, width: this.measure(part, st, size) };
          if (current) {
            current.segs.push(seg);
            current.width += seg.width;
          } else {
            current = { segs: [seg], width: seg.width, space: pending };
            out.push(current);
          }
          pending = 0;
        }
      }
    }
    return out;
  }

  /**
   * Cut a word wider than a line (a long link, a code in a narrow column) into pieces that fit,
   * after a "/", "?", "&", "=", "-" or "_" where one fits, else between letters.
   */
  private split(word: Word, avail: number, size: number): Word[] {
    const chars = word.segs.flatMap((seg) =>
      Array.from(seg.text, (ch) => ({ ch, style: seg.style, width: this.measure(ch, seg.style, size) })),
    );
    const pieces: Word[] = [];
    let start = 0;
    while (start < chars.length) {
      let w = 0;
      let i = start;
      let lastBreak = -1;
      while (i < chars.length && (i === start || w + chars[i].width <= avail)) {
        w += chars[i].width;
        if ('/?&=-_'.includes(chars[i].ch) && i > start) lastBreak = i;
        i++;
      }
      const end = i === chars.length ? i : lastBreak >= 0 ? lastBreak + 1 : i;
      const segs: Seg[] = [];
      for (const c of chars.slice(start, end)) {
        const last = segs[segs.length - 1];
        if (last && last.style === c.style) last.text += c.ch;
        else segs.push({ text: c.ch, style: c.style, width: 0 });
      }
      for (const seg of segs) seg.width = this.measure(seg.text, seg.style, size);
      pieces.push({ segs, width: segs.reduce((t, seg) => t + seg.width, 0), space: pieces.length ? 0 : word.space });
      start = end;
    }
    return pieces;
  }

  /** Break text into lines: the first `firstWidth` wide, the others `width` wide. */
  lines(rich: Rich, style: FontStyle, size: number, width: number, firstWidth = width): Line[] {
    const lines: Line[] = [];
    let cur: Word[] = [];
    let curW = 0;
    const avail = () => (lines.length ? width : firstWidth);
    const flush = (last: boolean) => {
      lines.push({ words: cur, width: curW, last });
      cur = [];
      curW = 0;
    };
    const queue = this.words(rich, style, size);
    for (let i = 0; i < queue.length; i++) {
      const t = queue[i];
      if (t === 'br') {
        flush(true);
        continue;
      }
      const add = (cur.length ? t.space : 0) + t.width;
      if (cur.length && curW + add > avail()) flush(false);
      if (!cur.length && t.width > avail()) {
        const pieces = this.split(t, avail(), size);
        queue.splice(i, 1, ...pieces);
        i--;
        if (pieces.length > 1) continue;
        // a single piece (one glyph wider than the line): place it anyway
        cur.push(pieces[0]);
        curW = pieces[0].width;
        i++;
        continue;
      }
      curW += (cur.length ? t.space : 0) + t.width;
      cur.push(t);
    }
    if (cur.length || !lines.length) flush(true);
    else lines[lines.length - 1].last = true;
    return lines;
  }

  /** Draw one line with its top at `top`; returns nothing (the caller moves down). */
  private drawLine(line: Line, x: number, top: number, width: number, size: number, align: Align, indent: number) {
    const baseline = top - size * ASCENT;
    const avail = width - indent;
    let gap = 0;
    let start = x + indent;
    if (align === 'center') start = x + (width - line.width) / 2;
    else if (align === 'right') start = x + width - line.width;
    else if (align === 'justify' && !line.last && line.words.length > 1)
      gap = Math.max(0, (avail - line.width) / (line.words.length - 1));
    let cx = start;
    line.words.forEach((w, i) => {
      if (i > 0) cx += w.space + gap;
      for (const seg of w.segs) {
        this.page.drawText(seg.text, { x: cx, y: baseline, size, font: this.fonts[seg.style] });
        cx += seg.width;
      }
    });
  }

  /** A paragraph in the flow: wraps, and continues on a new page when the page is full. */
  paragraph(rich: Rich, opts: ParagraphOptions = {}): void {
    const size = opts.size ?? BODY;
    const style = opts.style ?? 'regular';
    const align = opts.align ?? 'justify';
    const indent = opts.indent ?? (align === 'justify' ? INDENT : 0);
    const x = opts.x ?? this.left;
    const width = opts.width ?? this.width;
    const lh = size * (opts.leading ?? LEADING);
    if (opts.before) this.space(opts.before);
    const lines = this.lines(rich, style, size, width, width - indent);
    lines.forEach((line, i) => {
      this.ensure(lh);
      this.drawLine(line, x, this.y, width, size, align, i === 0 ? indent : 0);
      this.y -= lh;
    });
    this.space(opts.after ?? 6);
  }

  /** Lay text out in a column at a fixed place (no page breaks); returns the y under it. */
  block(rich: Rich, x: number, top: number, width: number, size: number, style: FontStyle, align: Align): number {
    const lh = size * LEADING;
    let y = top;
    for (const line of this.lines(rich, style, size, width)) {
      this.drawLine(line, x, y, width, size, align, 0);
      y -= lh;
    }
    return y;
  }

  /** The widest line of some text laid out `width` wide. */
  private widest(rich: Rich, style: FontStyle, size: number, width: number): number {
    return Math.max(0, ...this.lines(rich, style, size, width).map((l) => l.width));
  }

  /** A horizontal line `length` long centred in [x, x + width], at height y. */
  hline(x: number, width: number, y: number, length: number, thickness = 0.6): void {
    const x0 = x + (width - length) / 2;
    this.page.drawLine({
      start: { x: x0, y },
      end: { x: x0 + length, y },
      thickness,
      color: pdfLib.rgb(0, 0, 0),
    });
  }

  // ---- The Decree 30 header --------------------------------------------------------------------

  /**
   * The header: agency block (left 40 %) and motto (right 60 %), then "Số:" and the place-and-date
   * line on one row. Returns the number's blank and the date line's box (for {@link LayoutMarks}).
   */
  header(h: HeaderSpec): { number: Box | null; date: Box } {
    const lx = this.left;
    const lw = this.width * 0.4;
    const rx = lx + lw;
    const rw = this.width - lw;
    if (h.formNo) {
      const w = this.measure(h.formNo, 'italic', 11);
      this.page.drawText(h.formNo, { x: this.right - w, y: this.y - 11 * ASCENT, size: 11, font: this.fonts.italic });
      this.y -= 11 * LEADING + 2;
    }
    const top = this.y;
    // Left: the governing body, the agency (bold) and a short line under it.
    let ly = top;
    if (h.agencyTop) ly = this.block(h.agencyTop, lx, ly, lw, 13, 'regular', 'center');
    const agencyWidth = this.widest(h.agency, 'bold', 13, lw);
    ly = this.block(h.agency, lx, ly, lw, 13, 'bold', 'center');
    const lRule = ly + 13 * (LEADING - ASCENT - DESCENT) - 3.5;
    this.hline(lx, lw, lRule, Math.max(agencyWidth * 0.4, 30));
    // Right: the nation and the motto, a line as long as the motto under it.
    let ry = this.block('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rx, top, rw, 13, 'bold', 'center');
    const motto = 'Độc lập - Tự do - Hạnh phúc';
    ry = this.block(motto, rx, ry, rw, 14, 'bold', 'center');
    const rRule = ry + 14 * (LEADING - ASCENT - DESCENT) - 3.5;
    this.hline(rx, rw, rRule, this.measure(motto, 'bold', 14));
    // The row of "Số:" and the date.
    const row = Math.min(lRule, rRule) - 8;
    let number: Box | null = null;
    let leftBottom = row;
    if (h.number) {
      const size = 13;
      const label = 'Số:';
      const blank = 34;
      const lbl = this.measure(label, 'regular', size);
      const suf = this.measure(h.number.suffix, 'regular', size);
      const sp = this.measure(' ', 'regular', size);
      const total = lbl + sp + blank + suf;
      const x0 = lx + (lw - total) / 2;
      const base = row - size * ASCENT;
      this.page.drawText(label, { x: x0, y: base, size, font: this.fonts.regular });
      this.page.drawText(h.number.suffix, { x: x0 + lbl + sp + blank, y: base, size, font: this.fonts.regular });
      // The whole line: the stamper paints it white and writes "Số: 01/QĐ-UBND" centred there.
      number = [lx, base - size * DESCENT - 1, lw, size * (ASCENT + DESCENT) + 2];
      leftBottom = row - size * LEADING;
    } else if (h.ref) {
      leftBottom = this.block(h.ref, lx, row, lw, 13, 'regular', 'center');
    }
    if (h.about) leftBottom = this.block(h.about, lx, leftBottom - 2, lw, 12, 'regular', 'center');
    const dsize = 14;
    const rightBottom = this.block(h.placeDate, rx, row, rw, dsize, 'italic', 'center');
    // The whole line (or lines) across the right column: the stamper paints it white and writes the date.
    const dBottom = rightBottom + dsize * (LEADING - ASCENT - DESCENT) - 1;
    const date: Box = [rx, dBottom, rw, row + 1 - dBottom];
    this.y = Math.min(leftBottom, rightBottom) - 10;
    return { number, date };
  }

  /** The document's title lines (bold, centred, upper-case as given) and a short line under the last. */
  title(lines: Array<{ text: string; size?: number; style?: FontStyle }>, rule = true): void {
    let last = 0;
    for (const l of lines) {
      const size = l.size ?? 14;
      const style = l.style ?? 'bold';
      this.ensure(size * LEADING * 2);
      last = this.widest(l.text, style, size, this.width);
      this.y = this.block(l.text, this.left, this.y, this.width, size, style, 'center');
    }
    if (rule && lines.length) {
      this.y += 14 * (LEADING - ASCENT - DESCENT) - 3.5;
      this.hline(this.left, this.width, this.y, Math.max(40, last * 0.4));
      this.y -= 12;
    } else this.y -= 8;
  }

  // ---- Tables ------------------------------------------------------------------------------------

  /**
   * A bordered table across the text area. `columns` give relative widths; the header row repeats
   * on every page the table runs onto. Cells wrap; a row never splits across pages.
   */
  table(
    columns: Array<{ title: string; width: number; align?: Align }>,
    rows: Rich[][],
    opts: { size?: number; headerSize?: number; emptyText?: string } = {},
  ): void {
    const size = opts.size ?? 12;
    const hsize = opts.headerSize ?? size;
    const pad = 3;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const ws = columns.map((c) => (c.width / total) * this.width);
    const xs = ws.map((_, i) => this.left + ws.slice(0, i).reduce((s, w) => s + w, 0));
    const measureRow = (cells: Rich[], sz: number, style: FontStyle) => {
      const laid = cells.map((c, i) => this.lines(c, style, sz, ws[i] - 2 * pad));
      const h = Math.max(...laid.map((l) => l.length)) * sz * LEADING + 2 * pad;
      return { laid, h };
    };
    const drawRow = (cells: Rich[], sz: number, style: FontStyle, header: boolean, spanAll = false) => {
      const { laid, h } = spanAll
        ? (() => {
            const l = this.lines(cells[0], style, sz, this.width - 2 * pad);
            return { laid: [l], h: l.length * sz * LEADING + 2 * pad };
          })()
        : measureRow(cells, sz, style);
      const top = this.y;
      const cols = spanAll ? [{ x: this.left, w: this.width }] : xs.map((x, i) => ({ x, w: ws[i] }));
      cols.forEach((c, i) => {
        const lines = laid[i];
        const align: Align = header || spanAll ? 'center' : (columns[i].align ?? 'left');
        const inner = lines.length * sz * LEADING;
        let y = header ? top - (h - inner) / 2 : top - pad;
        for (const line of lines) {
          this.drawLine(line, c.x + pad, y, c.w - 2 * pad, sz, align, 0);
          y -= sz * LEADING;
        }
        this.page.drawRectangle({
          x: c.x,
          y: top - h,
          width: c.w,
          height: h,
          borderColor: pdfLib.rgb(0, 0, 0),
          borderWidth: 0.5,
        });
      });
      this.y -= h;
    };
    const headerCells = columns.map((c) => c.title);
    const headerHeight = measureRow(headerCells, hsize, 'bold').h;
    const drawHeader = () => drawRow(headerCells, hsize, 'bold', true);
    this.ensure(headerHeight + size * LEADING + 2 * pad);
    drawHeader();
    if (!rows.length && opts.emptyText) drawRow([opts.emptyText], size, 'regular', false, true);
    for (const cells of rows) {
      const { h } = measureRow(cells, size, 'regular');
      if (this.y - h < this.bottom) {
        this.newPage();
        drawHeader();
      }
      drawRow(cells, size, 'regular', false);
    }
    this.y -= 8;
  }

  // ---- QR ----------------------------------------------------------------------------------------

  /** A QR code of `text` drawn as vector modules filling the square [x, y, size, size]. */
  qr(text: string, x: number, y: number, size: number): void {
    const q = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const n = q.modules.size;
    const m = size / n;
    for (let r = 0; r < n; r++) {
      let c = 0;
      while (c < n) {
        if (!q.modules.get(r, c)) {
          c++;
          continue;
        }
        const start = c;
        while (c < n && q.modules.get(r, c)) c++;
        this.page.drawRectangle({
          x: x + start * m,
          y: y + size - (r + 1) * m,
          width: (c - start) * m + 0.02,
          height: m + 0.02,
          color: pdfLib.rgb(0, 0, 0),
        });
      }
    }
  }

  /**
   * Paragraphs beside a QR (on the left or the right of the text area, with an optional caption
   * under it), kept on one page.
   */
  besideQr(
    text: string,
    size: number,
    paragraphs: Array<{ rich: Rich; style?: FontStyle; size?: number; align?: Align }>,
    opts: { side?: 'left' | 'right'; caption?: string } = {},
  ): void {
    const gap = 12;
    const side = opts.side ?? 'left';
    const tw = this.width - size - gap;
    const tx = side === 'left' ? this.left + size + gap : this.left;
    const qx = side === 'left' ? this.left : this.right - size;
    const para = (p: (typeof paragraphs)[number]) => ({ sz: p.size ?? 13, st: p.style ?? 'regular' });
    const textH = paragraphs.reduce((s, p) => {
      const { sz, st } = para(p);
      return s + this.lines(p.rich, st, sz, tw).length * sz * LEADING + 3;
    }, 0);
    const capSize = 10;
    const qrH = size + (opts.caption ? capSize * LEADING + 2 : 0);
    const h = Math.max(qrH, textH);
    this.ensure(h + 4);
    const top = this.y;
    this.qr(text, qx, top - size, size);
    if (opts.caption) this.block(opts.caption, qx - 10, top - size - 2, size + 20, capSize, 'italic', 'center');
    let y = top - (side === 'left' ? Math.max(0, (size - textH) / 2) : 0);
    for (const p of paragraphs) {
      const { sz, st } = para(p);
      y = this.block(p.rich, tx, y, tw, sz, st, p.align ?? 'left') - 3;
    }
    this.y = top - h - 8;
  }

  // ---- Signatures and "Nơi nhận" --------------------------------------------------------------------

  /**
   * The signature blocks (one: the right half; two: both halves) and, with one block, "Nơi nhận:"
   * with its list at the bottom left, under which a QR fits. Kept together on one page.
   */
  signatures(blocks: SignBlock[], recipients: string[] | null = null, room = 28 * MM): SignatureResult {
    const half = this.width / 2;
    const cols =
      blocks.length === 1
        ? [{ x: this.left + half, w: half }]
        : blocks.map((_, i) => ({ x: this.left + i * half, w: half }));
    const tsize = 14;
    const blockHeight = (b: SignBlock, w: number) =>
      b.titles.reduce((s, t) => s + this.lines(t, 'bold', tsize, w).length * tsize * LEADING, 0) +
      (b.hint ? this.lines(b.hint, 'italic', 13, w).length * 13 * LEADING : 0) +
      room +
      tsize * LEADING;
    const recipientLines = recipients?.length ? formatRecipients(recipients) : [];
    const qrSize = 22 * MM;
    const recH = recipientLines.length
      ? 12 * LEADING + recipientLines.reduce((s, r) => s + this.lines(r, 'regular', 11, half - 6).length * 11 * 1.15, 0)
      : 0;
    const needed = Math.max(...blocks.map((b, i) => blockHeight(b, cols[i].w)), recH + (recipients ? qrSize + 8 : 0));
    this.space(6);
    this.ensure(needed);
    const top = this.y;
    const boxes: Box[] = [];
    const titles: Box[] = [];
    let lowest = top;
    blocks.forEach((b, i) => {
      const { x, w } = cols[i];
      let y = top;
      let title: Box = [x, y, w, 0];
      for (const t of b.titles) {
        const above = y;
        y = this.block(t, x, y, w, tsize, 'bold', 'center');
        title = [x, y, w, above - y];
      }
      titles.push(title);
      if (b.hint) y = this.block(b.hint, x, y, w, 13, 'italic', 'center');
      boxes.push([x, y - room, w, room]);
      y -= room;
      if (b.name) y = this.block(b.name, x, y, w, tsize, 'bold', 'center');
      else y -= tsize * LEADING;
      lowest = Math.min(lowest, y);
    });
    let ly = top;
    if (recipientLines.length) {
      ly = this.block('Nơi nhận:', this.left, ly - 2, half - 6, 12, 'boldItalic', 'left');
      for (const r of recipientLines) {
        for (const line of this.lines(r, 'regular', 11, half - 6)) {
          this.drawLine(line, this.left, ly, half - 6, 11, 'left', 0);
          ly -= 11 * 1.15;
        }
      }
    }
    const qr: Box = [this.left, ly - 6 - qrSize, qrSize, qrSize];
    if (recipients) ly = ly - 8 - qrSize;
    const last = boxes[boxes.length - 1];
    const sealSize = 36 * MM;
    const seal: Box = [last[0] - sealSize * 0.35, last[1] + last[3] / 2 - sealSize / 2, sealSize, sealSize];
    this.y = Math.min(lowest, ly) - 6;
    return { page: this.pageIndex, boxes, seal, qr, titles };
  }

  /** Save with classic cross-reference tables (signing appends incremental updates), with marks when given. */
  async save(marks?: LayoutMarks): Promise<Buffer> {
    if (marks) writeMarks(this.doc, marks);
    return Buffer.from(await this.doc.save({ useObjectStreams: false }));
  }
}

/** "Nơi nhận" lines: "- X;" each, the last "- Y." (Decree 30). */
export function formatRecipients(list: string[]): string[] {
  const items = list
    .map((r) =>
      r
        .trim()
        .replace(/^[-–•+]\s*/, '')
        .replace(/[;.,]+$/, ''),
    )
    .filter(Boolean);
  return items.map((r, i) => `- ${r}${i === items.length - 1 ? '.' : ';'}`);
}
