/**
 * Browser-facing defences: session fixation, cookie flags (Secure behind a trusted HTTPS proxy),
 * security headers and CSP, error pages without internals when the database is gone, and the
 * sign-in lockout (10 failures per username → 429, also on the token endpoint).
 * Stored/reflected XSS is in web-xss.test.ts.
 */
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { createApp } from '../../server/app';
import knexFactory from 'knex';
import { createDb } from '../../server/db';
import { buildSecWorld, driver, errorShapeProblem, SecWorld, VIETNAMESE } from './fixture';

const sid = (res: request.Response) => {
  const c = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('motcua.sid='));
  return c ? c.split(';')[0] : null;
};
const cookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('motcua.sid=')) ?? '';
const STACK =
  /\n\s+at \S+ \(|node_modules|\/work\/|\.ts:\d+:\d+|\b(Type|Range|Reference|Syntax)?Error: |\bknex\b|SQLITE_|\bER_[A-Z_]+|\bselect\s+[\w*`"., ]+\s+from\s+[`"]?\w+/i;

describe.each(ENGINES)('web defences on %s', (engine) => {
  let t: TestApp;
  let w: SecWorld;
  let code: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildSecWorld(t.app, t.tdb.db);
    code = (await driver(t.app, w).dossier()).code;
  });
  afterAll(() => t.close());

  const user = () => w.by('specialist', 'own').username;

  it('session fixation: the session id changes at sign-in, and the pre-sign-in id is worthless', async () => {
    const page = await request(t.app).get('/dang-nhap');
    const before = sid(page);
    expect(before).toBeTruthy();
    const login = await request(t.app)
      .post('/dang-nhap')
      .set('Cookie', before!)
      .type('form')
      .send({ username: user(), password: PASSWORD, _csrf: csrfFrom(page.text) });
    expect(login.status).toBe(303);
    const after = sid(login);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect((await request(t.app).get('/').set('Cookie', after!)).status).toBe(200);
    expect((await request(t.app).get('/').set('Cookie', before!)).status).toBe(303);
  });

  it('signing out ends the session on the server: the old cookie no longer opens pages', async () => {
    const page = await request(t.app).get('/dang-nhap');
    const login = await request(t.app)
      .post('/dang-nhap')
      .set('Cookie', sid(page)!)
      .type('form')
      .send({ username: user(), password: PASSWORD, _csrf: csrfFrom(page.text) });
    const cookie = sid(login)!;
    const home = await request(t.app).get('/').set('Cookie', cookie);
    const out = await request(t.app)
      .post('/dang-xuat')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(out.status).toBe(303);
    expect((await request(t.app).get('/').set('Cookie', cookie)).status).toBe(303);
  });

  it('cookie flags: HttpOnly, SameSite=Lax, Path=/; Secure when the request came through HTTPS (trusted proxy)', async () => {
    const plain = cookieOf(await request(t.app).get('/dang-nhap'));
    expect(plain).toMatch(/; HttpOnly/i);
    expect(plain).toMatch(/; SameSite=Lax/i);
    expect(plain).toMatch(/; Path=\//i);
    const https = await request(t.app).get('/dang-nhap').set('X-Forwarded-Proto', 'https');
    expect(cookieOf(https)).toMatch(/; Secure/i);
    const login = await request(t.app)
      .post('/dang-nhap')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', sid(https)!)
      .type('form')
      .send({ username: user(), password: PASSWORD, _csrf: csrfFrom(https.text) });
    expect(login.status).toBe(303);
    expect(cookieOf(login)).toMatch(/; Secure/i);
    expect(cookieOf(login)).toMatch(/; HttpOnly/i);
    // an untrusted client cannot claim HTTPS when TRUST_PROXY is off
    const untrusting = await buildTestApp(engine, { TRUST_PROXY: 'false' });
    try {
      expect(cookieOf(await request(untrusting.app).get('/dang-nhap').set('X-Forwarded-Proto', 'https'))).not.toMatch(
        /; Secure/i,
      );
    } finally {
      await untrusting.close();
    }
  });

  it('security headers on every kind of response: CSP without unsafe-inline scripts, no framing, nosniff', async () => {
    const agent = await signIn(t.app, user(), PASSWORD);
    const responses = [
      ['login', await request(t.app).get('/dang-nhap')],
      ['home', await agent.get('/')],
      ['dossier', await agent.get(`/ho-so/${code}`)],
      ['print', await agent.get(`/ho-so/${code}/in/01`)],
      ['lookup', await request(t.app).get(`/tra-cuu?ma=${code}`)],
      ['404 page', await agent.get('/khong-co-trang-nay')],
      ['403 page', await agent.get('/quan-tri/don-vi')],
      ['API', await agent.get('/api/v1/units')],
      ['asset', await request(t.app).get('/assets/app.js')],
    ] as const;
    const problems: string[] = [];
    for (const [name, res] of responses) {
      const h = res.headers;
      const csp = String(h['content-security-policy'] ?? '');
      const directive = (n: string) =>
        csp
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith(`${n} `));
      const scripts = directive('script-src') ?? directive('default-src') ?? '';
      if (!scripts) problems.push(`${name}: no script-src/default-src in CSP "${csp}"`);
      if (/'unsafe-inline'|'unsafe-eval'|\*|data:|https?:/.test(scripts)) problems.push(`${name}: weak ${scripts}`);
      if (
        !/frame-ancestors '(none|self)'/.test(csp) &&
        !/^(DENY|SAMEORIGIN)$/i.test(String(h['x-frame-options'] ?? ''))
      )
        problems.push(`${name}: can be framed`);
      if (h['x-content-type-options'] !== 'nosniff') problems.push(`${name}: no nosniff`);
      if (!/object-src 'none'/.test(csp)) problems.push(`${name}: object-src not none`);
      if (h['x-powered-by']) problems.push(`${name}: X-Powered-By ${h['x-powered-by']}`);
      if (res.type === 'text/html' && /<script(?![^>]*\bsrc=)[^>]*>/i.test(res.text))
        problems.push(`${name}: inline <script> (blocked by the CSP)`);
    }
    expect(problems).toEqual([]);
  });

  it('with the database gone: 503/500 pages and JSON without stack traces, file paths or SQL', async () => {
    const agent = await signIn(t.app, user(), PASSWORD);
    const cookie = (await agent.get('/')).request.cookies;
    const token = w.by('specialist', 'own').token;
    const dead = createDb(t.tdb.url);
    await dead.destroy();
    const app = createApp({ ...t.ctx, db: dead });
    const problems: string[] = [];
    const check = (what: string, res: request.Response, json: boolean) => {
      if (![500, 503].includes(res.status)) problems.push(`${what} → ${res.status}`);
      if (STACK.test(res.text)) problems.push(`${what}: leaks internals: ${res.text.match(STACK)?.[0]}`);
      if (json && errorShapeProblem(res)) problems.push(`${what}: ${errorShapeProblem(res)}`);
      if (!json && !VIETNAMESE.test(res.text)) problems.push(`${what}: page not in Vietnamese`);
    };
    for (const path of ['/', `/ho-so/${code}`, '/ho-so', '/dang-nhap', '/quan-tri/don-vi'])
      check(`GET ${path}`, await request(app).get(path).set('Cookie', cookie), false);
    check('GET /tra-cuu', await request(app).get(`/tra-cuu?ma=${code}`), false);
    for (const path of ['/units', `/dossiers/${code}`, '/dossiers'])
      check(
        `GET /api/v1${path}`,
        await request(app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
        true,
      );
    check(
      'POST /api/v1/tokens',
      await request(app).post('/api/v1/tokens').send({ username: user(), password: PASSWORD }),
      true,
    );
    check('GET /api/v1/public/dossiers', await request(app).get(`/api/v1/public/dossiers/${code}`), true);
    const health = await request(app).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable' });
    expect(problems).toEqual([]);
  });

  it('a database that does not answer → 503 (contract), as JSON for the API and as a page', async () => {
    const down = knexFactory({
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectTimeout: 500 },
      pool: { min: 0, max: 2 },
      acquireConnectionTimeout: 1500,
    });
    const app = createApp({ ...t.ctx, db: down });
    try {
      const api = await request(app)
        .get('/api/v1/units')
        .set('Authorization', `Bearer ${w.by('specialist', 'own').token}`);
      expect({ status: api.status, problem: errorShapeProblem(api) }).toEqual({ status: 503, problem: null });
      const page = await request(app).get(`/tra-cuu?ma=${code}`);
      expect(page.status).toBe(503);
      expect(STACK.test(page.text)).toBe(false);
    } finally {
      await down.destroy();
    }
  });

  it('malformed requests to pages give Vietnamese error pages without internals', async () => {
    const agent = await signIn(t.app, user(), PASSWORD);
    const problems: string[] = [];
    const A = w.units.A.code;
    const paths = [
      '/ho-so/%E0%A4%A',
      '/ho-so/%00',
      `/ho-so/${'A'.repeat(3000)}`,
      '/cong-van/abc',
      '/cong-van/-1/tong-hop',
      '/ho-so/x/in/99',
      `/ho-so/${code}/in/%00`,
      '/ho-so?trang=-1',
      '/ho-so?trang=1e308',
      '/bao-cao?tu=9999-99-99&den=0',
      '/bao-cao?tu=0001-01-01&den=0001-12-31',
      '/bao-cao?tu=9999-01-01&den=9999-12-31',
      '/bao-cao?don-vi[]=a',
      '/bao-cao/ho-so?chi-so=received&tu=0001-01-01&den=0001-12-31&trang=1e308',
      `/so-theo-doi?don-vi=${A}&tu=0001-01-01&den=9999-12-31`,
      `/so-theo-doi?don-vi=${A}&tu=2027-02-30&den=x`,
      `/so-theo-doi?don-vi=${w.units.B.code}&tu=2027-01-01&den=2027-01-31`,
      '/cong-van?trang=1e308',
      '/cong-van?loc=den&trang=-5',
      '/tra-cuu?ma[]=x',
      `/tra-cuu?ma=${'A'.repeat(5000)}`,
    ];
    for (const path of paths) {
      const res = await agent.get(path);
      if (res.status >= 500 || STACK.test(res.text) || (res.status >= 400 && !VIETNAMESE.test(res.text)))
        problems.push(`${path.slice(0, 60)} → ${res.status}`);
    }
    expect(problems).toEqual([]);
    // the register (form 07) of another commune is as invisible as its dossiers
    expect((await agent.get(`/so-theo-doi?don-vi=${w.units.B.code}&tu=2027-01-01&den=2027-01-31`)).status).toBe(404);
  });

  it('sign-in lockout: 10 failures per username → 429 (token endpoint JSON and form), case/space variants included', async () => {
    const victim = await buildUser(t.tdb.db, { username: 'khoa.thu', unitId: w.units.A.id });
    const other = await buildUser(t.tdb.db, { username: 'khong.lien.quan', unitId: w.units.A.id });
    const tok = (username: string, password: string) =>
      request(t.app).post('/api/v1/tokens').send({ username, password });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await tok(i % 2 ? 'KHOA.THU' : 'khoa.thu', `sai-${i}`)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const locked = await tok('khoa.thu', victim.password);
    expect(locked.status).toBe(429);
    expect(errorShapeProblem(locked)).toBeNull();
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    for (const variant of ['KHOA.THU', ' khoa.thu ', 'Khoa.Thu'])
      expect((await tok(variant, victim.password)).status).toBe(429);
    for (const variant of ['khoa.thú', 'ｋｈｏａ.ｔｈｕ', 'khoa.thu\u0000'])
      expect((await tok(variant, victim.password)).status).not.toBe(201);
    const page = await request.agent(t.app).get('/dang-nhap');
    const form = await request(t.app)
      .post('/dang-nhap')
      .set('Cookie', sid(page)!)
      .type('form')
      .send({ username: 'khoa.thu', password: victim.password, _csrf: csrfFrom(page.text) });
    expect(form.status).toBe(429);
    expect(form.text).toMatch(/thử lại sau \d+ phút/);
    expect((await tok(other.username, PASSWORD)).status).toBe(201);
  });
});
