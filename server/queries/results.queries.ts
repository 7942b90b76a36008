import type { Knex } from 'knex';
import { num, numOrNull, str, strOrNull } from './normalise';

type Q = Knex | Knex.Transaction;
type Raw = Record<string, unknown>;

/** One signature on a result, as recorded when it was made. */
export interface ResultSignature {
  role: 'leader' | 'seal';
  signer: string;
  title: string | null;
  unitName: string;
  at: number;
  demo: boolean;
  /** KT./TUQ. and the like, when someone signed for another (absence delegation). */
  authority?: string | null;
}

/** A dossier's result row (design.md §10). */
export interface ResultRow {
  id: number;
  dossier_id: number;
  name: string;
  kind: string;
  sha256: string;
  size: number;
  source: 'upload' | 'template';
  signed_sha256: string | null;
  issuing_unit_id: number | null;
  number_year: number | null;
  number_seq: number | null;
  number: string | null;
  numbered_at: number | null;
  signatures: ResultSignature[];
  /** Signed by a deputy for this leader (absence delegation), and how ('KT' | 'TUQ'); null otherwise. */
  signed_on_behalf_of_user_id: number | null;
  signed_delegation_kind: string | null;
  created_at: number;
  updated_at: number;
}

function toResultRow(raw: Raw): ResultRow {
  return {
    id: num(raw.id),
    dossier_id: num(raw.dossier_id),
    name: str(raw.name),
    kind: str(raw.kind),
    sha256: str(raw.sha256),
    size: num(raw.size),
    source: str(raw.source) as ResultRow['source'],
    signed_sha256: strOrNull(raw.signed_sha256),
    issuing_unit_id: numOrNull(raw.issuing_unit_id),
    number_year: numOrNull(raw.number_year),
    number_seq: numOrNull(raw.number_seq),
    number: strOrNull(raw.number),
    numbered_at: numOrNull(raw.numbered_at),
    signatures: JSON.parse(str(raw.signatures)) as ResultSignature[],
    signed_on_behalf_of_user_id: numOrNull(raw.signed_on_behalf_of_user_id),
    signed_delegation_kind: strOrNull(raw.signed_delegation_kind),
    created_at: num(raw.created_at),
    updated_at: num(raw.updated_at),
  };
}

/** The result of a dossier, or null when it has none yet. */
export async function findResult(db: Q, dossierId: number): Promise<ResultRow | null> {
  const raw = await db('dossier_results').where({ dossier_id: dossierId }).first();
  return raw ? toResultRow(raw) : null;
}

/** The results of several dossiers (lists), by dossier id. */
export async function findResults(db: Q, dossierIds: number[]): Promise<Map<number, ResultRow>> {
  if (!dossierIds.length) return new Map();
  const rows: Raw[] = await db('dossier_results').whereIn('dossier_id', dossierIds);
  return new Map(rows.map((r) => [num(r.dossier_id), toResultRow(r)]));
}

/** Put (or replace) the draft: the file, a fresh start with no signature and no number. */
export async function putDraft(
  trx: Q,
  d: { dossier_id: number; name: string; kind: string; sha256: string; size: number; source: string; now: number },
): Promise<void> {
  const row = {
    name: d.name,
    kind: d.kind,
    sha256: d.sha256,
    size: d.size,
    source: d.source,
    signed_sha256: null,
    signed_on_behalf_of_user_id: null,
    signed_delegation_kind: null,
    signatures: '[]',
    updated_at: d.now,
  };
  const n = await trx('dossier_results').where({ dossier_id: d.dossier_id }).update(row);
  if (n === 0) await trx('dossier_results').insert({ ...row, dossier_id: d.dossier_id, created_at: d.now });
}

/** Record a signed (or numbered and sealed) revision of the result. */
export async function updateResult(
  trx: Q,
  id: number,
  patch: Partial<Omit<ResultRow, 'id' | 'dossier_id' | 'signatures'>> & { signatures?: ResultSignature[] },
): Promise<void> {
  const { signatures, ...rest } = patch;
  await trx('dossier_results')
    .where({ id })
    .update({ ...rest, ...(signatures ? { signatures: JSON.stringify(signatures) } : {}) });
}

/** A numbered result by the SHA-256 of its final file or of its leader-signed revision (the QR's). */
export async function findNumberedBySha(
  db: Q,
  sha: string,
): Promise<{ result: ResultRow; unitName: string; unitCode: string } | null> {
  const raw = await db('dossier_results as r')
    .join('units as u', 'u.id', 'r.issuing_unit_id')
    .whereNotNull('r.number')
    .where((q) => void q.where('r.sha256', sha).orWhere('r.signed_sha256', sha))
    .first('r.*', 'u.name as unit_name', 'u.code as unit_code');
  return raw ? { result: toResultRow(raw), unitName: str(raw.unit_name), unitCode: str(raw.unit_code) } : null;
}
