import { z } from 'zod';
import { DISPATCH_STATES, REPLY_POSITIONS, REPLY_STATES, ROLES, STEP_ROLES } from '../../workflows/labels';
import { PUBLIC_STATUSES } from '../../workflows/status';
import { procedureDefinitionSchema } from '../../workflows/procedure';

/*
 * What /api/v1 answers (contract.md §2), as the presenters build it. Only the OpenAPI document and
 * the tests read these: rendered as responses, every object refuses fields it does not list, so a
 * test that checks real answers against them fails when a presenter and this file disagree.
 */

const iso = z.iso.datetime({ offset: true }).meta({ example: '2027-05-06T10:00:00+07:00' });
const date = z.iso.date().meta({ example: '2027-05-06' });
const unitRef = z.object({ code: z.string(), name: z.string() });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid' }),
      message: z.string().meta({ description: 'Thông báo tiếng Việt cho người đọc' }),
      details: z
        .unknown()
        .optional()
        .meta({ description: 'Với 422: `fields` nêu từng trường sai; với 409: `currentVersion`' }),
    }),
  })
  .meta({ id: 'Error' });

export const tokenSchema = z.object({ token: z.string(), expiresAt: iso });

export const unitSchema = z
  .object({
    code: z.string().meta({ example: '000.00.31.H05' }),
    name: z.string(),
    level: z.enum(['province', 'district', 'commune']),
    parentCode: z.string().nullable(),
    symbol: z.string().nullable().meta({ example: 'SNV' }),
    address: z.string().nullable().meta({ example: 'Số 02 Hoàng Văn Thụ, phường 3, TP Bạc Liêu' }),
    phone: z.string().nullable().meta({ example: '0291 3822 345' }),
    active: z.boolean(),
  })
  .meta({ id: 'Unit' });

export const userSchema = z
  .object({
    username: z.string(),
    fullName: z.string(),
    email: z.string().nullable(),
    unitCode: z.string().nullable(),
    roles: z.array(z.enum(ROLES)),
    active: z.boolean(),
  })
  .meta({ id: 'User' });

const definitionShape = procedureDefinitionSchema.shape;
export const procedureSchema = z
  .object({ ...definitionShape, version: z.number().int(), createdAt: iso })
  .meta({ id: 'Procedure' });
export const procedureWithVersionsSchema = z.object({
  ...procedureSchema.shape,
  versions: z.array(z.number().int()).meta({ description: 'Mọi phiên bản đã đăng của mã này' }),
});
export const procedureCreatedSchema = z.object({ code: z.string(), version: z.number().int() });

export const dossierSchema = z
  .object({
    code: z.string().meta({ example: '000.00.31.H05-270506-0001' }),
    procedure: z.object({ code: z.string(), version: z.number().int(), name: z.string() }),
    receivingUnit: unitRef,
    competentUnit: unitRef,
    handlingUnit: unitRef.nullable(),
    state: z.string().meta({ description: 'Mã bước hiện tại, hoặc một trạng thái dành riêng' }),
    status: z.enum(PUBLIC_STATUSES),
    statusText: z.string(),
    nationalStatus: z.number().int(),
    step: z.object({ code: z.string(), name: z.string(), role: z.enum(STEP_ROLES), dueAt: iso.nullable() }).nullable(),
    receivedAt: iso,
    dueAt: iso,
    resolvedAt: iso.nullable(),
    completedAt: iso.nullable(),
    overdue: z.boolean(),
    onTime: z.boolean().nullable(),
    version: z.number().int(),
    channel: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    supplementCount: z.number().int(),
    extended: z.boolean(),
    applicant: z.object({
      type: z
        .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
        .meta({ description: 'LoaiDoiTuong: 1 công dân, 2 doanh nghiệp, 3 cơ quan nhà nước, 4 tổ chức khác' }),
      fullName: z.string(),
      idNumber: z.string().nullable().optional(),
      phone: z.string().nullable().optional(),
      email: z.string().nullable().optional(),
      address: z.string().nullable().optional(),
    }),
    documents: z.array(z.object({ code: z.string(), name: z.string(), required: z.boolean(), received: z.boolean() })),
    note: z.string().nullable(),
    result: z
      .object({
        name: z.string().meta({ example: 'Quyết định tặng Giấy khen' }),
        kind: z.string().meta({ example: 'QĐ' }),
        number: z.string().nullable().meta({ example: '01/QĐ-UBND' }),
        numberedAt: iso.nullable(),
        sha256: z.string().meta({ description: 'SHA-256 of the current PDF' }),
        signatures: z.array(
          z.object({
            signer: z.string(),
            at: iso,
            role: z.enum(['leader', 'seal']),
            title: z.string().nullable(),
            demo: z.boolean().meta({ description: 'signed with a demo certificate (not legally valid)' }),
            authority: z
              .string()
              .optional()
              .meta({ description: 'Ký thay / thừa ủy quyền khi vắng mặt, ví dụ "KT. CHỦ TỊCH"; không có khi tự ký' }),
          }),
        ),
      })
      .nullable()
      .meta({ id: 'Result', description: 'design.md §10; null until a draft result is put' }),
    sync: z
      .object({
        state: z.enum(['off', 'pending', 'synced', 'failed']),
        message: z.string().nullable().meta({ description: "the portal's answer or why it was not sent" }),
      })
      .meta({
        id: 'Sync',
        description:
          'design.md §12: off (PORTAL_URL unset, or nothing queued for this dossier), pending, synced (every message accepted), failed (refused before sending, or failing 3 times in a row; still retried)',
      }),
  })
  .meta({ id: 'Dossier' });

