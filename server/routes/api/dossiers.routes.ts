import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { dossiersApi } from '../../handlers/dossiers.api';
import { loaders } from '../loaders';
import { eventSchema, intakeSchema, listQuerySchema } from '../../schemas/dossier.schema';
import { dossierCodeParams } from '../../schemas/params.schema';
import { dossierSchema, eventSchema as eventOut, itemsOf, page } from '../../schemas/responses.schema';
import { conflict, duplicate, err, notActor, notAllowed, ok, STAFF } from './common';

const tags = ['Hồ sơ'];

/** Dossiers (contract.md §2 "Dossiers"). */
export function dossierRoutes(ctx: AppContext): ApiRoute[] {
  const h = dossiersApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'get',
      path: '/dossiers',
      access: STAFF,
      operationId: 'listDossiers',
      summary: 'Danh sách hồ sơ người dùng được xem',
      description: '`mine=1`: hồ sơ mà người dùng đang phải xử lý ở bước hiện tại, gấp nhất trước.',
      tags,
      input: { query: listQuerySchema },
      responses: { 200: ok('Một trang hồ sơ', page(dossierSchema)) },
      handler: h.list,
    }),
    defineRoute({
      method: 'post',
      path: '/dossiers',
      access: STAFF,
      operationId: 'createDossier',
      summary: 'Tiếp nhận hồ sơ (cán bộ một cửa)',
      tags,
      input: { body: intakeSchema },
      responses: {
        201: ok('Hồ sơ vừa tiếp nhận', dossierSchema),
        403: err('Chỉ cán bộ tiếp nhận được nhận hồ sơ'),
        409: duplicate,
        422: err('Dữ liệu không hợp lệ; thiếu giấy tờ bắt buộc (`details.missingDocuments`)'),
      },
      handler: h.create,
    }),
    defineRoute({
      method: 'get',
      path: '/dossiers/:code',
      access: STAFF,
      operationId: 'getDossier',
      summary: 'Một hồ sơ',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      responses: { 200: ok('Hồ sơ', dossierSchema) },
      handler: h.get,
    }),
    defineRoute({
      method: 'get',
      path: '/dossiers/:code/history',
      access: STAFF,
      operationId: 'getDossierHistory',
      summary: 'Lịch sử xử lý hồ sơ, cũ trước',
      tags,
      input: { params: dossierCodeParams },
      load: load.dossier,
      responses: { 200: ok('Các sự kiện của hồ sơ', itemsOf(eventOut)) },
      handler: h.history,
    }),
    defineRoute({
      method: 'post',
      path: '/dossiers/:code/events',
      access: STAFF,
      operationId: 'sendDossierEvent',
      summary: 'Chuyển trạng thái hồ sơ',
      description:
        '`comment` bắt buộc với RETURN, REQUEST_SUPPLEMENT, REFUSE, EXTEND, WITHDRAW; EXTEND cần `dueAt` ' +
        'trong giờ làm việc của một ngày làm việc.',
      tags,
      input: { params: dossierCodeParams, body: eventSchema },
      load: load.dossier,
      responses: { 200: ok('Hồ sơ sau thao tác', dossierSchema), 409: conflict, 403: notActor, 422: notAllowed },
      handler: h.event,
    }),
  ];
}
