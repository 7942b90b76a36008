import type { Knex } from 'knex';
import { dialect } from '../db';

/** Hits and window start packed in one integer (MySQL hands back one value): start seconds × 2^20 + hits. */
const PACK = 1_048_576;

/**
 * Count `n` hits (default one) of `scopeKey` at `now`, in one statement. A client's window starts at
 * its first hit and lasts `windowMs`; a hit after it starts a new one (as express-rate-limit's memory
 * store does, so a limit never resets halfway through a burst just because a clock minute turned).
 * Returns the hits in the current window after these, and when that window started (ms, whole
 * seconds on MySQL).
 */
export async function countHit(
  db: Knex,
  scopeKey: string,
  now: number,
  windowMs: number,
  n = 1,
): Promise<{ hits: number; windowStart: number }> {
  const cut = now - windowMs;
  if (dialect(db) === 'mysql') {
    // LAST_INSERT_ID(expr) hands the packed count back in the statement's own answer (no second read).
    // In the UPDATE list `window_start` is still the old value when `hits` is computed.
    const [res] = (await db.raw(
      `INSERT INTO rate_limits (scope_key, window_start, hits) VALUES (?, ?, LAST_INSERT_ID(? + ? * FLOOR(? / 1000)) MOD ?)
       ON DUPLICATE KEY UPDATE
         hits = LAST_INSERT_ID(IF(window_start > ?, LEAST(hits + ?, ? - 1), ?)
           + ? * FLOOR(IF(window_start > ?, window_start, VALUES(window_start)) / 1000)) MOD ?,
         window_start = IF(window_start > ?, window_start, VALUES(window_start))`,
      [scopeKey, now, n, PACK, now, PACK, cut, n, PACK, n, PACK, cut, PACK, cut],
    )) as [{ insertId: number }];
    const packed = Number(res.insertId);
    return { hits: packed % PACK, windowStart: Math.floor(packed / PACK) * 1000 };
  }
  const rows = (await db.raw(
    `INSERT INTO rate_limits (scope_key, window_start, hits) VALUES (?, ?, ?)
     ON CONFLICT (scope_key) DO UPDATE SET
       hits = CASE WHEN rate_limits.window_start > ? THEN rate_limits.hits + ? ELSE ? END,
       window_start = CASE WHEN rate_limits.window_start > ? THEN rate_limits.window_start ELSE excluded.window_start END
     RETURNING hits, window_start`,
    [scopeKey, now, n, cut, n, n, cut],
  )) as Array<{ hits: number; window_start: number }>;
  return { hits: Number(rows[0].hits), windowStart: Number(rows[0].window_start) };
}

/** Give back one hit of the current window (a request the limiter was told not to count). */
export async function uncountHit(db: Knex, scopeKey: string, cut: number): Promise<void> {
  await db('rate_limits')
    .where({ scope_key: scopeKey })
    .where('window_start', '>', cut)
    .where('hits', '>', 0)
    .decrement('hits', 1);
}

export async function forgetKey(db: Knex, scopeKey: string): Promise<void> {
  await db('rate_limits').where({ scope_key: scopeKey }).del();
}

/** Drop the rows of windows that ended before `before`. */
export async function pruneWindows(db: Knex, before: number): Promise<number> {
  return db('rate_limits').where('window_start', '<', before).del();
}
