/**
 * Procedure definition (design.md §3): the data an administrator posts, validated here before
 * it is stored as a version and compiled into a dossier machine. Every message names the fault
 * in Vietnamese, because the API returns it to a person (422) and the admin form shows it.
 */
import { z } from 'zod';
import { RESERVED_STATES, STEP_ROLES, isReservedState } from '../labels';

const PROCEDURE_CODE = /^[A-Za-z0-9._-]+$/;
/**
 * Codes the admin pages use as path words under /quan-tri/thu-tuc/ (new procedure, import): a
 * procedure with one of these codes could never be opened there. Paths ignore case.
 */
const RESERVED_PROCEDURE_CODES = ['moi', 'nhap'];
const DOCUMENT_CODE = /^[A-Z0-9_]+$/;
const STEP_CODE = /^[a-z][a-z0-9_]*$/;
const UNIT_CODE = /^[A-Za-z0-9.]+$/;

/** Hours in one working day: N days = N × 8 working hours. */
export const HOURS_PER_DAY = 8;

/** The levels a procedure is received at (the unit tree's levels). */
export const PROCEDURE_LEVELS = ['province', 'district', 'commune'] as const;
export type ProcedureLevel = (typeof PROCEDURE_LEVELS)[number];

/** Step `unit` value meaning the unit competent for the dossier. */
export const UNIT_COMPETENT = 'competent';
/** Step `unit` value meaning the competent unit's parent (inter-level handling). */
export const UNIT_PARENT = 'parent';

/** Numbers in messages follow Vietnamese usage: decimal comma. */
function vn(n: number): string {
  return String(Math.round(n * 1000) / 1000).replace('.', ',');
}

/** Days may be whole or have one decimal (half days exist; tenths are the finest we accept). */
function isTenths(days: number): boolean {
  return Math.abs(days * 10 - Math.round(days * 10)) < 1e-9;
}

function lowerFirst(label: string): string {
  return label.charAt(0).toLocaleLowerCase('vi') + label.slice(1);
}

/** A required, trimmed, non-empty string with messages naming `label`. */
function text(label: string, max: number) {
  return z
    .string({
      error: (iss) => (iss.input === undefined ? `Thiếu ${lowerFirst(label)}` : `${label} phải là chuỗi ký tự`),
    })
    .trim()
    .min(1, `${label} không được để trống`)
    .max(max, `${label} dài quá ${max} ký tự`);
}

function positiveNumber(label: string) {
  return z
    .number({
      error: (iss) => (iss.input === undefined ? `Thiếu ${lowerFirst(label)}` : `${label} phải là một số`),
    })
    .positive(`${label} phải lớn hơn 0`);
}

const documentSchema = z.object(
  {
    code: text('Mã giấy tờ', 50).regex(DOCUMENT_CODE, {
      error: (iss) => `Mã giấy tờ "${String(iss.input)}" chỉ được gồm chữ in hoa không dấu, chữ số và dấu gạch dưới`,
    }),
    name: text('Tên giấy tờ', 500),
    required: z.boolean({ error: 'Trường "bắt buộc" của giấy tờ phải là true hoặc false' }).default(true),
  },
  { error: 'Mỗi thành phần hồ sơ phải là một đối tượng' },
);

const stepSchema = z.object(
  {
    code: text('Mã bước', 50)
      .regex(STEP_CODE, {
        error: (iss) =>
          `Mã bước "${String(iss.input)}" chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ`,
      })
      .refine((code) => !isReservedState(code), {
        error: (iss) =>
          `Mã bước "${String(iss.input)}" trùng tên trạng thái dành riêng (${RESERVED_STATES.join(', ')})`,
      }),
    name: text('Tên bước', 500),
    role: z.enum(STEP_ROLES, {
      error: (iss) =>
        iss.input === undefined
          ? 'Thiếu vai trò xử lý bước'
          : `Vai trò "${String(iss.input)}" không hợp lệ (chỉ nhận: ${STEP_ROLES.join(', ')})`,
    }),
    hours: positiveNumber('Số giờ xử lý của bước').max(2920, 'Số giờ xử lý của một bước tối đa 2.920 giờ (365 ngày)'),
    unit: z
      .string({ error: 'Đơn vị xử lý của bước phải là chuỗi ký tự' })
      .regex(UNIT_CODE, {
        error: (iss) =>
          `Đơn vị xử lý "${String(iss.input)}" không hợp lệ (chỉ nhận: competent, parent hoặc mã định danh đơn vị)`,
      })
      .max(50, 'Mã đơn vị xử lý dài quá 50 ký tự')
      .default(UNIT_COMPETENT),
    // design.md §10: the leader signs the result at this step; the clerk numbers and seals it at that one.
    signs: z.boolean({ error: 'Trường "ký kết quả" của bước phải là true hoặc false' }).optional(),
    numbers: z.boolean({ error: 'Trường "vào số kết quả" của bước phải là true hoặc false' }).optional(),
  },
  { error: 'Mỗi bước xử lý phải là một đối tượng' },
);

