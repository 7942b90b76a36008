import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { User } from '../queries/users.queries';
import {
  findTokenUser,
  insertApiToken,
  markApiTokenUsed,
  revokeApiToken,
  revokeApiTokensOfUser,
} from '../queries/api-tokens.queries';
import { rolesOf } from '../queries/user-roles.queries';

type Q = Knex | Knex.Transaction;

/** Tokens are stored as SHA-256: a leaked table does not leak usable tokens. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueToken(db: Q, userId: number, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = 'mc_' + crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + ttlMs;
  await insertApiToken(db, { userId, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { token, expiresAt: new Date(expiresAt) };
}

export async function revokeToken(db: Q, tokenId: number): Promise<void> {
  await revokeApiToken(db, tokenId, Date.now());
}

export async function revokeAllForUser(db: Q, userId: number): Promise<void> {
  await revokeApiTokensOfUser(db, userId, Date.now());
}

/**
 * The active user behind a bearer token, with unit and roles, in two queries (token + user + unit
 * joined, then roles): this runs on every API request.
 */
export async function userForToken(db: Q, token: string): Promise<{ user: User; tokenId: number } | null> {
  const row = await findTokenUser(db, hashToken(token), Date.now());
  if (!row) return null;
  const roles = await rolesOf(db, row.id);
  if (!row.last_used_at || Date.now() - row.last_used_at > 60_000) await markApiTokenUsed(db, row.token_id, Date.now());
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
