import type QRCodeType from 'qrcode';
import { lazyModule } from '../lazy';
import {
  appendBezierCurve,
  beginText,
  closePath,
  endText,
  fill,
  lineTo,
  moveTo,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFFont,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFOperator,
  PDFPage,
  PDFRef,
  PDFString,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  setLineWidth,
  setStrokingRgbColor,
  setTextMatrix,
  showText,
  stroke,
  PDFOperatorNames as Ops,
} from 'pdf-lib';
import { formatVnDateTime } from '../../workflows/calendar/time';
import { Box, defaultMarks, LayoutMarks, MARKS_KEY, parseMarks } from '../pdf/marks';
import { embedFonts, FontStyle } from '../pdf/fonts';
import { BYTE_RANGE_PLACEHOLDER, IncrementalDoc } from './incremental';
import type { Signer } from './signer';

/** Loaded on the first QR code drawn (issue 17: memory). */
const QRCode = lazyModule<typeof QRCodeType>('qrcode', 'default');

/**
 * PAdES signatures and the number stamp (design.md §10), each as an incremental update so every
 * earlier signature stays valid: the leader signs (a visible block at marks.signature), the clerk's
 * number, date and QR are written onto the first page, then the agency's seal signs (a red round
 * seal at marks.seal). The boxes come from the draft's /MotCuaLayout, or Decree 30 defaults.
 */
export interface Appearance {
  name: string;
  /** Signing for another (absence delegation): "KT. CHỦ TỊCH", above the title. */
  authority?: string | null;
  title: string | null;
  unitName: string;
  at: Date;
  reason: string;
  location?: string;
  demo: boolean;
}

export const DEMO_LINE = 'Chữ ký số thử nghiệm – không có giá trị pháp lý';
const SUB_FILTER = 'ETSI.CAdES.detached';
const DEFAULT_SIGNATURE_BYTES = 16 * 1024;

const INK = rgb(0.05, 0.15, 0.5);
const RED = rgb(0.82, 0.08, 0.08);
const BLACK = rgb(0, 0, 0);

// ---- marks -------------------------------------------------------------------------------------

function marksOf(doc: PDFDocument): LayoutMarks & { recorded: boolean } {
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  let marks: LayoutMarks | null = null;
  if (info instanceof PDFDict) {
    const v = info.lookup(PDFName.of(MARKS_KEY));
    if (v instanceof PDFString || v instanceof PDFHexString) marks = parseMarks(v.decodeText());
  }
  const count = doc.getPageCount();
  const m = marks ?? defaultMarks(count, doc.getPage(0).getSize());
  const clamp = (n: number) => Math.min(Math.max(0, n), count - 1);
  return { ...m, page: clamp(m.page), signaturePage: clamp(m.signaturePage), recorded: marks !== null };
}

/** The layout marks the generator recorded (Info /MotCuaLayout), or the Decree 30 defaults. */
export async function readMarks(pdf: Buffer): Promise<LayoutMarks> {
  const { recorded: _r, ...marks } = marksOf(await PDFDocument.load(pdf, { updateMetadata: false }));
  return marks;
}

// ---- text and dates ----------------------------------------------------------------------------

const VN_OFFSET_MS = 7 * 3_600_000; // Asia/Ho_Chi_Minh: UTC+7, no daylight saving
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A PDF date (D:YYYYMMDDHHmmss+07'00') in Vietnam's time. */
function pdfDate(d: Date): string {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return `D:${v.getUTCFullYear()}${pad(v.getUTCMonth() + 1)}${pad(v.getUTCDate())}${pad(v.getUTCHours())}${pad(v.getUTCMinutes())}${pad(v.getUTCSeconds())}+07'00'`;
}

/** A PDF text string: UTF-16BE with its byte-order mark, as hex. */
function textString(s: string): string {
  const u = Buffer.from(s.normalize('NFC'), 'utf16le');
  u.swap16();
  return `<FEFF${u.toString('hex').toUpperCase()}>`;
}

const nfc = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

// ---- drawing -----------------------------------------------------------------------------------

/** Operators for a content stream, with the fonts it names. */
class Pen {
  readonly ops: PDFOperator[] = [];
  readonly fonts = new Map<PDFFont, string>();

  private fontName(f: PDFFont): string {
    let n = this.fonts.get(f);
    if (!n) {
      n = `F${this.fonts.size + 1}`;
      this.fonts.set(f, n);
    }
    return n;
  }

