import type { Knex } from 'knex';
import { forUpdate } from '../db';
import { bool, num, numOrNull, str, strOrNull, type EventFields, toEventFields } from './normalise';

type Q = Knex | Knex.Transaction;
type Raw = Record<string, unknown>;

export interface DispatchRow {
  id: number;
  issuing_unit_id: number;
  issuing_code: string;
  issuing_name: string;
  issuing_symbol: string | null;
  title: string;
  summary: string;
  due_date: string;
  silence_means_agreement: boolean;
  /** The recipient unit ids as stored (JSON). */
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
  /** The dossier it consults for (design.md §11), or null for a stand-alone dispatch. */
  dossier_id: number | null;
  dossier_code: string | null;
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

/** The one place a dispatch row from either driver becomes a {@link DispatchRow}. */
export function toDispatchRow(raw: Raw): DispatchRow {
  return {
    id: num(raw.id),
    issuing_unit_id: num(raw.issuing_unit_id),
    issuing_code: str(raw.issuing_code),
    issuing_name: str(raw.issuing_name),
    issuing_symbol: strOrNull(raw.issuing_symbol),
    title: str(raw.title),
    summary: str(raw.summary),
    due_date: str(raw.due_date),
    silence_means_agreement: bool(raw.silence_means_agreement),
    recipients: str(raw.recipients),
    state: str(raw.state),
    snapshot: str(raw.snapshot),
    version: num(raw.version),
    number: strOrNull(raw.number),
    created_by: num(raw.created_by),
    creator_name: strOrNull(raw.creator_name),
    created_at: num(raw.created_at),
    issued_at: numOrNull(raw.issued_at),
    closed_at: numOrNull(raw.closed_at),
    dossier_id: numOrNull(raw.dossier_id),
    dossier_code: strOrNull(raw.dossier_code),
  };
}

/** The one place a reply row from either driver becomes a {@link ReplyRow}. */
export function toReplyRow(raw: Raw): ReplyRow {
  return {
    id: num(raw.id),
    dispatch_id: num(raw.dispatch_id),
    unit_id: num(raw.unit_id),
    unit_code: str(raw.unit_code),
    unit_name: str(raw.unit_name),
    state: str(raw.state),
    snapshot: str(raw.snapshot),
    version: num(raw.version),
    assignee_id: numOrNull(raw.assignee_id),
    assignee_name: strOrNull(raw.assignee_name),
    assignee_username: strOrNull(raw.assignee_username),
    position: strOrNull(raw.position),
    content: strOrNull(raw.content),
    replied_at: numOrNull(raw.replied_at),
    response: strOrNull(raw.response),
  };
}

/** A dispatch event (its own, or one of a reply's) with the reply's unit, oldest first. */
export interface DispatchEventRow extends EventFields {
  id: number;
  dispatch_id: number;
  reply_id: number | null;
  reply_unit_code: string | null;
  reply_unit_name: string | null;
}

export function toDispatchEventRow(raw: Raw): DispatchEventRow {
  return {
    id: num(raw.id),
    dispatch_id: num(raw.dispatch_id),
    reply_id: numOrNull(raw.reply_id),
    ...toEventFields(raw),
    reply_unit_code: strOrNull(raw.reply_unit_code),
    reply_unit_name: strOrNull(raw.reply_unit_name),
  };
}

export function dispatchSelect(db: Q) {
  return db('dispatches as d')
    .join('units as u', 'u.id', 'd.issuing_unit_id')
    .leftJoin('users as c', 'c.id', 'd.created_by')
    .leftJoin('dossiers as ds', 'ds.id', 'd.dossier_id')
    .select(
      'd.*',
      'u.code as issuing_code',
      'u.name as issuing_name',
      'u.symbol as issuing_symbol',
      'c.full_name as creator_name',
      'ds.code as dossier_code',
    );
}

export async function findDispatch(db: Q, id: number): Promise<DispatchRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const raw = await dispatchSelect(db).where('d.id', id).first();
  return raw ? toDispatchRow(raw) : null;
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
  return (await replySelect(db).where('r.dispatch_id', dispatchId).orderBy('u.code')).map(toReplyRow);
}

export async function findReply(db: Q, dispatchId: number, unitCode: string): Promise<ReplyRow | null> {
  const raw = await replySelect(db).where('r.dispatch_id', dispatchId).andWhere('u.code', unitCode).first();
  return raw ? toReplyRow(raw) : null;
}

