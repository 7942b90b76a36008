import type { z } from 'zod';
import type { ResponseSpec } from '../route';
import { errorSchema } from '../../schemas/responses.schema';

/** Every staff role, admin included: any signed-in user of the back office. */
export const STAFF = ['intake', 'specialist', 'head', 'leader', 'clerk', 'admin'] as const;

export const ok = (description: string, schema?: z.ZodType): ResponseSpec => ({ description, schema });
export const err = (description: string): ResponseSpec => ({ description, schema: errorSchema });

/** Route-specific error answers; 401, 404, 400, 413, 422 for fields and 503 are added from the declaration. */
export const conflict = err('Phiên bản đã cũ (`details.currentVersion`); không có gì thay đổi');
export const duplicate = err('Trùng mã đã có');
export const notActor = err('Người dùng không được thao tác ở bước/trạng thái này');
export const notAllowed = err('Thao tác không hợp lệ ở trạng thái hiện tại, hoặc dữ liệu không hợp lệ');
