/**
 * Hostile input against every JSON write route of the route tables (property-based, fast-check), the
 * list query strings and the path parameters: never a 500, always the contract's JSON error with a
 * Vietnamese message, and a refused request writes nothing.
 */
import fc from 'fast-check';
import pino from 'pino';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { buildUnit, buildUser } from '../factories/accounts';
import { bearer, definition } from '../factories/dossiers';
import { loadConfig } from '../../server/config';
import { apiRoutes, ApiRoute, publicApiRoutes } from '../../server/routes/api.routes';
import type { AppContext } from '../../server/context';
import type { Fx } from './access-table';
import { buildSecWorld, driver, Driver, errorShapeProblem, fingerprint, PROC_RES, SecWorld } from './fixture';
import { fieldPaths, hostileBody, hostileString, hostileValue, mutate, TARGETS } from './hostile';

const stubCtx = {
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  db: undefined,
  logger: pino({ level: 'silent' }),
  sessionSecret: 'x'.repeat(16),
} as unknown as AppContext;
const ALL = [...publicApiRoutes(stubCtx), ...apiRoutes(stubCtx)];
const WRITES = ALL.filter((r) => (r.method === 'post' || r.method === 'put' || r.method === 'patch') && !r.rawBody).map(
  (r) => [`${r.method.toUpperCase()} ${r.path}`, r] as [string, ApiRoute],
);
/** Routes whose body is a file (a PDF), not JSON. */
const RAW_WRITES = ALL.filter((r) => r.rawBody).map(
  (r) => [`${r.method.toUpperCase()} ${r.path}`, r] as [string, ApiRoute],
);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
let tried = 0;
const tally: Record<number, number> = {};
/** encodeURIComponent, but lone surrogates go out as their (invalid) CESU-8 bytes instead of throwing. */
const enc = (s: string) =>
  s.replace(/[\s\S]/gu, (c) =>
    c.length === 1 && c >= '\ud800' && c <= '\udfff'
      ? `%ED%${(0xa0 + ((c.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (c.charCodeAt(0) & 0x3f)).toString(16).toUpperCase()}`
      : encodeURIComponent(c),
  );

