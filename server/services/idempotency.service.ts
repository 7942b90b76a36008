import crypto from 'node:crypto';
import type { Db } from '../db';
import { findIdempotencyKey, IDEMPOTENCY_TTL_MS } from '../queries/idempotency.queries';

/*
 * One-time keys (contract.md §2, idempotency): a staff form's token now, the API's Idempotency-Key
 * later. The key is recorded in the same transaction as what it created, so a repeat finds it.
 */

/** A one-time key recorded in the intake's own transaction (contract.md §2, idempotency). */
export interface OneTimeKey {
  scope: string;
  key: string;
  requestHash?: string;
}

/** A stable hash of what was asked, to tell a replay from a different request under the same key. */
export function requestHash(input: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** The dossier a one-time key already created for this user (within the replay window), or null. */
export async function dossierCodeForKey(db: Db, userId: number, scope: string, key: string, now = Date.now()) {
  const row = await findIdempotencyKey(db, userId, scope, key, now - IDEMPOTENCY_TTL_MS);
  if (!row) return null;
  const { code } = JSON.parse(row.response) as { code?: string };
  return code ?? null;
}
