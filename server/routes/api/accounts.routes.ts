import type { AppContext } from '../../context';
import { ApiRoute, defineRoute } from '../route';
import { accountsApi } from '../../handlers/accounts.api';
import { loaders } from '../loaders';
import {
  createUnitSchema,
  createUserSchema,
  credentialsSchema,
  updateUnitSchema,
  updateUserSchema,
  usersQuerySchema,
} from '../../schemas/accounts.schema';
import { unitCodeParams, usernameParams } from '../../schemas/params.schema';
import { itemsOf, page, tokenSchema, unitSchema, userSchema } from '../../schemas/responses.schema';
import { duplicate, err, ok } from './common';
import { mergeResultSchema, mergeUnitSchema } from '../../schemas/unit-merge.schema';

const tags = ['Tài khoản'];

/** POST /tokens: the one route that signs in. */
export function tokenRoute(ctx: AppContext): ApiRoute {
  const h = accountsApi(ctx);
  return defineRoute({
    method: 'post',
    path: '/tokens',
    access: 'public',
    operationId: 'createToken',
    summary: 'Cấp mã truy cập (đăng nhập)',
    tags,
    input: { body: credentialsSchema },
    responses: {
      201: ok('Mã truy cập và thời điểm hết hạn', tokenSchema),
      401: err('Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa'),
      429: err('Tạm khóa tên đăng nhập này do đăng nhập sai nhiều lần'),
    },
    handler: h.createToken,
  });
}

/** Tokens, units and users (contract.md §2 "Units and users"). */
export function accountRoutes(ctx: AppContext): ApiRoute[] {
  const h = accountsApi(ctx);
  const load = loaders(ctx);
  return [
    defineRoute({
      method: 'delete',
      path: '/tokens/current',
      access: 'user',
      operationId: 'revokeCurrentToken',
      summary: 'Thu hồi mã truy cập đang dùng',
      tags,
      responses: { 204: ok('Đã thu hồi') },
      handler: h.revokeCurrentToken,
    }),
    defineRoute({
      method: 'get',
      path: '/units',
      access: 'user',
      operationId: 'listUnits',
      summary: 'Danh sách đơn vị',
      tags,
      responses: { 200: ok('Mọi đơn vị, kể cả đơn vị đã ngừng hoạt động', itemsOf(unitSchema)) },
      handler: h.listUnits,
    }),
    defineRoute({
      method: 'post',
      path: '/units',
      access: ['admin'],
      operationId: 'createUnit',
      summary: 'Thêm đơn vị',
      tags,
      input: { body: createUnitSchema },
      responses: { 201: ok('Đơn vị đã tạo', unitSchema), 409: duplicate },
      handler: h.createUnit,
    }),
    defineRoute({
      method: 'patch',
      path: '/units/:code',
      access: ['admin'],
      operationId: 'updateUnit',
      summary: 'Sửa đơn vị',
      tags,
      input: { params: unitCodeParams, body: updateUnitSchema },
      load: load.unit,
      responses: { 200: ok('Đơn vị sau khi sửa', unitSchema) },
      handler: h.updateUnit,
    }),
    defineRoute({
      method: 'post',
      path: '/units/:code/merge',
      access: ['admin'],
      operationId: 'mergeUnit',
      summary: 'Sáp nhập đơn vị',
      description:
        'Trong một giao dịch: người dùng, hồ sơ đang giải quyết, ý kiến chưa trả lời và công văn chưa ban hành của ' +
        'đơn vị chuyển sang `intoCode`; đơn vị ngừng hoạt động. Hồ sơ đã kết thúc giữ nguyên đơn vị.',
      tags,
      input: { params: unitCodeParams, body: mergeUnitSchema },
      load: load.unit,
      responses: {
        200: ok('Số người dùng, hồ sơ và ý kiến đã chuyển', mergeResultSchema),
        409: err('Một hồ sơ, ý kiến hoặc công văn của đơn vị đang được thao tác; không có gì thay đổi'),
      },
      handler: h.mergeUnit,
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      access: ['admin'],
      operationId: 'listUsers',
      summary: 'Danh sách người dùng',
      tags,
      input: { query: usersQuerySchema },
      responses: { 200: ok('Một trang người dùng', page(userSchema)) },
      handler: h.listUsers,
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      access: ['admin'],
      operationId: 'createUser',
      summary: 'Thêm người dùng',
      tags,
      input: { body: createUserSchema },
      responses: { 201: ok('Người dùng đã tạo (không kèm mật khẩu)', userSchema), 409: duplicate },
      handler: h.createUser,
    }),
    defineRoute({
      method: 'patch',
      path: '/users/:username',
      access: ['admin'],
      operationId: 'updateUser',
      summary: 'Sửa hoặc khóa người dùng',
      description: '`{"active":false}` khóa tài khoản: phiên và mã truy cập của người này hết hiệu lực ngay.',
      tags,
      input: { params: usernameParams, body: updateUserSchema },
      load: load.user,
      responses: { 200: ok('Người dùng sau khi sửa', userSchema) },
      handler: h.updateUser,
    }),
  ];
}
