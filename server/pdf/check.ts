import type * as PdfLib from 'pdf-lib';
import { lazyModule } from '../lazy';

/** pdf-lib loads at the first upload checked, not at start (issue 17: the server's memory). */
const pdfLib = lazyModule<typeof PdfLib>('pdf-lib');

export type PdfCheck = { ok: true; pages: number } | { ok: false; message: string };

const HEAD = Buffer.from('%PDF-');
const EOF = Buffer.from('%%EOF');

const NOT_PDF = 'Tệp không phải PDF.';
const ENCRYPTED =
  'Tệp PDF có mật khẩu hoặc bị mã hóa, không ký số được. Vui lòng bỏ mật khẩu (lưu lại bản không mã hóa) rồi tải lên lại.';
const BROKEN = 'Tệp PDF bị hỏng hoặc không đầy đủ (không đọc được). Vui lòng xuất lại tệp PDF rồi tải lên lại.';
const EMPTY = 'Tệp PDF không có trang nào.';

async function load(buf: Buffer): Promise<PdfLib.PDFDocument | { message: string }> {
  if (buf.length < HEAD.length || !buf.subarray(0, HEAD.length).equals(HEAD)) return { message: NOT_PDF };
  // A file cut short (an interrupted upload) has no end-of-file marker near its end.
  if (buf.subarray(Math.max(0, buf.length - 1024)).indexOf(EOF) < 0) return { message: BROKEN };
  try {
    // Loaded even when encrypted, to say so (pdf-lib's own EncryptedPDFError is not an instanceof-able class).
    const doc = await pdfLib.PDFDocument.load(buf, {
      updateMetadata: false,
      throwOnInvalidObject: true,
      ignoreEncryption: true,
    });
    // A trailer that names an /Encrypt dictionary is encrypted even when that dictionary cannot be read.
    if (doc.isEncrypted || doc.context.trailerInfo.Encrypt) return { message: ENCRYPTED };
    return doc;
  } catch {
    return { message: BROKEN };
  }
}

/**
 * Whether a file is a PDF the app can keep and sign: a PDF (starts with "%PDF-"), complete, not
 * encrypted, readable by pdf-lib, with at least one page. The messages are for the person uploading.
 */
export async function inspectPdf(buf: Buffer): Promise<PdfCheck> {
  const doc = await load(buf);
  if (!(doc instanceof pdfLib.PDFDocument)) return { ok: false, message: doc.message };
  try {
    const pages = doc.getPages();
    if (!pages.length) return { ok: false, message: EMPTY };
    for (const p of pages) {
      const { width, height } = p.getSize();
      if (!(width > 0 && height > 0)) return { ok: false, message: BROKEN };
    }
    return { ok: true, pages: pages.length };
  } catch {
    return { ok: false, message: BROKEN };
  }
}

/**
 * The same document re-saved with classic cross-reference tables and no object streams, so that
 * signing can append incremental updates to any uploaded PDF. Content, pages and the Info dictionary
 * (with /MotCuaLayout, when present) are kept. Call after {@link inspectPdf} said ok.
 */
export async function normalisePdf(buf: Buffer): Promise<Buffer> {
  const doc = await pdfLib.PDFDocument.load(buf, { updateMetadata: false });
  return Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
}
