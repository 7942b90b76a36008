import type { PDFDict, PDFDocument } from 'pdf-lib';
import type * as PdfLib from 'pdf-lib';
import { lazyModule } from '../lazy';

/** pdf-lib loads with the first PDF read or written, not at start (issue 17: the server's memory). */
const pdfLib = lazyModule<typeof PdfLib>('pdf-lib');

/**
 * Where a result's number, date, signatures and QR go on its first page: the contract between the
 * generator (server/pdf, which lays the draft out and records the boxes in the PDF's Info dictionary
 * under /MotCuaLayout) and the signer (server/signing, which stamps the number and draws the
 * signature blocks there). A PDF uploaded from elsewhere has no marks: the Decree 30/2020 positions
 * below stand in for them.
 *
 * Boxes are [x, y, width, height] in PDF points from the bottom-left corner of the page.
 */
export type Box = [number, number, number, number];

export interface LayoutMarks {
  /** Zero-based index of the page the boxes are on (the first page for "Số:" and the date). */
  page: number;
  /** Where the number goes: the blank after "Số:" under the agency block. */
  number: Box;
  /** Where the place-and-date line goes (italic, right column under the motto). */
  date: Box;
  /** The leader's visible signature block (right column, under the signing authority and title). */
  signature: Box;
  /** The agency seal's visible signature (overlapping the left third of the leader's block, as a seal does). */
  seal: Box;
  /** The QR to the public verification page (bottom left, beside "Nơi nhận:"). */
  qr: Box;
  /** The page the signature, seal and QR boxes are on (the last page of the body). */
  signaturePage: number;
  /**
   * The head's title line over the leader's block ("CHỦ TỊCH"), on the signature page: a deputy
   * signing by delegation paints it white and writes "KT. CHỦ TỊCH" there (Decree 30/2020).
   * Absent in drafts generated before it was recorded.
   */
  title?: Box;
}

/** The key in the PDF Info dictionary holding the JSON of {@link LayoutMarks}. */
export const MARKS_KEY = 'MotCuaLayout';

const MM = 72 / 25.4;

/**
 * Decree 30/2020 positions on an A4 page (595.28 × 841.89 pt) with margins left 30 mm, right 15 mm,
 * top 20 mm: the agency block and "Số:" in the left column, the motto and date in the right column,
 * the signature block in the right half of the last page. Scaled for other page sizes.
 */
export function defaultMarks(pageCount: number, size: { width: number; height: number }): LayoutMarks {
  const { width: w, height: h } = size;
  const left = 30 * MM;
  const right = w - 15 * MM;
  const top = h - 20 * MM;
  const colSplit = left + (right - left) * 0.4;
  const last = Math.max(0, pageCount - 1);
  return {
    page: 0,
    number: [left, top - 30 * MM, colSplit - left, 7 * MM],
    date: [colSplit, top - 30 * MM, right - colSplit, 7 * MM],
    signature: [left + (right - left) * 0.5, 40 * MM, (right - left) * 0.5, 35 * MM],
    seal: [left + (right - left) * 0.42, 38 * MM, 38 * MM, 38 * MM],
    qr: [left, 20 * MM, 22 * MM, 22 * MM],
    signaturePage: last,
  };
}

/** Parse the JSON stored under {@link MARKS_KEY}; null when absent or not well formed. */
export function parseMarks(json: string | null | undefined): LayoutMarks | null {
  if (!json) return null;
  try {
    const m = JSON.parse(json) as Partial<LayoutMarks>;
    const box = (b: unknown): b is Box => Array.isArray(b) && b.length === 4 && b.every((n) => Number.isFinite(n));
    if (!Number.isInteger(m.page) || !Number.isInteger(m.signaturePage)) return null;
    if (![m.number, m.date, m.signature, m.seal, m.qr].every(box)) return null;
    if (m.title !== undefined && !box(m.title)) delete m.title;
    return m as LayoutMarks;
  } catch {
    return null;
  }
}

/** The document's Info dictionary, created when the file has none. */
function infoDict(doc: PDFDocument): PDFDict {
  const found = doc.context.lookup(doc.context.trailerInfo.Info);
  if (found instanceof pdfLib.PDFDict) return found;
  const dict = doc.context.obj({});
  doc.context.trailerInfo.Info = doc.context.register(dict);
  return dict;
}

/**
 * Record the marks in the Info dictionary under {@link MARKS_KEY} (a text string of JSON).
 * The generated draft prints placeholders in two of the boxes, as a paper draft does: "Số:      /QĐ-UBND"
 * in the number box and "Tân Thành, ngày … tháng … năm …" in the date box. Each box covers its whole
 * line, so the stamper paints the box white, then writes the full line ("Số: 01/QĐ-UBND", the date).
 */
export function writeMarks(doc: PDFDocument, marks: LayoutMarks): void {
  infoDict(doc).set(pdfLib.PDFName.of(MARKS_KEY), pdfLib.PDFHexString.fromText(JSON.stringify(marks)));
}

/** The marks recorded in a loaded document's Info dictionary; null when it has none (an uploaded PDF). */
export function readMarks(doc: PDFDocument): LayoutMarks | null {
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (!(info instanceof pdfLib.PDFDict)) return null;
  const v = info.lookup(pdfLib.PDFName.of(MARKS_KEY));
  if (v instanceof pdfLib.PDFString || v instanceof pdfLib.PDFHexString) return parseMarks(v.decodeText());
  return null;
}
