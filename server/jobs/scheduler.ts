import crypto from 'node:crypto';
import os from 'node:os';
import type { AppContext } from '../context';
import type { Mailer } from '../mail/mailer';
import { OutboxWorker } from './outbox.job';
import { PortalSender } from './portal-sync.job';
import { runDailyDigest } from './digest.job';
import { getCalendar } from '../services/calendar.service';
import { pruneFailures } from '../auth/throttle';
import { deleteExpiredSessions } from '../queries/sessions.queries';
import { IDEMPOTENCY_TTL_MS, purgeIdempotencyKeys } from '../queries/idempotency.queries';
import { expireReplies, remindDue } from './dispatch.jobs';
import { alertMissingReplies } from './consultation-alerts.job';
import { alertPortalFailures } from './portal-alerts.job';

export interface Scheduler {
  worker: OutboxWorker;
  /** The national-portal sender, when PORTAL_URL is set (it runs in a loop of its own). */
  portal: PortalSender | null;
  tick: () => Promise<void>;
  stop: () => Promise<void>;
}

type Task = (ctx: AppContext, owner: string) => Promise<unknown>;

/** Extra periodic tasks (tests and later areas may add their own). */
const extraTasks: Task[] = [];
export function registerTask(task: Task): void {
  extraTasks.push(task);
}

/**
 * One loop per process (design.md §2): deliver the outbox, run the daily digest, expire and remind,
 * prune sessions. Work is claimed with row leases, so any number of processes can run it. Deadlines
 * are timestamps in rows, checked here, never in-memory timers.
 */
export function startScheduler(
  ctx: AppContext,
  mailer: Mailer,
  opts: { intervalMs?: number; autostart?: boolean } = {},
): Scheduler {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const worker = new OutboxWorker(ctx.db, mailer, {
    owner,
    publicUrl: ctx.config.PUBLIC_URL,
    baseDelayMs: ctx.config.MAIL_RETRY_BASE_MS,
    maxAttempts: ctx.config.MAIL_MAX_ATTEMPTS,
    leaseMs: ctx.config.MAIL_LEASE_MS,
    logger: ctx.logger,
  });
  const interval = opts.intervalMs ?? ctx.config.JOB_INTERVAL_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastHousekeeping = 0;

  const tick = async () => {
    try {
      await worker.tick();
      for (const task of extraTasks) await task(ctx, owner);
      const cal = await getCalendar(ctx.db, ctx.config);
      await expireReplies(ctx.db);
      await remindDue(ctx.db, cal);
      await alertMissingReplies(ctx.db, ctx.config.PUBLIC_URL);
      await alertPortalFailures(ctx.db, ctx.config);
      await runDailyDigest(ctx.db, cal, ctx.config.PUBLIC_URL, owner);
      if (Date.now() - lastHousekeeping > 10 * 60_000) {
        lastHousekeeping = Date.now();
        await deleteExpiredSessions(ctx.db, Date.now());
        await pruneFailures(ctx.db, 24 * 3_600_000);
        await purgeIdempotencyKeys(ctx.db, Date.now() - IDEMPOTENCY_TTL_MS);
      }
    } catch (err) {
      // A failed pass (database away, say) is logged and retried at the next tick.
      ctx.logger.warn({ err }, 'scheduler pass failed');
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(loop, interval);
    });
  };
  if (opts.autostart !== false) timer = setTimeout(loop, 200);

  // The portal has a loop of its own: a slow or absent portal must not hold up mail and deadlines.
  const c = ctx.config;
  const portal = c.PORTAL_URL
    ? new PortalSender(ctx.db, {
        owner,
        url: c.PORTAL_URL,
        token: c.PORTAL_TOKEN,
        timeoutMs: c.PORTAL_TIMEOUT_MS,
        leaseMs: c.PORTAL_LEASE_MS,
        baseDelayMs: c.PORTAL_RETRY_BASE_MS,
        concurrency: c.PORTAL_CONCURRENCY,
        logger: ctx.logger,
      })
    : null;
  let portalTimer: NodeJS.Timeout | null = null;
  let portalRunning: Promise<unknown> | null = null;
  const portalLoop = () => {
    if (stopped || !portal) return;
    portalRunning = portal
      .drain()
      .catch((err) => ctx.logger.warn({ err }, 'portal sync pass failed'))
      .finally(() => {
        portalRunning = null;
        if (!stopped) portalTimer = setTimeout(portalLoop, c.PORTAL_INTERVAL_MS);
      });
  };
  if (portal && opts.autostart !== false) portalTimer = setTimeout(portalLoop, 300);
  return {
    worker,
    portal,
    tick,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (portalTimer) clearTimeout(portalTimer);
      await Promise.all([running, portalRunning]);
    },
  };
}
