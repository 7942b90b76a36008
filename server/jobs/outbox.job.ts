import type { Logger } from 'pino';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { claimed, recordDelivery } from './delivery';
import type { Mailer, Mail } from '../mail/mailer';
import { dossierMails, DossierMailEvent } from '../mail/compose';
import { dispatchMails } from '../mail/dispatch-mails';
import {
  claimOutbox,
  dueOutbox,
  insertOutbox,
  OutboxRow,
  releaseOutbox,
  requeueFailedMail,
} from '../queries/outbox.queries';

export interface OutboxOptions {
  owner: string;
  publicUrl: string;
  batch?: number;
  /** How long a claimed row is ours; another process takes it over after that (crash recovery). */
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Where a delivery that needed retries to be recorded is noted. */
  logger?: Logger;
}

/**
 * Delivers the outbox. Rows are claimed one by one with a conditional UPDATE (a lease), so several
 * processes can run this at once and each row is handled by one of them. Dossier events expand into
 * one `mail` row per recipient in a transaction; each mail row is sent on its own, so a failure retries
 * only that message, with exponential back-off, until it is marked failed for an admin to resend.
 */
export class OutboxWorker {
  private readonly batch: number;
  private readonly leaseMs: number;
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly opts: OutboxOptions,
  ) {
    this.batch = opts.batch ?? 20;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseDelayMs = opts.baseDelayMs ?? 30_000;
  }

  /**
   * Lease one row right before handling it (never a whole batch up front: a slow mail server must not
   * let a batch's later leases expire while earlier rows are still being sent). Returns when the lease
   * ends, or null when the row is not ours.
   */
  private async claim(row: OutboxRow): Promise<number | null> {
    const now = Date.now();
    const until = now + this.leaseMs;
    return (await claimed(() => claimOutbox(this.db, row.id, this.opts.owner, now, until))) ? until : null;
  }

  /** One pass: claim what is due and handle it. Returns how many rows were sent, expanded, failed. */
  async tick(now = Date.now()): Promise<{ sent: number; expanded: number; retried: number; failed: number }> {
    const stats = { sent: 0, expanded: 0, retried: 0, failed: 0 };
    for (const row of await dueOutbox(this.db, now, this.batch)) {
      const leaseUntil = await this.claim(row);
      if (leaseUntil === null) continue;
      if (row.kind === 'mail') {
        stats[await this.deliver(row, leaseUntil)]++;
        continue;
      }
      await this.expand(row);
      stats.expanded++;
    }
    return stats;
  }

  /** Send one claimed mail and record the outcome; only a failed send counts an attempt. */
  private async deliver(row: OutboxRow, leaseUntil: number): Promise<'sent' | 'retried' | 'failed'> {
    const attempts = row.attempts + 1;
    try {
      await this.mailer.send(JSON.parse(row.payload) as Mail);
    } catch (err) {
      const failed = attempts >= this.maxAttempts;
      // Not sent: if this cannot be recorded either, the lease runs out and the mail is tried again.
      await releaseOutbox(this.db, row.id, this.opts.owner, {
        status: failed ? 'failed' : 'pending',
        attempts,
        availableAt: Date.now() + Math.min(this.baseDelayMs * 2 ** (attempts - 1), 3_600_000),
        lastError: String((err as Error)?.message ?? err).slice(0, 1000),
      });
      return failed ? 'failed' : 'retried';
    }
    // Sent. Recording it is retried while the lease lasts (recordDelivery says why); never a send failure.
    await recordDelivery(
      () =>
        releaseOutbox(this.db, row.id, this.opts.owner, {
          status: 'sent',
          sentAt: Date.now(),
          attempts,
          lastError: null,
        }),
      leaseUntil,
      { logger: this.opts.logger, what: { outboxId: row.id } },
    );
    return 'sent';
  }

  private async expand(row: OutboxRow): Promise<void> {
    const payload = JSON.parse(row.payload);
    const mails = row.kind.startsWith('dossier.')
      ? await dossierMails(this.db, payload as DossierMailEvent, this.opts.publicUrl)
      : row.kind.startsWith('dispatch.')
        ? await dispatchMails(this.db, row.kind, payload, this.opts.publicUrl)
        : [];
    await withTransaction(this.db, async (trx) => {
      const still = await releaseOutbox(trx, row.id, this.opts.owner, {
        status: 'done',
        sentAt: Date.now(),
        onlyIfPending: true,
      });
      if (!still) return; // the lease expired and someone else took it: they expand it
      const now = Date.now();
      for (const m of mails) await insertOutbox(trx, 'mail', m, now);
    });
  }
}

/** Put a failed mail back in the queue (admin "resend"). */
export async function resendMail(db: Db, id: number): Promise<boolean> {
  return requeueFailedMail(db, id, Date.now());
}
