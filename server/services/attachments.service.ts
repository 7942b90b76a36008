import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Invalid, NotFound } from '../errors';

/** What the desk may attach: scans and office documents, 10 MB each, 20 a request. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 20;
export const ALLOWED_TYPES: Record<string, string[]> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'application/msword': ['.doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
  'application/vnd.ms-excel': ['.xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
  'application/vnd.oasis.opendocument.text': ['.odt'],
};

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Check a file's declared type, extension and first bytes agree with an allowed type. */
export function checkFile(f: UploadedFile): string | null {
  const ext = path.extname(f.originalname).toLowerCase();
  const exts = ALLOWED_TYPES[f.mimetype];
  if (!exts || !exts.includes(ext))
    return `Tệp "${f.originalname}" không đúng loại cho phép (PDF, ảnh JPG/PNG, Word, Excel, ODT).`;
  // The first bytes must match the declared type: PDF, PNG, JPEG, ZIP containers (docx, xlsx, odt)
  // and OLE compound files (doc, xls).
  const head = f.buffer.subarray(0, 8);
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const ole = head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
  const SIGNATURE: Record<string, boolean> = {
    'application/pdf': head.subarray(0, 5).toString() === '%PDF-',
    'image/png': head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    'image/jpeg': head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
    'application/msword': ole,
    'application/vnd.ms-excel': ole,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': zip,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': zip,
    'application/vnd.oasis.opendocument.text': zip,
  };
  const magic = SIGNATURE[f.mimetype] === true;
  if (!magic) return `Nội dung tệp "${f.originalname}" không khớp với loại tệp.`;
  if (f.size === 0) return `Tệp "${f.originalname}" rỗng.`;
  return null;
}

export function blobPath(dataDir: string, sha: string): string {
  return path.join(dataDir, 'files', sha.slice(0, 2), sha.slice(2, 4), sha);
}

/** Check every file before anything is written; 422 naming the bad ones. */
export function checkFiles(files: UploadedFile[]): void {
  const errors = files.map(checkFile).filter((e): e is string => !!e);
  if (errors.length) throw new Invalid(errors.join(' '), { fields: { files: errors.join(' ') } });
}

/**
 * Write a file's bytes under DATA_DIR/files by content hash (outside the web root; duplicates share
 * one blob; written to a temp name then renamed, so a reader never sees half a file). Returns the
 * columns every attachment row keeps. Blobs are written before rows: a row never points at nothing.
 */
export type StoredBlob = { filename: string; mime: string; size: number; sha256: string };

export function storeBlob(dataDir: string, f: UploadedFile): StoredBlob {
  const sha = crypto.createHash('sha256').update(f.buffer).digest('hex');
  const target = blobPath(dataDir, sha);
  if (!fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.buffer);
    fs.renameSync(tmp, target);
  }
  // Multipart file names arrive as latin1 bytes; they are UTF-8 from every browser.
  return {
    filename: Buffer.from(f.originalname, 'latin1').toString('utf8').slice(0, 255),
    mime: f.mimetype,
    size: f.size,
    sha256: sha,
  };
}

/** The stored file behind an attachment row (the caller has checked visibility); 404 when gone. */
export function blobFile(dataDir: string, row: { sha256: string; filename: string; mime: string } | null) {
  if (!row) throw new NotFound('Không tìm thấy tệp.');
  const file = blobPath(dataDir, row.sha256);
  if (!fs.existsSync(file)) throw new NotFound('Tệp không còn trên máy chủ.');
  return { file, filename: row.filename, mime: row.mime };
}
