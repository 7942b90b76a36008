import type { Knex } from 'knex';
import { num, str } from './normalise';

type Q = Knex | Knex.Transaction;

/** A one-time key as recorded with the first answer (migration 019). */
export interface IdempotencyRow {
  id: number;
  user_id: number;
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  response: string;
  created_at: number;
}

function toRow(raw: Record<string, unknown>): IdempotencyRow {
  return {
    id: num(raw.id),
    user_id: num(raw.user_id),
    scope: str(raw.scope),
    key: str(raw.key),
    request_hash: str(raw.request_hash),
    status: num(raw.status),
    response: str(raw.response),
    created_at: num(raw.created_at),
  };
}

/** The key this user used in this scope, recorded since `since` (keys expire: contract.md §2, 24 hours). */
export async function findIdempotencyKey(
  db: Q,
  userId: number,
  scope: string,
  key: string,
  since = 0,
): Promise<IdempotencyRow | null> {
  const raw = await db('idempotency_keys')
    .where({ user_id: userId, scope, key })
    .andWhere('created_at', '>=', since)
    .first();
  return raw ? toRow(raw) : null;
}

/**
 * Record a key with its first answer, inside the transaction of what it guards. A concurrent twin
 * fails on the unique (user, scope, key) index and rolls back its own work.
 */
export async function insertIdempotencyKey(trx: Q, row: Omit<IdempotencyRow, 'id'>): Promise<void> {
  // An expired key of the same user and scope may be reused: drop it first.
  await trx('idempotency_keys')
    .where({ user_id: row.user_id, scope: row.scope, key: row.key })
    .andWhere('created_at', '<', row.created_at - IDEMPOTENCY_TTL_MS)
    .delete();
  await trx('idempotency_keys').insert(row);
}

/**
 * Record a key whose request is running (status 0, no answer yet): the first statement of the
 * request's transaction (server/idempotency). A twin blocks on the unique index until this one
 * commits (then fails as a duplicate) or rolls back (then proceeds).
 */
export async function insertPendingKey(
  trx: Q,
  row: Pick<IdempotencyRow, 'user_id' | 'scope' | 'key' | 'request_hash' | 'created_at'>,
): Promise<void> {
  await trx('idempotency_keys').insert({ ...row, status: 0, response: '' });
}

/** Write the first answer into a key still waiting for it; false when it had one already (or is gone). */
export async function answerIdempotencyKey(
  db: Q,
  where: Pick<IdempotencyRow, 'user_id' | 'scope' | 'key'>,
  status: number,
  response: string,
): Promise<boolean> {
  const n = await db('idempotency_keys').where(where).andWhere('status', 0).update({ status, response });
  return n > 0;
}

/** Drop one expired key (its user may use it again). */
export async function deleteIdempotencyKey(db: Q, id: number, createdAt: number): Promise<void> {
  await db('idempotency_keys').where({ id, created_at: createdAt }).delete();
}

/** Forget keys older than the replay window. */
export async function purgeIdempotencyKeys(db: Q, before: number): Promise<number> {
  return db('idempotency_keys').where('created_at', '<', before).delete();
}

/** How long a key answers again (contract.md §2). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
