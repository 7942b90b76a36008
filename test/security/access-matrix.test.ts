/**
 * The access matrix, generated from the route tables: every /api/v1 route in apiRoutes(ctx) is called
 * with no token and as every role × unit relation (access-table.ts says what each must answer), and
 * every page route found in the Express router stack is checked for sign-in and CSRF.
 */
import pino from 'pino';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp, tokenFor } from '../helpers/app';
import { PASSWORD } from '../factories/accounts';
import { loadConfig } from '../../server/config';
import { apiRoutes, ApiRoute } from '../../server/routes/api.routes';
import type { AppContext } from '../../server/context';
import { ACCESS, Fx, Probe } from './access-table';
import {
  buildSecWorld,
  driver,
  Driver,
  errorShapeProblem,
  fingerprint,
  listRoutes,
  Principal,
  PROC,
  SecWorld,
} from './fixture';

// The table is read at collection time, so one test per route; handlers are never called on this ctx.
const stubCtx = {
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  db: undefined,
  logger: pino({ level: 'silent' }),
  sessionSecret: 'x'.repeat(16),
} as unknown as AppContext;
const ROUTES = apiRoutes(stubCtx).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as [string, ApiRoute]);
const PUBLIC_PAGES = ['/dang-nhap', '/tra-cuu', '/healthz', '/favicon.ico'];
/** Public pages of one document: a placeholder code, key or hash answers the same 404 as a wrong one. */
const PUBLIC_LOOKUPS = ['/tra-cuu/ket-qua', '/xac-thuc/:sha'];

const zero = () => ({ api: 0, apiRoutes: 0, probes: 0, anon: 0, pages: 0, pageGets: 0, csrf: 0 });
const allCounts: Record<string, ReturnType<typeof zero>> = {};

