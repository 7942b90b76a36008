import type { Knex } from 'knex';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** A signed-in browser session (express-session data as JSON). */
export interface SessionRow {
  sid: string;
  user_id: number | null;
  data: string;
  expires_at: number;
}

export function toSessionRow(raw: Record<string, unknown>): SessionRow {
  return {
    sid: String(raw.sid),
    user_id: numOrNull(raw.user_id),
    data: String(raw.data),
    expires_at: num(raw.expires_at),
  };
}

/** The session with this id, unless it has expired. */
export async function findLiveSession(db: Q, sid: string, now: number): Promise<SessionRow | null> {
  const raw = await db('sessions').where({ sid }).andWhere('expires_at', '>', now).first();
  return raw ? toSessionRow(raw) : null;
}

export async function upsertSession(db: Q, row: SessionRow): Promise<void> {
  await db('sessions').insert(row).onConflict('sid').merge(['user_id', 'data', 'expires_at']);
}

export async function extendSession(db: Q, sid: string, expiresAt: number): Promise<void> {
  await db('sessions').where({ sid }).update({ expires_at: expiresAt });
}

export async function deleteSession(db: Q, sid: string): Promise<void> {
  await db('sessions').where({ sid }).delete();
}

/** Remove sessions expired at `now`; returns how many. */
export async function deleteExpiredSessions(db: Q, now: number): Promise<number> {
  return db('sessions').where('expires_at', '<=', now).delete();
}

/** Sign a user out everywhere (disabled, or a new password). */
export async function deleteSessionsOfUser(db: Q, userId: number): Promise<void> {
  await db('sessions').where({ user_id: userId }).delete();
}