export async function dispatchEvents(db: Q, dispatchId: number): Promise<DispatchEventRow[]> {
  const rows = await db('dispatch_events as e')
    .leftJoin('dispatch_replies as r', 'r.id', 'e.reply_id')
    .leftJoin('units as u', 'u.id', 'r.unit_id')
    .where('e.dispatch_id', dispatchId)
    .orderBy('e.id')
    .select('e.*', 'u.code as reply_unit_code', 'u.name as reply_unit_name');
  return rows.map(toDispatchEventRow);
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
  return r
    ? {
        ...toReplyRow(r),
        dispatch_state: str(r.dispatch_state),
        silence_means_agreement: bool(r.silence_means_agreement),
      }
    : null;
}

/** How many replies of a dispatch are still open (received, assigned, pending approval). */
export async function countOpenReplies(db: Q, dispatchId: number, openStates: readonly string[]): Promise<number> {
  const [{ n }] = await db('dispatch_replies')
    .where({ dispatch_id: dispatchId })
    .whereIn('state', [...openStates])
    .count<{ n: number }[]>({ n: '*' });
  return num(n);
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
    id: num(r.id),
    version: num(r.version),
    dispatchId: num(r.dispatch_id),
    dueDate: str(r.due_date),
  }));
}

/** The active specialist of a unit with this username, if any (who a reply may be assigned to). */
export async function findUnitSpecialist(db: Q, unitId: number, username: string): Promise<number | null> {
  const a = await db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where({ 'u.username': username.toLowerCase(), 'u.unit_id': unitId, 'u.active': true, 'r.role': 'specialist' })
    .first('u.id');
  return a ? num(a.id) : null;
}

/** Lock a dispatch row (MySQL `FOR UPDATE`) and read what a reply's annotation needs of it. */
export async function lockDispatchState(trx: Knex.Transaction, id: number) {
  const d = await forUpdate(trx, trx('dispatches').where({ id })).first('state', 'issuing_unit_id');
  return { state: str(d.state), issuingUnitId: num(d.issuing_unit_id) };
}

// ---------------------------------------------------------------- drafts

/** The user's full name by id (the timeline and mails name people, never usernames). */
export async function userFullName(db: Q, id: number | null | undefined): Promise<string | null> {
  if (!id) return null;
  const u = await db('users').where({ id }).first('full_name');
  return u ? str(u.full_name) : null;
}

/** Full names of these usernames (older ASSIGN events named the assignee by username). */
export async function fullNamesByUsername(db: Q, usernames: readonly string[]): Promise<Map<string, string>> {
  if (!usernames.length) return new Map();
  const rows = await db('users')
    .whereIn('username', [...usernames])
    .select('username', 'full_name');
  return new Map(rows.map((r) => [str(r.username), str(r.full_name)]));
}

/** The latest actor of an event type on a dispatch's own stream (the approver who signs the công văn). */
export async function lastDispatchActor(db: Q, dispatchId: number, type: string) {
  const e = await db('dispatch_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where({ 'e.dispatch_id': dispatchId, 'e.type': type })
    .whereNull('e.reply_id')
    .orderBy('e.id', 'desc')
    .first('e.actor_name', 'u.full_name', 'u.id as user_id');
  if (!e) return null;
  return { name: strOrNull(e.full_name) ?? strOrNull(e.actor_name), userId: numOrNull(e.user_id) };
}

/** The columns of a new draft dispatch. */
export interface NewDispatch {
  issuing_unit_id: number;
  title: string;
  summary: string;
  due_date: string;
  silence_means_agreement: boolean;
  /** The recipient unit ids, as JSON. */
  recipients: string;
  state: string;
  snapshot: string;
  version: number;
  created_by: number;
  created_at: number;
  updated_at: number;
  /** A consultation's dossier (design.md §11). */
  dossier_id?: number | null;
}

/** Insert a draft; its id. */
export async function insertDispatch(db: Q, row: NewDispatch): Promise<number> {
  const [id] = await db('dispatches').insert(row);
  return num(id);
}

/**
 * Dispatch ids for a list, newest first, and how many there are: those received by `inboxUnitId`, or
 * those issued by one of `issuingUnitIds` (null: every dispatch).
 */
export async function dispatchIdPage(
  db: Q,
  f: { inboxUnitId?: number; issuingUnitIds?: number[] | null; offset: number; limit: number },
): Promise<{ ids: number[]; total: number }> {
  const base = db('dispatches as d').whereNot('d.state', 'deleted');
  if (f.inboxUnitId !== undefined) {
    base.join('dispatch_replies as r', 'r.dispatch_id', 'd.id').where('r.unit_id', f.inboxUnitId);
  } else if (f.issuingUnitIds) {
    base.whereIn('d.issuing_unit_id', f.issuingUnitIds);
  }
  const [{ n }] = await base.clone().count<{ n: number }[]>({ n: '*' });
  const ids = await base.clone().orderBy('d.id', 'desc').offset(f.offset).limit(f.limit).pluck('d.id');
  return { ids: ids.map(num), total: num(n) };
}
