/**
 * The OpenAPI 3.1 description of /api/v1 (contract.md §2), served at /api/v1/openapi.json.
 * test/integration/openapi.test.ts fails when a declared route is missing here.
 */
type Obj = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Obj) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, ...json(ref('Error')) });
const ok = (description: string, schema?: Obj) => (schema ? { description, ...json(schema) } : { description });
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const query = (name: string, description: string, schema: Obj = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const paging = [
  query('page', 'Trang, từ 1', { type: 'integer', minimum: 1 }),
  query('pageSize', 'Số dòng, mặc định 20, tối đa 100', { type: 'integer', maximum: 100 }),
];
const list = (item: string) => ({
  type: 'object',
  properties: { items: { type: 'array', items: ref(item) }, total: { type: 'integer' } },
});
const common = { 401: err('Thiếu hoặc sai mã truy cập'), 403: err('Không có quyền'), 422: err('Dữ liệu không hợp lệ') };

const unitRef = { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } };
const iso = { type: 'string', format: 'date-time', example: '2027-05-06T10:00:00+07:00' };

const schemas: Obj = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      },
    },
  },
  Unit: {
    type: 'object',
    properties: {
      code: { type: 'string', example: '000.00.31.H05' },
      name: { type: 'string' },
      level: { enum: ['province', 'district', 'commune'] },
      parentCode: { type: ['string', 'null'] },
      symbol: { type: ['string', 'null'] },
      active: { type: 'boolean' },
    },
  },
  User: {
    type: 'object',
    properties: {
      username: { type: 'string' },
      fullName: { type: 'string' },
      email: { type: ['string', 'null'] },
      unitCode: { type: ['string', 'null'] },
      roles: { type: 'array', items: { enum: ['admin', 'intake', 'specialist', 'head', 'leader', 'clerk'] } },
      active: { type: 'boolean' },
    },
  },
  ProcedureDefinition: {
    type: 'object',
    required: ['code', 'name', 'totalDays', 'steps'],
    properties: {
      code: { type: 'string' },
      name: { type: 'string' },
      field: { type: 'string' },
      totalDays: { type: 'number' },
      fee: { type: 'number' },
      documents: {
        type: 'array',
        items: {
          type: 'object',
          properties: { code: { type: 'string' }, name: { type: 'string' }, required: { type: 'boolean' } },
        },
      },
      steps: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            code: { type: 'string' },
            name: { type: 'string' },
            role: { type: 'string' },
            hours: { type: 'number' },
            unit: { type: 'string' },
          },
        },
      },
    },
  },
  Dossier: {
    type: 'object',
    properties: {
      code: { type: 'string', example: '000.01.01.H05-270429-0001' },
      procedure: {
        type: 'object',
        properties: { code: { type: 'string' }, version: { type: 'integer' }, name: { type: 'string' } },
      },
      receivingUnit: unitRef,
      competentUnit: unitRef,
      handlingUnit: { oneOf: [unitRef, { type: 'null' }] },
      state: { type: 'string' },
      status: { enum: ['processing', 'waiting_supplement', 'result_ready', 'returned', 'refused', 'withdrawn'] },
      statusText: { type: 'string' },
      nationalStatus: { type: 'integer' },
      step: {
        oneOf: [
          {
            type: 'object',
            properties: { code: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, dueAt: iso },
          },
          { type: 'null' },
        ],
      },
      receivedAt: iso,
      dueAt: iso,
      resolvedAt: { oneOf: [iso, { type: 'null' }] },
      completedAt: { oneOf: [iso, { type: 'null' }] },
      overdue: { type: 'boolean' },
      onTime: { type: ['boolean', 'null'] },
      version: { type: 'integer' },
      applicant: { type: 'object' },
      documents: { type: 'array', items: { type: 'object' } },
    },
  },
  Dispatch: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      title: { type: 'string' },
      summary: { type: 'string' },
      dueDate: { type: 'string', format: 'date' },
      state: { enum: ['draft', 'pending_approval', 'approved', 'issued', 'closed'] },
      version: { type: 'integer' },
      number: { type: ['string', 'null'], example: '01/SNV' },
      issuingUnit: unitRef,
      recipients: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            unitCode: { type: 'string' },
            unitName: { type: 'string' },
            state: { type: ['string', 'null'] },
            position: { type: ['string', 'null'] },
            content: { type: ['string', 'null'] },
            repliedAt: { oneOf: [iso, { type: 'null' }] },
            version: { type: ['integer', 'null'] },
          },
        },
      },
      counts: {
        type: 'object',
        properties: {
          total: { type: 'integer' },
          replied: { type: 'integer' },
          open: { type: 'integer' },
          deemedAgreed: { type: 'integer' },
          overdue: { type: 'integer' },
        },
      },
    },
  },
  Event: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      fromState: { type: ['string', 'null'] },
      toState: { type: 'string' },
      actor: {
        type: 'object',
        properties: { username: { type: 'string' }, fullName: { type: 'string' }, unitCode: { type: 'string' } },
      },
      comment: { type: ['string', 'null'] },
      at: iso,
      stepDueAt: { oneOf: [iso, { type: 'null' }] },
      onTime: { type: ['boolean', 'null'] },
    },
  },
};

