import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { User } from '../queries/users.queries';
import type { Role } from '../../workflows/labels';

type Q = Knex | Knex.Transaction;

/** Tokens are stored as SHA-256: a leaked table does not leak usable tokens. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueToken(db: Q, userId: number, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = 'mc_' + crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + ttlMs;
  await db('api_tokens').insert({
    user_id: userId,
    token_hash: hashToken(token),
    created_at: now,
    expires_at: expiresAt,
  });
  return { token, expiresAt: new Date(expiresAt) };
}

export async function revokeToken(db: Q, tokenId: number): Promise<void> {
  await db('api_tokens').where({ id: tokenId }).update({ revoked_at: Date.now() });
}

export async function revokeAllForUser(db: Q, userId: number): Promise<void> {
  await db('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: Date.now() });
}

/**
 * The active user behind a bearer token, with unit and roles, in two queries (token + user + unit
 * joined, then roles): this runs on every API request.
 */
export async function userForToken(db: Q, token: string): Promise<{ user: User; tokenId: number } | null> {
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .leftJoin('units as un', 'un.id', 'u.unit_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .andWhere('t.expires_at', '>', Date.now())
    .andWhere('u.active', true)
    .first(
      't.id as token_id',
      't.last_used_at',
      'u.id',
      'u.username',
      'u.full_name',
      'u.email',
      'u.unit_id',
      'un.code as unit_code',
      'un.name as unit_name',
    );
  if (!row) return null;
  const roles = ((await db('user_roles').where({ user_id: row.id }).pluck('role')) as Role[]).sort();
  if (!row.last_used_at || Date.now() - Number(row.last_used_at) > 60_000) {
    await db('api_tokens').where({ id: row.token_id }).update({ last_used_at: Date.now() });
  }
  return {
    tokenId: row.token_id,
    user: {
      id: row.id,
      username: row.username,
      fullName: row.full_name,
      email: row.email,
      unitId: row.unit_id,
      unitCode: row.unit_code,
      unitName: row.unit_name,
      roles,
      active: true,
    },
  };
}
