import { z } from 'zod';
import { BadRequest, FieldErrors, Invalid } from '../errors';

// Vietnamese messages for every zod issue that a schema does not word itself.
z.config(z.locales.vi());

/** Field errors keyed by dotted path, first message per field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/**
 * Validate input against a schema. A body that is not a JSON object at all is malformed (400);
 * an object with bad fields is invalid (422, `details.fields` names them).
 */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new BadRequest('Nội dung yêu cầu phải là một đối tượng JSON.');
  }
  return parseFields(schema, input);
}

/** Validate query strings or form fields: bad fields → 422 with their names. */
export function parseFields<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = fieldErrors(result.error);
    throw new Invalid('Dữ liệu không hợp lệ: ' + Object.keys(fields).join(', ') + '.', { fields });
  }
  return result.data;
}

/** `?page=&pageSize=` per the contract: page from 1, pageSize default 20, at most 100. */
export const pagingSchema = z.object({
  page: z.coerce.number().int().min(1, 'Trang phải từ 1 trở lên').max(100000, 'Số trang quá lớn').default(1),
  pageSize: z.coerce.number().int().min(1).max(100, 'Tối đa 100 dòng một trang').default(20),
});
export type Paging = z.infer<typeof pagingSchema>;
