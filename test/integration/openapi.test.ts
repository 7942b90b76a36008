import request from 'supertest';
import { apiRoutes, publicApiRoutes } from '../../server/routes/api.routes';
import { buildTestApp, TestApp } from '../helpers/app';

describe('OpenAPI description', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('is served without a token and lists every declared /api/v1 route with its method', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    const declared = [...publicApiRoutes(t.ctx), ...apiRoutes(t.ctx)];
    const missing = declared
      .map((r) => ({ method: r.method, path: r.path.replace(/:(\w+)/g, '{$1}') }))
      .filter((r) => !paths[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    expect(declared.length).toBeGreaterThan(15);
  });

  it('describes no route that does not exist', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    const declared = new Set(
      [...publicApiRoutes(t.ctx), ...apiRoutes(t.ctx)].map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const described = Object.entries(res.body.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(described.filter((d) => !declared.has(d))).toEqual([]);
  });
});
