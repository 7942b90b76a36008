import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { isDuplicate, setTransactionHook } from '../db';
import { AppError } from '../errors';
import { answerIdempotencyKey, insertPendingKey } from '../queries/idempotency.queries';
import { encodeAnswer, type Answer } from '../services/idempotency.service';

/*
 * The request an Idempotency-Key guards (contract.md §2), carried through its async calls. The
 * request's first transaction records the key as its first statement (status 0: running), so a
 * twin sent at the same moment, by this process or another, blocks on the unique index until the
 * first commits (the twin then replays its answer) or rolls back (the twin runs). A transaction
 * that rolls back takes the key with it: a repeat runs again. Where the answer is known inside the
 * transaction it is written there too, so a commit whose reply is lost still replays exactly.
 */

export interface KeyedRequest {
  userId: number;
  scope: string;
  key: string;
  hash: string;
  now: number;
  /** A committed or open transaction of this request holds the key row. */
  recorded: boolean;
  /** The row holds the answer. */
  answered: boolean;
  /** The answer is being sent: work started later (timers, jobs) is no part of the request. */
  done: boolean;
  /** Turns the result of the transaction that records the key into the answer, when it is that. */
  present?: (result: unknown) => Answer | undefined;
}

const store = new AsyncLocalStorage<KeyedRequest>();

/** Run the rest of a request under its key. */
export function runKeyed<T>(k: KeyedRequest, fn: () => T): T {
  return store.run(k, fn);
}

/** The key of the request running here, if any (and still running). */
export function currentKey(): KeyedRequest | undefined {
  const k = store.getStore();
  return k && !k.done ? k : undefined;
}

/** A twin of this request committed first: its answer is given instead (middleware/idempotency). */
export class KeyTaken extends AppError {
  constructor() {
    super(
      409,
      'idempotency_in_flight',
      'Yêu cầu với cùng khóa Idempotency-Key đang được xử lý. Vui lòng thử lại sau ít giây.',
    );
  }
}

/** Say how this request's answer follows from its transaction's result (stored before the commit). */
export function answerFromResult(present: (result: unknown) => Answer | undefined): void {
  const k = currentKey();
  if (k) k.present = present;
}

async function writeAnswer(trx: Knex.Transaction, k: KeyedRequest, answer: Answer): Promise<void> {
  const text = encodeAnswer(answer);
  if (text === null) return;
  await answerIdempotencyKey(trx, { user_id: k.userId, scope: k.scope, key: k.key }, answer.status, text);
  k.answered = true;
}

/**
 * Store the answer inside the transaction that recorded this request's key (a service that builds
 * the answer in its transaction calls this); nothing when no key is recorded here.
 */
export async function answerInTransaction(trx: Knex.Transaction, answer: Answer): Promise<void> {
  const k = currentKey();
  if (k?.recorded && !k.answered) await writeAnswer(trx, k, answer);
}

setTransactionHook({
  async begin(trx) {
    const k = currentKey();
    if (!k || k.recorded) return null;
    try {
      await insertPendingKey(trx, {
        user_id: k.userId,
        scope: k.scope,
        key: k.key,
        request_hash: k.hash,
        created_at: k.now,
      });
    } catch (err) {
      if (isDuplicate(err)) throw new KeyTaken();
      throw err;
    }
    k.recorded = true;
    return {
      async beforeCommit(result: unknown) {
        const answer = !k.answered && k.present?.(result);
        if (answer) await writeAnswer(trx, k, answer);
      },
      failed() {
        k.recorded = false;
        k.answered = false;
      },
    };
  },
});
