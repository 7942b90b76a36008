import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { dateParams } from '../schemas/params.schema';
import type { daySchema, deadlineQuerySchema, yearQuerySchema } from '../schemas/calendar.schema';
import { deleteOverride, getCalendar, listOverrides, setOverride } from '../services/calendar.service';
import { toVnIso, type WorkCalendar } from '../../workflows/calendar';

/**
 * `from` is a moment of receipt: the 15:00 rule places the start for `hours` as it does for `days`
 * (contract, "Calendar"). A deadline of 0 days is exactly where counting starts.
 */
function receiptDeadline(cal: WorkCalendar, from: Date, q: { days?: number; hours?: number }) {
  if (q.days !== undefined) return cal.deadline(from, { days: q.days });
  const { start } = cal.deadline(from, { days: 0 });
  return { start, dueAt: cal.deadline(start, { hours: q.hours }).dueAt };
}

/** /api/v1/calendar: deadlines and the admin's per-date overrides. */
export function calendarApi(ctx: AppContext) {
  return {
    async deadline(req: Req<{ query: typeof deadlineQuerySchema }>, res: Response) {
      const q = req.input.query;
      const cal = await getCalendar(ctx.db, ctx.config);
      const { start, dueAt } = receiptDeadline(cal, new Date(q.from), q);
      res.json({ from: q.from, start: toVnIso(start), dueAt: toVnIso(dueAt) });
    },
    async putDay(req: Req<{ params: typeof dateParams; body: typeof daySchema }>, res: Response) {
      const { date } = req.input.params;
      const { kind, name } = req.input.body;
      await setOverride(ctx.db, date, kind, name ?? null);
      res.json({ date, kind, name: name ?? null });
    },
    async deleteDay(req: Req<{ params: typeof dateParams }>, res: Response) {
      await deleteOverride(ctx.db, req.input.params.date);
      res.status(204).end();
    },
    async listDays(req: Req<{ query: typeof yearQuerySchema }>, res: Response) {
      const y = req.input.query.year ?? new Date().getFullYear();
      const cal = await getCalendar(ctx.db, ctx.config);
      res.json({ year: y, holidays: cal.holidays(y), overrides: await listOverrides(ctx.db, y) });
    },
  };
}
