import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** A dossier attachment: the blob is stored by SHA-256 under DATA_DIR/files. */
export interface AttachmentRow {
  id: number;
  dossier_id: number;
  document_code: string | null;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: number;
}

export type NewAttachment = Omit<AttachmentRow, 'id'>;

const toRow = (r: AttachmentRow): AttachmentRow => ({
  ...r,
  id: Number(r.id),
  dossier_id: Number(r.dossier_id),
  size: Number(r.size),
  uploaded_by: r.uploaded_by == null ? null : Number(r.uploaded_by),
  created_at: Number(r.created_at),
});

export async function insertAttachments(db: Q, rows: NewAttachment[]): Promise<void> {
  if (rows.length) await db('attachments').insert(rows);
}

/** A dossier's attachments, oldest first, with the uploader's name. */
export async function attachmentsOf(db: Q, dossierId: number) {
  const rows = await db('attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .where('a.dossier_id', dossierId)
    .orderBy('a.id')
    .select('a.id', 'a.filename', 'a.mime', 'a.size', 'a.created_at', 'a.document_code', 'u.full_name as uploader');
  return rows.map((r) => ({ ...r, id: Number(r.id), size: Number(r.size), created_at: Number(r.created_at) })) as Array<
    Pick<AttachmentRow, 'id' | 'filename' | 'mime' | 'size' | 'created_at' | 'document_code'> & {
      uploader: string | null;
    }
  >;
}

export async function findAttachment(db: Q, dossierId: number, id: number): Promise<AttachmentRow | null> {
  const row = await db('attachments').where({ id, dossier_id: dossierId }).first();
  return row ? toRow(row) : null;
}