/** Decree 30/2020 abbreviations of document kinds (QĐ, GP, GCN, CV …): upper-case letters, Đ included. */
const RESULT_KIND = /^[A-ZĐ]{1,10}$/;

const resultSchema = z.object(
  {
    name: text('Tên kết quả', 500),
    kind: text('Loại văn bản kết quả', 10).regex(RESULT_KIND, {
      error: (iss) =>
        `Loại văn bản kết quả "${String(iss.input)}" phải là chữ viết tắt theo Nghị định 30/2020 (ví dụ QĐ, GP, GCN, CV)`,
    }),
    // The Handlebars body of the generated draft (the dossier's data fills it); absent: a default per kind.
    template: z
      .string({ error: 'Mẫu kết quả phải là chuỗi ký tự' })
      .max(20000, 'Mẫu kết quả dài quá 20.000 ký tự')
      .optional(),
  },
  { error: 'Kết quả phải là một đối tượng {name, kind}' },
);

/** Codes that appear more than once, each reported at its second and later positions. */
function duplicates(items: unknown): Array<{ index: number; code: string }> {
  if (!Array.isArray(items)) return [];
  const seen = new Set<string>();
  const found: Array<{ index: number; code: string }> = [];
  items.forEach((item: unknown, index) => {
    const code = (item as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') return;
    if (seen.has(code)) found.push({ index, code });
    seen.add(code);
  });
  return found;
}

/** Σ step hours, or null while some step's hours are themselves invalid. */
function totalHours(steps: unknown): number | null {
  if (!Array.isArray(steps)) return null;
  let sum = 0;
  for (const step of steps) {
    const hours = (step as { hours?: unknown } | null)?.hours;
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) return null;
    sum += hours;
  }
  return sum;
}

/** Zod schema of a procedure definition; output has defaults applied (`fee`, `required`, `unit`). */
export const procedureDefinitionSchema = z
  .object(
    {
      code: text('Mã thủ tục', 50)
        .regex(PROCEDURE_CODE, {
          error: (iss) =>
            `Mã thủ tục "${String(iss.input)}" chỉ được gồm chữ không dấu, chữ số, dấu chấm, dấu gạch ngang và dấu gạch dưới`,
        })
        .refine((c) => !RESERVED_PROCEDURE_CODES.includes(c.toLowerCase()), {
          error: (iss) =>
            `Mã thủ tục "${String(iss.input)}" trùng với một đường dẫn của trang quản trị; hãy chọn mã khác`,
        }),
      name: text('Tên thủ tục', 500),
      field: text('Lĩnh vực', 500).optional(),
      // The government level that receives it (cấp tỉnh, cấp huyện, cấp xã): a commune desk offers
      // commune procedures only, a district desk district ones. Optional: a definition without it is
      // received at any level (definitions saved before the field existed stay valid).
      level: z
        .enum(PROCEDURE_LEVELS, {
          error: (iss) => `Cấp thực hiện "${String(iss.input)}" không hợp lệ (chỉ nhận: province, district, commune)`,
        })
        .optional(),
      // A year and a half of working days is far beyond any procedure; the bound keeps deadlines computable.
      totalDays: positiveNumber('Thời hạn giải quyết (số ngày làm việc)')
        .max(365, 'Thời hạn giải quyết tối đa 365 ngày làm việc')
        .refine(isTenths, {
          error: 'Thời hạn giải quyết chỉ được lẻ đến một chữ số thập phân (ví dụ 0,5 ngày)',
        }),
      fee: z.number({ error: 'Lệ phí phải là một số' }).min(0, 'Lệ phí không được âm').default(0),
      documents: z
        .array(documentSchema, { error: 'Thành phần hồ sơ phải là một danh sách' })
        .max(100, 'Thành phần hồ sơ tối đa 100 loại giấy tờ')
        .default([]),
      steps: z
        .array(stepSchema, {
          error: (iss) =>
            iss.input === undefined ? 'Thiếu danh sách các bước xử lý' : 'Các bước xử lý phải là một danh sách',
        })
        .min(1, 'Quy trình phải có ít nhất một bước xử lý')
        .max(50, 'Quy trình tối đa 50 bước xử lý'),
      result: resultSchema.optional(),
    },
    { error: 'Định nghĩa thủ tục phải là một đối tượng JSON' },
  )
  .superRefine(
    (def, ctx) => {
      // Runs even when fields failed (see `when`), so one response lists every fault;
      // hence it reads the raw shape defensively.
      const raw = def as unknown as Record<string, unknown> | null;
      if (typeof raw !== 'object' || raw === null) return;
      for (const { index, code } of duplicates(raw.steps)) {
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'code'], message: `Mã bước "${code}" bị trùng` });
      }
      for (const { index, code } of duplicates(raw.documents)) {
        ctx.addIssue({ code: 'custom', path: ['documents', index, 'code'], message: `Mã giấy tờ "${code}" bị trùng` });
      }
      resultSteps(raw, ctx);
      const sum = totalHours(raw.steps);
      const days = raw.totalDays;
      if (sum === null || typeof days !== 'number' || !(days > 0) || !isTenths(days)) return;
      // Compare in thousandths so that 0.1 + 0.2 hours does not exceed 0.3 by rounding noise.
      if (Math.round(sum * 1000) > Math.round(days * HOURS_PER_DAY * 1000)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps'],
          message:
            `Tổng số giờ của các bước (${vn(sum)}) vượt quá thời hạn giải quyết ` +
            `(${vn(days)} ngày = ${vn(days * HOURS_PER_DAY)} giờ)`,
        });
      }
    },
    { when: () => true },
  );

