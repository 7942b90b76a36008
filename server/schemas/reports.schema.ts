import { z } from 'zod';
import { isValidDateString } from '../../workflows/calendar';

const day = (missing: string, description: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? missing : 'Ngày không hợp lệ (định dạng YYYY-MM-DD).') })
    .min(1, missing)
    .refine(isValidDateString, 'Ngày không hợp lệ (định dạng YYYY-MM-DD).')
    .meta({ description, format: 'date', example: '2027-01-01' });

/**
 * `GET /reports/summary`: the fields one by one here; the period as a whole (from ≤ to, at most five
 * years) is checked by the reports service with the same messages.
 */
export const summaryQuerySchema = z.object({
  from: day('Chưa nhập ngày bắt đầu kỳ báo cáo.', 'Từ ngày (YYYY-MM-DD)'),
  to: day('Chưa nhập ngày kết thúc kỳ báo cáo.', 'Đến ngày (YYYY-MM-DD), tính cả ngày này'),
  unitCode: z
    .string({ error: 'Chỉ được chọn một đơn vị.' })
    .trim()
    .max(64)
    .optional()
    .meta({ description: 'Mã đơn vị (mặc định: đơn vị của người dùng; quản trị: mọi đơn vị)' }),
});
