import { z } from 'zod';

/*
 * Query strings of admin pages. A page never refuses a bad query: a value it cannot use falls back
 * to the default, as a person who edits the address bar expects.
 */

/** `/quan-tri/lich?nam=`: the year shown (default: this year). */
export const calendarYearQuerySchema = z.object({
  nam: z.coerce.number().int().min(1900).max(2199).optional().catch(undefined),
});

/** `/quan-tri/thu?trang-thai=pending|sent|failed`: only the mail in that state (default: all, newest first). */
export const mailListQuerySchema = z.object({
  'trang-thai': z.enum(['pending', 'sent', 'failed']).optional().catch(undefined),
});
