import { z } from 'zod';
import { unitCode } from './accounts.schema';

/** `/quan-tri/don-vi?q=`: search the unit tree (code or name, ignoring case and diacritics). */
export const unitTreeQuerySchema = z.object({
  q: z.string().trim().max(100, 'Tối đa 100 ký tự').optional().catch(undefined),
});

/** `/quan-tri/don-vi/:code/sap-nhap?vao=`: the unit to merge into (none yet: the page asks). */
export const mergePreviewQuerySchema = z.object({
  vao: unitCode.optional().catch(undefined),
});
