import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { publicApi } from '../../handlers/public.api';
import { dossierCodeParams } from '../../schemas/params.schema';
import { publicDossierSchema } from '../../schemas/responses.schema';
import { err, ok } from './common';

/** The citizen's lookup by dossier code: no token; api.routes.ts puts the per-address limit in front. */
export function publicLookupRoute(ctx: AppContext): ApiRoute {
  return defineRoute({
    method: 'get',
    path: '/public/dossiers/:code',
    access: 'public',
    operationId: 'lookupDossier',
    summary: 'Tra cứu công khai tình trạng hồ sơ theo mã (không cần đăng nhập)',
    description: 'Tên người nộp đã che; không có số giấy tờ, điện thoại, địa chỉ, ý kiến, tệp hay tên cán bộ.',
    tags: ['Tra cứu công khai'],
    input: { params: dossierCodeParams },
    responses: {
      200: ok('Tình trạng hồ sơ', publicDossierSchema),
      404: err('Không có hồ sơ với mã này'),
      429: err('Tra cứu quá nhiều lần trong một phút'),
    },
    handler: publicApi(ctx).dossier,
  });
}