const paths: Obj = {
  '/tokens': {
    post: {
      summary: 'Cấp mã truy cập',
      security: [],
      requestBody: json({
        type: 'object',
        required: ['username', 'password'],
        properties: { username: { type: 'string' }, password: { type: 'string' } },
      }),
      responses: {
        201: ok('Mã truy cập', { type: 'object', properties: { token: { type: 'string' }, expiresAt: iso } }),
        401: err('Sai thông tin đăng nhập'),
        429: err('Tạm khóa do đăng nhập sai nhiều lần'),
      },
    },
  },
  '/public/dossiers/{code}': {
    get: {
      summary: 'Tra cứu công khai theo mã hồ sơ (không cần đăng nhập)',
      security: [],
      parameters: [pathParam('code', 'Mã hồ sơ')],
      responses: {
        200: ok('Tình trạng hồ sơ', {
          type: 'object',
          properties: {
            code: { type: 'string' },
            procedureName: { type: 'string' },
            receivingUnitName: { type: 'string' },
            status: { type: 'string' },
            statusText: { type: 'string' },
            receivedAt: iso,
            dueAt: iso,
            completedAt: { oneOf: [iso, { type: 'null' }] },
            applicantName: { type: 'string', example: 'Nguyễn V. A.' },
          },
        }),
        404: err('Không có hồ sơ với mã này'),
        429: err('Tra cứu quá nhiều lần'),
      },
    },
  },
  '/tokens/current': {
    delete: { summary: 'Thu hồi mã đang dùng', responses: { 204: ok('Đã thu hồi'), 401: common[401] } },
  },
  '/units': {
    get: {
      summary: 'Danh sách đơn vị',
      responses: {
        200: ok('Đơn vị', { type: 'object', properties: { items: { type: 'array', items: ref('Unit') } } }),
        401: common[401],
      },
    },
    post: {
      summary: 'Thêm đơn vị (quản trị)',
      requestBody: json(ref('Unit')),
      responses: { 201: ok('Đã tạo', ref('Unit')), ...common, 409: err('Trùng mã') },
    },
  },
  '/units/{code}': {
    patch: {
      summary: 'Sửa đơn vị (quản trị)',
      parameters: [pathParam('code', 'Mã định danh')],
      requestBody: json(ref('Unit')),
      responses: { 200: ok('Đã lưu', ref('Unit')), ...common, 404: err('Không có') },
    },
  },
  '/users': {
    get: { summary: 'Danh sách người dùng (quản trị)', responses: { 200: ok('Người dùng', list('User')), ...common } },
    post: {
      summary: 'Thêm người dùng (quản trị)',
      requestBody: json(ref('User')),
      responses: { 201: ok('Đã tạo', ref('User')), ...common, 409: err('Trùng tên đăng nhập') },
    },
  },
  '/users/{username}': {
    patch: {
      summary: 'Sửa / khóa người dùng (quản trị)',
      parameters: [pathParam('username', 'Tên đăng nhập')],
      requestBody: json(ref('User')),
      responses: { 200: ok('Đã lưu', ref('User')), ...common, 404: err('Không có') },
    },
  },
  '/procedures': {
    get: {
      summary: 'Danh mục thủ tục (phiên bản mới nhất)',
      parameters: [...paging, query('q', 'Tìm theo mã, tên')],
      responses: { 200: ok('Thủ tục', list('ProcedureDefinition')), 401: common[401] },
    },
    post: {
      summary: 'Đăng quy trình (phiên bản kế tiếp)',
      requestBody: json(ref('ProcedureDefinition')),
      responses: {
        201: ok('Đã tạo', { type: 'object', properties: { code: { type: 'string' }, version: { type: 'integer' } } }),
        ...common,
      },
    },
  },
  '/procedures/{code}': {
    get: {
      summary: 'Một thủ tục',
      parameters: [pathParam('code', 'Mã thủ tục'), query('version', 'Phiên bản', { type: 'integer' })],
      responses: { 200: ok('Thủ tục', ref('ProcedureDefinition')), 401: common[401], 404: err('Không có') },
    },
  },
  '/dossiers': {
    get: {
      summary: 'Danh sách hồ sơ',
      parameters: [
        ...paging,
        query('mine', 'Hồ sơ tôi đang phải xử lý', { enum: ['1'] }),
        query('status', 'Trạng thái'),
        query('procedureCode', 'Mã thủ tục'),
        query('overdue', 'Quá hạn', { enum: ['1'] }),
        query('q', 'Mã hồ sơ hoặc tên người nộp'),
      ],
      responses: { 200: ok('Hồ sơ', list('Dossier')), 401: common[401], 422: common[422] },
    },
    post: {
      summary: 'Tiếp nhận hồ sơ (cán bộ một cửa)',
      requestBody: json({
        type: 'object',
        required: ['procedureCode', 'applicant'],
        properties: {
          procedureCode: { type: 'string' },
          applicant: { type: 'object' },
          documents: { type: 'array', items: { type: 'string' } },
          competentUnitCode: { type: 'string' },
          channel: { enum: [1, 2, 3] },
          note: { type: 'string' },
        },
      }),
      responses: { 201: ok('Đã tiếp nhận', ref('Dossier')), ...common },
    },
  },
  '/dossiers/{code}': {
    get: {
      summary: 'Một hồ sơ',
      parameters: [pathParam('code', 'Mã hồ sơ')],
      responses: { 200: ok('Hồ sơ', ref('Dossier')), 401: common[401], 404: err('Không có hoặc không được xem') },
    },
  },
  '/dossiers/{code}/history': {
    get: {
      summary: 'Lịch sử xử lý, cũ trước',
      parameters: [pathParam('code', 'Mã hồ sơ')],
      responses: {
        200: ok('Sự kiện', { type: 'object', properties: { items: { type: 'array', items: ref('Event') } } }),
        401: common[401],
        404: err('Không có'),
      },
    },
  },
  '/dossiers/{code}/events': {
    post: {
      summary: 'Chuyển trạng thái hồ sơ',
      parameters: [pathParam('code', 'Mã hồ sơ')],
      requestBody: json({
        type: 'object',
        required: ['type', 'version'],
        properties: {
          type: {
            enum: [
              'FORWARD',
              'RETURN',
              'REQUEST_SUPPLEMENT',
              'SUPPLEMENT_RECEIVED',
              'REFUSE',
              'EXTEND',
              'RETURN_RESULT',
              'WITHDRAW',
            ],
          },
          version: { type: 'integer' },
          comment: { type: 'string' },
          dueAt: iso,
        },
      }),
      responses: {
        200: ok('Hồ sơ sau thao tác', ref('Dossier')),
        ...common,
        404: err('Không có'),
        409: err('Phiên bản đã cũ'),
      },
    },
  },
  '/calendar/deadline': {
    get: {
      summary: 'Tính hạn theo ngày/giờ làm việc',
      parameters: [
        { ...query('from', 'Thời điểm bắt đầu (ISO 8601)'), required: true },
        query('days', 'Số ngày làm việc', { type: 'number' }),
        query('hours', 'Số giờ làm việc', { type: 'number' }),
      ],
      responses: {
        200: ok('Hạn', { type: 'object', properties: { from: { type: 'string' }, start: iso, dueAt: iso } }),
        401: common[401],
        422: common[422],
      },
    },
  },
  '/dispatches': {
    get: {
      summary: 'Công văn đã gửi của đơn vị, hoặc hộp thư đến (inbox=1)',
      parameters: [...paging, query('inbox', 'Công văn đơn vị nhận', { enum: ['1'] })],
      responses: { 200: ok('Công văn', list('Dispatch')), 401: common[401] },
    },
    post: {
      summary: 'Soạn công văn xin ý kiến (chuyên viên)',
      requestBody: json({
        type: 'object',
        required: ['title', 'summary', 'dueDate', 'recipientUnitCodes'],
        properties: {
          title: { type: 'string' },
          summary: { type: 'string' },
          dueDate: { type: 'string', format: 'date' },
          recipientUnitCodes: { type: 'array', items: { type: 'string' } },
          silenceMeansAgreement: { type: 'boolean' },
        },
      }),
      responses: { 201: ok('Dự thảo', ref('Dispatch')), ...common },
    },
  },
  '/dispatches/{id}': {
    get: {
      summary: 'Một công văn',
      parameters: [pathParam('id', 'Mã công văn')],
      responses: { 200: ok('Công văn', ref('Dispatch')), 401: common[401], 404: err('Không có') },
    },
  },
  '/dispatches/{id}/events': {
    post: {
      summary: 'SUBMIT, APPROVE, REJECT, ISSUE, CLOSE',
      parameters: [pathParam('id', 'Mã công văn')],
      requestBody: json({
        type: 'object',
        required: ['type', 'version'],
        properties: {
          type: { enum: ['SUBMIT', 'APPROVE', 'REJECT', 'ISSUE', 'CLOSE'] },
          version: { type: 'integer' },
          comment: { type: 'string' },
        },
      }),
      responses: { 200: ok('Công văn', ref('Dispatch')), ...common, 404: err('Không có'), 409: err('Phiên bản đã cũ') },
    },
  },
  '/dispatches/{id}/synthesis': {
    get: {
      summary: 'Bảng tổng hợp ý kiến',
      parameters: [pathParam('id', 'Mã công văn')],
      responses: { 200: ok('Tổng hợp'), 401: common[401], 404: err('Không có') },
    },
  },
  '/dispatches/{id}/replies/{unitCode}/events': {
    post: {
      summary: 'ASSIGN, SUBMIT, APPROVE, RETURN ý kiến của đơn vị nhận',
      parameters: [pathParam('id', 'Mã công văn'), pathParam('unitCode', 'Mã đơn vị nhận')],
      requestBody: json({
        type: 'object',
        required: ['type', 'version'],
        properties: {
          type: { enum: ['ASSIGN', 'SUBMIT', 'APPROVE', 'RETURN'] },
          version: { type: 'integer' },
          assignee: { type: 'string' },
          position: { enum: ['agree', 'comments', 'disagree'] },
          content: { type: 'string' },
          comment: { type: 'string' },
        },
      }),
      responses: { 200: ok('Công văn', ref('Dispatch')), ...common, 404: err('Không có'), 409: err('Phiên bản đã cũ') },
    },
  },
  '/dispatches/{id}/replies/{unitCode}/response': {
    put: {
      summary: 'Ý kiến tiếp thu, giải trình của đơn vị soạn thảo',
      parameters: [pathParam('id', 'Mã công văn'), pathParam('unitCode', 'Mã đơn vị nhận')],
      requestBody: json({ type: 'object', properties: { response: { type: ['string', 'null'] } } }),
      responses: { 200: ok('Tổng hợp'), ...common, 404: err('Không có') },
    },
  },
  '/reports/summary': {
    get: {
      summary: 'Số liệu giải quyết hồ sơ của đơn vị và các đơn vị trực thuộc trong kỳ',
      parameters: [
        { ...query('from', 'Từ ngày YYYY-MM-DD'), required: true },
        { ...query('to', 'Đến ngày YYYY-MM-DD'), required: true },
        query('unitCode', 'Mã đơn vị (mặc định: đơn vị của người dùng)'),
      ],
      responses: {
        200: ok('Số liệu', {
          type: 'object',
          properties: {
            received: { type: 'integer' },
            resolved: { type: 'integer' },
            resolvedOnTime: { type: 'integer' },
            resolvedLate: { type: 'integer' },
            inProgress: { type: 'integer' },
            inProgressOverdue: { type: 'integer' },
            onTimeRate: { type: ['number', 'null'] },
          },
        }),
        401: common[401],
        404: err('Đơn vị không có hoặc ngoài phạm vi'),
        422: common[422],
      },
    },
  },
  '/calendar/days': {
    get: {
      summary: 'Ngày nghỉ và ngày điều chỉnh của một năm',
      parameters: [query('year', 'Năm', { type: 'integer' })],
      responses: { 200: ok('Lịch'), 401: common[401] },
    },
  },
  '/calendar/days/{date}': {
    put: {
      summary: 'Điều chỉnh một ngày (quản trị)',
      parameters: [pathParam('date', 'YYYY-MM-DD')],
      requestBody: json({
        type: 'object',
        properties: { kind: { enum: ['holiday', 'workday'] }, name: { type: 'string' } },
      }),
      responses: { 200: ok('Đã lưu'), ...common },
    },
    delete: {
      summary: 'Bỏ điều chỉnh (quản trị)',
      parameters: [pathParam('date', 'YYYY-MM-DD')],
      responses: { 204: ok('Đã bỏ'), ...common },
    },
  },
};

export function openApiDocument(): Obj {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Một Cửa API',
      version: '1',
      description: 'API tích hợp của hệ thống Một Cửa (contract.md §2). Thời gian theo ISO 8601, múi giờ +07:00.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths,
  };
}
