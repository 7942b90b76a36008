import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { proceduresApi } from '../../handlers/procedures.api';
import { calendarApi } from '../../handlers/calendar.api';
import { reportsApi } from '../../handlers/reports.api';
import { loaders } from '../loaders';
import { procedureListQuerySchema, procedureVersionQuerySchema } from '../../schemas/catalog.schema';
import { daySchema, deadlineQuerySchema, yearQuerySchema } from '../../schemas/calendar.schema';
import { summaryQuerySchema } from '../../schemas/reports.schema';
import { dateParams, procedureCodeParams } from '../../schemas/params.schema';
import {
  calendarDaySchema,
  calendarYearSchema,
  deadlineSchema,
  page,
  procedureCreatedSchema,
  procedureSchema,
  procedureWithVersionsSchema,
  summarySchema,
} from '../../schemas/responses.schema';
import { procedureDefinitionSchema } from '../../../workflows/procedure';
import { ok, STAFF } from './common';

/** The procedure catalog, the working-time calendar and the summary report (contract.md §2). */
export function catalogRoutes(ctx: AppContext): ApiRoute[] {
  const procedures = proceduresApi(ctx);
  const calendar = calendarApi(ctx);
  const reports = reportsApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'get',
      path: '/procedures',
      access: STAFF,
      operationId: 'listProcedures',
      summary: 'Danh mục thủ tục (phiên bản mới nhất của mỗi mã)',
      tags: ['Thủ tục'],
      input: { query: procedureListQuerySchema },
      responses: { 200: ok('Một trang thủ tục', page(procedureSchema)) },
      handler: procedures.list,
    }),
    defineRoute({
      method: 'post',
      path: '/procedures',
      access: ['admin'],
      operationId: 'createProcedureVersion',
      summary: 'Đăng quy trình (mã đã có: phiên bản kế tiếp)',
      tags: ['Thủ tục'],
      input: { body: procedureDefinitionSchema },
      responses: { 201: ok('Mã và phiên bản đã lưu', procedureCreatedSchema) },
      handler: procedures.create,
    }),
    defineRoute({
      method: 'get',
      path: '/procedures/:code',
      access: STAFF,
      operationId: 'getProcedure',
      summary: 'Một thủ tục: phiên bản mới nhất, hoặc ?version=N',
      tags: ['Thủ tục'],
      input: { params: procedureCodeParams, query: procedureVersionQuerySchema },
      load: load.procedure,
      responses: { 200: ok('Định nghĩa thủ tục và các phiên bản', procedureWithVersionsSchema) },
      handler: procedures.get,
    }),
    defineRoute({
      method: 'get',
      path: '/calendar/deadline',
      access: 'user',
      operationId: 'computeDeadline',
      summary: 'Tính hạn theo ngày hoặc giờ làm việc từ một thời điểm tiếp nhận',
      tags: ['Lịch làm việc'],
      input: { query: deadlineQuerySchema },
      responses: { 200: ok('Thời điểm bắt đầu tính và hạn', deadlineSchema) },
      handler: calendar.deadline,
    }),
    defineRoute({
      method: 'get',
      path: '/calendar/days',
      access: 'user',
      operationId: 'listCalendarDays',
      summary: 'Ngày nghỉ và ngày điều chỉnh của một năm',
      tags: ['Lịch làm việc'],
      input: { query: yearQuerySchema },
      responses: { 200: ok('Ngày nghỉ (kể cả nghỉ bù) và các ngày điều chỉnh', calendarYearSchema) },
      handler: calendar.listDays,
    }),
    defineRoute({
      method: 'put',
      path: '/calendar/days/:date',
      access: ['admin'],
      operationId: 'setCalendarDay',
      summary: 'Điều chỉnh một ngày: nghỉ hoặc làm việc',
      tags: ['Lịch làm việc'],
      input: { params: dateParams, body: daySchema },
      responses: { 200: ok('Ngày đã điều chỉnh', calendarDaySchema) },
      handler: calendar.putDay,
    }),
    defineRoute({
      method: 'delete',
      path: '/calendar/days/:date',
      access: ['admin'],
      operationId: 'deleteCalendarDay',
      summary: 'Bỏ điều chỉnh của một ngày',
      tags: ['Lịch làm việc'],
      input: { params: dateParams },
      responses: { 204: ok('Đã bỏ') },
      handler: calendar.deleteDay,
    }),
    defineRoute({
      method: 'get',
      path: '/reports/summary',
      access: STAFF,
      operationId: 'getReportSummary',
      summary: 'Số liệu giải quyết hồ sơ của một đơn vị và các đơn vị trực thuộc trong kỳ',
      tags: ['Báo cáo'],
      input: { query: summaryQuerySchema },
      load: load.reportUnit,
      responses: { 200: ok('Bảy chỉ số của kỳ', summarySchema) },
      handler: reports.summary,
    }),
  ];
}
