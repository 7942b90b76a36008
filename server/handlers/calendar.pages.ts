import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import type { Req } from '../routes/route';
import type { dateParams } from '../schemas/params.schema';
import type { calendarYearQuerySchema } from '../schemas/pages.schema';
import { parseFields } from '../schemas/validate';
import { deleteOverride, getCalendar, listOverrides, setOverride } from '../services/calendar.service';
import { flash } from '../middleware/locals';
import {
  isValidDateString,
  vnDate,
  type DayInfo,
  type HolidayEntry,
  type WorkCalendar,
} from '../../workflows/calendar';

const MIN_YEAR = 1900;
const MAX_YEAR = 2199;
const WEEKDAYS = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];
const SOURCE_LABELS: Record<HolidayEntry['source'], string> = {
  statutory: 'Theo Bộ luật Lao động',
  compensation: 'Nghỉ bù',
  override: 'Điều chỉnh',
};
const KIND_LABELS = { holiday: 'Nghỉ thêm', workday: 'Làm việc bù' } as const;

/** 'YYYY-MM-DD' → 'dd/mm/yyyy'. */
const vnDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const weekdayOf = (d: string) => WEEKDAYS[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7];

/** The date as people type it (dd/mm/yyyy, also with - or .) or as ISO 'YYYY-MM-DD'; null when not a real date. */
export function parseDateInput(input: string): string | null {
  const t = input.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const iso = m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : t;
  if (!isValidDateString(iso)) return null;
  const year = Number(iso.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR ? iso : null;
}

const daySchema = z.object({
  date: z
    .string({ error: 'Nhập ngày cần điều chỉnh' })
    .trim()
    .min(1, 'Nhập ngày cần điều chỉnh')
    .transform((s, c) => {
      const date = parseDateInput(s);
      if (!date)
        c.addIssue({
          code: 'custom',
          message: 'Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy (ví dụ 14/02/2026) hoặc YYYY-MM-DD',
        });
      return date ?? '';
    }),
  kind: z.enum(['holiday', 'workday'], { error: 'Chọn loại điều chỉnh: Nghỉ thêm hoặc Làm việc bù' }),
  name: z
    .string()
    .trim()
    .max(255, 'Tên ngày dài quá 255 ký tự')
    .optional()
    .transform((v) => v || null),
});
/** What the form re-renders with: the user's input as typed. */
const keptSchema = z.object({
  date: z.string().catch(''),
  kind: z.string().catch(''),
  name: z.string().catch(''),
  nam: z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR).optional().catch(undefined),
});

/** How one local date shows in the grid: class, and words for the tooltip and screen readers. */
function cell(info: DayInfo, source: HolidayEntry['source'] | undefined): { cls: string; label: string } {
  switch (info.kind) {
    case 'workday':
      return { cls: 'cal-work', label: 'Ngày làm việc' };
    case 'weekend':
      return { cls: 'cal-weekend', label: 'Nghỉ cuối tuần' };
    case 'holiday':
      return { cls: source === 'compensation' ? 'cal-comp' : 'cal-holiday', label: info.name ?? 'Ngày nghỉ lễ' };
    case 'override_holiday':
      return { cls: 'cal-off', label: `Nghỉ thêm: ${info.name ?? ''}` };
    case 'override_workday':
      return { cls: 'cal-makeup', label: `Làm việc bù${info.name ? `: ${info.name}` : ''}` };
  }
}

/** Twelve month grids, Monday first, each week a row of seven (blank outside the month). */
function monthGrids(cal: WorkCalendar, year: number, holidays: HolidayEntry[]) {
  const today = vnDate(new Date());
  const sources = new Map(holidays.map((h) => [h.date, h.source]));
  let workingDays = 0;
  const months = Array.from({ length: 12 }, (_, mi) => {
    const lead = (new Date(Date.UTC(year, mi, 1)).getUTCDay() + 6) % 7;
    const length = new Date(Date.UTC(year, mi + 1, 0)).getUTCDate();
    const cells: Array<Record<string, unknown> | null> = Array.from({ length: lead }, () => null);
    for (let d = 1; d <= length; d++) {
      const date = `${year}-${String(mi + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const info = cal.dayInfo(date);
      if (info.working) workingDays++;
      const { cls, label } = cell(info, sources.get(date));
      const special = info.kind !== 'workday' && info.kind !== 'weekend';
      cells.push({ day: d, iso: date, cls, label, special, today: date === today, title: `${vnDay(date)} · ${label}` });
    }
    while (cells.length % 7) cells.push(null);
    const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
    return { name: `Tháng ${mi + 1}`, weeks };
  });
  return { months, workingDays };
}

/** Admin page of the working calendar: a year at a glance, its holidays, and the per-date overrides. */
export function calendarPages(ctx: AppContext) {
  const yearPage = async (res: Response, year: number, extra: Record<string, unknown> = {}, status = 200) => {
    const cal = await getCalendar(ctx.db, ctx.config);
    const holidays = cal.holidays(year);
    const overrides = await listOverrides(ctx.db, year);
    res.status(status).render('pages/admin/calendar', {
      title: `Lịch làm việc năm ${year}`,
      year,
      prevYear: year > MIN_YEAR ? year - 1 : null,
      nextYear: year < MAX_YEAR ? year + 1 : null,
      weekdays: ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'],
      ...monthGrids(cal, year, holidays),
      holidays: holidays.map((h) => ({
        ...h,
        vnDate: vnDay(h.date),
        weekday: weekdayOf(h.date),
        sourceLabel: SOURCE_LABELS[h.source],
      })),
      overrides: overrides.map((o) => ({
        ...o,
        iso: o.date,
        vnDate: vnDay(o.date),
        weekday: weekdayOf(o.date),
        kindLabel: KIND_LABELS[o.kind],
      })),
      form: { kind: 'holiday' },
      ...extra,
    });
  };
  const currentYear = () => Number(vnDate(new Date()).slice(0, 4));

  return {
    async year(req: Req<{ query: typeof calendarYearQuerySchema }>, res: Response) {
      const { nam } = req.input.query;
      await yearPage(res, nam ?? currentYear());
    },
    async setDay(req: Request, res: Response) {
      const kept = parseFields(keptSchema, req.body ?? {});
      try {
        const day = parseFields(daySchema, req.body ?? {});
        await setOverride(ctx.db, day.date, day.kind, day.name);
        const what = day.kind === 'holiday' ? 'ngày nghỉ thêm' : 'ngày làm việc bù';
        flash(req, 'success', `Đã đánh dấu ngày ${vnDay(day.date)} là ${what}${day.name ? ` (${day.name})` : ''}.`);
        res.redirect(303, `/quan-tri/lich?nam=${day.date.slice(0, 4)}#dieu-chinh`);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        const fields = (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
        const year = Number(parseDateInput(kept.date)?.slice(0, 4)) || kept.nam || currentYear();
        await yearPage(
          res,
          year,
          { form: kept, fields, error: 'Chưa lưu được: vui lòng sửa các ô được đánh dấu bên dưới.' },
          422,
        );
      }
    },
    async deleteDay(req: Req<{ params: typeof dateParams }>, res: Response) {
      const { date } = req.input.params;
      if (await deleteOverride(ctx.db, date))
        flash(req, 'success', `Đã xóa điều chỉnh ngày ${vnDay(date)}; ngày này trở lại theo lịch mặc định.`);
      else flash(req, 'info', `Ngày ${vnDay(date)} không có điều chỉnh nào.`);
      res.redirect(303, `/quan-tri/lich?nam=${date.slice(0, 4)}#dieu-chinh`);
    },
  };
}
