import type { Knex } from 'knex';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** A file sent with a dispatch; the blob is stored by SHA-256 like dossier attachments. */
export interface DispatchAttachmentRow {
  id: number;
  dispatch_id: number;
  /** The reply it was attached to (migration 026), or null for a file of the dispatch itself. */
  reply_id: number | null;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: number;
}

export function toDispatchAttachmentRow(raw: Record<string, unknown>): DispatchAttachmentRow {
  return {
    id: num(raw.id),
    dispatch_id: num(raw.dispatch_id),
    reply_id: numOrNull(raw.reply_id),
    filename: String(raw.filename),
    mime: String(raw.mime),
    size: num(raw.size),
    sha256: String(raw.sha256),
    uploaded_by: numOrNull(raw.uploaded_by),
    created_at: num(raw.created_at),
  };
}

export async function insertDispatchAttachments(
  db: Q,
  rows: Array<Omit<DispatchAttachmentRow, 'id' | 'reply_id'> & { reply_id?: number | null }>,
): Promise<void> {
  if (rows.length) await db('dispatch_attachments').insert(rows);
}

/** One file as lists show it. */
export interface DispatchFileItem {
  id: number;
  replyId: number | null;
  filename: string;
  size: number;
  uploader: string | null;
  createdAt: number;
}

/**
 * A dispatch's files, oldest first, with the uploader's name: its own (`replyIds` omitted), or those of
 * these replies.
 */
export async function dispatchAttachmentsOf(
  db: Q,
  dispatchId: number,
  replyIds?: readonly number[],
): Promise<DispatchFileItem[]> {
  const q = db('dispatch_attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .where('a.dispatch_id', dispatchId)
    .orderBy('a.id')
    .select('a.id', 'a.reply_id', 'a.filename', 'a.size', 'a.created_at', 'u.full_name as uploader');
  if (replyIds) q.whereIn('a.reply_id', replyIds.length ? [...replyIds] : [-1]);
  else q.whereNull('a.reply_id');
  return (await q).map((r) => ({
    id: num(r.id),
    replyId: numOrNull(r.reply_id),
    filename: r.filename,
    size: num(r.size),
    uploader: r.uploader ?? null,
    createdAt: num(r.created_at),
  }));
}

export async function findDispatchAttachment(
  db: Q,
  dispatchId: number,
  id: number,
): Promise<DispatchAttachmentRow | null> {
  const raw = await db('dispatch_attachments').where({ id, dispatch_id: dispatchId }).first();
  return raw ? toDispatchAttachmentRow(raw) : null;
}
