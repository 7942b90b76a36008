import type { Knex } from 'knex';

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
