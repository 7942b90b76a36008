import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { consultationsApi } from '../../handlers/consultations.api';
import { loaders } from '../loaders';
import { createDispatchSchema } from '../../schemas/dispatch.schema';
import { dossierCodeParams } from '../../schemas/params.schema';
import { dispatchSchema, itemsOf } from '../../schemas/responses.schema';
import { err, ok, STAFF } from './common';

const tags = ['Lấy ý kiến trong hồ sơ'];

/** Consultations inside a dossier (contract.md §2, design.md §11): dispatches linked to the dossier. */
export function consultationRoutes(ctx: AppContext): ApiRoute[] {
  const h = consultationsApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'get',
      path: '/dossiers/:code/consultations',
      access: STAFF,
      operationId: 'listConsultations',
      summary: 'Các công văn lấy ý kiến của hồ sơ',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      responses: { 200: ok('Công văn lấy ý kiến, cũ nhất trước', itemsOf(dispatchSchema)) },
      handler: h.list,
    }),
    defineRoute({
      method: 'post',
      path: '/dossiers/:code/consultations',
      access: STAFF,
      operationId: 'createConsultation',
      summary: 'Lấy ý kiến cơ quan liên quan (chuyên viên đang xử lý hồ sơ)',
      description:
        'Tạo dự thảo công văn xin ý kiến do đơn vị đang xử lý hồ sơ ban hành, gắn với hồ sơ (`dossierCode`); ' +
        'sau đó theo quy trình công văn (trình duyệt, ban hành, trả lời, kết thúc).',
      tags,
      input: { params: dossierCodeParams, body: createDispatchSchema },
      load: load.dossier,
      responses: {
        201: ok('Dự thảo công văn lấy ý kiến', dispatchSchema),
        403: err('Chỉ chuyên viên đang xử lý hồ sơ ở bước hiện tại được lấy ý kiến'),
        422: err('Dữ liệu không hợp lệ (đơn vị nhận, hạn trả lời), hoặc hồ sơ không ở bước xử lý'),
      },
      handler: h.create,
    }),
  ];
}
