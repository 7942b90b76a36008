import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { resultsApi } from '../../handlers/results.api';
import { loaders } from '../loaders';
import { dossierCodeParams } from '../../schemas/params.schema';
import { dossierSchema } from '../../schemas/responses.schema';
import { MAX_RESULT_BYTES } from '../../services/results.service';
import { err, notActor, ok, STAFF } from './common';

const tags = ['Kết quả'];

/** The result of a dossier (contract.md §2 "Results", design.md §10). */
export function resultRoutes(ctx: AppContext): ApiRoute[] {
  const h = resultsApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'put',
      path: '/dossiers/:code/result',
      access: STAFF,
      operationId: 'putDossierResult',
      summary: 'Đính kèm dự thảo kết quả (PDF)',
      description:
        'Thân yêu cầu là tệp PDF (`application/pdf`, tối đa 10 MB). Chỉ người đang xử lý bước hiện tại, ' +
        'trước khi qua bước ký. Thay dự thảo trước đó (và chữ ký trên đó, nếu có).',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      rawBody: { mediaType: 'application/pdf', limit: MAX_RESULT_BYTES },
      responses: {
        200: ok('Hồ sơ với dự thảo kết quả', dossierSchema),
        403: notActor,
        422: err('Không phải PDF, PDF có mật khẩu hoặc hỏng; thủ tục không có kết quả; đã qua bước ký'),
      },
      handler: h.put,
    }),
    defineRoute({
      method: 'get',
      path: '/dossiers/:code/result',
      access: STAFF,
      operationId: 'getDossierResult',
      summary: 'Tệp kết quả hiện tại (PDF)',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      responses: {
        200: { description: 'Tệp PDF của kết quả', contentType: 'application/pdf', schema: undefined },
        404: err('Không có hồ sơ, không được xem, hoặc hồ sơ chưa có kết quả'),
      },
      handler: h.get,
    }),
  ];
}
