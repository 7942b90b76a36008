import type { Knex } from 'knex';
import { num } from './normalise';

type Q = Knex | Knex.Transaction;

export interface LoginFailureRow {
  id: number;
  username: string;
  ip: string;
  at: number;
}

export function toLoginFailureRow(raw: Record<string, unknown>): LoginFailureRow {
  return { id: num(raw.id), username: String(raw.username), ip: String(raw.ip), at: num(raw.at) };
}

/** Times of the latest failures of a username since `since`, newest first, at most `limit`. */
export async function recentFailureTimes(db: Q, username: string, since: number, limit: number): Promise<number[]> {
  const rows = await db('login_failures')
    .where({ username })
    .andWhere('at', '>', since)
    .orderBy('at', 'desc')
    .limit(limit)
    .select('at');
  return rows.map((r) => num(r.at));
}

export async function countFailuresFromIp(db: Q, ip: string, since: number): Promise<number> {
  const [{ n }] = await db('login_failures')
    .where({ ip })
    .andWhere('at', '>', since)
    .count<{ n: unknown }[]>('id as n');
  return num(n);
}

export async function insertLoginFailure(db: Q, row: Omit<LoginFailureRow, 'id'>): Promise<void> {
  await db('login_failures').insert(row);
}

export async function deleteFailuresOf(db: Q, username: string): Promise<void> {
  await db('login_failures').where({ username }).delete();
}

export async function deleteFailuresBefore(db: Q, at: number): Promise<void> {
  await db('login_failures').where('at', '<', at).delete();
}
