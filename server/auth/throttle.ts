import type { Knex } from 'knex';
import {
  countFailuresFromIp,
  deleteFailuresBefore,
  deleteFailuresOf,
  insertLoginFailure,
  recentFailureTimes,
} from '../queries/login-failures.queries';

type Q = Knex | Knex.Transaction;

export interface ThrottleRules {
  maxPerUsername: number;
  maxPerIp: number;
  windowMs: number;
}

/**
 * Sign-in throttling kept in the database, so every process sees the same counts.
 * Returns the seconds to wait when the username or the address has failed too often, else 0.
 */
export async function lockedFor(db: Q, rules: ThrottleRules, username: string, ip: string): Promise<number> {
  const since = Date.now() - rules.windowMs;
  const byUser = await recentFailureTimes(db, username.toLowerCase(), since, rules.maxPerUsername);
  const byIp = await countFailuresFromIp(db, ip, since);
  let wait = 0;
  if (byUser.length >= rules.maxPerUsername) {
    // Locked until the oldest of the last N failures leaves the window.
    const oldest = byUser[byUser.length - 1];
    wait = Math.max(wait, oldest + rules.windowMs - Date.now());
  }
  if (byIp >= rules.maxPerIp) wait = Math.max(wait, rules.windowMs);
  return Math.ceil(wait / 1000);
}

export async function recordFailure(db: Q, username: string, ip: string): Promise<void> {
  await insertLoginFailure(db, { username: username.toLowerCase().slice(0, 64), ip: ip.slice(0, 64), at: Date.now() });
}

export async function clearFailures(db: Q, username: string): Promise<void> {
  await deleteFailuresOf(db, username.toLowerCase());
}

export async function pruneFailures(db: Q, olderThanMs: number): Promise<void> {
  await deleteFailuresBefore(db, Date.now() - olderThanMs);
}
