import type { Knex } from 'knex';
import { num, strOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** The receiving desk's name, address and phone: where a citizen brings what was asked for. */
export async function deskOfDossier(
  db: Q,
  dossierId: number,
): Promise<{ name: string; address: string | null; phone: string | null } | null> {
  const r = await db('dossiers as d')
    .join('units as u', 'u.id', 'd.receiving_unit_id')
    .where('d.id', dossierId)
    .first('u.name', 'u.address', 'u.phone');
  return r ? { name: String(r.name), address: strOrNull(r.address), phone: strOrNull(r.phone) } : null;
}

/**
 * The text of the latest supplement request (the body of form 02, which the citizen was given) and
 * when it was made. Only the comment and the time: never who asked.
 */
export async function lastSupplementRequest(db: Q, dossierId: number): Promise<{ text: string; at: number } | null> {
  const r = await db('dossier_events')
    .where({ dossier_id: dossierId, type: 'REQUEST_SUPPLEMENT' })
    .orderBy('id', 'desc')
    .first('comment', 'at');
  return r ? { text: String(r.comment ?? ''), at: num(r.at) } : null;
}

/**
 * The stored code of the dossier whose code equals `code` ignoring case, or null. The folded search
 * column starts with the code in lower case (migration 018), so a prefix match finds it on either
 * engine whatever the column's collation; the exact comparison after it rules out a longer code.
 */
export async function dossierCodeIgnoringCase(db: Q, code: string): Promise<string | null> {
  const lower = code.toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(lower)) return null; // codes hold no LIKE wildcard, nor anything else
  const rows = (await db('dossiers')
    .where('search_text', 'like', `${lower} %`)
    .orWhere('search_text', lower)
    .limit(5)
    .select('code')) as Array<{ code: string }>;
  return rows.map((r) => String(r.code)).find((c) => c.toLowerCase() === lower) ?? null;
}
