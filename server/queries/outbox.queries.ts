import type { Knex } from 'knex';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

export type OutboxStatus = 'pending' | 'sent' | 'done' | 'failed';

/** A message waiting for delivery (`mail`) or an event waiting to be expanded into mails. */
export interface OutboxRow {
  id: number;
  kind: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  available_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export function toOutboxRow(raw: Record<string, unknown>): OutboxRow {
  return {
    id: num(raw.id),
    kind: String(raw.kind),
    payload: String(raw.payload),
    status: raw.status as OutboxStatus,
    attempts: num(raw.attempts),
    available_at: num(raw.available_at),
    locked_by: (raw.locked_by as string | null) ?? null,
    locked_until: numOrNull(raw.locked_until),
    last_error: (raw.last_error as string | null) ?? null,
    created_at: num(raw.created_at),
    sent_at: numOrNull(raw.sent_at),
  };
}

/** Add a row, in the caller's transaction when there is one. */
export async function insertOutbox(db: Q, kind: string, payload: unknown, now: number): Promise<void> {
  await db('outbox').insert({
    kind,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    available_at: now,
    created_at: now,
  });
}

const unleased = (now: number) => (w: Knex.QueryBuilder) =>
  w.whereNull('locked_until').orWhere('locked_until', '<', now);

/** Pending rows due at `now` whose lease (if any) has run out, oldest first. */
export async function dueOutbox(db: Q, now: number, limit: number): Promise<OutboxRow[]> {
  const rows = await db('outbox')
    .where('status', 'pending')
    .andWhere('available_at', '<=', now)
    .andWhere(unleased(now))
    .orderBy('id')
    .limit(limit);
  return rows.map(toOutboxRow);
}

/** Lease a pending row to `owner` until `until`; false when another process holds it. */
export async function claimOutbox(db: Q, id: number, owner: string, now: number, until: number): Promise<boolean> {
  const got = await db('outbox')
    .where({ id, status: 'pending' })
    .andWhere(unleased(now))
    .update({ locked_by: owner, locked_until: until });
  return got === 1;
}

/** Finish a row `owner` still holds: sent, done (expanded), or back to pending / failed with an error. */
export async function releaseOutbox(
  db: Q,
  id: number,
  owner: string,
  change: {
    status: OutboxStatus;
    attempts?: number;
    availableAt?: number;
    sentAt?: number;
    lastError?: string | null;
    onlyIfPending?: boolean;
  },
): Promise<boolean> {
  const q = db('outbox').where({ id, locked_by: owner });
  if (change.onlyIfPending) q.andWhere('status', 'pending');
  const n = await q.update({
    status: change.status,
    locked_by: null,
    locked_until: null,
    ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
    ...(change.availableAt !== undefined ? { available_at: change.availableAt } : {}),
    ...(change.sentAt !== undefined ? { sent_at: change.sentAt } : {}),
    ...(change.lastError !== undefined ? { last_error: change.lastError } : {}),
  });
  return n === 1;
}

/** Put a failed mail back in the queue; false when there is no failed mail with this id. */
export async function requeueFailedMail(db: Q, id: number, now: number): Promise<boolean> {
  const n = await db('outbox')
    .where({ id, kind: 'mail', status: 'failed' })
    .update({ status: 'pending', attempts: 0, available_at: now, last_error: null });
  return n === 1;
}

/** The latest mails, newest first, optionally only those with one status. */
export async function listMails(db: Q, opts: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]> {
  const q = db('outbox').where({ kind: 'mail' }).orderBy('id', 'desc').limit(opts.limit);
  if (opts.status) q.andWhere({ status: opts.status });
  return (await q).map(toOutboxRow);
}

/** One mail of the outbox by id (kind `mail`), or null. */
export async function findMail(db: Q, id: number): Promise<OutboxRow | null> {
  const raw = await db('outbox').where({ id, kind: 'mail' }).first();
  return raw ? toOutboxRow(raw) : null;
}

export async function countMails(db: Q, status: OutboxStatus): Promise<number> {
  const [{ n }] = await db('outbox').where({ kind: 'mail', status }).count<{ n: unknown }[]>({ n: '*' });
  return num(n);
}

/** Mark every pending row done without delivering it (demo history is not news). */
export async function discardPending(db: Q): Promise<number> {
  return db('outbox').where({ status: 'pending' }).update({ status: 'done' });
}
