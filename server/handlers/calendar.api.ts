import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import { parseBody, parseFields } from '../schemas/validate';
import { deleteOverride, getCalendar, listOverrides, setOverride } from '../services/calendar.service';
import { isValidDateString, toVnIso } from '../../workflows/calendar';

const deadlineSchema = z
  .object({
    // An unencoded '+' in a query string arrives as a space: accept it as the offset sign it was.
    from: z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/ (\d\d:\d\d)$/, '+$1') : v),
      z.iso
        .datetime({
          offset: true,
          error: 'from phải là thời điểm ISO 8601 có múi giờ, ví dụ 2027-04-29T10:00:00+07:00',
        })
        .refine((v) => {
          const y = new Date(v).getUTCFullYear();
          return y >= 1900 && y <= 2100;
        }, 'from phải trong khoảng năm 1900–2100'),
    ),
    days: z.coerce.number().positive('Số ngày phải lớn hơn 0').max(3650).optional(),
    hours: z.coerce
      .number()
      .positive('Số giờ phải lớn hơn 0')
      .max(3650 * 8)
      .optional(),
  })
  .refine((q) => (q.days === undefined) !== (q.hours === undefined), {
    path: ['days'],
    message: 'Cần đúng một trong hai tham số days hoặc hours',
  });

const daySchema = z.object({
  kind: z.enum(['holiday', 'workday'], { error: 'kind phải là holiday (nghỉ) hoặc workday (làm việc)' }),
  name: z.string().trim().max(255).nullish(),
});

function dateParam(req: Request): string {
  const date = String(req.params.date);
  if (!isValidDateString(date)) throw new NotFound('Ngày không hợp lệ (định dạng YYYY-MM-DD).');
  return date;
}

/** /api/v1/calendar: deadlines and the admin's per-date overrides. */
export function calendarApi(ctx: AppContext) {
  return {
    async deadline(req: Request, res: Response) {
      const q = parseFields(deadlineSchema, req.query);
      const cal = await getCalendar(ctx.db, ctx.config);
      const { start, dueAt } = cal.deadline(
        new Date(q.from),
        q.days !== undefined ? { days: q.days } : { hours: q.hours },
      );
      res.json({ from: q.from, start: toVnIso(start), dueAt: toVnIso(dueAt) });
    },
    async putDay(req: Request, res: Response) {
      const date = dateParam(req);
      const body = parseBody(daySchema, req.body);
      await setOverride(ctx.db, date, body.kind, body.name ?? null);
      res.json({ date, kind: body.kind, name: body.name ?? null });
    },
    async deleteDay(req: Request, res: Response) {
      await deleteOverride(ctx.db, dateParam(req));
      res.status(204).end();
    },
    async listDays(req: Request, res: Response) {
      const { year } = parseFields(
        z.object({ year: z.coerce.number().int().min(1900).max(2199).optional() }),
        req.query,
      );
      const y = year ?? new Date().getFullYear();
      const cal = await getCalendar(ctx.db, ctx.config);
      res.json({ year: y, holidays: cal.holidays(y), overrides: await listOverrides(ctx.db, y) });
    },
  };
}
