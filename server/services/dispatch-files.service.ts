import fs from 'node:fs';
import type { Db } from '../db';
import { NotFound } from '../errors';
import { dispatchAttachmentsOf, findDispatchAttachment } from '../queries/dispatch-attachments.queries';
import { blobPath } from './attachments.service';

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
