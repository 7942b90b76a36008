import { z } from 'zod';

const NOT_FOUND = 'Không tìm thấy lần nhập thủ tục này.';

/** `/quan-tri/thu-tuc/nhap/:id`: a confirmed import. */
export const catalogImportParams = z.object({
  id: z.coerce.number({ error: NOT_FOUND }).int(NOT_FOUND).min(1, NOT_FOUND).max(Number.MAX_SAFE_INTEGER, NOT_FOUND),
});

/** The confirm form: the preview's token and the SHA-256 of the file it read. */
export const catalogImportConfirmSchema = z.object({
  importToken: z
    .string({ error: 'Thiếu mã bản xem trước. Hãy tải tệp lên lại.' })
    .regex(/^[A-Za-z0-9_-]{16,64}$/, 'Mã bản xem trước không hợp lệ. Hãy tải tệp lên lại.'),
  fileHash: z
    .string({ error: 'Thiếu mã kiểm tra tệp. Hãy tải tệp lên lại.' })
    .regex(/^[0-9a-f]{64}$/, 'Mã kiểm tra tệp không hợp lệ. Hãy tải tệp lên lại.'),
});
