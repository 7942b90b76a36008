import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { attachmentsApi } from '../../handlers/attachments.api';
import { loaders } from '../loaders';
import { dossierCodeParams } from '../../schemas/params.schema';
import { attachmentFieldsSchema, attachmentSchema } from '../../schemas/attachment.schema';
import { itemsOf } from '../../schemas/responses.schema';
import { ALLOWED_TYPES, MAX_FILE_BYTES } from '../../services/attachments.service';
import { err, notActor, ok, STAFF } from './common';

const tags = ['Hồ sơ'];
const MB = MAX_FILE_BYTES / 1024 / 1024;
const KINDS = [...new Set(Object.values(ALLOWED_TYPES).flat())].join(', ');

/** A dossier's files (contract.md §2; the portal's online dossiers send theirs here, design.md §12). */
export function attachmentRoutes(ctx: AppContext): ApiRoute[] {
  const h = attachmentsApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'get',
      path: '/dossiers/:code/attachments',
      access: STAFF,
      operationId: 'listDossierAttachments',
      summary: 'Các tệp đính kèm của hồ sơ, cũ trước',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      responses: { 200: ok('Các tệp đính kèm', itemsOf(attachmentSchema)) },
      handler: h.list,
    }),
    defineRoute({
      method: 'post',
      path: '/dossiers/:code/attachments',
      access: STAFF,
      operationId: 'attachDossierFile',
      summary: 'Đính kèm một tệp vào hồ sơ',
      description:
        `multipart/form-data: \`file\` (một tệp, tối đa ${MB} MB; ${KINDS}) và \`documentCode\` tùy chọn. ` +
        'Người đang xử lý bước hiện tại hoặc cán bộ một cửa của đơn vị tiếp nhận, khi hồ sơ chưa kết thúc.',
      tags,
      input: { params: dossierCodeParams, body: attachmentFieldsSchema },
      load: load.dossier,
      multipart: { field: 'file', maxFields: 10, schema: attachmentFieldsSchema },
      responses: {
        201: ok('Tệp vừa đính kèm', attachmentSchema),
        403: notActor,
        413: err(`Tệp quá ${MB} MB`),
        422: err(
          'Thiếu tệp, tệp sai loại hoặc nội dung không khớp loại; giấy tờ không thuộc thủ tục; hồ sơ đã kết thúc',
        ),
      },
      handler: h.create,
    }),
  ];
}
