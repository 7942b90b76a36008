import { z } from 'zod';
import { isValidDateString } from '../../workflows/calendar';

/*
 * Path parameters. A path that cannot name anything is an unknown resource, so the input middleware
 * answers 404 with the first message below: they are worded as "not found", not as field errors.
 */

const code = (notFound: string, description: string, example: string) =>
  z.string({ error: notFound }).trim().min(1, notFound).max(100, notFound).meta({ description, example });

export const dossierCodeParams = z.object({
  code: code('Không tìm thấy hồ sơ.', 'Mã hồ sơ', '000.00.31.H05-270506-0001'),
});

export const dispatchIdParams = z.object({
  id: z.coerce
    .number({ error: 'Không tìm thấy công văn.' })
    .int('Không tìm thấy công văn.')
    .min(1, 'Không tìm thấy công văn.')
    .max(Number.MAX_SAFE_INTEGER, 'Không tìm thấy công văn.')
    .meta({ description: 'Số định danh công văn', example: 12 }),
});

export const replyParams = dispatchIdParams.extend({
  unitCode: code('Không tìm thấy ý kiến của đơn vị này.', 'Mã định danh đơn vị nhận', '000.00.31.H05'),
});

export const unitCodeParams = z.object({
  code: code('Không tìm thấy đơn vị.', 'Mã định danh đơn vị', '000.00.31.H05'),
});

export const usernameParams = z.object({
  username: code('Không tìm thấy người dùng.', 'Tên đăng nhập', 'cv.nguyen'),
});

export const procedureCodeParams = z.object({
  code: code('Không tìm thấy thủ tục.', 'Mã thủ tục', '1.000775'),
});

export const dateParams = z.object({
  date: z
    .string()
    .refine(isValidDateString, 'Ngày không hợp lệ (định dạng YYYY-MM-DD).')
    .meta({ description: 'Ngày YYYY-MM-DD', example: '2027-09-02', format: 'date' }),
});

const positiveId = (notFound: string) =>
  z.coerce.number({ error: notFound }).int(notFound).min(1, notFound).max(Number.MAX_SAFE_INTEGER, notFound);

/** `/ho-so/:code/tep/:id`: a file of a dossier. */
export const dossierFileParams = dossierCodeParams.extend({ id: positiveId('Không tìm thấy tệp.') });

/** `/ho-so/:code/in/:form`: which printed form is checked by the print view (404 when the dossier has none). */
export const printParams = dossierCodeParams.extend({ form: z.string().max(10, 'Không tìm thấy biểu mẫu.') });

/** `/cong-van/:id/tep/:fileId`: a file of a dispatch. */
export const dispatchFileParams = dispatchIdParams.extend({ fileId: positiveId('Không tìm thấy tệp.') });

/** `/quan-tri/thu/:id`: a mail of the outbox. */
export const mailIdParams = z.object({ id: positiveId('Không có thư gửi thất bại với mã này.') });
/** `/uy-quyen/:id/thu-hoi`: an absence delegation. */
export const delegationIdParams = z.object({ id: positiveId('Không tìm thấy ủy quyền.') });
