import type { Knex } from 'knex';
import { num } from './normalise';

type Q = Knex | Knex.Transaction;

/**
 * The dossier event log as the hash chain reads and writes it (services/audit.ts keeps the chain's
 * rules). Rows are handed over as stored: the hash covers exactly what is in the table.
 */

/** The hash of a dossier's latest event, or null before its first. */
export async function lastDossierEventHash(db: Q, dossierId: unknown): Promise<string | null> {
  const prev = await db('dossier_events').where({ dossier_id: dossierId }).orderBy('id', 'desc').first('hash');
  return (prev?.hash as string | undefined) ?? null;
}

/** Keep the hash of the dossier's latest event on its row (migration 031). */
export async function setLastDossierEventHash(db: Q, dossierId: unknown, hash: string): Promise<void> {
  await db('dossiers').where({ id: dossierId }).update({ last_event_hash: hash });
}

/** Every dossier's kept latest-event hash (NULL: not kept), for chain verification. */
export async function keptDossierEventHashes(db: Q): Promise<Array<{ id: number; last_event_hash: string | null }>> {
  const rows = await db('dossiers').whereNotNull('last_event_hash').select('id', 'last_event_hash');
  return rows.map((r: { id: unknown; last_event_hash: string }) => ({
    id: num(r.id),
    last_event_hash: r.last_event_hash,
  }));
}

export async function insertDossierEvent(db: Q, row: Record<string, unknown>): Promise<void> {
  await db('dossier_events').insert(row);
}

/** Every dossier event as stored, oldest first (chain verification). */
export async function allDossierEvents(db: Q): Promise<Array<Record<string, unknown>>> {
  return db('dossier_events').orderBy('id');
}

export async function countDossierEvents(db: Q): Promise<number> {
  const [{ n }] = await db('dossier_events').count<{ n: unknown }[]>({ n: '*' });
  return num(n);
}
