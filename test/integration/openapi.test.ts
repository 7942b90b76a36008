/**
 * The OpenAPI document: valid for an independent validator, in step with the route table, and true
 * to what the app really answers (each real response below is checked against the schema the
 * document declares for its operation and status).
 */
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { apiRoutes, publicApiRoutes } from '../../server/routes/api.routes';
import { openApiPath } from '../../server/openapi';
import { buildTestApp, TestApp } from '../helpers/app';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';
import { buildUser } from '../factories/accounts';
import { toVnIso, vnDate } from '../../workflows/calendar';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
type Operation = {
  operationId?: string;
  summary?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

/**
 * @seriousme/openapi-schema-validator is an ES module and jest runs CommonJS here: run it in its own
 * node process, the document on stdin.
 */
function validateWithSeriousme(doc: object): { valid: boolean; errors?: unknown } {
  const script =
    "import { Validator } from '@seriousme/openapi-schema-validator';" +
    "let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', async () => {" +
    'const r = await new Validator().validate(JSON.parse(s));' +
    'process.stdout.write(JSON.stringify({ valid: r.valid, errors: r.errors }));});';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(doc),
    cwd: __dirname,
  });
  return JSON.parse(out.toString());
}

describe('OpenAPI description', () => {
  let t: TestApp;
  let doc: Doc;
  let w: World;
  let ajv: Ajv2020;
  const declared = () => [...publicApiRoutes(t.ctx), ...apiRoutes(t.ctx)];
  const problems: string[] = [];
  const checked = new Set<string>();

  beforeAll(async () => {
    t = await buildTestApp('sqlite');
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    // OpenAPI keywords that are not JSON Schema (example) are annotations here, not errors.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    w = await buildWorld(t.app, t.tdb.db);
  });
  afterAll(() => t.close());

  /**
   * Check a real answer against the document: its status must be declared for the operation, and
   * its JSON body must match the declared schema. Records problems instead of throwing, so one run
   * lists every mismatch.
   */
  function conforms(res: request.Response, method: string, path: string): request.Response {
    const op = doc.paths[path]?.[method];
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    checked.add(`${method} ${path} ${res.status}`);
    if (!op) return (problems.push(`${where}: operation not described`), res);
    const declaredAnswer = op.responses[String(res.status)];
    if (!declaredAnswer) return (problems.push(`${where}: status not declared`), res);
    const schema = declaredAnswer.content?.['application/json']?.schema;
    if (!schema) {
      if (res.text) problems.push(`${where}: body sent but none declared`);
      return res;
    }
    const validate = ajv.compile(rebase(schema));
    if (!validate(res.body))
      problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(res.body).slice(0, 300)}`);
    return res;
  }
  /** Refs in the document point at #/components/…: resolve them against the components added as `doc`. */
  const rebase = (schema: object): object =>
    JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/'));

  const api = (token?: string) => {
    const r = request(t.app);
    const wrap =
      (method: 'get' | 'post' | 'put' | 'patch' | 'delete') =>
      (path: string, concrete: string, body?: unknown, query?: string) => {
        let req = r[method](`/api/v1${concrete}${query ? `?${query}` : ''}`);
        if (token) req = req.set(bearer(token));
        if (body !== undefined) req = typeof body === 'string' ? req.type('json').send(body) : req.send(body as object);
        return req.then((res) => conforms(res, method, path));
      };
    return { get: wrap('get'), post: wrap('post'), put: wrap('put'), patch: wrap('patch'), delete: wrap('delete') };
  };

  it('is a valid OpenAPI 3.1 document for an independent validator', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = validateWithSeriousme(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every declared /api/v1 route with its method', () => {
    const missing = declared()
      .map((r) => ({ method: r.method, path: openApiPath(r.path) }))
      .filter((r) => !doc.paths[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    expect(declared().length).toBeGreaterThan(20);
  });

  it('describes no route that does not exist', () => {
    const known = new Set(declared().map((r) => `${r.method} ${openApiPath(r.path)}`));
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(described.filter((d) => !known.has(d))).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary, and the answers its declaration implies', () => {
    const ids = new Set<string>();
    const faults: string[] = [];
    for (const r of declared()) {
      const op = doc.paths[openApiPath(r.path)][r.method];
      const name = `${r.method.toUpperCase()} ${r.path}`;
      if (!op.operationId || ids.has(op.operationId)) faults.push(`${name}: operationId missing or repeated`);
      ids.add(op.operationId ?? '');
      if (!op.summary) faults.push(`${name}: no summary`);
      const want = ['503'];
      if (r.access !== 'public') want.push('401');
      if (r.input.params || r.load) want.push('404');
      if (r.input.query || r.input.body) want.push('422');
      if (r.input.body) want.push('400', '413');
      if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) faults.push(`${name}: no success answer`);
      for (const s of want) if (!op.responses[s]) faults.push(`${name}: ${s} not described`);
      for (const [s, answer] of Object.entries(op.responses))
        if (!s.startsWith('2') && !answer.content?.['application/json'])
          faults.push(`${name}: ${s} without the error shape`);
      const pathParams = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      for (const p of pathParams)
        if (!op.parameters?.some((x) => x.in === 'path' && x.name === p && x.required))
          faults.push(`${name}: path parameter ${p} not described`);
      if (r.input.body && !op.requestBody) faults.push(`${name}: body not described`);
    }
    expect(faults).toEqual([]);
  });

  it('describes the list queries, the event unions and the required fields from the route schemas', () => {
    const params = (p: string, m = 'get') => doc.paths[p][m].parameters?.map((x) => x.name) ?? [];
    expect(params('/users')).toEqual(expect.arrayContaining(['page', 'pageSize', 'q']));
    expect(params('/dossiers')).toEqual(
      expect.arrayContaining(['page', 'pageSize', 'mine', 'status', 'procedureCode', 'overdue', 'q']),
    );
    expect(doc.paths['/calendar/deadline'].get.parameters?.find((x) => x.name === 'from')?.required).toBe(true);
    const body = (p: string) => JSON.stringify(doc.paths[p].post.requestBody);
    for (const type of ['FORWARD', 'RETURN', 'EXTEND', 'WITHDRAW'])
      expect(body('/dossiers/{code}/events')).toContain(type);
    expect(body('/dossiers/{code}/events')).toContain('"required":["type","version","comment","dueAt"]');
    expect(body('/dispatches/{id}/replies/{unitCode}/events')).toContain('"required":["type","version","assignee"]');
    expect(body('/dispatches/{id}/replies/{unitCode}/events')).not.toContain('EXPIRE');
  });

  it('matches what the app really answers, success and errors alike', async () => {
    const admin = api(w.tokens.admin);
    const intake = api(w.tokens.intake);
    const spec = api(w.tokens.specialist);
    const anon = api();

    // Tokens
    const u = await buildUser(t.tdb.db, { unitId: w.district.id, roles: ['specialist'] });
    const tok = await anon.post('/tokens', '/tokens', { username: u.username, password: u.password });
    expect(tok.status).toBe(201);
    expect((await anon.post('/tokens', '/tokens', { username: u.username, password: 'sai-mat-khau' })).status).toBe(
      401,
    );
    expect((await anon.post('/tokens', '/tokens', '[1,2]')).status).toBe(400);
    expect((await anon.post('/tokens', '/tokens', '{"username":')).status).toBe(400);
    expect((await anon.get('/units', '/units')).status).toBe(401);
    const dSpec = api(tok.body.token);

    // Units and users
    expect((await spec.get('/units', '/units')).status).toBe(200);
    const unitCode = `T.${Date.now().toString(36)}`;
    const unit = { code: unitCode, name: 'UBND xã Mới', level: 'commune', parentCode: w.district.code, symbol: 'XM' };
    expect((await admin.post('/units', '/units', unit)).status).toBe(201);
    expect((await admin.post('/units', '/units', unit)).status).toBe(409);
    expect((await admin.post('/units', '/units', { ...unit, level: 'village' })).status).toBe(422);
    expect((await spec.post('/units', '/units', unit)).status).toBe(403);
    expect((await admin.patch('/units/{code}', `/units/${unitCode}`, { name: 'UBND xã Mới Đổi' })).status).toBe(200);
    expect((await admin.patch('/units/{code}', '/units/KHONG.CO', { name: 'x' })).status).toBe(404);
    const users = await admin.get('/users', '/users', undefined, 'page=1&pageSize=2');
    expect(users.status).toBe(200);
    expect(users.body.items).toHaveLength(2);
    expect(users.body.total).toBeGreaterThan(2);
    expect((await admin.get('/users', '/users', undefined, 'pageSize=1000')).status).toBe(422);
    expect((await spec.get('/users', '/users')).status).toBe(403);
    const newUser = {
      username: `nv${Date.now().toString(36)}`,
      password: 'mat-khau-du-dai',
      fullName: 'Trần Thị Bình',
      unitCode,
      roles: ['intake'],
    };
    expect((await admin.post('/users', '/users', newUser)).status).toBe(201);
    expect((await admin.patch('/users/{username}', `/users/${newUser.username}`, { active: false })).status).toBe(200);
    expect((await admin.patch('/users/{username}', '/users/khongco', { active: 'no' })).status).toBe(404);

    // Procedures
    expect((await admin.post('/procedures', '/procedures', definition('1.000775'))).status).toBe(201);
    expect((await admin.post('/procedures', '/procedures', definition('1.000776', { steps: [] }))).status).toBe(422);
    expect((await spec.get('/procedures', '/procedures', undefined, 'q=khen')).status).toBe(200);
    expect((await spec.get('/procedures/{code}', '/procedures/1.000775', undefined, 'version=1')).status).toBe(200);
    expect((await spec.get('/procedures/{code}', '/procedures/9.999999')).status).toBe(404);

    // Dossiers
    const created = conforms(
      await request(t.app)
        .post('/api/v1/dossiers')
        .set(bearer(w.tokens.intake))
        .send({
          procedureCode: '1.000775',
          applicant: { fullName: 'Lê Văn Cường' },
          documents: ['TO_TRINH', 'BAO_CAO'],
        }),
      'post',
      '/dossiers',
    );
    expect(created.status).toBe(201);
    const d = await receive(t.app, w, '1.000775');
    expect((await intake.post('/dossiers', '/dossiers', { procedureCode: '1.000775', applicant: {} })).status).toBe(
      422,
    );
    expect((await spec.get('/dossiers/{code}', `/dossiers/${d.code}`)).status).toBe(200);
    expect((await api(w.tokens.otherSpecialist).get('/dossiers/{code}', `/dossiers/${d.code}`)).status).toBe(404);
    expect((await spec.get('/dossiers', '/dossiers', undefined, 'mine=1&page=1&pageSize=5')).status).toBe(200);
    expect((await spec.get('/dossiers', '/dossiers', undefined, 'status=lost')).status).toBe(422);
    expect((await spec.get('/dossiers', '/dossiers', undefined, 'q=nguyen van')).status).toBe(200);
    const ev = (token: string, body: unknown) =>
      api(token).post('/dossiers/{code}/events', `/dossiers/${d.code}/events`, body);
    expect((await ev(w.tokens.specialist, { type: 'FORWARD', version: d.version })).status).toBe(200);
    expect((await ev(w.tokens.head, { type: 'FORWARD', version: d.version })).status).toBe(409);
    expect((await ev(w.tokens.specialist, { type: 'FORWARD', version: d.version + 1 })).status).toBe(403);
    expect((await ev(w.tokens.head, { type: 'BOGUS', version: 'x' })).status).toBe(422);
    expect((await ev(w.tokens.head, 'null')).status).toBe(400);
    expect((await ev(w.tokens.otherSpecialist, { type: 'BOGUS' })).status).toBe(404);
    expect((await ev(w.tokens.intake, { type: 'RETURN_RESULT', version: d.version + 1 })).status).toBe(422);
    const hist = await spec.get('/dossiers/{code}/history', `/dossiers/${d.code}/history`);
    expect(hist.status).toBe(200);
    expect(hist.body.items.length).toBeGreaterThanOrEqual(2);
    const big = JSON.stringify({ type: 'FORWARD', version: 1, comment: 'x'.repeat(1_100_000) });
    expect((await ev(w.tokens.head, big)).status).toBe(413);
    await send(t.app, w.tokens.head, d.code, { type: 'FORWARD', version: d.version + 1 });

    // Public lookup
    expect((await anon.get('/public/dossiers/{code}', `/public/dossiers/${d.code}`)).status).toBe(200);
    expect((await anon.get('/public/dossiers/{code}', '/public/dossiers/KHONG-000000-0000')).status).toBe(404);

    // Dispatches
    const due = vnDate(new Date(Date.now() + 10 * 86_400_000));
    const draft = await dSpec.post('/dispatches', '/dispatches', {
      title: 'Xin ý kiến dự thảo',
      summary: 'Đề nghị góp ý.',
      dueDate: due,
      recipientUnitCodes: [w.commune.code, w.other.code],
    });
    expect(draft.status).toBe(201);
    const id = draft.body.id;
    const dev = (token: string, body: unknown) =>
      api(token).post('/dispatches/{id}/events', `/dispatches/${id}/events`, body);
    expect((await dev(tok.body.token, { type: 'SUBMIT', version: 1 })).status).toBe(200);
    expect((await dev(tok.body.token, { type: 'SUBMIT', version: 1 })).status).toBe(409);
    expect((await dev(tok.body.token, { type: 'REJECT', version: 2 })).status).toBe(422);
    expect((await dSpec.get('/dispatches/{id}', `/dispatches/${id}`)).status).toBe(200);
    expect((await spec.get('/dispatches/{id}', `/dispatches/${id}`)).status).toBe(404);
    expect((await dSpec.get('/dispatches/{id}', '/dispatches/abc')).status).toBe(404);
    expect((await dSpec.get('/dispatches', '/dispatches', undefined, 'page=1')).status).toBe(200);
    expect((await dSpec.get('/dispatches/{id}/synthesis', `/dispatches/${id}/synthesis`)).status).toBe(200);
    expect(
      (
        await spec.post(
          '/dispatches/{id}/replies/{unitCode}/events',
          `/dispatches/${id}/replies/${w.commune.code}/events`,
          {
            type: 'ASSIGN',
            version: 1,
          },
        )
      ).status,
    ).toBe(404);

    // Calendar and reports
    const from = toVnIso(new Date('2027-05-06T10:00:00+07:00'));
    const deadline = await spec.get(
      '/calendar/deadline',
      '/calendar/deadline',
      undefined,
      `from=${encodeURIComponent(from)}&days=3`,
    );
    expect(deadline.status).toBe(200);
    expect((await spec.get('/calendar/deadline', '/calendar/deadline', undefined, 'from=hom-nay&days=3')).status).toBe(
      422,
    );
    expect((await spec.get('/calendar/days', '/calendar/days', undefined, 'year=2027')).status).toBe(200);
    expect(
      (await admin.put('/calendar/days/{date}', '/calendar/days/2027-09-03', { kind: 'holiday', name: 'Nghỉ bù' }))
        .status,
    ).toBe(200);
    expect((await admin.put('/calendar/days/{date}', '/calendar/days/2027-13-01', { kind: 'holiday' })).status).toBe(
      404,
    );
    expect((await admin.delete('/calendar/days/{date}', '/calendar/days/2027-09-03')).status).toBe(204);
    const period = `from=${vnDate(new Date(Date.now() - 30 * 86_400_000))}&to=${vnDate(new Date())}`;
    expect((await spec.get('/reports/summary', '/reports/summary', undefined, period)).status).toBe(200);
    expect((await spec.get('/reports/summary', '/reports/summary', undefined, 'from=bad')).status).toBe(422);
    expect(
      (await spec.get('/reports/summary', '/reports/summary', undefined, `${period}&unitCode=${w.other.code}`)).status,
    ).toBe(404);

    expect((await api(tok.body.token).delete('/tokens/current', '/tokens/current')).status).toBe(204);

    expect(problems).toEqual([]);
    expect(checked.size).toBeGreaterThan(40);
  });
});
