import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Db } from '../db';
import {
  deleteIdempotencyKey,
  findIdempotencyKey,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyRow,
} from '../queries/idempotency.queries';

/*
 * One-time keys (contract.md §2, idempotency): a staff form's token and the API's Idempotency-Key.
 * The key is recorded in the same transaction as what it guards, so a repeat finds either nothing
 * (the first attempt rolled back: it runs again) or the first answer (server/idempotency).
 */

/** A one-time key recorded in the intake's own transaction (contract.md §2, idempotency). */
export interface OneTimeKey {
  scope: string;
  key: string;
  requestHash?: string;
}

/** The scope of every `Idempotency-Key` under /api/v1: one key names one request of one user. */
export const API_SCOPE = 'api';

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

/** A first answer as kept with its key and given again. */
export interface Answer {
  status: number;
  body: unknown;
  /** The few headers worth giving again (`location`). */
  headers?: Record<string, string>;
}

// The `response` column is TEXT (64 KB on MySQL): a long answer (a dispatch to every commune) is
// kept gzipped; one that does not fit even so is not kept (the key then answers 409 "in flight").
const PLAIN_MAX = 60_000;
const GZ = 'gz:';

/** The column text for an answer, or null when it cannot be kept. */
export function encodeAnswer(a: Answer): string | null {
  const json = JSON.stringify(a);
  if (Buffer.byteLength(json) <= PLAIN_MAX) return json;
  const packed = GZ + zlib.gzipSync(json).toString('base64');
  return packed.length <= PLAIN_MAX ? packed : null;
}

export function decodeAnswer(text: string): Answer {
  const json = text.startsWith(GZ) ? zlib.gunzipSync(Buffer.from(text.slice(GZ.length), 'base64')).toString() : text;
  return JSON.parse(json) as Answer;
}

/** A key of this user still inside the replay window; an expired one is dropped (the key is free again). */
export async function liveKey(
  db: Db,
  userId: number,
  scope: string,
  key: string,
  now = Date.now(),
): Promise<IdempotencyRow | null> {
  const row = await findIdempotencyKey(db, userId, scope, key);
  if (row && row.created_at < now - IDEMPOTENCY_TTL_MS) {
    await deleteIdempotencyKey(db, row.id, row.created_at);
    return null;
  }
  return row;
}

/** What a repeated key finds. */
export type Prior = { kind: 'none' } | { kind: 'replay'; answer: Answer } | { kind: 'reused' } | { kind: 'in_flight' };

/**
 * What this key already holds: nothing, the first answer, another request (a different hash), or
 * a request whose work committed but whose answer is not written yet: waited for up to `waitMs`.
 */
export async function priorAnswer(
  db: Db,
  k: { userId: number; scope: string; key: string; hash: string },
  waitMs: number,
  now = Date.now(),
): Promise<Prior> {
  const until = Date.now() + waitMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    const row = await liveKey(db, k.userId, k.scope, k.key, now);
    if (!row) return { kind: 'none' };
    if (row.request_hash !== k.hash) return { kind: 'reused' };
    if (row.status > 0) return { kind: 'replay', answer: decodeAnswer(row.response) };
    if (Date.now() >= until) return { kind: 'in_flight' };
    await new Promise((r) => setTimeout(r, delay));
  }
}
