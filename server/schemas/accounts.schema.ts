import { z } from 'zod';
import { ROLES } from '../../workflows/labels';
import { pagingSchema } from './validate';

export const unitCode = z
  .string({ error: 'Mã đơn vị là bắt buộc' })
  .trim()
  .min(1, 'Mã đơn vị là bắt buộc')
  .max(64, 'Mã đơn vị tối đa 64 ký tự')
  .regex(/^[A-Za-z0-9.]+$/, 'Mã định danh chỉ gồm chữ, số và dấu chấm (ví dụ 000.00.31.H05)');

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Tối đa ${max} ký tự`)
    .nullish()
    .transform((v) => (v ? v : null));

export const levelSchema = z.enum(['province', 'district', 'commune'], {
  error: 'Cấp đơn vị phải là tỉnh, huyện hoặc xã',
});

export const createUnitSchema = z.object({
  code: unitCode,
  name: z
    .string({ error: 'Tên đơn vị là bắt buộc' })
    .trim()
    .min(1, 'Tên đơn vị là bắt buộc')
    .max(255, 'Tối đa 255 ký tự'),
  level: levelSchema,
  parentCode: optionalText(64),
  symbol: optionalText(32).refine(
    (v) => v === null || /^[\p{L}0-9.\-/]+$/u.test(v),
    'Ký hiệu chỉ gồm chữ, số, dấu chấm, gạch ngang',
  ),
  /** Where citizens bring their papers (shown on the public lookup page). */
  address: optionalText(500),
  phone: optionalText(50).refine(
    (v) => v === null || /^[0-9 .()+-]{6,50}$/.test(v),
    'Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, ngoặc, dấu + và gạch ngang',
  ),
});
export type CreateUnitInput = z.infer<typeof createUnitSchema>;

export const updateUnitSchema = createUnitSchema
  .omit({ code: true })
  .partial()
  .extend({ active: z.boolean({ error: 'Trạng thái phải là true hoặc false' }).optional() });
export type UpdateUnitInput = z.infer<typeof updateUnitSchema>;

const roleSchema = z.enum(ROLES, { error: 'Vai trò không hợp lệ' });
const rolesSchema = z
  .array(roleSchema, { error: 'Vai trò phải là một danh sách' })
  .min(1, 'Cần ít nhất một vai trò')
  .transform((r) => [...new Set(r)]);

const password = z
  .string({ error: 'Mật khẩu là bắt buộc' })
  .min(8, 'Mật khẩu cần ít nhất 8 ký tự')
  .max(200, 'Mật khẩu tối đa 200 ký tự');

const email = z
  .string()
  .trim()
  .max(255)
  .nullish()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'Địa chỉ thư điện tử không hợp lệ');

export const createUserSchema = z
  .object({
    username: z
      .string({ error: 'Tên đăng nhập là bắt buộc' })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{3,64}$/, 'Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, số, dấu chấm, gạch'),
    password,
    fullName: z.string({ error: 'Họ và tên là bắt buộc' }).trim().min(1, 'Họ và tên là bắt buộc').max(255),
    email,
    unitCode: optionalText(64),
    roles: rolesSchema,
  })
  .superRefine((u, ctx) => {
    if (!u.unitCode && u.roles.some((r) => r !== 'admin')) {
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: 'Cán bộ phải thuộc một đơn vị' });
    }
  });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.object({
  password: password.optional(),
  fullName: z.string().trim().min(1, 'Họ và tên là bắt buộc').max(255).optional(),
  email: email.optional(),
  unitCode: optionalText(64).optional(),
  roles: rolesSchema.optional(),
  active: z.boolean({ error: 'Trạng thái phải là true hoặc false' }).optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const credentialsSchema = z.object({
  username: z.string({ error: 'Tên đăng nhập là bắt buộc' }).trim().min(1, 'Tên đăng nhập là bắt buộc').max(64),
  password: z.string({ error: 'Mật khẩu là bắt buộc' }).min(1, 'Mật khẩu là bắt buộc').max(200),
});

/** `GET /users`: pages like every list; `q` matches the username and the full name. */
export const usersQuerySchema = pagingSchema.extend({
  q: z
    .string()
    .trim()
    .max(100, 'Từ khóa tối đa 100 ký tự')
    .optional()
    .meta({ description: 'Tên đăng nhập hoặc họ tên' }),
});
