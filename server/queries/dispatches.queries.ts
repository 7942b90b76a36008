import type { Knex } from 'knex';
import { forUpdate } from '../db';

type Q = Knex | Knex.Transaction;

export interface DispatchRow {
  id: number;
  issuing_unit_id: number;
  issuing_code: string;
  issuing_name: string;
  issuing_symbol: string | null;
  title: string;
  summary: string;
  due_date: string;
  silence_means_agreement: number | boolean;
  recipients: string;
  state: string;
  snapshot: string;
  version: number;
  number: string | null;
  created_by: number;
  creator_name: string | null;
  created_at: number;
  issued_at: number | null;
  closed_at: number | null;
}

export interface ReplyRow {
  id: number;
  dispatch_id: number;
  unit_id: number;
  unit_code: string;
  unit_name: string;
  state: string;
  snapshot: string;
  version: number;
  assignee_id: number | null;
  assignee_name: string | null;
  assignee_username: string | null;
  position: string | null;
  content: string | null;
  replied_at: number | null;
  response: string | null;
}

export function dispatchSelect(db: Q) {
  return db('dispatches as d')
    .join('units as u', 'u.id', 'd.issuing_unit_id')
    .leftJoin('users as c', 'c.id', 'd.created_by')
    .select(
      'd.*',
      'u.code as issuing_code',
      'u.name as issuing_name',
      'u.symbol as issuing_symbol',
      'c.full_name as creator_name',
    );
}

export async function findDispatch(db: Q, id: number): Promise<DispatchRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  return ((await dispatchSelect(db).where('d.id', id).first()) as DispatchRow | undefined) ?? null;
}

export function replySelect(db: Q) {
  return db('dispatch_replies as r')
    .join('units as u', 'u.id', 'r.unit_id')
    .leftJoin('users as a', 'a.id', 'r.assignee_id')
    .select(
      'r.*',
      'u.code as unit_code',
      'u.name as unit_name',
      'a.full_name as assignee_name',
      'a.username as assignee_username',
    );
}

export async function repliesOf(db: Q, dispatchId: number): Promise<ReplyRow[]> {
  return (await replySelect(db).where('r.dispatch_id', dispatchId).orderBy('u.code')) as ReplyRow[];
}

export async function findReply(db: Q, dispatchId: number, unitCode: string): Promise<ReplyRow | null> {
  return (
    ((await replySelect(db).where('r.dispatch_id', dispatchId).andWhere('u.code', unitCode).first()) as
      ReplyRow | undefined) ?? null
  );
}

export async function dispatchEvents(db: Q, dispatchId: number) {
  return db('dispatch_events as e')
    .leftJoin('dispatch_replies as r', 'r.id', 'e.reply_id')
    .leftJoin('units as u', 'u.id', 'r.unit_id')
    .where('e.dispatch_id', dispatchId)
    .orderBy('e.id')
    .select('e.*', 'u.code as reply_unit_code', 'u.name as reply_unit_name');
}

/** A reply by its own id, with its unit and assignee, and what the reply machine needs of its dispatch. */
export async function findReplyById(
  db: Q,
  id: number,
): Promise<(ReplyRow & { dispatch_state: string; silence_means_agreement: boolean }) | null> {
  const r = await replySelect(db)
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .where('r.id', id)
    .first('d.state as dispatch_state', 'd.silence_means_agreement');
  return r ? { ...r, silence_means_agreement: Boolean(r.silence_means_agreement) } : null;
}

/** How many replies of a dispatch are still open (received, assigned, pending approval). */
export async function countOpenReplies(db: Q, dispatchId: number, openStates: readonly string[]): Promise<number> {
  const [{ n }] = await db('dispatch_replies')
    .where({ dispatch_id: dispatchId })
    .whereIn('state', [...openStates])
    .count<{ n: number }[]>({ n: '*' });
  return Number(n);
}

/** One reply row per recipient unit, opened when the dispatch is issued. */
export async function insertReplies(db: Q, dispatchId: number, unitIds: number[], snapshot: string, now: number) {
  if (!unitIds.length) return;
  await db('dispatch_replies').insert(
    unitIds.map((unitId) => ({
      dispatch_id: dispatchId,
      unit_id: unitId,
      state: 'received',
      snapshot,
      version: 1,
      updated_at: now,
    })),
  );
}

/** Open replies of issued dispatches whose due date is before `today` (candidates for expiry). */
export async function expiringReplies(db: Q, today: string, openStates: readonly string[]) {
  const rows = await db('dispatch_replies as r')
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .where('d.state', 'issued')
    .andWhere('d.due_date', '<', today)
    .whereIn('r.state', [...openStates])
    .select('r.id', 'r.version', 'r.dispatch_id', 'd.due_date');
  return rows.map((r) => ({
    id: Number(r.id),
    version: Number(r.version),
    dispatchId: Number(r.dispatch_id),
    dueDate: String(r.due_date),
  }));
}

/** The active specialist of a unit with this username, if any (who a reply may be assigned to). */
export async function findUnitSpecialist(db: Q, unitId: number, username: string): Promise<number | null> {
  const a = await db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where({ 'u.username': username.toLowerCase(), 'u.unit_id': unitId, 'u.active': true, 'r.role': 'specialist' })
    .first('u.id');
  return a ? Number(a.id) : null;
}

/** Lock a dispatch row (MySQL `FOR UPDATE`) and read what a reply's annotation needs of it. */
export async function lockDispatchState(trx: Knex.Transaction, id: number) {
  const d = await forUpdate(trx, trx('dispatches').where({ id })).first('state', 'issuing_unit_id');
  return { state: String(d.state), issuingUnitId: Number(d.issuing_unit_id) };
}
