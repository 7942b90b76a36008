import crypto from 'node:crypto';
import type { Knex } from 'knex';
import {
  allDossierEvents,
  insertDossierEvent,
  keptDossierEventHashes,
  lastDossierEventHash,
  setLastDossierEventHash,
} from '../queries/dossier-events.queries';
import { allDispatchEvents, insertDispatchEvent, lastDispatchEventHash } from '../queries/dispatch-events.queries';

type Q = Knex | Knex.Transaction;

/** The fields of an event row that the hash covers, in a fixed order. */
const DOSSIER_FIELDS = [
  'dossier_id',
  'type',
  'from_state',
  'to_state',
  'actor_id',
  'actor_username',
  'comment',
  'at',
  'step_due_at',
  'on_time',
  'dossier_version',
  'data',
] as const;
const DISPATCH_FIELDS = [
  'dispatch_id',
  'reply_id',
  'type',
  'from_state',
  'to_state',
  'actor_id',
  'actor_username',
  'comment',
  'at',
] as const;

function norm(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/**
 * Fields added later (migration 027, absence delegation): covered only when the event has them, so
 * the hash of every event written before them, and of every event done by no one's delegation,
 * stays what it was.
 */
const DOSSIER_DELEGATION_FIELDS = [
  'on_behalf_of_user_id',
  'on_behalf_of_name',
  'delegation_kind',
  'delegation_authority',
  'delegate_title',
] as const;

/** sha256(previous hash + canonical JSON of the row's audited fields). */
export function eventHash(prev: string | null, row: Record<string, unknown>, kind: 'dossier' | 'dispatch'): string {
  const fields: readonly string[] =
    kind === 'dossier' && row.on_behalf_of_user_id != null
      ? [...DOSSIER_FIELDS, ...DOSSIER_DELEGATION_FIELDS]
      : kind === 'dossier'
        ? DOSSIER_FIELDS
        : DISPATCH_FIELDS;
  const canonical = JSON.stringify(
    fields.map((f) =>
      f === 'at' || f === 'step_due_at' || f.endsWith('_id') || f === 'dossier_version'
        ? row[f] == null
          ? null
          : Number(row[f])
        : norm(row[f]),
    ),
  );
  return crypto
    .createHash('sha256')
    .update((prev ?? '') + '|' + canonical)
    .digest('hex');
}

/**
 * Append an event row with its chained hash. The caller holds the lock that serialises the stream
 * (the dossier row, the dispatch row, or the reply row), so "previous" is well defined. The dossier
 * row keeps its latest event's hash (`last_event_hash`, migration 031).
 */
export async function appendDossierEvent(trx: Q, row: Record<string, unknown>): Promise<void> {
  const hash = await chainDossierEvent(trx, row, null);
  await insertDossierEvent(trx, { ...row, hash });
  await setLastDossierEventHash(trx, row.dossier_id, hash);
}

/**
 * The hash of a new dossier event chained to `kept`, the dossier row's `last_event_hash` as read
 * under its lock (the engine writes the returned hash back in the same UPDATE as the state); when
 * the row keeps none (NULL: a row loaded by hand, or a dossier's first event), from the event log.
 */
export async function chainDossierEvent(trx: Q, row: Record<string, unknown>, kept: string | null): Promise<string> {
  const prev = kept ?? (await lastDossierEventHash(trx, row.dossier_id));
  return eventHash(prev, row, 'dossier');
}

/** Insert a dossier event whose hash `chainDossierEvent` computed (the engine's path). */
export async function insertChainedDossierEvent(trx: Q, row: Record<string, unknown>, hash: string): Promise<void> {
  await insertDossierEvent(trx, { ...row, hash });
}

export async function appendDispatchEvent(trx: Q, row: Record<string, unknown>): Promise<void> {
  const prev = await lastDispatchEventHash(trx, row.dispatch_id, row.reply_id);
  await insertDispatchEvent(trx, { ...row, hash: eventHash(prev, row, 'dispatch') });
}

/** Recompute every chain; returns the rows whose hash does not match. */
export async function verifyChains(db: Q): Promise<Array<{ table: string; id: number; stream: string }>> {
  const bad: Array<{ table: string; id: number; stream: string }> = [];
  const last = new Map<string, string | null>();
  for (const r of await allDossierEvents(db)) {
    const key = `d:${r.dossier_id}`;
    const h = eventHash(last.get(key) ?? null, r, 'dossier');
    if (h !== r.hash) bad.push({ table: 'dossier_events', id: Number(r.id), stream: key });
    last.set(key, r.hash as string);
  }
  // The hash each dossier row keeps must be its log's last one: a deleted latest event shows here.
  for (const d of await keptDossierEventHashes(db)) {
    const key = `d:${d.id}`;
    if ((last.get(key) ?? null) !== d.last_event_hash) bad.push({ table: 'dossiers', id: d.id, stream: key });
  }
  for (const r of await allDispatchEvents(db)) {
    const key = `c:${r.dispatch_id}:${r.reply_id ?? '-'}`;
    const h = eventHash(last.get(key) ?? null, r, 'dispatch');
    if (h !== r.hash) bad.push({ table: 'dispatch_events', id: Number(r.id), stream: key });
    last.set(key, r.hash as string);
  }
  return bad;
}
