import { z } from 'zod';
import { pagingSchema } from './validate';

export const procedureListQuerySchema = pagingSchema.extend({
  q: z.string().trim().max(100).optional().meta({ description: 'Tìm theo mã hoặc tên thủ tục' }),
});

export const procedureVersionQuerySchema = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1, 'Phiên bản từ 1 trở lên')
    .optional()
    .meta({ description: 'Phiên bản (mặc định: mới nhất)' }),
});