  /** Text with its baseline starting at (x, y), rotated by `angle` radians. */
  text(f: PDFFont, size: number, s: string, x: number, y: number, color = INK, angle = 0): void {
    const c = Math.cos(angle);
    const sn = Math.sin(angle);
    this.ops.push(
      beginText(),
      setFillingRgbColor(color.red, color.green, color.blue),
      setFontAndSize(this.fontName(f), size),
      setTextMatrix(c, sn, -sn, c, x, y),
      showText(f.encodeText(s)),
      endText(),
    );
  }

  centred(f: PDFFont, size: number, s: string, cx: number, y: number, color = INK): void {
    this.text(f, size, s, cx - f.widthOfTextAtSize(s, size) / 2, y, color);
  }

  circle(cx: number, cy: number, r: number, width: number, color = RED): void {
    const k = 0.5522847498 * r;
    this.ops.push(
      pushGraphicsState(),
      setStrokingRgbColor(color.red, color.green, color.blue),
      setLineWidth(width),
      moveTo(cx + r, cy),
      appendBezierCurve(cx + r, cy + k, cx + k, cy + r, cx, cy + r),
      appendBezierCurve(cx - k, cy + r, cx - r, cy + k, cx - r, cy),
      appendBezierCurve(cx - r, cy - k, cx - k, cy - r, cx, cy - r),
      appendBezierCurve(cx + k, cy - r, cx + r, cy - k, cx + r, cy),
      closePath(),
      stroke(),
      popGraphicsState(),
    );
  }

  whiteout(boxes: Box[]): void {
    this.ops.push(pushGraphicsState(), setFillingRgbColor(1, 1, 1));
    for (const [x, y, w, h] of boxes) this.ops.push(rectangle(x, y, w, h));
    this.ops.push(fill(), popGraphicsState());
  }

  star(cx: number, cy: number, r: number, color = RED): void {
    this.ops.push(pushGraphicsState(), setFillingRgbColor(color.red, color.green, color.blue));
    for (let i = 0; i < 10; i++) {
      const a = Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 ? r * 0.382 : r;
      const x = cx + rr * Math.cos(a);
      const y = cy + rr * Math.sin(a);
      this.ops.push(i ? lineTo(x, y) : moveTo(x, y));
    }
    this.ops.push(closePath(), fill(), popGraphicsState());
  }

  box(x: number, y: number, w: number, h: number, width: number, color = INK): void {
    this.ops.push(
      pushGraphicsState(),
      setStrokingRgbColor(color.red, color.green, color.blue),
      setLineWidth(width),
      rectangle(x, y, w, h),
      stroke(),
      popGraphicsState(),
    );
  }

  /** A QR code of `text` filling a w×w square at (x, y), black modules on the page. */
  qr(text: string, x: number, y: number, w: number): void {
    const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const n = code.modules.size;
    const quiet = 2;
    const m = w / (n + 2 * quiet);
    this.ops.push(pushGraphicsState(), setFillingRgbColor(0, 0, 0));
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++)
        if (code.modules.get(r, c)) this.ops.push(rectangle(x + (quiet + c) * m, y + w - (quiet + r + 1) * m, m, m));
    this.ops.push(fill(), popGraphicsState());
  }

  fontResources(doc: PDFDocument): PDFDict {
    const fonts = doc.context.obj({});
    for (const [f, n] of this.fonts) fonts.set(PDFName.of(n), f.ref);
    return fonts;
  }
}

/** The largest size ≤ `max` at which `s` fits `width` (not below `min`). */
function fit(f: PDFFont, s: string, width: number, max: number, min = 5): number {
  const w = f.widthOfTextAtSize(s, max);
  return w <= width ? max : Math.max(min, (max * width) / w);
}

/** Words of `s` in lines no wider than `width` at `size`. */
function wrap(f: PDFFont, s: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of s.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && f.widthOfTextAtSize(next, size) > width) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

// ---- signature fields --------------------------------------------------------------------------

type Fonts = Record<FontStyle, PDFFont>;

/** A form XObject of the pen's drawing, w×h, for a widget's normal appearance. */
function appearance(doc: PDFDocument, pen: Pen, w: number, h: number, extra: Record<string, PDFDict> = {}): PDFRef {
  const resources = doc.context.obj({});
  resources.set(PDFName.of('Font'), pen.fontResources(doc));
  for (const [k, v] of Object.entries(extra)) resources.set(PDFName.of(k), v);
  const xobj = doc.context.formXObject(pen.ops, { BBox: [0, 0, w, h], Resources: resources });
  return doc.context.register(xobj);
}

