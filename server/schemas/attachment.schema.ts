import { z } from 'zod';

/** `POST /dossiers/:code/attachments`: the multipart fields beside the file. */
export const attachmentFieldsSchema = z.object({
  documentCode: z
    .string({ error: 'Mã giấy tờ phải là chuỗi ký tự' })
    .trim()
    .max(64, 'Mã giấy tờ tối đa 64 ký tự')
    .optional()
    .transform((v) => v || null)
    .meta({ description: 'Mã giấy tờ trong thành phần hồ sơ của thủ tục mà tệp này thuộc về' }),
});

const iso = z.iso.datetime({ offset: true }).meta({ example: '2027-05-06T10:00:00+07:00' });

/** One attached file as the API shows it. */
export const attachmentSchema = z
  .object({
    id: z.number().int(),
    name: z.string().meta({ description: 'Tên tệp như khi gửi lên' }),
    size: z.number().int().meta({ description: 'Số byte' }),
    mime: z.string(),
    sha256: z.string().meta({ description: 'SHA-256 của nội dung tệp (hex)' }),
    documentCode: z.string().nullable(),
    uploadedAt: iso,
    uploadedBy: z.object({ username: z.string(), fullName: z.string() }).nullable(),
  })
  .meta({ id: 'Attachment' });
