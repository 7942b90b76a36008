import crypto from 'node:crypto';
import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** Tokens are stored as SHA-256: a leaked table does not leak usable tokens. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueToken(db: Q, userId: number, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = 'mc_' + crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + ttlMs;
  await db('api_tokens').insert({ user_id: userId, token_hash: hashToken(token), created_at: now, expires_at: expiresAt });
  return { token, expiresAt: new Date(expiresAt) };
}

/** The active user id for a bearer token, or null (unknown, expired, revoked, or user disabled). */
export async function userIdForToken(db: Q, token: string): Promise<{ userId: number; tokenId: number } | null> {
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .andWhere('t.expires_at', '>', Date.now())
    .andWhere('u.active', true)
    .first('t.id', 't.user_id', 't.last_used_at');
  if (!row) return null;
  // Write last use at most once a minute: a busy integration should not turn reads into writes.
  if (!row.last_used_at || Date.now() - Number(row.last_used_at) > 60_000) {
    await db('api_tokens').where({ id: row.id }).update({ last_used_at: Date.now() });
  }
  return { userId: row.user_id, tokenId: row.id };
}

export async function revokeToken(db: Q, tokenId: number): Promise<void> {
  await db('api_tokens').where({ id: tokenId }).update({ revoked_at: Date.now() });
}

export async function revokeAllForUser(db: Q, userId: number): Promise<void> {
  await db('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: Date.now() });
}