function uniqueFieldName(doc: PDFDocument, base: string): string {
  const names = new Set<string>();
  const form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = form?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  for (let i = 0; fields && i < fields.size(); i++) {
    const t = fields.lookupMaybe(i, PDFDict)?.lookup(PDFName.of('T'));
    if (t instanceof PDFString || t instanceof PDFHexString) names.add(t.decodeText());
  }
  let name = base;
  for (let i = 2; names.has(name); i++) name = `${base}${i}`;
  return name;
}

/**
 * Add a visible signature: the /Sig dictionary (with placeholders), a signature field whose widget
 * shows `draw`'s drawing in `box` on `page`, then save incrementally and sign what ByteRange covers.
 */
async function addSignature(
  inc: IncrementalDoc,
  signer: Signer,
  a: Appearance,
  opts: { fieldName: string; page: PDFPage; box: Box; ap: PDFRef },
): Promise<Buffer> {
  const doc = inc.doc;
  const room = signer.maxSignatureBytes ?? DEFAULT_SIGNATURE_BYTES;
  const entries = [
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    `/SubFilter /${SUB_FILTER}`,
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${'0'.repeat(room * 2)}>`,
    `/M (${pdfDate(a.at)})`,
    `/Name ${textString(signer.identity.commonName)}`,
    `/Reason ${textString(a.reason)}`,
    ...(a.location ? [`/Location ${textString(a.location)}`] : []),
  ];
  const sigRef = inc.rawObject(`<< ${entries.join(' ')} >>`);
  const [x, y, w, h] = opts.box;
  const widget = doc.context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(uniqueFieldName(doc, opts.fieldName)),
    V: sigRef,
    F: 4, // print
    P: opts.page.ref,
    Rect: [x, y, x + w, y + h],
    AP: { N: opts.ap },
  });
  const widgetRef = doc.context.register(widget);
  opts.page.node.addAnnot(widgetRef);
  const form = doc.catalog.getOrCreateAcroForm();
  form.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  form.addField(widgetRef);
  return inc.save({ ref: sigRef, fill: (signed) => signer.sign(signed, a.at) });
}

/** The leader's signature: a visible signature field at marks.signature on marks.signaturePage. */
export async function signAsLeader(pdf: Buffer, signer: Signer, a: Appearance): Promise<Buffer> {
  const inc = await IncrementalDoc.load(pdf);
  const doc = inc.doc;
  const marks = marksOf(doc);
  const [, , w, h] = marks.signature;
  const f = await embedFonts(doc, ['regular', 'bold', 'italic']);
  // By delegation on a generated draft: "KT. CHỦ TỊCH" replaces the head's title printed on the page.
  const onPage = !!a.authority && marks.recorded && !!marks.title;
  if (onPage) {
    const [tx, ty, tw, th] = marks.title!;
    const text = nfc(a.authority!);
    const size = fit(f.bold, text, tw, 14, 7);
    const titlePen = new Pen();
    titlePen.whiteout([marks.title!]);
    titlePen.centred(f.bold, size, text, tx + tw / 2, ty + (th - size * 0.7) / 2, BLACK);
    drawOn(doc, doc.getPage(marks.signaturePage), titlePen);
  }
  const pen = leaderBlock(f, onPage ? { ...a, authority: '' } : a, w, h, sealOverlap(marks));
  const ap = appearance(doc, pen, w, h);
  return addSignature(inc, signer, a, {
    fieldName: 'ChuKyLanhDao',
    page: doc.getPage(marks.signaturePage),
    box: marks.signature,
    ap,
  });
}

/**
 * How far into the leader's block its text starts so the seal, which overlaps the block's left part
 * as a paper seal does, covers little of it: past most of the seal's width, never beyond 40%.
 */
function sealOverlap(m: LayoutMarks): number {
  const [sx, sy, sw, sh] = m.seal;
  const [x, y, w, h] = m.signature;
  const vertical = sy < y + h && sy + sh > y;
  const horizontal = sx < x + w * 0.5 && sx + sw > x;
  if (!vertical || !horizontal) return 0;
  return Math.min(w * 0.4, Math.max(0, sx + sw - x - Math.min(sw, sh) * 0.35));
}

/** "Ký bởi", title, unit, time (and the demo warning), inside a thin frame. */
function leaderBlock(
  f: Pick<Fonts, 'regular' | 'bold' | 'italic'>,
  a: Appearance,
  w: number,
  h: number,
  indent: number,
): Pen {
  const pen = new Pen();
  const padX = 5 + indent;
  const width = w - padX - 5;
  const lines: Array<{ font: PDFFont; text: string; color?: ReturnType<typeof rgb> }> = [
    // By delegation (Decree 30/2020): "KT. CHỦ TỊCH" over the deputy's own title, then the name.
    // An empty authority: written on the page over the block already (signAsLeader).
    ...(a.authority != null
      ? [
          ...(a.authority ? [{ font: f.bold, text: nfc(a.authority) }] : []),
          ...(a.title ? [{ font: f.bold, text: nfc(a.title) }] : []),
          { font: f.bold, text: `Ký bởi: ${nfc(a.name)}` },
        ]
      : [
          { font: f.bold, text: `Ký bởi: ${nfc(a.name)}` },
          ...(a.title ? [{ font: f.regular, text: nfc(a.title) }] : []),
        ]),
    { font: f.regular, text: nfc(a.unitName) },
    { font: f.regular, text: `Thời gian ký: ${formatVnDateTime(a.at)}` },
    ...(a.demo ? [{ font: f.italic, text: DEMO_LINE, color: RED }] : []),
  ];
  // One size for the block (the largest every line fits, wrapping the unit's name if it must).
  let size = Math.min(11, (h - 8) / (lines.length * 1.25));
  const laid: typeof lines = [];
  for (const l of lines) {
    const s = fit(l.font, l.text, width, size, 7);
    if (s < size && l.font === f.regular && l.text === nfc(a.unitName))
      for (const part of wrap(l.font, l.text, width, size)) laid.push({ ...l, text: part });
    else laid.push(l);
  }
  size = Math.min(size, (h - 8) / (laid.length * 1.25), ...laid.map((l) => fit(l.font, l.text, width, size, 5)));
  const lead = size * 1.25;
  const top = (h + laid.length * lead) / 2 - size;
  pen.box(1, 1, w - 2, h - 2, 0.6);
  laid.forEach((l, i) => pen.text(l.font, size, l.text, padX, top - i * lead + lead * 0.2, l.color ?? INK));
  return pen;
}

/**
 * Writes "Số: <number>" at marks.number, the date line (italic) at marks.date and a QR of qrUrl at
 * marks.qr, as an incremental update: every earlier signature stays valid.
 */
export async function stampNumber(
  pdf: Buffer,
  s: { number: string; dateLine: string; qrUrl: string },
): Promise<Buffer> {
  const inc = await IncrementalDoc.load(pdf);
  const doc = inc.doc;
  const marks = marksOf(doc);
  const f = await embedFonts(doc, ['regular', 'italic']);
  const first = doc.getPage(marks.page);

  const pen = new Pen();
  // A generated draft prints placeholders in these boxes ("Số:      /QĐ-…", "…, ngày … tháng … năm …"):
  // painted white first. An uploaded PDF (no recorded marks) is written on as it is.
  if (marks.recorded) pen.whiteout([marks.number, marks.date]);
  const num = `Số: ${nfc(s.number)}`;
  const [nx, ny, nw, nh] = marks.number;
  const nSize = fit(f.regular, num, nw, 13, 7);
  pen.centred(f.regular, nSize, num, nx + nw / 2, ny + (nh - nSize * 0.7) / 2, BLACK);
  const [dx, dy, dw, dh] = marks.date;
  const dSize = fit(f.italic, nfc(s.dateLine), dw, 14, 7);
  pen.centred(f.italic, dSize, nfc(s.dateLine), dx + dw / 2, dy + (dh - dSize * 0.7) / 2, BLACK);
  drawOn(doc, first, pen);

  const qrPage = doc.getPage(marks.signaturePage);
  const [qx, qy, qw, qh] = marks.qr;
  const qrPen = new Pen();
  qrPen.qr(s.qrUrl, qx, qy, Math.min(qw, qh));
  drawOn(doc, qrPage, qrPen);
  return inc.save();
}

/** Append the pen's drawing to a page: a form XObject of its own, painted by a new content stream. */
function drawOn(doc: PDFDocument, page: PDFPage, pen: Pen): void {
  const { width, height } = page.getSize();
  const xobj = appearance(doc, pen, width, height);
  const xobjects = resourceDict(doc, page, 'XObject');
  let name = 'MCStamp';
  for (let i = 2; xobjects.has(PDFName.of(name)); i++) name = `MCStamp${i}`;
  xobjects.set(PDFName.of(name), xobj);
  // Whatever the page's own content left on the graphics state is undone first: its streams are
  // wrapped in q … Q (new objects; the original streams are not touched).
  const q = doc.context.register(doc.context.contentStream([pushGraphicsState()]));
  const Q = doc.context.register(doc.context.contentStream([popGraphicsState()]));
  const paint = doc.context.register(
    doc.context.contentStream([
      pushGraphicsState(),
      PDFOperator.of(Ops.DrawObject, [PDFName.of(name)]),
      popGraphicsState(),
    ]),
  );
  const node = page.node;
  const contents = node.get(PDFName.of('Contents'));
  const existing = contents instanceof PDFRef ? doc.context.lookup(contents) : contents;
  const list = existing instanceof PDFArray ? existing.asArray() : contents ? [contents] : [];
  node.set(PDFName.of('Contents'), doc.context.obj([q, ...list, Q, paint]));
}

/** The page's own /Resources sub-dictionary `key` (Resources made the page's own when inherited or missing). */
function resourceDict(doc: PDFDocument, page: PDFPage, key: string): PDFDict {
  const node = page.node;
  const resources = node.Resources() ?? doc.context.obj({});
  if (node.get(PDFName.of('Resources')) === undefined) node.set(PDFName.of('Resources'), resources);
  let dict = resources.lookupMaybe(PDFName.of(key), PDFDict);
  if (!dict) {
    dict = doc.context.obj({});
    resources.set(PDFName.of(key), dict);
  }
  return dict;
}

/** The agency's seal: a second visible signature (a red round seal with the unit's name) at marks.seal. */
export async function sealAsUnit(pdf: Buffer, signer: Signer, a: Appearance): Promise<Buffer> {
  const inc = await IncrementalDoc.load(pdf);
  const doc = inc.doc;
  const marks = marksOf(doc);
  const [, , w, h] = marks.seal;
  const f = await embedFonts(doc, ['bold', 'regular']);
  const pen = sealDrawing(f, a, w, h);
  // Red ink over the leader's block: multiplied, so the text under it stays legible.
  const gs = doc.context.obj({ GS1: { Type: 'ExtGState', BM: 'Multiply', CA: 0.9, ca: 0.9 } });
  pen.ops.unshift(PDFOperator.of(Ops.SetGraphicsStateParams, [PDFName.of('GS1')]));
  const ap = appearance(doc, pen, w, h, { ExtGState: gs });
  return addSignature(inc, signer, a, {
    fieldName: 'DauCoQuan',
    page: doc.getPage(marks.signaturePage),
    box: marks.seal,
    ap,
  });
}

/** Two red rings, the unit's name around the top, a star in the middle (and "THỬ NGHIỆM" for a demo seal). */
function sealDrawing(f: Pick<Fonts, 'bold' | 'regular'>, a: Appearance, w: number, h: number): Pen {
  const pen = new Pen();
  const cx = w / 2;
  const cy = h / 2;
  const r = Math.min(w, h) / 2 - 1.5;
  pen.circle(cx, cy, r, 1.8);
  pen.circle(cx, cy, r * 0.66, 0.8);
  // The name in capitals along the ring, centred on the top, reading clockwise.
  const name = nfc(a.unitName).toLocaleUpperCase('vi');
  const band = r * 0.34;
  const textR = r - band * 0.5;
  const maxArc = Math.PI * 1.6 * textR;
  let size = Math.min(band * 0.62, 9);
  while (size > 4 && f.bold.widthOfTextAtSize(name, size) * 1.08 > maxArc) size -= 0.25;
  const baseR = textR - size * 0.33;
  const chars = [...name];
  const widths = chars.map((ch) => f.bold.widthOfTextAtSize(ch, size) * 1.08);
  const total = widths.reduce((s, x) => s + x, 0);
  let angle = Math.PI / 2 + total / baseR / 2; // start left of the top, go clockwise
  chars.forEach((ch, i) => {
    const mid = angle - widths[i] / baseR / 2;
    // Glyph i's baseline is tangent to the circle at its middle; its start is half a width back.
    const rot = mid - Math.PI / 2;
    const half = f.bold.widthOfTextAtSize(ch, size) / 2;
    const x = cx + baseR * Math.cos(mid) - half * Math.cos(rot);
    const y = cy + baseR * Math.sin(mid) - half * Math.sin(rot);
    pen.text(f.bold, size, ch, x, y, RED, rot);
    angle -= widths[i] / baseR;
  });
  pen.star(cx, cy + (a.demo ? r * 0.12 : 0), r * 0.3);
  if (a.demo) {
    const label = 'THỬ NGHIỆM';
    const s = fit(f.bold, label, r * 0.75, Math.max(4, r * 0.13), 3);
    pen.centred(f.bold, s, label, cx, cy - r * 0.32, RED);
  }
  return pen;
}
