import type { Config } from '../config';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { Forbidden, Invalid, NotFound } from '../errors';
import type { Actor } from '../policies/actor';
import { mayManagePortalSync } from '../policies/portal.policy';
import { findDossiersByIds, lockDossierRow } from '../queries/dossiers.queries';
import { portalCounts, resendAllPortalMessages, resendPortalMessage } from '../queries/portal.queries';
import {
  dayCounts,
  findPortalMessage,
  hasPortalMessages,
  mismatchedDossiers,
  neverQueuedOpenDossiers,
  openMessagesPage,
  type MismatchRow,
} from '../queries/portal-admin.queries';
import { dossierSyncStates, queueHeader, refreshRefusedHeader } from './portal-sync.service';
import { FAILING_AFTER, PORTAL_SERVICE, type SyncState } from '../../workflows/portal';
import { FINAL_STATES, NATIONAL_STATUS } from '../../workflows/status';
import { dayNumberFromDateString, vnDayStartMs } from '../../workflows/calendar/time';

/**
 * The national-portal sync as the admin sees and steers it (design.md §12): the queue's counts and
 * the messages not yet accepted, one day's reconciliation, the dossiers the portal has wrong,
 * resending, and queuing the dossiers received before sync was turned on. Every function checks
 * the portal policy first.
 */

export const MESSAGES_PER_PAGE = 50;
/** Dossiers listed as differing from the portal (the total is shown beside them). */
export const MISMATCH_LIMIT = 100;
/** Old dossiers queued per click: a large backlog is worked through in several clicks, each one short. */
export const QUEUE_BATCH = 200;

function assertMay(actor: Actor): void {
  if (!mayManagePortalSync(actor)) throw new Forbidden();
}

/** The portal's address as a person may see it: no user, password, query or fragment (a token may hide there). */
export function portalAddress(url: string | undefined): string | null {
  if (!url) return null;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export interface PortalOverview {
  on: boolean;
  address: string | null;
  counts: { pending: number; failing: number; failed: number; sent: number };
  messages: { rows: Awaited<ReturnType<typeof openMessagesPage>>['rows']; total: number; page: number; pages: number };
  day: { date: string } & Awaited<ReturnType<typeof dayCounts>>;
  mismatched: { rows: Array<{ row: MismatchRow; sync: SyncState }>; total: number };
  neverQueued: number;
}

/**
 * Everything the admin page shows. @param day `YYYY-MM-DD` (a valid date) whose reconciliation is
 * shown; @param page the page of the messages not yet accepted (1-based; past the end: the last)
 */
export async function portalOverview(
  db: Db,
  config: Pick<Config, 'PORTAL_URL'>,
  actor: Actor,
  q: { day: string; page: number },
): Promise<PortalOverview> {
  assertMay(actor);
  const counts = await portalCounts(db, FAILING_AFTER);
  const open = counts.pending + counts.failed;
  const pages = Math.max(1, Math.ceil(open / MESSAGES_PER_PAGE));
  const page = Math.min(Math.max(1, q.page), pages);
  const messages = await openMessagesPage(db, {
    failingAfter: FAILING_AFTER,
    limit: MESSAGES_PER_PAGE,
    offset: (page - 1) * MESSAGES_PER_PAGE,
  });
  const n = dayNumberFromDateString(q.day);
  const mismatched = await mismatchedDossiers(db, {
    header: PORTAL_SERVICE.header,
    nationalOf: NATIONAL_STATUS,
    limit: MISMATCH_LIMIT,
  });
  const syncs = await dossierSyncStates(
    db,
    mismatched.rows.map((r) => r.id),
  );
  return {
    on: !!config.PORTAL_URL,
    address: portalAddress(config.PORTAL_URL),
    counts,
    messages: { rows: messages.rows, total: messages.total, page, pages },
    day: { date: q.day, ...(await dayCounts(db, vnDayStartMs(n), vnDayStartMs(n + 1))) },
    mismatched: { rows: mismatched.rows.map((row) => ({ row, sync: syncs.get(row.id)! })), total: mismatched.total },
    neverQueued: (await neverQueuedOpenDossiers(db, FINAL_STATES, 1)).total,
  };
}

/**
 * Put one message back at the head of its dossier's line, due now. Safe to repeat: a message the
 * portal accepted meanwhile is left alone. @returns false when it was already accepted
 */
export async function resendMessage(
  db: Db,
  config: Pick<Config, 'PUBLIC_URL'>,
  actor: Actor,
  id: number,
  now = Date.now(),
): Promise<boolean> {
  assertMay(actor);
  const message = await findPortalMessage(db, id);
  if (!message) throw new NotFound('Không có tin gửi Cổng DVC quốc gia với mã này.');
  if (message.status === 'failed' && message.service === PORTAL_SERVICE.header) {
    // A header we refused to send: rebuilt from the dossier as it is now, sent only once it is right.
    return withTransaction(db, async (trx) => {
      const problem = await refreshRefusedHeader(trx, config, message);
      if (problem) throw new Invalid(`Vẫn chưa gửi được: ${problem.replace(/^Không gửi: /, '')}`);
      return resendPortalMessage(trx, id, now);
    });
  }
  return resendPortalMessage(db, id, now);
}

/** Every message not yet accepted, due now. @returns how many */
export async function resendAll(db: Db, actor: Actor, now = Date.now()): Promise<number> {
  assertMay(actor);
  return resendAllPortalMessages(db, now);
}

/**
 * Queue the current header of up to {@link QUEUE_BATCH} dossiers not yet final that have nothing in
 * the portal's queue (received before sync was turned on), each under its row lock, so a change of
 * the dossier at the same moment, or a second click, never queues it twice.
 * @returns how many were queued and how many such dossiers are left
 */
export async function queueNeverSynced(
  db: Db,
  config: Pick<Config, 'PORTAL_URL' | 'PUBLIC_URL'>,
  actor: Actor,
  now = Date.now(),
): Promise<{ queued: number; left: number }> {
  assertMay(actor);
  if (!config.PORTAL_URL)
    throw new Invalid('Chưa kết nối Cổng Dịch vụ công quốc gia (chưa đặt PORTAL_URL): không có gì để đồng bộ.');
  const { ids } = await neverQueuedOpenDossiers(db, FINAL_STATES, QUEUE_BATCH);
  let queued = 0;
  for (const id of ids) {
    const done = await withTransaction(db, async (trx) => {
      await lockDossierRow(trx, id);
      if (await hasPortalMessages(trx, id)) return false;
      const [row] = await findDossiersByIds(trx, [id]);
      if (!row || (FINAL_STATES as readonly string[]).includes(row.status)) return false;
      return queueHeader(trx, config, row, now);
    });
    if (done) queued++;
  }
  return { queued, left: (await neverQueuedOpenDossiers(db, FINAL_STATES, 1)).total };
}
