import { z } from 'zod';

/** `GET /calendar/deadline?from=&days=|hours=`: exactly one of `days` and `hours`. */
export const deadlineQuerySchema = z
  .object({
    // An unencoded '+' in a query string arrives as a space: accept it as the offset sign it was.
    from: z
      .preprocess(
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
      )
      .meta({
        description: 'Thời điểm tiếp nhận (ISO 8601 có múi giờ)',
        example: '2027-04-29T10:00:00+07:00',
        // The preprocess step takes anything, so the generator cannot see that the field is required.
        param: { required: true },
      }),
    days: z.coerce
      .number()
      .positive('Số ngày phải lớn hơn 0')
      .max(3650)
      .optional()
      .meta({ description: 'Số ngày làm việc (8 giờ mỗi ngày)' }),
    hours: z.coerce
      .number()
      .positive('Số giờ phải lớn hơn 0')
      .max(3650 * 8)
      .optional()
      .meta({ description: 'Số giờ làm việc' }),
  })
  .refine((q) => (q.days === undefined) !== (q.hours === undefined), {
    path: ['days'],
    message: 'Cần đúng một trong hai tham số days hoặc hours',
  });

export const yearQuerySchema = z.object({
  year: z.coerce.number().int().min(1900).max(2199).optional().meta({ description: 'Năm (mặc định: năm nay)' }),
});

/** `PUT /calendar/days/:date`: a day off or a working day that overrides the defaults. */
export const daySchema = z.object({
  kind: z.enum(['holiday', 'workday'], { error: 'kind phải là holiday (nghỉ) hoặc workday (làm việc)' }),
  name: z.string().trim().max(255).nullish(),
});
