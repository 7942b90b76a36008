import type { Knex } from 'knex';
import { boolOrNull, num, numOrNull, str, strOrNull } from './normalise';
import type { SyncFacts } from '../../workflows/portal';

type Q = Knex | Knex.Transaction;

export type PortalStatus = 'pending' | 'sent' | 'failed';

/** One message to the national portal (migration 024). */
export interface PortalRow {
  id: number;
  dossier_id: number;
  dossier_code: string;
  service: string;
  national_status: number | null;
  due_at: number | null;
  payload: string;
  status: PortalStatus;
  attempts: number;
  available_at: number;
  locked_by: string | null;
  locked_until: number | null;
  is_updating: boolean | null;
  last_error: string | null;
  response: string | null;
  created_at: number;
  sent_at: number | null;
}

export function toPortalRow(raw: Record<string, unknown>): PortalRow {
  return {
    id: num(raw.id),
    dossier_id: num(raw.dossier_id),
    dossier_code: str(raw.dossier_code),
    service: str(raw.service),
    national_status: numOrNull(raw.national_status),
    due_at: numOrNull(raw.due_at),
    payload: str(raw.payload),
    status: str(raw.status) as PortalStatus,
    attempts: num(raw.attempts),
    available_at: num(raw.available_at),
    locked_by: strOrNull(raw.locked_by),
    locked_until: numOrNull(raw.locked_until),
    is_updating: boolOrNull(raw.is_updating),
    last_error: strOrNull(raw.last_error),
    response: strOrNull(raw.response),
    created_at: num(raw.created_at),
    sent_at: numOrNull(raw.sent_at),
  };
}

export interface NewPortalMessage {
  dossier_id: number;
  dossier_code: string;
  service: string;
  national_status: number | null;
  due_at: number | null;
  payload: string;
  /** A message the portal would reject is kept as failed, with why, and never sent. */
  problem: string | null;
}

/** Queue messages in the caller's transaction, in the order given. */
export async function insertPortalMessages(trx: Q, msgs: NewPortalMessage[], now: number): Promise<void> {
  for (const m of msgs) {
    const { problem, ...cols } = m;
    await trx('portal_outbox').insert({
      ...cols,
      status: problem ? 'failed' : 'pending',
      attempts: 0,
      available_at: now,
      last_error: problem,
      created_at: now,
    });
  }
}

const unleased = (now: number) => (w: Knex.QueryBuilder) =>
  w.whereNull('p.locked_until').orWhere('p.locked_until', '<', now);

/**
 * The messages that may be sent now: pending, due, not leased, and first of their dossier's queue
 * (every earlier message of the dossier was accepted), oldest first.
 */
export async function sendableMessages(db: Q, now: number, limit: number): Promise<PortalRow[]> {
  const rows = await db('portal_outbox as p')
    .select('p.*')
    .where('p.status', 'pending')
    .andWhere('p.available_at', '<=', now)
    .andWhere(unleased(now))
    .whereNotExists(
      db('portal_outbox as q')
        .select(db.raw('1'))
        .whereRaw('q.dossier_id = p.dossier_id')
        .andWhereRaw('q.id < p.id')
        .andWhereNot('q.status', 'sent'),
    )
    .orderBy('p.id')
    .limit(limit);
  return rows.map(toPortalRow);
}

/**
 * Lease a pending message due by `dueBy` to `owner` until `until`; false when another process holds
 * it, or has just put it back with a back-off.
 */
export async function claimPortalMessage(
  db: Q,
  id: number,
  owner: string,
  now: number,
  until: number,
  dueBy = now,
): Promise<boolean> {
  const n = await db('portal_outbox as p')
    .where({ 'p.id': id, 'p.status': 'pending' })
    .andWhere('p.available_at', '<=', dueBy)
    .andWhere(unleased(now))
    .update({ locked_by: owner, locked_until: until });
  return n === 1;
}

/** Finish a message `owner` still holds: accepted, or back in the queue with the portal's answer. */
export async function releasePortalMessage(
  db: Q,
  id: number,
  owner: string,
  change:
    | { status: 'sent'; sentAt: number; isUpdating: boolean; response: string; attempts: number }
    | { status: 'pending'; availableAt: number; attempts: number; lastError: string; isUpdating: boolean },
): Promise<boolean> {
  const cols =
    change.status === 'sent'
      ? {
          status: 'sent',
          sent_at: change.sentAt,
          is_updating: change.isUpdating,
          response: change.response,
          attempts: change.attempts,
          last_error: null,
        }
      : {
          available_at: change.availableAt,
          attempts: change.attempts,
          last_error: change.lastError,
          is_updating: change.isUpdating,
        };
  const n = await db('portal_outbox')
    .where({ id, locked_by: owner })
    .update({ ...cols, locked_by: null, locked_until: null });
  return n === 1;
}

