import { z } from 'zod';
import { REPLY_POSITIONS } from '../../workflows/labels';
import { pagingSchema } from './validate';
import { isValidDateString } from '../../workflows/calendar';
import { fromTypedDate } from './dates.schema';
import { DISPATCH_EVENT_TYPES, DispatchEventType, REPLY_EVENT_TYPES, ReplyEventType } from '../../workflows/dispatch';

// dd/mm/yyyy as typed in the form, or YYYY-MM-DD (the API's form); always YYYY-MM-DD after parsing.
const date = z.preprocess(
  fromTypedDate,
  z
    .string({ error: 'Hạn trả lời là bắt buộc (ngày/tháng/năm)' })
    .refine(isValidDateString, 'Ngày không hợp lệ: dùng dạng dd/mm/yyyy (hoặc YYYY-MM-DD)'),
);

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
const reason = (missing: string) => z.string({ error: missing }).trim().min(1, missing).max(4000, 'Tối đa 4.000 ký tự');
const version = z
  .number({ error: 'Phiên bản (version) là bắt buộc' })
  .int()
  .min(1)
  .meta({ description: 'Phiên bản đang xem (409 nếu đã cũ)' });

// Built from the machine's own event list: REJECT needs a reason, the others take an optional comment.
const PLAIN_DISPATCH = DISPATCH_EVENT_TYPES.filter((t): t is Exclude<DispatchEventType, 'REJECT'> => t !== 'REJECT');

/** `POST /dispatches/:id/events`, discriminated by `type`. */
export const dispatchEventSchema = z.intersection(
  z.object({ type: z.enum(DISPATCH_EVENT_TYPES, { error: 'Loại thao tác không hợp lệ' }), version }),
  z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.enum(PLAIN_DISPATCH), version, comment }),
      z.object({ type: z.literal('REJECT'), version, comment: reason('Cần ghi rõ lý do trả lại dự thảo') }),
    ],
    { error: 'Loại thao tác không hợp lệ' },
  ),
);
export type DispatchEventInput = z.infer<typeof dispatchEventSchema>;

/** Reply events a person sends: the machine's list less the scheduler's EXPIRE. */
const REPLY_ACTIONS = REPLY_EVENT_TYPES.filter((t): t is Exclude<ReplyEventType, 'EXPIRE'> => t !== 'EXPIRE');

const positionMissing = 'Cần chọn ý kiến: thống nhất, góp ý hoặc không thống nhất';

/**
 * `POST /dispatches/:id/replies/:unitCode/events`: the reply machine's events a person sends
 * (EXPIRE is the scheduler's), discriminated by `type`.
 */
export const replyEventSchema = z.intersection(
  z.object({ type: z.enum(REPLY_ACTIONS, { error: 'Loại thao tác không hợp lệ' }), version }),
  z.discriminatedUnion(
    'type',
    [
      z.object({
        type: z.literal('ASSIGN'),
        version,
        assignee: z
          .string({ error: 'Cần chọn chuyên viên được giao' })
          .trim()
          .min(1, 'Cần chọn chuyên viên được giao')
          .max(64)
          .meta({ description: 'Tên đăng nhập của chuyên viên đơn vị nhận' }),
        comment,
      }),
      z
        .object({
          type: z.literal('SUBMIT'),
          version,
          position: z.enum(REPLY_POSITIONS, {
            error: (iss) => (iss.input == null ? positionMissing : 'Ý kiến phải là agree, comments hoặc disagree'),
          }),
          content: z
            .string()
            .trim()
            .max(20000, 'Nội dung tối đa 20.000 ký tự')
            .nullish()
            .transform((v) => (v ? v : null))
            .meta({ description: 'Nội dung góp ý; bắt buộc khi position khác agree' }),
          comment,
        })
        .superRefine((e, ctx) => {
          if (e.position !== 'agree' && !e.content)
            ctx.addIssue({ code: 'custom', path: ['content'], message: 'Cần nêu nội dung góp ý' });
        }),
      z.object({ type: z.literal('APPROVE'), version, comment }),
      z.object({ type: z.literal('RETURN'), version, comment: reason('Cần ghi rõ lý do trả lại') }),
      z.object({
        type: z.literal('DECLINE'),
        version,
        comment: reason('Cần ghi rõ lý do từ chối (ví dụ: không thuộc chức năng của đơn vị)'),
      }),
    ],
    { error: 'Loại thao tác không hợp lệ' },
  ),
);
export type ReplyEventInput = z.infer<typeof replyEventSchema>;

export const responseSchema = z.object({ response: z.string().trim().max(20000, 'Tối đa 20.000 ký tự').nullable() });

/** `GET /dispatches`: sent by my unit (and below), or received by it with `inbox=1`. */
export const dispatchListQuerySchema = pagingSchema.extend({
  inbox: z
    .enum(['1', 'true', '0', 'false'])
    .transform((v) => v === '1' || v === 'true')
    .optional()
    .meta({ description: '1: công văn đơn vị mình nhận' }),
});

/**
 * `PATCH /dispatches/:id`: the drafter changes a draft; only what is sent changes. Same rules as
 * creating one; `version` is the draft's version as seen (409 when stale).
 */
export const editDispatchSchema = createDispatchSchema
  .omit({ silenceMeansAgreement: true })
  .partial()
  .extend({ silenceMeansAgreement: z.boolean({ error: 'Giá trị phải là true hoặc false' }).optional(), version });
export type EditDispatchInput = z.infer<typeof editDispatchSchema>;

/** `DELETE /dispatches/:id?version=N`: the version of the draft as seen (409 when stale). */
export const deleteDispatchQuerySchema = z.object({
  version: z.coerce.number({ error: 'Phiên bản (version) phải là số' }).int().min(1).optional(),
});

/** The other fields of `POST /dispatches/:id/replies/:unitCode/attachments` (none: the files only). */
export const replyFilesFieldsSchema = z.object({});
