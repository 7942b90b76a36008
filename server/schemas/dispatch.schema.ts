import { z } from 'zod';
import { REPLY_POSITIONS } from '../../workflows/labels';
import { isValidDateString } from '../../workflows/calendar';

const date = z
  .string({ error: 'Hạn trả lời là bắt buộc (YYYY-MM-DD)' })
  .refine(isValidDateString, 'Ngày không hợp lệ, dùng dạng YYYY-MM-DD');

export const createDispatchSchema = z.object({
  title: z
    .string({ error: 'Trích yếu là bắt buộc' })
    .trim()
    .min(1, 'Trích yếu là bắt buộc')
    .max(500, 'Trích yếu tối đa 500 ký tự'),
  summary: z
    .string({ error: 'Nội dung là bắt buộc' })
    .trim()
    .min(1, 'Nội dung là bắt buộc')
    .max(20000, 'Nội dung tối đa 20.000 ký tự'),
  dueDate: date,
  recipientUnitCodes: z
    .array(z.string().trim().min(1).max(64), { error: 'Danh sách đơn vị nhận là bắt buộc' })
    .min(1, 'Cần ít nhất một đơn vị nhận')
    .max(1000)
    .transform((c) => [...new Set(c)]),
  silenceMeansAgreement: z.boolean({ error: 'Giá trị phải là true hoặc false' }).default(true),
});
export type CreateDispatchInput = z.infer<typeof createDispatchSchema>;

const comment = z
  .string()
  .trim()
  .max(4000, 'Tối đa 4.000 ký tự')
  .nullish()
  .transform((v) => (v ? v : null));

export const dispatchEventSchema = z
  .object({
    type: z.enum(['SUBMIT', 'APPROVE', 'REJECT', 'ISSUE', 'CLOSE'], { error: 'Loại thao tác không hợp lệ' }),
    version: z.number({ error: 'Phiên bản (version) là bắt buộc' }).int().min(1),
    comment,
  })
  .superRefine((e, ctx) => {
    if (e.type === 'REJECT' && !e.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Cần ghi rõ lý do trả lại dự thảo' });
  });
export type DispatchEventInput = z.infer<typeof dispatchEventSchema>;

export const replyEventSchema = z
  .object({
    type: z.enum(['ASSIGN', 'SUBMIT', 'APPROVE', 'RETURN'], { error: 'Loại thao tác không hợp lệ' }),
    version: z.number({ error: 'Phiên bản (version) là bắt buộc' }).int().min(1),
    assignee: z.string().trim().max(64).nullish(),
    position: z.enum(REPLY_POSITIONS, { error: 'Ý kiến phải là agree, comments hoặc disagree' }).nullish(),
    content: z.string().trim().max(20000, 'Nội dung tối đa 20.000 ký tự').nullish(),
    comment,
  })
  .superRefine((e, ctx) => {
    if (e.type === 'ASSIGN' && !e.assignee)
      ctx.addIssue({ code: 'custom', path: ['assignee'], message: 'Cần chọn chuyên viên được giao' });
    if (e.type === 'SUBMIT' && !e.position)
      ctx.addIssue({
        code: 'custom',
        path: ['position'],
        message: 'Cần chọn ý kiến: thống nhất, góp ý hoặc không thống nhất',
      });
    if (e.type === 'SUBMIT' && e.position && e.position !== 'agree' && !e.content)
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'Cần nêu nội dung góp ý' });
    if (e.type === 'RETURN' && !e.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Cần ghi rõ lý do trả lại' });
  });
export type ReplyEventInput = z.infer<typeof replyEventSchema>;

export const responseSchema = z.object({ response: z.string().trim().max(20000, 'Tối đa 20.000 ký tự').nullable() });
