import type { Logger } from 'pino';
import type { Db } from '../db';
import { claimed, recordDelivery } from './delivery';
import {
  claimPortalMessage,
  headerAccepted,
  releasePortalMessage,
  sendableMessages,
  type PortalRow,
} from '../queries/portal.queries';
import {
  envelope,
  PORTAL_SERVICE,
  readAnswer,
  retryDelay,
  type Outcome,
  type PortalService,
} from '../../workflows/portal';

export interface PortalSenderOptions {
  /** This process, as written in leases. */
  owner: string;
  url: string;
  token?: string;
  /** One request's limit. */
  timeoutMs: number;
  /** How long a claimed message is ours; never less than three requests' worth. */
  leaseMs: number;
  baseDelayMs: number;
  /** Dossiers delivered side by side. */
  concurrency: number;
  /** For tests: another fetch. */
  fetch?: typeof fetch;
  /** Where a delivery that needed retries to be recorded is noted. */
  logger?: Logger;
}

export interface SendStats {
  accepted: number;
  retried: number;
}

/**
 * Delivers the national-portal outbox (contract.md §4). Only the first waiting message of each
 * dossier is ever sendable, so a dossier's messages go one at a time, in order, and a message
 * waiting for a retry holds the ones after it. Each message is leased (a conditional UPDATE) right
 * before it is sent: any number of processes can run this, and a process killed mid-send leaves a
 * lease that runs out, after which the message is sent again (the portal's upsert makes that
 * harmless). The lease outlasts the requests it covers, so a slow answer is never raced.
 */
export class PortalSender {
  private readonly leaseMs: number;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly db: Db,
    private readonly opts: PortalSenderOptions,
  ) {
    this.leaseMs = Math.max(opts.leaseMs, 3 * opts.timeoutMs);
    this.fetch = opts.fetch ?? fetch;
  }

  /** One pass: the first waiting message of up to `batch` dossiers, `concurrency` at a time. */
  async tick(now = Date.now(), batch = 50): Promise<SendStats> {
    const stats: SendStats = { accepted: 0, retried: 0 };
    const queue = await sendableMessages(this.db, now, batch);
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const r = await this.deliver(row, now);
        if (r === 'accepted') stats.accepted++;
        else if (r === 'retried') stats.retried++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    return stats;
  }

  /** Passes until nothing more is accepted or `budgetMs` is spent: a dossier's next message follows at once. */
  async drain(budgetMs = 10_000): Promise<SendStats> {
    const total: SendStats = { accepted: 0, retried: 0 };
    const until = Date.now() + budgetMs;
    for (;;) {
      const s = await this.tick();
      total.accepted += s.accepted;
      total.retried += s.retried;
      if (s.accepted === 0 || Date.now() >= until) return total;
    }
  }

  private async deliver(row: PortalRow, dueBy: number): Promise<'accepted' | 'retried' | 'skipped'> {
    const start = Date.now();
    const leaseUntil = start + this.leaseMs;
    const ours = await claimed(() => claimPortalMessage(this.db, row.id, this.opts.owner, start, leaseUntil, dueBy));
    if (!ours) return 'skipped';
    const service = row.service as PortalService;
    const data = JSON.parse(row.payload) as unknown;
    let isUpdating = service === PORTAL_SERVICE.header && (await headerAccepted(this.db, row.dossier_id, service));
    let outcome = await this.post(envelope(service, data, isUpdating));
    // "Already exists": the portal has this dossier (sent before a crash, or created there): update it.
    if (outcome.kind === 'exists' && service === PORTAL_SERVICE.header && !isUpdating) {
      isUpdating = true;
      outcome = await this.post(envelope(service, data, true));
    }
    const attempts = row.attempts + 1;
    if (outcome.kind === 'accepted') {
      // Accepted. Recording it is retried while the lease lasts (recordDelivery says why): a failure to
      // record is not a failed send, and leaving the lease to run out would send the message again.
      await recordDelivery(
        () =>
          releasePortalMessage(this.db, row.id, this.opts.owner, {
            status: 'sent',
            sentAt: Date.now(),
            isUpdating,
            response: outcome.message.slice(0, 500),
            attempts,
          }),
        leaseUntil,
        { logger: this.opts.logger, what: { portalMessageId: row.id, dossier: row.dossier_code } },
      );
      return 'accepted';
    }
    const message =
      outcome.kind === 'exists' ? `Cổng báo hồ sơ đã tồn tại khi cập nhật: ${outcome.message}` : outcome.message;
    await releasePortalMessage(this.db, row.id, this.opts.owner, {
      status: 'pending',
      availableAt: Date.now() + retryDelay(attempts, this.opts.baseDelayMs),
      attempts,
      lastError: message,
      isUpdating,
    });
    return 'retried';
  }

  /** One request; a network failure or a timeout is an outcome like any other (retry). */
  private async post(body: Record<string, unknown>): Promise<Outcome> {
    try {
      const res = await this.fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      return readAnswer(res.status, await res.text());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `không trả lời sau ${Math.round(this.opts.timeoutMs / 1000)} giây`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { kind: 'retry', message: `Không kết nối được Cổng DVC quốc gia: ${why}` };
    }
  }
}
