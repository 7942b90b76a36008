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
import { vnDate } from '../../workflows/calendar';
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
 * The active user behind a bearer token, with unit and roles, in one query (token + user + unit
 * joined, roles and today's delegations counted alongside): this runs on every API request.
 * `delegated`: whether delegations to this user are in force today (only then are they read).
 */
export async function userForToken(
  db: Q,
  token: string,
  now = Date.now(),
): Promise<{ user: User; tokenId: number; delegated: boolean } | null> {
  const row = await findTokenUser(db, hashToken(token), now, vnDate(new Date(now)));
  if (!row) return null;
  if (!row.last_used_at || now - row.last_used_at > 60_000) await markApiTokenUsed(db, row.token_id, now);
  return {
    tokenId: row.token_id,
    delegated: row.delegations_today > 0,
    user: {
      id: row.id,
      username: row.username,
      fullName: row.full_name,
      email: row.email,
      unitId: row.unit_id,
      unitCode: row.unit_code,
      unitName: row.unit_name,
      roles: row.roles as Role[],
      active: true,
    },
  };
}
