import { z } from 'zod';
import { DOSSIER_EVENT_TYPES, DossierEventType } from '../../workflows/labels';
import { pagingSchema } from './validate';

const text = (max: number, label: string) =>
  z
    .string({ error: `${label} phải là chuỗi ký tự` })
    .trim()
    .max(max, `${label} tối đa ${max} ký tự`);
const optional = (max: number, label: string) =>
  text(max, label)
    .nullish()
    .transform((v) => (v ? v : null));

/** The applicant's type: the national portal's LoaiDoiTuong (1 citizen, 2 enterprise, 3 state agency, 4 other organisation). */
export const APPLICANT_TYPES = [1, 2, 3, 4] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

export const applicantSchema = z.object(
  {
    type: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], {
        error: 'Loại người nộp phải là 1 (công dân), 2 (doanh nghiệp), 3 (cơ quan nhà nước) hoặc 4 (tổ chức khác)',
      })
      .default(1),
    fullName: z
      .string({ error: 'Họ tên người nộp là bắt buộc' })
      .trim()
      .min(1, 'Họ tên người nộp là bắt buộc')
      .max(255, 'Họ tên tối đa 255 ký tự'),
    idNumber: optional(20, 'Số giấy tờ').refine(
      (v) => v === null || /^[0-9A-Za-z]{6,20}$/.test(v),
      'Số CCCD/giấy tờ không hợp lệ',
    ),
    phone: optional(20, 'Số điện thoại').refine(
      (v) => v === null || /^\+?[0-9 .-]{8,20}$/.test(v),
      'Số điện thoại không hợp lệ',
    ),
    email: optional(255, 'Thư điện tử').refine(
      (v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
      'Địa chỉ thư điện tử không hợp lệ',
    ),
    address: optional(500, 'Địa chỉ'),
  },
  { error: 'Thông tin người nộp (applicant) là bắt buộc' },
);

/** A dossier code issued by the national portal (design.md §12): 5–50 letters, digits, `.` and `-`. */
export const PORTAL_DOSSIER_CODE = /^[A-Za-z0-9.-]{5,50}$/;
/**
 * What can be a dossier code at all (anything else is 404 without asking the database): ours,
 * `RECEIVINGUNITCODE-YYMMDD-NNNN`, or one the national portal issued.
 */
export const DOSSIER_CODE = /^(?:[A-Za-z0-9.]{1,64}-\d{6}-\d{4,}|[A-Za-z0-9.-]{5,50})$/;

export const intakeSchema = z
  .object({
    procedureCode: z.string({ error: 'Mã thủ tục là bắt buộc' }).trim().min(1, 'Mã thủ tục là bắt buộc').max(64),
    applicant: applicantSchema,
    documents: z
      .array(z.string().trim().min(1).max(64), { error: 'Danh sách giấy tờ phải là một mảng mã' })
      .max(100)
      .default([]),
    competentUnitCode: optional(64, 'Mã đơn vị'),
    channel: z
      .union([z.literal(1), z.literal(2), z.literal(3)], { error: 'Kênh tiếp nhận phải là 1, 2 hoặc 3' })
      .default(1),
    note: optional(2000, 'Ghi chú'),
    code: z
      .string({ error: 'Mã hồ sơ phải là chuỗi ký tự' })
      .trim()
      .regex(PORTAL_DOSSIER_CODE, 'Mã hồ sơ của Cổng DVC quốc gia gồm 5–50 chữ cái, chữ số, dấu chấm hoặc gạch ngang')
      .optional()
      .meta({
        description: 'Chỉ với `channel` 2: mã hồ sơ do Cổng Dịch vụ công quốc gia cấp; hồ sơ giữ nguyên mã này',
        example: 'G22.99-250701-0001',
      }),
  })
  .superRefine((v, ctx) => {
    if (v.code !== undefined && v.channel !== 2)
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: 'Chỉ hồ sơ nộp trực tuyến (channel 2) mới mang mã do Cổng DVC quốc gia cấp',
      });
  });
export type IntakeInput = z.infer<typeof intakeSchema>;

/** Events that need a written reason (design.md §4). */
export const COMMENT_REQUIRED = [
  'RETURN',
  'REQUEST_SUPPLEMENT',
  'REFUSE',
  'EXTEND',
  'WITHDRAW',
] as const satisfies readonly DossierEventType[];
type NeedsComment = (typeof COMMENT_REQUIRED)[number];
const needsComment = (t: DossierEventType): t is NeedsComment => (COMMENT_REQUIRED as readonly string[]).includes(t);

const version = z
  .number({ error: 'Phiên bản (version) là bắt buộc' })
  .int('Phiên bản phải là số nguyên')
  .min(1)
  .meta({ description: 'Phiên bản hồ sơ đang xem (409 nếu đã cũ)' });
const reason = z
  .string({ error: 'Cần ghi rõ lý do/nội dung cho thao tác này' })
  .trim()
  .min(1, 'Cần ghi rõ lý do/nội dung cho thao tác này')
  .max(4000, 'Nội dung tối đa 4000 ký tự');
const dueAt = z.iso.datetime({
  offset: true,
  error: 'Ngày hẹn mới phải theo ISO 8601, ví dụ 2027-05-06T10:00:00+07:00',
});

// Built from the machine's own event list: each type falls in exactly one variant.
const PLAIN = DOSSIER_EVENT_TYPES.filter((t): t is Exclude<DossierEventType, NeedsComment> => !needsComment(t));
const REASONED = COMMENT_REQUIRED.filter((t): t is Exclude<NeedsComment, 'EXTEND'> => t !== 'EXTEND');

/**
 * `POST /dossiers/:code/events`: one variant per rule, discriminated by `type`. The fields every
 * variant shares are checked beside the union, so an unknown `type` and a bad `version` are both named.
 */
export const eventSchema = z.intersection(
  z.object({ type: z.enum(DOSSIER_EVENT_TYPES, { error: 'Loại thao tác không hợp lệ' }), version }),
  z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.enum(PLAIN), version, comment: optional(4000, 'Nội dung'), dueAt: dueAt.nullish() }),
      z.object({ type: z.enum(REASONED), version, comment: reason, dueAt: dueAt.nullish() }),
      z.object({
        type: z.literal('EXTEND'),
        version,
        comment: reason,
        dueAt: z.iso.datetime({
          offset: true,
          error: 'Cần ngày hẹn trả mới (ISO 8601, ví dụ 2027-05-06T10:00:00+07:00)',
        }),
      }),
    ],
    { error: 'Loại thao tác không hợp lệ' },
  ),
);
export const dossierEventSchema = eventSchema;
export type EventInput = z.infer<typeof eventSchema>;

const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');

export const listQuerySchema = pagingSchema.extend({
  mine: flag.optional(),
  overdue: flag.optional(),
  status: z
    .enum(['processing', 'waiting_supplement', 'result_ready', 'returned', 'refused', 'withdrawn'], {
      error: 'Trạng thái không hợp lệ',
    })
    .optional(),
  procedureCode: z.string().trim().max(64).optional(),
  q: z.string().trim().max(100).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
