import type { Knex } from 'knex';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** A file sent with a dispatch; the blob is stored by SHA-256 like dossier attachments. */
export interface DispatchAttachmentRow {
  id: number;
  dispatch_id: number;
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
    filename: String(raw.filename),
    mime: String(raw.mime),
    size: num(raw.size),
    sha256: String(raw.sha256),
    uploaded_by: numOrNull(raw.uploaded_by),
    created_at: num(raw.created_at),
  };
}

export async function insertDispatchAttachments(db: Q, rows: Array<Omit<DispatchAttachmentRow, 'id'>>): Promise<void> {
  if (rows.length) await db('dispatch_attachments').insert(rows);
}

/** A dispatch's files, oldest first, with the uploader's name. */
export async function dispatchAttachmentsOf(
  db: Q,
  dispatchId: number,
): Promise<Array<{ id: number; filename: string; size: number; uploader: string | null }>> {
  const rows = await db('dispatch_attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .where('a.dispatch_id', dispatchId)
    .orderBy('a.id')
    .select('a.id', 'a.filename', 'a.size', 'u.full_name as uploader');
  return rows.map((r) => ({ id: num(r.id), filename: r.filename, size: num(r.size), uploader: r.uploader ?? null }));
}

export async function findDispatchAttachment(
  db: Q,
  dispatchId: number,
  id: number,
): Promise<DispatchAttachmentRow | null> {
  const raw = await db('dispatch_attachments').where({ id, dispatch_id: dispatchId }).first();
  return raw ? toDispatchAttachmentRow(raw) : null;
}
