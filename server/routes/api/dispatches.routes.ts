import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { dispatchesApi } from '../../handlers/dispatches.api';
import { loaders } from '../loaders';
import {
  createDispatchSchema,
  dispatchEventSchema,
  dispatchListQuerySchema,
  replyEventSchema,
  responseSchema,
} from '../../schemas/dispatch.schema';
import { dispatchIdParams, replyParams } from '../../schemas/params.schema';
import { dispatchSchema, page, synthesisSchema } from '../../schemas/responses.schema';
import { conflict, err, notActor, notAllowed, ok, STAFF } from './common';

const tags = ['Công văn xin ý kiến'];

/** Comment-solicitation dispatches and their replies (contract.md §2). */
export function dispatchRoutes(ctx: AppContext): ApiRoute[] {
  const h = dispatchesApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'get',
      path: '/dispatches',
      access: STAFF,
      operationId: 'listDispatches',
      summary: 'Công văn đơn vị đã gửi, hoặc đã nhận (inbox=1)',
      tags,
      input: { query: dispatchListQuerySchema },
      responses: { 200: ok('Một trang công văn', page(dispatchSchema)) },
      handler: h.list,
    }),
    defineRoute({
      method: 'post',
      path: '/dispatches',
      access: STAFF,
      operationId: 'createDispatch',
      summary: 'Soạn công văn xin ý kiến (chuyên viên)',
      tags,
      input: { body: createDispatchSchema },
      responses: {
        201: ok('Dự thảo công văn', dispatchSchema),
        403: err('Chỉ chuyên viên được soạn công văn xin ý kiến'),
        422: err('Dữ liệu không hợp lệ: đơn vị nhận không có, hạn trả lời đã qua…'),
      },
      handler: h.create,
    }),
    defineRoute({
      method: 'get',
      path: '/dispatches/:id',
      access: STAFF,
      operationId: 'getDispatch',
      summary: 'Một công văn (đơn vị nhận chỉ thấy ý kiến của mình)',
      tags,
      input: { params: dispatchIdParams },
      load: load.dispatch,
      responses: { 200: ok('Công văn', dispatchSchema) },
      handler: h.get,
    }),
    defineRoute({
      method: 'post',
      path: '/dispatches/:id/events',
      access: STAFF,
      operationId: 'sendDispatchEvent',
      summary: 'SUBMIT, APPROVE, REJECT, ISSUE, CLOSE',
      tags,
      input: { params: dispatchIdParams, body: dispatchEventSchema },
      load: load.dispatch,
      responses: { 200: ok('Công văn sau thao tác', dispatchSchema), 409: conflict, 403: notActor, 422: notAllowed },
      handler: h.event,
    }),
    defineRoute({
      method: 'get',
      path: '/dispatches/:id/synthesis',
      access: STAFF,
      operationId: 'getDispatchSynthesis',
      summary: 'Bảng tổng hợp ý kiến (đơn vị soạn thảo và cấp trên)',
      tags,
      input: { params: dispatchIdParams },
      load: load.dispatchAsSender,
      responses: { 200: ok('Tổng hợp ý kiến', synthesisSchema) },
      handler: h.synthesis,
    }),
    defineRoute({
      method: 'post',
      path: '/dispatches/:id/replies/:unitCode/events',
      access: STAFF,
      operationId: 'sendReplyEvent',
      summary: 'ASSIGN, SUBMIT, APPROVE, RETURN ý kiến của đơn vị nhận',
      tags,
      input: { params: replyParams, body: replyEventSchema },
      load: load.reply,
      responses: {
        200: ok('Công văn sau thao tác', dispatchSchema),
        409: conflict,
        403: notActor,
        422: err('Thao tác không hợp lệ ở trạng thái hiện tại, hoặc người được giao không phải chuyên viên của đơn vị'),
      },
      handler: h.replyEvent,
    }),
    defineRoute({
      method: 'put',
      path: '/dispatches/:id/replies/:unitCode/response',
      access: STAFF,
      operationId: 'setReplyResponse',
      summary: 'Ý kiến tiếp thu, giải trình của đơn vị soạn thảo',
      tags,
      input: { params: replyParams, body: responseSchema },
      load: load.replyAsSender,
      responses: {
        200: ok('Tổng hợp ý kiến sau khi ghi', synthesisSchema),
        403: err('Chỉ đơn vị soạn thảo được ghi ý kiến tiếp thu, giải trình'),
        422: notAllowed,
      },
      handler: h.response,
    }),
  ];
}