describe.each(ENGINES)('access matrix on %s', (engine) => {
  const counts = (allCounts[engine] = zero());
  let t: TestApp;
  let w: SecWorld;
  let dr: Driver;
  let base: Fx;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildSecWorld(t.app, t.tdb.db);
    dr = driver(t.app, w);
    const d = await dr.dossier();
    const issued = await dr.dispatch('issued');
    base = {
      code: d.code,
      version: 1,
      id: issued.id,
      unitCode: w.units.A.code,
      districtCode: w.units.D.code,
      cCode: w.units.C.code,
      username: w.cSpecialist.username,
      date: '2031-03-03',
      dueDate: dr.dayAfter(15),
    };
  });
  afterAll(() => t.close());

  const fill = (path: string, fx: Fx) => path.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(fx[k])));
  const call = (route: ApiRoute, probe: Probe, fx: Fx, token: string | null, p?: Principal) => {
    const url = `/api/v1${fill(route.path, fx)}${probe.query ? `?${probe.query(fx)}` : ''}`;
    let req = request(t.app)[route.method](url);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (probe.pdf) return probe.pdf().then((pdf) => req.set('Content-Type', 'application/pdf').send(pdf));
    if (probe.file) {
      const f = probe.file();
      return req.attach('file', f.buf, { filename: f.name, contentType: f.type });
    }
    const body = probe.body && p ? probe.body(fx, p, w) : probe.body?.(fx, w.principals[0], w);
    return body === undefined ? req : req.send(body as object);
  };

  it('has an expectation for every route of apiRoutes(ctx)', () => {
    const missing = ROUTES.map(([, r]) => `${r.method} ${r.path}`).filter((k) => !ACCESS[k]);
    const stale = Object.keys(ACCESS).filter((k) => !ROUTES.some(([, r]) => `${r.method} ${r.path}` === k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it.each(ROUTES)(
    '%s: no token → 401; each role × relation as design.md §4/§6 says; never 500',
    async (_name, route) => {
      const problems: string[] = [];
      const probes = ACCESS[`${route.method} ${route.path}`] ?? [];
      counts.apiRoutes++;
      for (const probe of probes) {
        counts.probes++;
        let fx: Fx | null = null;
        const resolve = async () => (fx ??= { ...base, ...(probe.setup ? await probe.setup(dr, w) : {}) });
        const label = (who: string) => `${route.method.toUpperCase()} ${route.path} [${probe.name}] × ${who}`;
        for (const token of [null, 'not-a-token']) {
          const res = await call(route, probe, await resolve(), token);
          counts.anon++;
          if (res.status !== 401)
            problems.push(`${label(token ? 'bad token' : 'no token')} → got ${res.status}, expected 401`);
        }
        for (const p of w.principals) {
          const f = await resolve();
          const token = probe.freshToken ? await tokenFor(t.app, p.username, PASSWORD) : p.token;
          const before = route.method !== 'get' ? await fingerprint(t.tdb.db) : '';
          const res = await call(route, probe, f, token, p);
          counts.api++;
          const want = probe.expect(p);
          const who = label(`${p.role} × ${p.rel}`);
          if (Array.isArray(route.access) && !route.access.includes(p.role) && want !== 403)
            problems.push(`${who}: table expects ${want} but the route declares access ${route.access.join('|')}`);
          if (res.status !== want)
            problems.push(
              `${who} → got ${res.status}, expected ${want}${res.status >= 400 ? ` (${res.body?.error?.message ?? res.text.slice(0, 80)})` : ''}`,
            );
          if (res.status >= 400) {
            const shape = errorShapeProblem(res);
            if (shape) problems.push(`${who}: ${shape}`);
            if (before && (await fingerprint(t.tdb.db)) !== before)
              problems.push(`${who}: refused with ${res.status} but data changed`);
          } else {
            const bad = probe.check?.(res.body, p, f) ?? null;
            if (bad) problems.push(`${who}: ${bad}`);
            const missing = probe.effect ? await probe.effect(t.tdb.db, f) : null;
            if (missing) problems.push(`${who}: ${missing}`);
          }
          if (probe.freshToken && res.status < 300) {
            const after = await request(t.app).get('/api/v1/units').set('Authorization', `Bearer ${token}`);
            if (after.status !== 401) problems.push(`${who}: revoked token still answers ${after.status}`);
          }
          if (res.status < 300 && route.method !== 'get') fx = null; // the call changed state: next caller gets a fresh fixture
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('public API routes answer without a token', async () => {
    const tok = await request(t.app)
      .post('/api/v1/tokens')
      .send({ username: w.principals[1].username, password: PASSWORD });
    expect(tok.status).toBe(201);
    expect((await request(t.app).get(`/api/v1/public/dossiers/${base.code}`)).status).toBe(200);
  });

  const agents = new Map<string, Awaited<ReturnType<typeof signIn>>>();
  const agentOf = async (p: Principal) =>
    agents.get(p.key) ?? agents.set(p.key, await signIn(t.app, p.username, PASSWORD)).get(p.key)!;
  const pageRoutes = () => listRoutes(t.app).filter((r) => !r.path.startsWith('/api/'));
  const fillPage = (path: string) =>
    path.replace(/:(\w+)/g, (_, k: string) => {
      if (k === 'code')
        return encodeURIComponent(
          String(path.startsWith('/ho-so') ? base.code : path.startsWith('/quan-tri/don-vi') ? base.unitCode : PROC),
        );
      if (k === 'id') return path.startsWith('/cong-van') ? String(base.id) : '1';
      if (k === 'form') return '01';
      if (k === 'fileId') return '1';
      return encodeURIComponent(String(base[k]));
    });

  it('every page GET needs sign-in (303 to /dang-nhap) except the public ones', async () => {
    const problems: string[] = [];
    const gets = pageRoutes().filter((r) => r.method === 'get');
    expect(gets.length).toBeGreaterThan(20);
    for (const r of gets) {
      const res = await request(t.app).get(fillPage(r.path));
      counts.pages++;
      const pub = PUBLIC_PAGES.includes(r.path);
      const lookup = PUBLIC_LOOKUPS.includes(r.path);
      if (
        lookup
          ? res.status !== 404 || res.headers['set-cookie'] !== undefined
          : pub
            ? res.status !== 200
            : res.status !== 303 || !String(res.headers.location).startsWith('/dang-nhap')
      )
        problems.push(`GET ${r.path} anonymous → ${res.status} ${res.headers.location ?? ''}`);
    }
    expect((await request(t.app).get('/assets/app.css')).status).toBe(200);
    expect(problems).toEqual([]);
  });

  /** Allowed statuses of a signed-in GET, or null for "anything but a server error". */
  const pageExpect = (path: string, p: Principal): number[] | null => {
    const sees = p.role === 'admin' || p.rel !== 'other';
    const sender = p.role === 'admin' || p.rel === 'parent' || p.rel === 'province';
    if (path === '/quan-tri/thu/:id') return p.role === 'admin' ? [200, 404] : [403]; // the mail id may not exist
    // A confirmed catalogue import's result (issue 16): the id may not exist.
    if (path === '/quan-tri/thu-tuc/nhap/:id') return p.role === 'admin' ? [200, 404] : [403];
    if (path.startsWith('/quan-tri')) return p.role === 'admin' ? [200] : [403];
    if (path === '/ho-so/moi') return p.role === 'intake' ? [200] : [403];
    if (path === '/cong-van/moi') return p.role === 'specialist' ? [200] : [403];
    if (path === '/uy-quyen') return p.role === 'leader' ? [200] : [403];
    if (path === '/ho-so/:code' || path === '/ho-so/:code/in/:form') return sees ? [200] : [404];
    // The consultation form: the specialist acting at the dossier's (first) step only.
    if (path === '/ho-so/:code/lay-y-kien')
      return !sees ? [404] : p.role === 'specialist' && p.rel === 'own' ? [200] : [403];
    if (path.startsWith('/ho-so/:code/')) return sees ? [200, 404] : [404]; // the file id may not exist
    if (path.startsWith('/cong-van/:id/tong-hop')) return sender ? [200] : [404];
    // The drafter's edit form (specialists only): the drafter of this issued dispatch is sent back to it (303).
    if (path === '/cong-van/:id/sua') return p.role !== 'specialist' ? [403] : !sees ? [404] : [303, 403];
    if (path === '/cong-van/:id') return sees ? [200] : [404];
    if (path.startsWith('/cong-van/:id/')) return sees ? [200, 404] : [404];
    if (path === '/dang-nhap') return [303];
    if (['/', '/ho-so', '/tra-cuu', '/healthz'].includes(path)) return [200];
    return null;
  };

  it('signed in: every page GET follows the API visibility rules and never fails with 5xx', async () => {
    const problems: string[] = [];
    const gets = pageRoutes().filter((r) => r.method === 'get');
    for (const p of w.principals) {
      const agent = await agentOf(p);
      for (const r of gets) {
        const res = await agent.get(fillPage(r.path));
        counts.pageGets++;
        const allowed = pageExpect(r.path, p);
        if (res.status >= 500 || (allowed && !allowed.includes(res.status)))
          problems.push(
            `GET ${r.path} × ${p.role} × ${p.rel} → got ${res.status}, expected ${allowed?.join('|') ?? '< 500'}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('every page POST without a valid CSRF token → 403 for a signed-in user, and nothing changes', async () => {
    const posts = pageRoutes().filter((r) => r.method === 'post');
    expect(posts.length).toBeGreaterThan(10);
    const stranger = await request.agent(t.app).get('/dang-nhap');
    const foreign = csrfFrom(stranger.text); // valid, but for another session
    const body = {
      type: 'FORWARD',
      version: '1',
      code: 'CSRF.X',
      name: 'Không được tạo',
      level: 'province',
      username: 'csrf.user',
      password: 'mat-khau-dai-du',
      fullName: 'X',
      roles: 'specialist',
      unitCode: base.unitCode,
      date: '2031-03-04',
      kind: 'holiday',
      comment: 'x',
      definition: '{}',
      title: 'x',
      summary: 'x',
      dueDate: base.dueDate,
      recipientUnitCodes: base.cCode,
      response: 'x',
      assignee: base.username,
    };
    const before = await fingerprint(t.tdb.db);
    const problems: string[] = [];
    for (const p of w.principals) {
      const agent = await agentOf(p);
      for (const r of posts) {
        const url = fillPage(r.path);
        // every caller without a token; the forged variants for the people most likely to be targeted
        const variants: Array<[string, () => request.Test]> = [
          ['no token', () => agent.post(url).type('form').send(body)],
        ];
        if (['admin', 'intake', 'specialist'].includes(p.role) && p.rel !== 'other') {
          variants.push([
            'forged token',
            () =>
              agent
                .post(url)
                .type('form')
                .send({ ...body, _csrf: 'gia-mao' }),
          ]);
          variants.push([
            "another session's token",
            () =>
              agent
                .post(url)
                .type('form')
                .send({ ...body, _csrf: foreign }),
          ]);
          variants.push([
            'forged header',
            () => agent.post(url).set('x-csrf-token', 'gia-mao').type('form').send(body),
          ]);
        }
        for (const [what, send] of variants) {
          const res = await send();
          counts.csrf++;
          if (res.status !== 403)
            problems.push(`POST ${r.path} × ${p.role} × ${p.rel} (${what}) → ${res.status}, expected 403`);
        }
      }
      if ((await agent.get('/')).status !== 200)
        problems.push(`${p.key}: signed out by a POST /dang-xuat without CSRF`);
    }
    expect(problems).toEqual([]);
    expect(await fingerprint(t.tdb.db)).toBe(before);
  });
  // Page POSTs with a valid CSRF token, every caller, as the rules say: state-matrix.test.ts (page-rules.ts).
});

afterAll(() => {
  for (const [engine, c] of Object.entries(allCounts)) {
    console.log(
      `access matrix (${engine}): ${c.apiRoutes} API routes (${c.probes} probes) × 21 callers (5 roles × 4 unit relations + admin) = ${c.api} API calls checked, ` +
        `${c.anon} without/with a bad token; ${c.pages} page routes checked anonymously, ${c.pageGets} signed-in page GETs, ${c.csrf} CSRF-less POSTs`,
    );
  }
});
