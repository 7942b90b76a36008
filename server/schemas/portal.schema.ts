import { z } from 'zod';
import { isValidDateString } from '../../workflows/calendar/time';
import { fromTypedDate } from './dates.schema';

/*
 * Input of the national-portal sync admin page (/quan-tri/dong-bo). As on every admin page, a query
 * value the page cannot use falls back to the default instead of refusing the page.
 */

/** `?ngay=dd/mm/yyyy` or YYYY-MM-DD (the reconciliation's day; default today) and `?trang=` (the list's page). */
export const portalPageQuerySchema = z.object({
  ngay: z
    .preprocess(fromTypedDate, z.string())
    .refine((s) => isValidDateString(s))
    .optional()
    .catch(undefined),
  trang: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

const notFound = 'Không có tin gửi Cổng DVC quốc gia với mã này.';
/** `/quan-tri/dong-bo/:id/gui-lai`: one message of the portal's queue. */
export const portalMessageParams = z.object({
  id: z.coerce.number({ error: notFound }).int(notFound).min(1, notFound).max(Number.MAX_SAFE_INTEGER, notFound),
});
