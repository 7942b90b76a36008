import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { dispatchesApi } from '../../handlers/dispatches.api';
import { loaders } from '../loaders';
import {
  createDispatchSchema,
  deleteDispatchQuerySchema,
  editDispatchSchema,
  replyFilesFieldsSchema,
  dispatchEventSchema,
  dispatchListQuerySchema,
  replyEventSchema,
  responseSchema,
} from '../../schemas/dispatch.schema';
import { dispatchIdParams, replyParams } from '../../schemas/params.schema';
import { dispatchSchema, page, synthesisSchema } from '../../schemas/responses.schema';
import { conflict, err, notActor, notAllowed, ok, STAFF } from './common';
import { MAX_FILE_BYTES } from '../../services/attachments.service';

const MB = MAX_FILE_BYTES / 1024 / 1024;

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
      method: 'patch',
      path: '/dispatches/:id',
      access: STAFF,
      operationId: 'editDispatchDraft',
      summary: 'Sửa dự thảo công văn (chỉ người soạn, khi còn là dự thảo)',
      description: 'Chỉ các trường gửi lên được thay đổi; `version` là phiên bản đang xem.',
      tags,
      input: { params: dispatchIdParams, body: editDispatchSchema },
      load: load.dispatch,
      responses: {
        200: ok('Dự thảo sau khi sửa', dispatchSchema),
        409: conflict,
        403: err('Chỉ người soạn dự thảo được sửa'),
        422: err('Dữ liệu không hợp lệ, hoặc công văn không còn là dự thảo'),
      },
      handler: h.edit,
    }),
    defineRoute({
      method: 'delete',
      path: '/dispatches/:id',
      access: STAFF,
      operationId: 'deleteDispatchDraft',
      summary: 'Xóa dự thảo công văn (chỉ người soạn, khi còn là dự thảo)',
      description:
        'Phiên bản đang xem trong `?version=` (bắt buộc). Dự thảo chuyển sang trạng thái ' +
        '`deleted`: không còn trong danh sách, đọc lại trả 404; lịch sử vẫn được lưu.',
      tags,
      input: { params: dispatchIdParams, query: deleteDispatchQuerySchema },
      load: load.dispatch,
      responses: {
        204: { description: 'Đã xóa dự thảo' },
        409: conflict,
        403: err('Chỉ người soạn dự thảo được xóa'),
        422: err('Thiếu phiên bản, hoặc công văn không còn là dự thảo'),
      },
      handler: h.remove,
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
      method: 'post',
      path: '/dispatches/:id/replies/:unitCode/attachments',
      access: STAFF,
      operationId: 'attachReplyFiles',
      summary: 'Đính kèm tệp vào ý kiến trả lời của đơn vị nhận',
      description:
        `multipart/form-data: \`file\` (một hoặc nhiều tệp cùng tên trường, tối đa ${MB} MB mỗi tệp). Chuyên viên được giao ` +
        'hoặc lãnh đạo đơn vị nhận, khi ý kiến chưa gửi; đơn vị soạn thảo thấy tệp khi ý kiến đã gửi.',
      tags,
      input: { params: replyParams, body: replyFilesFieldsSchema },
      load: load.reply,
      multipart: { field: 'file', maxFields: 10, schema: replyFilesFieldsSchema },
      responses: {
        201: ok('Công văn sau khi đính kèm (ý kiến của đơn vị kèm các tệp)', dispatchSchema),
        403: notActor,
        413: err(`Tệp quá ${MB} MB`),
        422: err('Thiếu tệp, tệp sai loại, hoặc ý kiến đã gửi / đã hết hạn'),
      },
      handler: h.attachReply,
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
