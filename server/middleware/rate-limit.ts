import type { RequestHandler } from 'express';
import { rateLimit, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import type { AppContext } from '../context';
import { isRetryable } from '../db';
import { TooMany } from '../errors';
import { countHit, forgetKey, pruneWindows, uncountHit } from '../queries/rate-limits.queries';

const WINDOW_MS = 60_000;

/**
 * express-rate-limit's store in the database (design.md §9): every app process counts the same
 * hits, so N processes behind a load balancer enforce one limit, not N. A client's window starts at its
 * first hit; one statement per hit, or per burst of one client's hits (see increment). Old windows are pruned now and then by whichever process happens to count a hit.
 */
export class DbRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = WINDOW_MS;

  constructor(
    private readonly ctx: AppContext,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`.slice(0, 200);
  }

  /** Hits waiting for the statement in flight of their key (per process), counted together next. */
  private waiting = new Map<string, Array<{ resolve: (r: IncrementResponse) => void; reject: (e: unknown) => void }>>();

  /**
   * One statement in flight per key in this process: hits of a key that arrive while it runs are
   * counted together by the next one (`hits + n`), each answered with its own place in the count. The
   * count is still the database's, so N processes still enforce one limit; a burst from one address
   * costs one row update at a time instead of one each, all queued on that one row's lock.
   */
  increment(key: string): Promise<IncrementResponse> {
    const k = this.key(key);
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(k);
      if (queue) return void queue.push({ resolve, reject });
      this.waiting.set(k, []);
      void this.flush(k, [{ resolve, reject }]);
    });
  }

  private async flush(
    k: string,
    batch: Array<{ resolve: (r: IncrementResponse) => void; reject: (e: unknown) => void }>,
  ): Promise<void> {
    try {
      const { hits, windowStart } = await this.count(k, batch.length);
      const resetTime = new Date(windowStart + this.windowMs);
      batch.forEach((h, i) => h.resolve({ totalHits: hits - batch.length + 1 + i, resetTime }));
    } catch (err) {
      for (const h of batch) h.reject(err);
    }
    const next = this.waiting.get(k)!;
    if (next.length) {
      this.waiting.set(k, []);
      void this.flush(k, next);
    } else this.waiting.delete(k);
  }

  private async count(k: string, n: number): Promise<{ hits: number; windowStart: number }> {
    const now = Date.now();
    // Under Galera two nodes' hits on one row can collide at commit (a deadlock error): count again.
    for (let attempt = 1; ; attempt++) {
      try {
        const counted = await countHit(this.ctx.db, k, now, this.windowMs, n);
        if (Math.random() < 0.001) void pruneWindows(this.ctx.db, now - this.windowMs).catch(() => undefined);
        return counted;
      } catch (err) {
        if (attempt >= 5 || !isRetryable(err)) throw err;
      }
    }
  }

  async decrement(key: string): Promise<void> {
    await uncountHit(this.ctx.db, this.key(key), Date.now() - this.windowMs);
  }

  async resetKey(key: string): Promise<void> {
    await forgetKey(this.ctx.db, this.key(key));
  }
}

/**
 * The per-address limit of a public, sign-in-free route (PUBLIC_RATE_LIMIT a minute). Limiters with
 * the same `scope` share their counts: the lookup page and the lookup API are one budget.
 */
export function publicRateLimit(ctx: AppContext, scope: string, message: string): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: ctx.config.PUBLIC_RATE_LIMIT,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new DbRateLimitStore(ctx, scope),
    // Two limiters of one scope (the page and the API) are meant to share a store's counts.
    validate: { singleCount: false },
    handler: (_req, _res, next) => next(new TooMany(message, 60)),
  });
}
