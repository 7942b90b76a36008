/**
 * Every state-changing route, every kind of caller. The API routes' rules live in access-table.ts
 * (run by access-matrix.test.ts); the HTML forms' rules in page-rules.ts, run here. Each form is
 * called by every role × unit relation (own commune A, another commune B, the supervising district D,
 * the province P) and the admin, signed in with a valid CSRF token; then signed out; then signed in
 * without a CSRF token. An accepted call must change data (and write what its rule's `effect` asks);
 * a refused one must change nothing: versions, event, attachment and outbox rows, stored files.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { PASSWORD } from '../factories/accounts';
import { loadConfig } from '../../server/config';
import { apiRoutes, publicApiRoutes } from '../../server/routes/api.routes';
import type { AppContext } from '../../server/context';
import { ACCESS, Fx } from './access-table';
import { Fields, FormProbe, PAGE_RULES, pdf, useDb } from './page-rules';
import { buildSecWorld, driver, Driver, fingerprint, listRoutes, Principal, SecWorld } from './fixture';

const stubCtx = {
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  db: undefined,
  logger: pino({ level: 'silent' }),
  sessionSecret: 'x'.repeat(16),
} as unknown as AppContext;
const changing = (m: string) => m !== 'get' && m !== 'head' && m !== 'options';
/** State-changing API routes: every non-GET of both route tables. */
const API_CHANGING = [...apiRoutes(stubCtx), ...publicApiRoutes(stubCtx)]
  .filter((r) => changing(r.method))
  .map((r) => `${r.method} ${r.path}`);
/** Rules of the public API's state-changing routes (the authenticated ones are in ACCESS). */
const PUBLIC_API_RULES: Record<string, string> = {
  'post /tokens': 'anyone with a valid username and password gets a token (201), a wrong password 401',
};

/** One test per form and situation, so a failing expectation names itself. */
const CASES: Array<[string, string, number]> = Object.entries(PAGE_RULES).flatMap(([key, probes]) =>
  probes.map((pr, i) => [`${key.replace(/^post /, 'POST ')} [${pr.name}]`, key, i] as [string, string, number]),
);

const counts: Record<string, { calls: number; forms: number }> = {};