export const eventSchema = z
  .object({
    type: z.string().meta({ example: 'FORWARD' }),
    fromState: z.string().nullable(),
    toState: z.string(),
    actor: z.object({ username: z.string(), fullName: z.string(), unitCode: z.string().nullable() }).nullable(),
    comment: z.string().nullable(),
    at: iso,
    stepDueAt: iso.nullable(),
    onTime: z.boolean().nullable(),
    data: z.record(z.string(), z.unknown()).optional(),
    onBehalfOf: z
      .object({
        fullName: z.string(),
        kind: z.enum(['KT', 'TUQ']),
        authority: z.string().meta({ example: 'KT. Chủ tịch' }),
        title: z.string().nullable().meta({ example: 'Phó Chủ tịch' }),
      })
      .optional()
      .meta({ description: 'Thao tác do người được ủy quyền khi vắng mặt thực hiện thay lãnh đạo này' }),
  })
  .meta({ id: 'DossierEvent' });

const recipientSchema = z
  .object({
    unitCode: z.string(),
    unitName: z.string(),
    state: z.enum(REPLY_STATES).nullable().meta({ description: 'null trước khi ban hành' }),
    stateText: z.string(),
    position: z.enum(REPLY_POSITIONS).nullable(),
    positionText: z.string().nullable(),
    content: z.string().nullable(),
    repliedAt: iso.nullable(),
    version: z.number().int().nullable(),
    assignee: z.object({ username: z.string(), fullName: z.string() }).nullable(),
    response: z.string().nullable().meta({ description: 'Ý kiến tiếp thu, giải trình của đơn vị soạn thảo' }),
    attachments: z
      .array(
        z.object({
          id: z.number().int(),
          filename: z.string(),
          size: z.number().int(),
          uploadedBy: z.string().nullable(),
          uploadedAt: iso.nullable(),
          href: z.string().meta({ description: 'Tải tệp (trang /cong-van/:id/tep/:fileId)' }),
        }),
      )
      .meta({ description: 'Tệp đính kèm ý kiến (đơn vị soạn thảo thấy khi ý kiến đã gửi)' }),
  })
  .meta({ id: 'DispatchRecipient' });

const countsSchema = z.object({
  total: z.number().int(),
  replied: z.number().int(),
  open: z.number().int(),
  deemedAgreed: z.number().int(),
  overdue: z.number().int(),
  declined: z.number().int().meta({ description: 'Đơn vị từ chối vì không đúng đơn vị (không tính là trả lời)' }),
});

export const dispatchSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    summary: z.string(),
    dueDate: date,
    silenceMeansAgreement: z.boolean(),
    state: z.enum(DISPATCH_STATES),
    stateText: z.string(),
    version: z.number().int(),
    number: z.string().nullable().meta({ example: '01/SNV' }),
    issuingUnit: unitRef,
    createdBy: z.string().nullable(),
    createdAt: iso,
    issuedAt: iso.nullable(),
    closedAt: iso.nullable(),
    recipients: z.array(recipientSchema),
    counts: countsSchema,
    dossierCode: z
      .string()
      .nullable()
      .meta({ description: 'Hồ sơ được lấy ý kiến (design.md §11); null với công văn không gắn hồ sơ' }),
  })
  .meta({ id: 'Dispatch' });

export const synthesisSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    number: z.string().nullable(),
    dueDate: date,
    state: z.enum(DISPATCH_STATES),
    issuingUnit: unitRef,
    items: z.array(recipientSchema),
    counts: countsSchema,
  })
  .meta({ id: 'DispatchSynthesis' });

export const publicDossierSchema = z.object({
  code: z.string(),
  procedureName: z.string(),
  receivingUnitName: z.string(),
  status: z.enum(PUBLIC_STATUSES),
  statusText: z.string(),
  receivedAt: iso,
  dueAt: iso,
  completedAt: iso.nullable(),
  applicantName: z.string().meta({ example: 'Nguyễn V. A.', description: 'Tên đã che' }),
});

export const deadlineSchema = z.object({
  from: z.string().meta({ description: 'Như đã gửi' }),
  start: iso.meta({ description: 'Thời điểm bắt đầu tính' }),
  dueAt: iso,
});

export const calendarDaySchema = z.object({ date, kind: z.enum(['holiday', 'workday']), name: z.string().nullable() });
export const calendarYearSchema = z.object({
  year: z.number().int(),
  holidays: z.array(z.object({ date, name: z.string(), source: z.enum(['statutory', 'compensation', 'override']) })),
  overrides: z.array(calendarDaySchema),
});

export const summarySchema = z.object({
  received: z.number().int(),
  resolved: z.number().int(),
  resolvedOnTime: z.number().int(),
  resolvedLate: z.number().int(),
  inProgress: z.number().int(),
  inProgressOverdue: z.number().int(),
  onTimeRate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: 'Tỷ lệ đúng hạn 0..1; null khi chưa giải quyết hồ sơ nào' }),
});

/** `{"items","total"}`: every list pages (contract.md §2). */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
