import { z } from 'zod';
import type * as ZodOpenApi from 'zod-openapi';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { lazyModule } from './lazy';
import type { ApiRoute, Responses, ResponseSpec } from './routes/route';
import { errorSchema } from './schemas/responses.schema';
import { ROLES } from '../workflows/labels';

/** The generator, loaded when /api/v1/openapi.json is first asked for (issue 17: memory). */
const zodOpenApi = lazyModule<typeof ZodOpenApi>('zod-openapi');

/*
 * The OpenAPI 3.1 description of /api/v1 (contract.md §2), generated from the route table: the
 * same zod schemas that validate the input describe it, and each route's answers are its declared
 * ones plus those its declaration implies (below). Served at /api/v1/openapi.json.
 */

const error = (description: string): ResponseSpec => ({ description, schema: errorSchema });

/** Every authenticated POST takes an Idempotency-Key (contract.md §2; middleware/idempotency.ts). */
const keyed = (route: ApiRoute) => route.method === 'post' && route.access !== 'public';
const KEY_CONFLICT =
  'Khóa `Idempotency-Key` đã dùng cho một yêu cầu khác (`idempotency_key_reused`), hoặc yêu cầu cùng khóa ' +
  'đang được xử lý (`idempotency_in_flight`)';
const idempotencyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
    .optional()
    .meta({
      description:
        'Khóa chống gửi trùng: 1–100 ký tự A-Z a-z 0-9 _ . : -. Gửi lại cùng khóa (cùng người dùng, trong 24 giờ) ' +
        'nhận lại đúng câu trả lời đầu (mã trạng thái và nội dung, kèm tiêu đề `Idempotency-Replayed: true`) và ' +
        'không thay đổi gì; cùng khóa với nội dung khác → 409; khóa sai dạng → 400 (`invalid_idempotency_key`).',
    }),
});

/**
 * Every answer a route can give: what it declares, and what its declaration implies. A token is
 * needed (401); a role list that is not every role (403); a path or a load step (404); a body may
 * be sent (400 malformed JSON or not an object, 413 over 1 MB); declared query or body fields (422);
 * any call reads the database (503).
 */
export function responsesOf(route: ApiRoute): Responses {
  const implied: Responses = {};
  const { access, input, method } = route;
  if (access !== 'public') implied[401] = error('Thiếu mã truy cập, hoặc mã không hợp lệ, hết hạn, đã thu hồi');
  if (Array.isArray(access) && !ROLES.every((r) => access.includes(r)))
    implied[403] = error(`Chỉ dành cho vai trò: ${access.join(', ')}`);
  if (input.params || route.load) implied[404] = error('Không có, hoặc người dùng không được xem');
  if (method !== 'get') {
    implied[400] = error('Nội dung không phải JSON hợp lệ, hoặc không phải một đối tượng JSON');
    implied[413] = error(route.rawBody ? `Nội dung quá ${route.rawBody.limit / 1024 / 1024} MB` : 'Nội dung quá 1 MB');
  }
  if (input.query || input.body) implied[422] = error('Trường không hợp lệ (`details.fields` nêu từng trường)');
  implied[503] = error('Cơ sở dữ liệu tạm thời không phản hồi');
  const all = { ...implied, ...route.responses };
  if (keyed(route)) {
    const own = route.responses[409];
    all[409] = error(own ? `${own.description}; hoặc: ${KEY_CONFLICT}` : KEY_CONFLICT);
    all[400] = error(`${all[400]?.description ?? 'Yêu cầu không hợp lệ'}; hoặc khóa \`Idempotency-Key\` sai dạng`);
  }
  return all;
}

/** `/dossiers/:code` → `/dossiers/{code}` */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operation(route: ApiRoute): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, spec] of Object.entries(responsesOf(route))) {
    if (!spec) continue;
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: spec.description,
      ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } } : {}),
    };
  }
  const { params, query, body } = route.input;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(params || query || keyed(route)
      ? {
          requestParams: {
            ...(params ? { path: params } : {}),
            ...(query ? { query } : {}),
            ...(keyed(route) ? { header: idempotencyHeader } : {}),
          },
        }
      : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    ...(route.multipart
      ? {
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: (route.multipart.schema as z.ZodObject).extend({
                  [route.multipart.field]: z.string().meta({ format: 'binary' }),
                }),
              },
            },
          },
        }
      : {}),
    ...(route.rawBody
      ? {
          requestBody: {
            required: true,
            content: { [route.rawBody.mediaType]: { schema: { type: 'string', format: 'binary' } } },
          },
        }
      : {}),
    responses,
  } as ZodOpenApiOperationObject;
}

/** The document for these routes (the app passes its whole route table). */
export function openApiDocument(routes: ApiRoute[]): ReturnType<typeof ZodOpenApi.createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method] = operation(route);
  }
  return zodOpenApi.createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Một Cửa API',
      version: '1',
      description:
        'API tích hợp của hệ thống Một Cửa (contract.md §2). Thời gian theo ISO 8601 có múi giờ (+07:00); ' +
        'ngày dạng YYYY-MM-DD. Danh sách phân trang bằng `page` (từ 1) và `pageSize` (mặc định 20, tối đa 100).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  });
}