/**
 * design.md §10: a definition with a result has exactly one signing step and one numbering step,
 * the signing one first; without a result, no step signs or numbers.
 */
function resultSteps(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!Array.isArray(raw.steps)) return;
  const steps = raw.steps as Array<Record<string, unknown> | null>;
  const signs = steps.flatMap((s, i) => (s?.signs === true ? [i] : []));
  const numbers = steps.flatMap((s, i) => (s?.numbers === true ? [i] : []));
  const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (raw.result === undefined || raw.result === null) {
    if (signs.length || numbers.length)
      issue(['result'], 'Quy trình có bước ký hoặc vào số kết quả nhưng chưa khai báo kết quả (tên và loại văn bản)');
    return;
  }
  if (signs.length !== 1)
    issue(
      ['steps'],
      signs.length
        ? `Quy trình có kết quả chỉ được có một bước ký kết quả (đang có ${signs.length})`
        : 'Quy trình có kết quả phải có đúng một bước ký kết quả ("signs": true)',
    );
  if (numbers.length !== 1)
    issue(
      ['steps'],
      numbers.length
        ? `Quy trình có kết quả chỉ được có một bước vào số, đóng dấu (đang có ${numbers.length})`
        : 'Quy trình có kết quả phải có đúng một bước vào số, đóng dấu ("numbers": true)',
    );
  if (signs.length === 1 && numbers.length === 1 && numbers[0] <= signs[0])
    issue(['steps', numbers[0], 'numbers'], 'Bước vào số, đóng dấu phải đứng sau bước ký kết quả');
  const both = signs.filter((i) => numbers.includes(i));
  for (const i of both) issue(['steps', i], 'Một bước không thể vừa ký vừa vào số kết quả');
}

/** A validated procedure definition, defaults applied. */
export type ProcedureDefinition = z.output<typeof procedureDefinitionSchema>;
/** One step of a procedure definition. */
export type ProcedureStep = ProcedureDefinition['steps'][number];
/** One required or optional document of a procedure definition. */
export type ProcedureDocument = ProcedureDefinition['documents'][number];
/** What a procedure's dossiers end in: a named document of a Decree 30 kind. */
export type ProcedureResult = NonNullable<ProcedureDefinition['result']>;

/** One validation fault: dotted path (`steps.1.code`, '' for the whole body) and Vietnamese message. */
export interface DefinitionError {
  path: string;
  message: string;
}

/**
 * Validates a posted procedure definition.
 * @param input the parsed JSON body
 * @returns the definition with defaults applied, or every fault found
 */
export function validateDefinition(
  input: unknown,
): { ok: true; definition: ProcedureDefinition } | { ok: false; errors: DefinitionError[] } {
  const result = procedureDefinitionSchema.safeParse(input);
  if (result.success) return { ok: true, definition: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}
