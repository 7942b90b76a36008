import type { Knex } from 'knex';
import { num, numOrNull, str, strOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** An attachment with its uploader, as the API lists it (attachments.queries.ts has the page's). */
export interface AttachmentWithUploader {
  id: number;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  document_code: string | null;
  created_at: number;
  uploaded_by: number | null;
  username: string | null;
  full_name: string | null;
}

function query(db: Q) {
  return db('attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .select(
      'a.id',
      'a.filename',
      'a.mime',
      'a.size',
      'a.sha256',
      'a.document_code',
      'a.created_at',
      'a.uploaded_by',
      'u.username',
      'u.full_name',
    );
}

const toRow = (r: Record<string, unknown>): AttachmentWithUploader => ({
  id: num(r.id),
  filename: str(r.filename),
  mime: str(r.mime),
  size: num(r.size),
  sha256: str(r.sha256),
  document_code: strOrNull(r.document_code),
  created_at: num(r.created_at),
  uploaded_by: numOrNull(r.uploaded_by),
  username: strOrNull(r.username),
  full_name: strOrNull(r.full_name),
});

/** A dossier's attachments, oldest first. */
export async function attachmentsWithUploader(db: Q, dossierId: number): Promise<AttachmentWithUploader[]> {
  return (await query(db).where('a.dossier_id', dossierId).orderBy('a.id')).map(toRow);
}

/** The attachment one upload just made: this file, by this user, at this moment (the newest such). */
export async function attachmentJustMade(
  db: Q,
  k: { dossierId: number; sha256: string; userId: number; at: number },
): Promise<AttachmentWithUploader | null> {
  const raw = await query(db)
    .where({ 'a.dossier_id': k.dossierId, 'a.sha256': k.sha256, 'a.uploaded_by': k.userId, 'a.created_at': k.at })
    .orderBy('a.id', 'desc')
    .first();
  return raw ? toRow(raw) : null;
}