describe.each(ENGINES)('state-changing routes on %s', (engine) => {
  const c = (counts[engine] = { calls: 0, forms: 0 });
  let t: TestApp;
  let w: SecWorld;
  let dr: Driver;
  let base: Fx;
  const agents = new Map<string, { agent: request.Agent; csrf: string }>();

  beforeAll(async () => {
    t = await buildTestApp(engine);
    useDb(t.tdb.db);
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

  const session = async (p: Principal) => {
    let s = agents.get(p.key);
    if (!s) {
      const agent = await signIn(t.app, p.username, PASSWORD);
      s = { agent, csrf: csrfFrom((await agent.get('/')).text) };
      agents.set(p.key, s);
    }
    return s;
  };
  /** Rows and versions (one query) plus the number of stored files. */
  const snapshot = async () => {
    const dir = path.join(t.ctx.config.dataDir, 'files');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0;
    return `${await fingerprint(t.tdb.db)} files=${files}`;
  };
  const fill = (p: string, fx: Fx) => p.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(fx[k])));
  const send = (
    agent: request.Agent | ReturnType<typeof request.agent>,
    url: string,
    fields: Fields,
    files: Array<{ name: string; buffer: Buffer }>,
    csrf: string | null,
  ) => {
    if (files.length) {
      let req = agent.post(url);
      if (csrf) req = req.set('x-csrf-token', csrf);
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req = req.field(k, one);
      for (const f of files) req = req.attach('files', f.buffer, { filename: f.name, contentType: 'application/pdf' });
      return req;
    }
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
    if (csrf) form.append('_csrf', csrf);
    return agent.post(url).type('form').send(form.toString());
  };

  it('every state-changing route has a rule, and every rule a route', () => {
    const pages = listRoutes(t.app)
      .filter((r) => !r.path.startsWith('/api/') && changing(r.method))
      .map((r) => `${r.method} ${r.path}`);
    const missing = [
      ...API_CHANGING.filter((k) => !ACCESS[k] && !PUBLIC_API_RULES[k]),
      ...pages.filter((k) => !PAGE_RULES[k]),
    ];
    const stale = Object.keys(PAGE_RULES).filter((k) => !pages.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    expect(pages.length).toBeGreaterThan(15);
  });

  it('POST /api/v1/tokens (public): a token for right credentials, 401 for wrong ones, whoever asks', async () => {
    for (const p of w.principals) {
      const ok = await request(t.app).post('/api/v1/tokens').send({ username: p.username, password: PASSWORD });
      const bad = await request(t.app).post('/api/v1/tokens').send({ username: p.username, password: 'sai-mat-khau' });
      c.calls += 2;
      expect([p.key, ok.status, bad.status]).toEqual([p.key, 201, 401]);
    }
  });

  it.each(CASES)('%s: every caller as its rule says; a refused call changes nothing', async (_label, key, index) => {
    const probe: FormProbe = PAGE_RULES[key][index];
    const route = key.replace(/^post /, '');
    const problems: string[] = [];
    c.forms++;
    let fx: Fx | null = null;
    const resolve = async () => (fx ??= { ...base, ...(probe.setup ? await probe.setup(dr, w) : {}) });
    const fieldsFor = (f: Fx, p: Principal) => probe.fields?.(f, p, w) ?? {};
    /** The probe's files, new bytes for every call: its own PDF maker, or the small fake PDF. */
    const filesFor = async () =>
      Promise.all(
        Array.from({ length: probe.files ?? 0 }, async () =>
          probe.pdf ? { name: 'du-thao-ket-qua.pdf', buffer: await probe.pdf() } : pdf(),
        ),
      );
    let allowed: Principal | null = null;

    const judge = async (
      who: string,
      want: number,
      res: request.Response,
      before: string,
      f: Fx,
      p: Principal,
      mayChange: boolean,
    ) => {
      c.calls++;
      const after = await snapshot();
      const detail = res.status >= 400 ? ` (${/<h1[^>]*>([^<]*)/.exec(res.text)?.[1]?.trim() ?? ''})` : '';
      if (res.status !== want) problems.push(`${who} → got ${res.status}${detail}, expected ${want}`);
      if (res.status >= 500) return;
      const accepted = mayChange && res.status === 303;
      if (accepted) {
        if (after === before) problems.push(`${who}: accepted (303) but nothing changed`);
        const missing = probe.effect ? await probe.effect(t.tdb.db, f, p) : null;
        if (missing) problems.push(`${who}: ${missing}`);
        fx = null; // the next caller gets a fresh fixture
      } else if (after !== before) {
        problems.push(`${who}: answered ${res.status} (expected ${want}) but data or stored files changed`);
        fx = null;
      }
    };

    for (const p of w.principals) {
      const f = await resolve();
      const url = fill(route, f);
      // Sign-in and sign-out replace the session: those go through a session of their own.
      const s = probe.public ? { agent: await signIn(t.app, p.username, PASSWORD), csrf: '' } : await session(p);
      if (probe.public) s.csrf = csrfFrom((await s.agent.get('/')).text);
      const before = await snapshot();
      const want = probe.expect(p);
      if (want === 303 && !allowed) allowed = p;
      const res = await send(s.agent, url, fieldsFor(f, p), await filesFor(), s.csrf);
      await judge(`${key} × ${p.role} × ${p.rel}`, want, res, before, f, p, want === 303 && !probe.changesNothing);
    }

    // Signed out (an anonymous session with its own valid CSRF token): to the sign-in form, nothing changes.
    {
      const f = await resolve();
      const anon = request.agent(t.app);
      const csrf = csrfFrom((await anon.get('/dang-nhap')).text);
      const before = await snapshot();
      const as = allowed ?? w.principals[1];
      const res = await send(anon, fill(route, f), fieldsFor(f, as), await filesFor(), csrf);
      if (probe.public) c.calls++;
      else {
        await judge(`${key} × signed out`, 303, res, before, f, as, false);
        if (res.status === 303 && !String(res.headers.location).startsWith('/dang-nhap'))
          problems.push(`${key} × signed out → redirected to ${res.headers.location}, expected /dang-nhap`);
      }
    }

    // Signed in as someone the rule accepts, but without a CSRF token: 403, nothing changes.
    {
      const f = await resolve();
      const as = allowed ?? w.principals[1];
      const s = await session(as);
      const before = await snapshot();
      const res = await send(s.agent, fill(route, f), fieldsFor(f, as), await filesFor(), null);
      await judge(`${key} × ${as.role} × ${as.rel} without a CSRF token`, 403, res, before, f, as, false);
    }
    expect(problems).toEqual([]);
  });
});

afterAll(() => {
  for (const [engine, n] of Object.entries(counts))
    console.log(
      `state-changing forms (${engine}): ${n.forms} form situations × (21 callers + signed out + no CSRF) = ${n.calls} calls checked`,
    );
});
