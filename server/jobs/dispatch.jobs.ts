import type { Db } from '../db';
import { withTransaction } from '../db';
import { enqueue } from '../services/outbox.service';
import { markReminded, unremindedDispatches } from '../queries/dispatch-reminders.queries';
import { vnDate, vnStartOfDay, WorkCalendar } from '../../workflows/calendar';

const DAY = 86_400_000;

export { expireReplies } from '../services/dispatch-transitions.service';

/**
 * One working day before the due date, remind every open reply once (the dispatch row's
 * `reminded_at` is set with a conditional update, so only one process sends). Returns dispatches reminded.
 */
export async function remindDue(db: Db, cal: WorkCalendar, now = Date.now()): Promise<number> {
  const today = vnDate(new Date(now));
  const candidates = await unremindedDispatches(db, today);
  let reminded = 0;
  for (const d of candidates) {
    // The working day before the due date: walk back from the due date to the previous working day.
    let day = vnStartOfDay(d.dueDate).getTime() - DAY;
    for (let i = 0; i < 30 && !cal.isWorkingDay(vnDate(new Date(day))); i++) day -= DAY;
    if (now < day) continue;
    const sent = await withTransaction(db, async (trx) => {
      if (!(await markReminded(trx, d.id, now))) return false;
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
