import type { Knex } from 'knex';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** An API token; only its SHA-256 is stored. */
export interface ApiTokenRow {
  id: number;
  user_id: number;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function toApiTokenRow(raw: Record<string, unknown>): ApiTokenRow {
  return {
    id: num(raw.id),
    user_id: num(raw.user_id),
    token_hash: String(raw.token_hash),
    created_at: num(raw.created_at),
    expires_at: num(raw.expires_at),
    last_used_at: numOrNull(raw.last_used_at),
    revoked_at: numOrNull(raw.revoked_at),
  };
}

export async function insertApiToken(
  db: Q,
  t: { userId: number; tokenHash: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db('api_tokens').insert({
    user_id: t.userId,
    token_hash: t.tokenHash,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
  });
}

export async function revokeApiToken(db: Q, id: number, at: number): Promise<void> {
  await db('api_tokens').where({ id }).update({ revoked_at: at });
}

export async function revokeApiTokensOfUser(db: Q, userId: number, at: number): Promise<void> {
  await db('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: at });
}

/** A live token joined with its active user and the user's unit. */
export interface TokenUserRow {
  token_id: number;
  last_used_at: number | null;
  id: number;
  username: string;
  full_name: string;
  email: string | null;
  unit_id: number | null;
  unit_code: string | null;
  unit_name: string | null;
  /** The user's roles, sorted (read with the token: one statement per API request). */
  roles: string[];
  /** How many delegations to this user are in force on the day asked (0: no need to read them). */
  delegations_today: number;
}

function toTokenUserRow(raw: Record<string, unknown>): TokenUserRow {
  return {
    token_id: num(raw.token_id),
    last_used_at: numOrNull(raw.last_used_at),
    id: num(raw.id),
    username: String(raw.username),
    full_name: String(raw.full_name),
    email: (raw.email as string | null) ?? null,
    unit_id: numOrNull(raw.unit_id),
    unit_code: (raw.unit_code as string | null) ?? null,
    unit_name: (raw.unit_name as string | null) ?? null,
    roles: raw.roles ? String(raw.roles).split(',').sort() : [],
    delegations_today: num(raw.delegations_today ?? 0),
  };
}

/**
 * The token with this hash if it is neither revoked nor expired at `now` and its user is active,
 * with the user's roles and the number of delegations to them in force on `day` ('YYYY-MM-DD'), in
 * one statement (this runs on every API request).
 */
export async function findTokenUser(db: Q, tokenHash: string, now: number, day: string): Promise<TokenUserRow | null> {
  const raw = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .leftJoin('units as un', 'un.id', 'u.unit_id')
    .where('t.token_hash', tokenHash)
    .whereNull('t.revoked_at')
    .andWhere('t.expires_at', '>', now)
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
      // Role names hold no comma; GROUP_CONCAT / group_concat join with one on both engines.
      db.raw('(SELECT group_concat(r.role) FROM user_roles r WHERE r.user_id = u.id) as roles'),
      db.raw(
        `(SELECT count(*) FROM delegations dl WHERE dl.deputy_id = u.id AND dl.revoked_at IS NULL
           AND dl.from_date <= ? AND dl.to_date >= ?) as delegations_today`,
        [day, day],
      ),
    );
  return raw ? toTokenUserRow(raw) : null;
}

export async function markApiTokenUsed(db: Q, id: number, at: number): Promise<void> {
  await db('api_tokens').where({ id }).update({ last_used_at: at });
}
