import fs from 'node:fs';
import type { Db } from '../db';
import { NotFound } from '../errors';
import {
  dispatchAttachmentsOf,
  findDispatchAttachment,
  insertDispatchAttachments,
} from '../queries/dispatch-attachments.queries';
import { blobPath, checkFiles, storeBlob, UploadedFile } from './attachments.service';

/** Check files before anything is written: the same types and checks as dossier attachments. */
export const checkDispatchFiles = checkFiles;

/** Store a dispatch's files the way dossier attachments are stored. */
export async function storeDispatchFiles(
  db: Db,
  dataDir: string,
  dispatchId: number,
  userId: number,
  files: UploadedFile[],
): Promise<number> {
  checkFiles(files);
  const rows = files.map((f) => ({
    dispatch_id: dispatchId,
    ...storeBlob(dataDir, f),
    uploaded_by: userId,
    created_at: Date.now(),
  }));
  await insertDispatchAttachments(db, rows);
  return rows.length;
}

export async function listDispatchFiles(db: Db, dispatchId: number) {
  return dispatchAttachmentsOf(db, dispatchId);
}

/** The stored file of one attachment of this dispatch (the caller has checked visibility). */
export async function dispatchFile(db: Db, dataDir: string, dispatchId: number, id: number) {
  const row = Number.isSafeInteger(id) && id > 0 ? await findDispatchAttachment(db, dispatchId, id) : null;
  if (!row) throw new NotFound('Không tìm thấy tệp.');
  const file = blobPath(dataDir, row.sha256);
  if (!fs.existsSync(file)) throw new NotFound('Tệp không còn trên máy chủ.');
  return { file, filename: row.filename, mime: row.mime };
}
