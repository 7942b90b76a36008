import { z } from 'zod';
import { ROLES, type StepRole } from '../../workflows/labels';

/*
 * The admin's user pages (/quan-tri/nguoi-dung). The list never refuses a bad query string: a value
 * it cannot use falls back to the default, as a person who edits the address bar expects.
 */

/** `/quan-tri/nguoi-dung?tim=&don-vi=&cap-duoi=1&vai-tro=&trang-thai=&trang=`. */
export const usersPageQuerySchema = z.object({
  tim: z.string().trim().max(100).optional().catch(undefined),
  'don-vi': z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.]{1,64}$/)
    .optional()
    .catch(undefined),
  /** With a unit: its sub-units too. */
  'cap-duoi': z
    .enum(['1'])
    .optional()
    .catch(undefined)
    .transform((v) => v === '1'),
  'vai-tro': z.enum(ROLES).optional().catch(undefined),
  'trang-thai': z.enum(['hoat-dong', 'da-khoa']).optional().catch(undefined),
  trang: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type UsersPageQuery = z.infer<typeof usersPageQuerySchema>;

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,64}$/, 'Chọn một người dùng trong danh sách');
const optionalUsername = z.preprocess((v) => (v === '' ? undefined : v), username.optional());

/**
 * `POST /quan-tri/nguoi-dung/:username/khoa`: disable a user who still has work. `reassign` moves the
 * drafts and replies they own to `to` and grants each role that only they held (`grant-<role>`) to
 * the user named; `force` disables anyway and leaves the work where it is.
 */
export const disableUserSchema = z.object({
  mode: z.enum(['reassign', 'force'], { error: 'Chọn chuyển giao công việc hoặc vẫn khóa' }),
  to: optionalUsername,
  'grant-intake': optionalUsername,
  'grant-specialist': optionalUsername,
  'grant-head': optionalUsername,
  'grant-leader': optionalUsername,
  'grant-clerk': optionalUsername,
});
export type DisableUserInput = z.infer<typeof disableUserSchema>;

/** The grant field of the disable form for a step role. */
export const grantField = (role: StepRole) => `grant-${role}` as const;
