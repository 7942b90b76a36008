import fs from 'node:fs';
import type { Db } from '../db';
import { NotFound } from '../errors';
import { dispatchAttachmentsOf, findDispatchAttachment } from '../queries/dispatch-attachments.queries';
import { replySelect, toReplyRow, type ReplyRow } from '../queries/dispatches.queries';
import type { Actor } from '../policies/actor';
import { mayReadFile, type DispatchView } from '../policies/dispatch.policy';
import { blobPath } from './attachments.service';

/** The dispatch's own files (the draft for comments and its annexes), not those of replies. */
export async function listDispatchFiles(db: Db, dispatchId: number) {
  return dispatchAttachmentsOf(db, dispatchId);
}

/** The files of these replies (already filtered to what the viewer may see), by reply id. */
export async function replyFilesByReply(db: Db, dispatchId: number, replies: Array<Pick<ReplyRow, 'id'>>) {
  const rows = await dispatchAttachmentsOf(
    db,
    dispatchId,
    replies.map((r) => r.id),
  );
  const out = new Map<number, typeof rows>();
  for (const f of rows) out.set(f.replyId!, [...(out.get(f.replyId!) ?? []), f]);
  return out;
}

/**
 * The stored file of one attachment of this dispatch, for a viewer who sees the dispatch as `view`:
 * a reply's file only for the sender side and the reply's own unit (404 otherwise, like the reply).
 */
export async function dispatchFile(
  db: Db,
  dataDir: string,
  actor: Actor,
  view: DispatchView,
  dispatchId: number,
  id: number,
) {
  const row = Number.isSafeInteger(id) && id > 0 ? await findDispatchAttachment(db, dispatchId, id) : null;
  if (!row) throw new NotFound('Không tìm thấy tệp.');
  if (row.reply_id != null) {
    const raw = await replySelect(db).where('r.id', row.reply_id).first();
    const reply = raw ? toReplyRow(raw) : null;
    if (!reply || !mayReadFile(actor, view, reply.unit_id)) throw new NotFound('Không tìm thấy tệp.');
  }
  const file = blobPath(dataDir, row.sha256);
  if (!fs.existsSync(file)) throw new NotFound('Tệp không còn trên máy chủ.');
  return { file, filename: row.filename, mime: row.mime };
}