describe.each(ENGINES)('hostile input on %s', (engine) => {
  let t: TestApp;
  let w: SecWorld;
  let dr: Driver;
  let base: Fx;

  beforeAll(async () => {
    t = await buildTestApp(engine, { LOGIN_IP_MAX_FAILURES: '1000000', PUBLIC_RATE_LIMIT: '1000000' });
    w = await buildSecWorld(t.app, t.tdb.db);
    dr = driver(t.app, w);
    await buildUnit(t.tdb.db, { code: 'FZ.TARGET', level: 'commune', parentId: w.units.D.id });
    await buildUser(t.tdb.db, { username: 'fz.target', unitId: w.units.A.id });
    const d = await dr.dossier();
    const issued = await dr.dispatch('issued');
    base = {
      code: d.code,
      version: 1,
      id: issued.id,
      unitCode: w.units.A.code,
      districtCode: w.units.D.code,
      cCode: w.units.C.code,
      username: 'fz.target',
      date: '2031-03-03',
      dueDate: dr.dayAfter(15),
    };
  });
  afterAll(() => t.close());

  const url = (r: ApiRoute, fx: Fx) =>
    `/api/v1${r.path.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(fx[k])))}`;
  const isPublic = (r: ApiRoute) => r.access === 'public';

  /** One request; returns the problems it shows (5xx, bad error body, a refused request that wrote). */
  async function probe(
    r: ApiRoute,
    fx: Fx,
    token: string,
    raw: string,
    contentType = 'application/json',
  ): Promise<{ status: number; problems: string[] }> {
    const before = await fingerprint(t.tdb.db);
    let req = request(t.app)[r.method](url(r, fx)).set('Content-Type', contentType);
    if (!isPublic(r)) req = req.set(bearer(token));
    const res = await req.send(raw);
    tried++;
    tally[res.status] = (tally[res.status] ?? 0) + 1;
    const problems: string[] = [];
    const what = `${r.method.toUpperCase()} ${r.path} with ${raw.length > 200 ? `${raw.slice(0, 200)}… (${raw.length} chars)` : raw}`;
    if (res.status >= 500) problems.push(`${what} → ${res.status} ${res.text.slice(0, 200)}`);
    else if (res.status >= 400) {
      const shape = errorShapeProblem(res);
      if (shape) problems.push(`${what} → ${res.status}: ${shape}`);
      const after = await fingerprint(t.tdb.db);
      if (after !== before) problems.push(`${what} → ${res.status} but rows changed: ${before} → ${after}`);
    }
    return { status: res.status, problems };
  }

  it('has a hostile-input target for every JSON write route', () => {
    expect(WRITES.map(([, r]) => `${r.method} ${r.path}`).filter((k) => !TARGETS[k])).toEqual([]);
  });

  it.each(WRITES)(
    '%s: arbitrary JSON bodies and hostile field values never give a 500 or a partial write',
    async (_n, r) => {
      const target = TARGETS[`${r.method} ${r.path}`];
      let fx: Fx | null = null;
      const ready = async () => (fx ??= { ...base, ...(target.setup ? await target.setup(dr, w) : {}) });
      const token = target.who(w).token;
      const run = async (body: unknown) => {
        const f = await ready();
        const { status, problems } = await probe(r, f, token, JSON.stringify(body) ?? 'null');
        if (status < 300) fx = null; // accepted: later runs get a fresh fixture
        if (problems.length) throw new Error(problems.join('\n'));
      };
      // 1. the whole body is hostile
      await fc.assert(fc.asyncProperty(hostileBody, run), { numRuns: RUNS, endOnFailure: true });
      // 2. one field of a valid body is hostile, of the wrong type, or missing
      const fields = fieldPaths(target.valid(await ready(), w));
      const field = fc.constantFrom(...fields);
      await fc.assert(
        fc.asyncProperty(field, fc.option(hostileValue, { freq: 8, nil: undefined }), async (path, value) =>
          run(mutate(target.valid(await ready(), w), path, value)),
        ),
        { numRuns: RUNS * 2, endOnFailure: true },
      );
      // 3. not JSON at all, malformed, too large
      const f = await ready();
      // [body, content type, must be refused]: an unknown-keys-only object may legitimately be accepted
      const cases: Array<[string, string, boolean]> = [
        ['{"a":1', 'application/json', true],
        ['{"a":1}', 'text/plain', true],
        ['a=1&b=2', 'application/x-www-form-urlencoded', true],
        ['{"a":1}', 'application/json; charset=latin-9', true],
        [`{"pad":"${'x'.repeat(1_100_000)}"}`, 'application/json', true],
        ['['.repeat(200_000) + ']'.repeat(200_000), 'application/json', true],
        [`{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, 'application/json', false],
      ];
      const problems: string[] = [];
      for (const [raw, type, refuse] of cases) {
        const res = await probe(r, f, token, raw, type);
        problems.push(...res.problems);
        if (refuse && res.status < 400)
          problems.push(
            `${r.method.toUpperCase()} ${r.path} accepted ${type} body ${raw.slice(0, 30)} (${res.status})`,
          );
        if (raw.length > 1_000_000 && res.status !== 413)
          problems.push(`${r.path}: a body over 1 MB → ${res.status}, expected 413`);
      }
      expect(problems).toEqual([]);
      expect(({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).admin).toBeUndefined();
    },
  );

  it('a malformed Idempotency-Key on any POST → 400 invalid_idempotency_key, nothing written', async () => {
    const bad = fc.oneof(
      fc.string({ minLength: 101, maxLength: 300 }).map((s) => s.replace(/[^A-Za-z0-9]/g, 'a')),
      fc
        .string({ maxLength: 50 })
        // HTTP drops spaces and tabs around a header's value: " abc " arrives as the valid "abc".
        .filter((s) => !/^[A-Za-z0-9_.:-]{1,100}$/.test(s.trim()) && /^[\t\x20-\x7e\x80-\xff]*$/.test(s)),
      fc.constantFrom('', ' ', 'khóa', 'a b', 'a/b', 'a,b', '"a"', '<script>', 'a'.repeat(101), 'éé'),
    );
    const posts = WRITES.filter(([, r]) => r.method === 'post' && !isPublic(r));
    expect(posts.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const [name, r] of posts) {
      const target = TARGETS[`${r.method} ${r.path}`];
      const fx = { ...base, ...(target.setup ? await target.setup(dr, w) : {}) };
      await fc.assert(
        fc.asyncProperty(bad, async (key) => {
          const before = await fingerprint(t.tdb.db);
          const res = await request(t.app)
            .post(url(r, fx))
            .set(bearer(target.who(w).token))
            .set('Idempotency-Key', key)
            .send(target.valid(fx, w) as object);
          tried++;
          const after = await fingerprint(t.tdb.db);
          if (res.status !== 400 || res.body?.error?.code !== 'invalid_idempotency_key')
            problems.push(`${name} with key ${JSON.stringify(key)} → ${res.status} ${res.text.slice(0, 100)}`);
          else if (errorShapeProblem(res)) problems.push(`${name}: ${errorShapeProblem(res)}`);
          if (after !== before) problems.push(`${name} with key ${JSON.stringify(key)} wrote rows`);
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 3)), endOnFailure: true },
      );
    }
    expect(problems).toEqual([]);
  });

  it('there are file-body routes to try (the PDF result)', () => {
    expect(RAW_WRITES.map(([k]) => k)).toContain('PUT /dossiers/:code/result');
  });

  it.each(RAW_WRITES)('%s: arbitrary bytes, broken and disguised PDFs never give a 500 or a write', async (_n, r) => {
    // The specialist of A may put the draft of a dossier at its first step (a procedure with a result).
    const d = await dr.dossier({}, PROC_RES);
    const fx = { ...base, code: d.code };
    const token = w.by('specialist', 'own').token;
    const problems: string[] = [];
    const send = async (body: Buffer, type: string) => {
      const res = await probe(r, fx, token, body as unknown as string, type);
      problems.push(...res.problems);
      if (res.status < 400)
        problems.push(`${r.path} accepted ${body.subarray(0, 20).toString('latin1')} (${res.status})`);
    };
    const pdfLike = fc
      .uint8Array({ maxLength: 4000 })
      .map((b) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(b), Buffer.from('\n%%EOF\n')]));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)),
          pdfLike,
        ),
        (b) => send(b, 'application/pdf'),
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    for (const [body, type] of [
      [Buffer.alloc(0), 'application/pdf'],
      [Buffer.from('{"a":1}'), 'application/json'],
      [
        Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF'),
        'application/pdf',
      ],
      [Buffer.from('%PDF-1.4\n' + '['.repeat(100_000) + '\n%%EOF'), 'application/pdf'],
    ] as Array<[Buffer, string]>)
      await send(body, type);
    expect(problems).toEqual([]);
  });

  it('list query strings: hostile paging, arrays, filters never give a 500', async () => {
    const lists = [
      '/dossiers',
      '/dispatches',
      '/procedures',
      '/units',
      '/users',
      '/calendar/days',
      '/calendar/deadline',
      '/reports/summary',
    ];
    const fixed = [
      'page=-1',
      'page=0',
      'page=1e9',
      'page=1e308',
      'page=NaN',
      'pageSize=1e9',
      'pageSize=0',
      'pageSize=-5',
      'page[]=1',
      'page=1&page=2',
      'status[]=x',
      'status=processing&status=refused',
      'q[]=a',
      'q=%00',
      'q=%25',
      'q=_',
      'q=!',
      `q=${'x'.repeat(5000)}`,
      "q='%20OR%201=1--",
      'mine=2',
      'overdue=yes',
      'inbox[]=1',
      'procedureCode=%00',
      'year=1e308',
      'year=-1',
      'unitCode[]=x',
      'unitCode=%00',
      'from=2020-01-01&to=2020-13-01',
      'from=0001-01-01&to=0001-12-31',
      'from=9999-01-01&to=9999-12-31',
      'from=2020-01-01&to=2019-01-01',
      'from=0001-01-01T00:00:00%2B07:00&days=1',
      'from=9999-12-31T23:59:59Z&days=1',
      'from=2199-12-01T00:00:00%2B07:00&days=3650',
      'from=2027-01-01T00:00:00%2B07:00&hours=1e-300',
      'from=2027-01-01T00:00:00%2B07:00&days=1&hours=1',
    ];
    const problems: string[] = [];
    const check = async (path: string, qs: string) => {
      const res = await request(t.app)
        .get(`/api/v1${path}?${qs}`)
        .set(bearer(w.by('admin', 'none').token));
      tried++;
      if (res.status >= 500) problems.push(`GET ${path}?${qs.slice(0, 80)} → ${res.status}`);
      else if (res.status >= 400 && res.status !== 431 && errorShapeProblem(res))
        problems.push(`GET ${path}?${qs.slice(0, 80)} → ${errorShapeProblem(res)}`);
    };
    for (const path of lists) for (const qs of fixed) await check(path, qs);
    const key = fc.constantFrom(
      'page',
      'pageSize',
      'q',
      'status',
      'mine',
      'overdue',
      'inbox',
      'procedureCode',
      'from',
      'to',
      'unitCode',
      'days',
      'hours',
      'year',
      'version',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...lists),
        fc.array(fc.tuple(key, hostileString), { maxLength: 4 }),
        async (path, pairs) => {
          await check(path, pairs.map(([k, v]) => `${k}=${enc(v.slice(0, 300))}`).join('&'));
        },
      ),
      { numRuns: RUNS * 3 },
    );
    expect(problems).toEqual([]);
  });

  it('LIKE wildcards in q are literal: every hit contains the text', async () => {
    await dr.dossier({ applicant: { fullName: 'Phần trăm 100% gạch_dưới chấm!than' } });
    for (const q of ['%', '_', '!', '%_', '100%', 'm!t']) {
      const res = await request(t.app)
        .get(`/api/v1/dossiers?q=${encodeURIComponent(q)}&pageSize=100`)
        .set(bearer(w.by('admin', 'none').token));
      expect(res.status).toBe(200);
      for (const d of res.body.items) expect(`${d.code} ${d.applicant.fullName}`).toContain(q);
    }
  });

  it('path parameters: NUL, traversal, bad percent-encoding, very long values never give a 500', async () => {
    const values = [
      '%00',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      '..',
      '%E0%A4%A',
      '%',
      'A'.repeat(4000),
      '-1',
      '0',
      '1e0',
      '9'.repeat(40),
      '%F0%9F%98%80',
      '%3Cscript%3E',
      'null',
      '__proto__',
      'constructor',
      `${base.code}%00`,
      `${base.code}%20`,
    ];
    const problems: string[] = [];
    for (const r of ALL.filter((x) => x.path.includes(':'))) {
      const target = TARGETS[`${r.method} ${r.path}`];
      for (const v of values) {
        const path = `/api/v1${r.path.replace(/:(\w+)/g, () => v)}`;
        for (const who of [w.by('admin', 'none'), w.by('specialist', 'own')]) {
          let req = request(t.app)[r.method](path).set(bearer(who.token));
          if (target) req = req.send(target.valid(base, w));
          const res = await req;
          tried++;
          if (res.status >= 500 || (res.status >= 400 && errorShapeProblem(res)))
            problems.push(
              `${r.method.toUpperCase()} ${path.slice(0, 90)} × ${who.key} → ${res.status} ${errorShapeProblem(res) ?? ''}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('injection-shaped text is stored and returned verbatim, and the tables survive', async () => {
    const nasty = { fullName: "'; DROP TABLE dossiers; --", address: '" OR ""="; {{constructor}} ${7*7}' };
    const d = await dr.dossier({ applicant: nasty, note: "Robert'); DROP TABLE dossier_events;--" });
    await dr.api(w.by('specialist', 'own').token).post(`/dossiers/${d.code}/events`, {
      type: 'REQUEST_SUPPLEMENT',
      version: 1,
      comment: "x' OR '1'='1 😀 \u202eabc",
    });
    const got = await dr.api(w.by('intake', 'own').token).get(`/dossiers/${d.code}`);
    expect(got.body.applicant).toMatchObject(nasty);
    const hist = await dr.api(w.by('intake', 'own').token).get(`/dossiers/${d.code}/history`);
    expect(hist.body.items.map((e: { comment: string }) => e.comment)).toEqual([
      "Robert'); DROP TABLE dossier_events;--",
      "x' OR '1'='1 😀 \u202eabc",
    ]);
    expect(Number((await t.tdb.db('dossiers').count({ n: '*' }))[0].n)).toBeGreaterThan(1);
  });

  // Inputs the schemas accept today but the app cannot process: they must be refused up front (422), not fail later with a 500.
  it('a procedure with an absurd totalDays is refused, or dossiers of it can still be received', async () => {
    const admin = w.by('admin', 'none').token;
    const def = definition('FZ.DAYS', {
      totalDays: 100_000,
      steps: [{ code: 'review', name: 'Thẩm định', role: 'specialist', hours: 8 }],
    });
    const created = await request(t.app).post('/api/v1/procedures').set(bearer(admin)).send(def);
    if (created.status === 201) {
      const res = await request(t.app)
        .post('/api/v1/dossiers')
        .set(bearer(w.by('intake', 'own').token))
        .send({ procedureCode: 'FZ.DAYS', applicant: { fullName: 'A' }, documents: ['TO_TRINH', 'BAO_CAO'] });
      expect(res.status).toBeLessThan(500);
    } else expect(created.status).toBe(422);
  });

  it('EXTEND to a far-future date is refused, or the dossier can still resume after a supplement', async () => {
    const d = await dr.dossier();
    const ext = await dr.api(w.by('leader', 'own').token).post(`/dossiers/${d.code}/events`, {
      type: 'EXTEND',
      version: 1,
      comment: 'Gia hạn',
      dueAt: '2250-01-01T00:00:00+07:00',
    });
    if (ext.status === 200) {
      await dr
        .api(w.by('specialist', 'own').token)
        .post(`/dossiers/${d.code}/events`, { type: 'REQUEST_SUPPLEMENT', version: 2, comment: 'Thiếu' });
      const res = await dr
        .api(w.by('intake', 'own').token)
        .post(`/dossiers/${d.code}/events`, { type: 'SUPPLEMENT_RECEIVED', version: 3 });
      expect(res.status).toBe(200);
    } else expect(ext.status).toBe(422);
  });

  it('a large but valid procedure definition is stored, or refused with 413/422, never a 500', async () => {
    const docs = Array.from({ length: 150 }, (_, i) => ({ code: `D${i}`, name: 'ễ'.repeat(500), required: false }));
    const res = await request(t.app)
      .post('/api/v1/procedures')
      .set(bearer(w.by('admin', 'none').token))
      .send(definition('FZ.LARGE', { documents: docs }));
    expect([201, 413, 422]).toContain(res.status);
    if (res.status === 201)
      expect(
        (
          await request(t.app)
            .get('/api/v1/procedures/FZ.LARGE')
            .set(bearer(w.by('admin', 'none').token))
        ).body.documents,
      ).toHaveLength(150);
  });

  it('a procedure with thousands of documents is refused, or dossiers of it can still be received', async () => {
    const docs = Array.from({ length: 6000 }, (_, i) => ({ code: `D${i}`, name: 'Giấy tờ', required: false }));
    const created = await request(t.app)
      .post('/api/v1/procedures')
      .set(bearer(w.by('admin', 'none').token))
      .send(definition('FZ.MANY', { documents: docs }));
    expect([201, 413, 422]).toContain(created.status);
    if (created.status === 201) {
      const res = await request(t.app)
        .post('/api/v1/dossiers')
        .set(bearer(w.by('intake', 'own').token))
        .send({ procedureCode: 'FZ.MANY', applicant: { fullName: 'A' }, documents: [] });
      expect(res.status).toBe(201);
    }
  });
});

afterAll(() =>
  console.log(
    `hostile input: ${tried} requests tried (${WRITES.length} JSON write routes, ${RUNS} + ${RUNS * 2} property runs each, per engine); statuses of the write probes: ${JSON.stringify(tally)}`,
  ),
);
