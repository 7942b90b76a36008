import crypto from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context';
import { isDuplicate } from '../db';
import { AppError } from '../errors';
import { KeyTaken, runKeyed, type KeyedRequest } from '../idempotency/context';
import { answerIdempotencyKey, insertIdempotencyKey } from '../queries/idempotency.queries';
import {
  API_SCOPE,
  encodeAnswer,
  priorAnswer,
  requestHash,
  type Answer,
  type Prior,
} from '../services/idempotency.service';

/*
 * `Idempotency-Key` on every POST under /api/v1 but /tokens (contract.md §2): a repeat by the same
 * user with the same key within 24 hours gets the first answer again (`Idempotency-Replayed: true`)
 * and changes nothing; the same key with another request → 409. How a request records its key
 * race-free is in server/idempotency/context.ts; this is the HTTP side: check the header, answer a
 * repeat, run a first request under its key and keep its answer (never a 5xx: those may be retried).
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

export class InvalidIdempotencyKey extends AppError {
  constructor() {
    super(
      400,
      'invalid_idempotency_key',
      'Khóa Idempotency-Key không hợp lệ: cần 1–100 ký tự gồm chữ cái không dấu, chữ số và các dấu _ . : -',
      { header: IDEMPOTENCY_HEADER },
    );
  }
}

export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(
      409,
      'idempotency_key_reused',
      'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác trong 24 giờ qua; mỗi yêu cầu mới cần một khóa mới.',
    );
  }
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** What was asked: method, path and body; for a file upload its fields and each file's bytes. */
function fingerprint(req: Request): string {
  const many = req.files;
  const files = Array.isArray(many) ? many : many ? Object.values(many).flat() : req.file ? [req.file] : [];
  const body: unknown = req.body;
  return requestHash({
    method: req.method,
    path: req.originalUrl,
    body: Buffer.isBuffer(body) ? { sha256: sha256(body) } : (body ?? null),
    files: files.map((f) => ({ field: f.fieldname, name: f.originalname, type: f.mimetype, sha256: sha256(f.buffer) })),
  });
}

const keyOf = new WeakMap<Response, KeyedRequest>();

function replay(res: Response, a: Answer): void {
  res.status(a.status);
  for (const [name, value] of Object.entries(a.headers ?? {})) res.set(name, value);
  res.set('Idempotency-Replayed', 'true').json(a.body);
}

/** Answer a key that is already taken; false when it is free. */
function settle(res: Response, prior: Prior): boolean {
  if (prior.kind === 'replay') replay(res, prior.answer);
  else if (prior.kind === 'reused') throw new IdempotencyKeyReused();
  else if (prior.kind === 'in_flight') throw new KeyTaken();
  return prior.kind !== 'none';
}

/** Keep the request's answer with its key before it is sent (a 5xx is never kept). */
function keepAnswers(ctx: AppContext, req: Request, res: Response, k: KeyedRequest): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const frozen = k.answered || k.done;
    k.done = true;
    if (frozen || res.statusCode >= 500) return send(body);
    const location = res.get('Location');
    const answer: Answer = { status: res.statusCode, body, ...(location ? { headers: { Location: location } } : {}) };
    keepAnswer(ctx, k, answer)
      .catch((err: unknown) => req.log?.warn({ err }, 'idempotency answer not stored'))
      .finally(() => send(body));
    return res;
  };
}

/** Keep a request's answer with its key (the row its transaction recorded, or a new one). */
export async function keepAnswer(ctx: AppContext, k: KeyedRequest, a: Answer): Promise<void> {
  const text = encodeAnswer(a);
  if (text === null) return;
  if (k.recorded) {
    await answerIdempotencyKey(ctx.db, { user_id: k.userId, scope: k.scope, key: k.key }, a.status, text);
    return;
  }
  // Nothing was written in a transaction (a 4xx, or a route that writes without one): kept now.
  try {
    await insertIdempotencyKey(ctx.db, {
      user_id: k.userId,
      scope: k.scope,
      key: k.key,
      request_hash: k.hash,
      status: a.status,
      response: text,
      created_at: k.now,
    });
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
}

/**
 * The two halves around a POST route's handlers: `before` (after the body is read, before its
 * input is checked) and `after`, the error handler that turns a twin's win into its answer.
 */
export function idempotency(ctx: AppContext): { before: RequestHandler; after: ErrorRequestHandler } {
  const wait = ctx.config.IDEMPOTENCY_WAIT_MS;
  return {
    async before(req, res, next) {
      const key = req.get(IDEMPOTENCY_HEADER);
      if (key === undefined || !req.user) return next();
      if (!IDEMPOTENCY_KEY.test(key)) throw new InvalidIdempotencyKey();
      const k: KeyedRequest = {
        userId: req.user.id,
        scope: API_SCOPE,
        key,
        hash: fingerprint(req),
        now: Date.now(),
        recorded: false,
        answered: false,
        done: false,
      };
      if (settle(res, await priorAnswer(ctx.db, k, wait))) return;
      keyOf.set(res, k);
      keepAnswers(ctx, req, res, k);
      runKeyed(k, () => next());
    },
    async after(err, _req, res, next) {
      const k = keyOf.get(res);
      if (!(err instanceof KeyTaken) || !k) return next(err);
      // A twin recorded the key first and has committed: its answer (waited for), never a second run.
      k.answered = true;
      const prior = await priorAnswer(ctx.db, k, wait);
      if (!settle(res, prior)) throw new KeyTaken();
    },
  };
}
