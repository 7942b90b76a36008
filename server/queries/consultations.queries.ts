import type { Knex } from 'knex';
import { num, str } from './normalise';

type Q = Knex | Knex.Transaction;

/*
 * Consultations inside a dossier (design.md §11): dispatches with a `dossier_id`, and the one-time
 * alert for a reply still missing at the due date (`dispatch_replies.alerted_at`, set by a conditional
 * update so that of several processes exactly one sends it; it is a mark, not a workflow state).
 */

/** The ids of a dossier's consultations, oldest first. */
export async function consultationIdsOf(db: Q, dossierId: number): Promise<number[]> {
  // A deleted draft is gone for readers (its history stays in dispatch_events).
  const ids = await db('dispatches')
    .where({ dossier_id: dossierId })
    .whereNot('state', 'deleted')
    .orderBy('id')
    .pluck('id');
  return ids.map(num);
}

/** A reply of a consultation still missing after its due date, not yet alerted. */
export interface MissingReply {
  replyId: number;
  dispatchId: number;
  dossierId: number;
}

/**
 * Replies of issued consultations whose due date is before `today` (the reply was due by the end of
 * it) that were not sent (anything but `replied`: still open, overdue or deemed agreed) and whose
 * handling unit has not been told yet.
 */
export async function unalertedMissingReplies(db: Q, today: string): Promise<MissingReply[]> {
  const rows = await db('dispatch_replies as r')
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .whereNotNull('d.dossier_id')
    .where('d.state', 'issued')
    .andWhere('d.due_date', '<', today)
    .whereNot('r.state', 'replied')
    .whereNull('r.alerted_at')
    .orderBy('r.id')
    .select('r.id', 'r.dispatch_id', 'd.dossier_id');
  return rows.map((r) => ({ replyId: num(r.id), dispatchId: num(r.dispatch_id), dossierId: num(r.dossier_id) }));
}

/** Claim the alert of one missing reply; false when another process (or an earlier pass) already did. */
export async function claimReplyAlert(db: Q, replyId: number, now: number): Promise<boolean> {
  const n = await db('dispatch_replies')
    .where({ id: replyId })
    .whereNull('alerted_at')
    .whereNot('state', 'replied')
    .update({ alerted_at: now });
  return n === 1;
}

/** The unit names of replies, by reply id (what an alert mail lists). */
export async function replyUnitNames(db: Q, replyIds: readonly number[]): Promise<string[]> {
  if (!replyIds.length) return [];
  const rows = await db('dispatch_replies as r')
    .join('units as u', 'u.id', 'r.unit_id')
    .whereIn('r.id', [...replyIds])
    .orderBy('u.code')
    .select('u.name');
  return rows.map((r) => str(r.name));
}

/**
 * Of these dossiers, those with a consultation still under way (issued) one of whose replies was
 * alerted as missing: the work list's "Lấy ý kiến quá hạn" mark.
 */
export async function dossiersWithMissingReplies(db: Q, dossierIds: readonly number[]): Promise<Set<number>> {
  if (!dossierIds.length) return new Set();
  const ids = await db('dispatches as d')
    .join('dispatch_replies as r', 'r.dispatch_id', 'd.id')
    .whereIn('d.dossier_id', [...dossierIds])
    .where('d.state', 'issued')
    .whereNotNull('r.alerted_at')
    .distinct('d.dossier_id')
    .pluck('d.dossier_id');
  return new Set(ids.map(num));
}