/** The data of the last header queued for this dossier (null: none yet). */
export async function lastHeaderPayload(db: Q, dossierId: number, service: string): Promise<string | null> {
  const r = await db('portal_outbox').where({ dossier_id: dossierId, service }).orderBy('id', 'desc').first('payload');
  return r ? str(r.payload) : null;
}

/** Whether the portal already accepted a header of this dossier (the next one is an update). */
export async function headerAccepted(db: Q, dossierId: number, service: string): Promise<boolean> {
  const r = await db('portal_outbox').where({ dossier_id: dossierId, service, status: 'sent' }).first('id');
  return !!r;
}

/** What the outbox holds for each of these dossiers (see workflows/portal syncStateOf). */
export async function syncFactsOf(db: Q, dossierIds: number[]): Promise<Map<number, SyncFacts>> {
  const out = new Map<number, SyncFacts>();
  if (dossierIds.length === 0) return out;
  const counts = await db('portal_outbox')
    .whereIn('dossier_id', dossierIds)
    .groupBy('dossier_id')
    .select('dossier_id')
    .count({ total: '*' })
    .sum({ open: db.raw("CASE WHEN status = 'sent' THEN 0 ELSE 1 END") });
  for (const c of counts as Array<Record<string, unknown>>)
    out.set(num(c.dossier_id), { total: num(c.total), open: num(c.open ?? 0), head: null });
  const open = [...out].filter(([, f]) => f.open > 0).map(([id]) => id);
  if (open.length) {
    const heads = await db('portal_outbox')
      .whereIn('dossier_id', open)
      .whereNot('status', 'sent')
      .whereIn(
        'id',
        db('portal_outbox').whereIn('dossier_id', open).whereNot('status', 'sent').groupBy('dossier_id').min('id'),
      )
      .select('dossier_id', 'status', 'attempts', 'last_error');
    for (const h of heads as Array<Record<string, unknown>>) {
      const f = out.get(num(h.dossier_id))!;
      f.head = {
        status: str(h.status) as 'pending' | 'failed',
        attempts: num(h.attempts),
        lastError: strOrNull(h.last_error),
      };
    }
  }
  return out;
}

/** Messages of one dossier, oldest first (the dossier page and the admin page). */
export async function messagesOf(db: Q, dossierId: number): Promise<PortalRow[]> {
  return (await db('portal_outbox').where({ dossier_id: dossierId }).orderBy('id')).map(toPortalRow);
}

/** Counts per status, for the admin page and the alert job. */
export async function portalCounts(db: Q, failingAfter: number) {
  const rows = (await db('portal_outbox').select('status').count({ n: '*' }).groupBy('status')) as Array<
    Record<string, unknown>
  >;
  const by = Object.fromEntries(rows.map((r) => [str(r.status), num(r.n)]));
  const [{ n }] = (await db('portal_outbox')
    .where('status', 'pending')
    .andWhere('attempts', '>=', failingAfter)
    .count({ n: '*' })) as Array<Record<string, unknown>>;
  return { pending: by.pending ?? 0, sent: by.sent ?? 0, failed: by.failed ?? 0, failing: num(n) };
}

/** Replace a refused header's data with the dossier's as it is now (admin resend after a fix). */
export async function rewriteRefusedHeader(db: Q, id: number, m: NewPortalMessage): Promise<void> {
  await db('portal_outbox').where({ id, status: 'failed' }).update({
    payload: m.payload,
    national_status: m.national_status,
    due_at: m.due_at,
    last_error: m.problem,
  });
}

/*
 * Admin "resend": due now, attempts from zero. A message being sent right now (its lease still
 * running) is left to its sender: freeing it would let a second process send it and the ones after
 * it while the first answer is still on its way, and the portal could end at an older status.
 */

/** Put a message back at the head of the line now; false when it was accepted or is being sent. */
export async function resendPortalMessage(db: Q, id: number, now: number): Promise<boolean> {
  const n = await db('portal_outbox as p')
    .where({ 'p.id': id })
    .whereNot('p.status', 'sent')
    .andWhere(unleased(now))
    .update({ status: 'pending', available_at: now, attempts: 0 });
  return n === 1;
}

/** Resend every message not yet accepted and not being sent; how many. */
export async function resendAllPortalMessages(db: Q, now: number): Promise<number> {
  return db('portal_outbox as p')
    .whereNot('p.status', 'sent')
    .andWhere(unleased(now))
    .update({ status: 'pending', available_at: now, attempts: 0 });
}
