import type { Db } from '../db';
import { appendDispatchEvent } from '../services/audit';
import { withTransaction } from '../db';
import { enqueue } from '../services/outbox.service';
import { vnDate, vnStartOfDay, WorkCalendar } from '../../workflows/calendar';
import { applyReplyEvent, OPEN_REPLY_STATES } from '../../workflows/dispatch';

const DAY = 86_400_000;

/**
 * At the end of a dispatch's due date (local midnight), every open reply becomes `deemed_agreed`
 * (silence means agreement) or `overdue`. Each reply changes under its version check, so with several
 * processes running this, each reply expires exactly once. Returns how many this call expired.
 */
export async function expireReplies(db: Db, now = Date.now()): Promise<number> {
  const today = vnDate(new Date(now));
  const due = await db('dispatch_replies as r')
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .where('d.state', 'issued')
    .andWhere('d.due_date', '<', today)
    .whereIn('r.state', [...OPEN_REPLY_STATES])
    .select('r.id', 'r.version', 'r.state', 'r.snapshot', 'r.dispatch_id', 'd.silence_means_agreement', 'd.due_date');
  let expired = 0;
  for (const r of due) {
    if (now < vnStartOfDay(r.due_date).getTime() + DAY) continue;
    const result = applyReplyEvent(JSON.parse(r.snapshot), {
      type: 'EXPIRE',
      silenceMeansAgreement: Boolean(r.silence_means_agreement),
    });
    if (!result.ok) continue;
    const done = await withTransaction(db, async (trx) => {
      const n = await trx('dispatch_replies')
        .where({ id: r.id, version: r.version })
        .update({
          state: result.state,
          snapshot: JSON.stringify(result.snapshot),
          version: r.version + 1,
          updated_at: now,
        });
      if (n !== 1) return false; // another process got there first
      await appendDispatchEvent(trx, {
        dispatch_id: r.dispatch_id,
        reply_id: r.id,
        type: 'EXPIRE',
        from_state: r.state,
        to_state: result.state,
        comment: 'Hết hạn trả lời',
        at: now,
      });
      return true;
    });
    if (done) expired++;
  }
  return expired;
}

/**
 * One working day before the due date, remind every open reply once (the dispatch row's
 * `reminded_at` is set with a conditional update, so only one process sends). Returns dispatches reminded.
 */
export async function remindDue(db: Db, cal: WorkCalendar, now = Date.now()): Promise<number> {
  const today = vnDate(new Date(now));
  const candidates = await db('dispatches')
    .where('state', 'issued')
    .whereNull('reminded_at')
    .andWhere('due_date', '>=', today)
    .select('id', 'due_date');
  let reminded = 0;
  for (const d of candidates) {
    // The working day before the due date: walk back from the due date to the previous working day.
    let day = vnStartOfDay(d.due_date).getTime() - DAY;
    for (let i = 0; i < 30 && !cal.isWorkingDay(vnDate(new Date(day))); i++) day -= DAY;
    if (now < day) continue;
    const sent = await withTransaction(db, async (trx) => {
      const n = await trx('dispatches').where({ id: d.id }).whereNull('reminded_at').update({ reminded_at: now });
      if (n !== 1) return false;
      await enqueue(trx, 'dispatch.remind', { dispatchId: d.id, automatic: true }, now);
      return true;
    });
    if (sent) reminded++;
  }
  return reminded;
}

/** "Remind the rest" from the sender's page: one reminder mail batch for the open replies now. */
export async function remindNow(db: Db, dispatchId: number, now = Date.now()): Promise<void> {
  await enqueue(db, 'dispatch.remind', { dispatchId, automatic: false }, now);
}
