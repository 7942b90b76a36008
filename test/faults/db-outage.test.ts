/**
 * Fault 2: the database goes away under load. The machine's MariaDB is shared with other test runs, so
 * it is never stopped: the app reaches it through a TCP proxy of the test's own, which cuts every
 * connection and refuses (or resets, or silently holds) new ones. While it is away: every request
 * answers fast (< 5 s) with 503 and a Vietnamese message (JSON for the API, an HTML page for pages),
 * /healthz says {"status":"unavailable"} with 503, the process stays up. When it is back the app recovers
 * by itself (healthz 200, transitions succeed) without a restart, and no acknowledged write is lost.
 */
import { checkConsistency } from './checks';
import { Load } from './load';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  createFaultDb,
  csrfFrom,
  describeMysql,
  FaultDb,
  http,
  intakeBody,
  mergeCookies,
  onCleanup,
  report,
  Res,
  ServerProc,
  signInForm,
  sleep,
  spawnServer,
  STEP_ROLE,
  TcpProxy,
  tempDir,
  uniq,
  unhandledErrors,
  waitFor,
  World,
} from './support';

// "Fast" means "answered, well before a client gives up" (the probes' own limit is 30 s): the app's
// database timeouts are 3 s to connect and 10 s per statement (DB_QUERY_TIMEOUT_MS), and on a busy
// machine an answer may take longer. The measured times are in the report line; only a hang fails.
const FAST_MS = 25_000;
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]/i;

interface Stack {
  db: FaultDb;
  proxy: TcpProxy;
  srv: ServerProc;
  w: World;
  cookie: string;
  code: string;
}

/** Own database, a proxy in front of it, a server through the proxy, a world, a signed-in page user. */
async function stack(tag: string): Promise<Stack> {
  const db = await createFaultDb('mysql', tag);
  const proxy = new TcpProxy(db.host!, db.port!);
  await proxy.start();
  onCleanup(() => proxy.stop());
  const srv = await spawnServer(baseEnv(tempDir(tag), db.via('127.0.0.1', proxy.port)));
  const w = await buildWorld(srv.url, { communes: 2 });
  const created = await http(srv.url, 'POST', '/api/v1/dossiers', {
    token: w.communes[0].tokens.intake,
    json: intakeBody(w),
  });
  expect(created.status).toBe(201);
  const cookie = await signInForm(srv.url, w.communes[0].users.specialist);
  return { db, proxy, srv, w, cookie, code: created.body.code };
}

interface Probe {
  name: string;
  kind: 'api' | 'page' | 'health';
  res: Res;
}

/** A probe's write, sent with an Idempotency-Key so that its outcome can be learnt after the heal. */
interface KeyedWrite {
  path: string;
  token: string;
  json: unknown;
  key: string;
}
const keyedWrites: KeyedWrite[] = [];
function keyed(base: string, w: KeyedWrite): Promise<Res> {
  keyedWrites.push(w);
  return http(base, 'POST', w.path, { token: w.token, json: w.json, headers: { 'idempotency-key': w.key } });
}

/** One request of each kind a client makes, while the database is away. */
async function probes(
  s: Stack,
  csrf: string,
  version: number,
  login: { cookie: string; csrf: string },
): Promise<Probe[]> {
  const { srv, w, cookie, code } = s;
  const tok = w.communes[0].tokens;
  const all: Array<[string, Probe['kind'], Promise<Res>]> = [
    ['GET /healthz', 'health', http(srv.url, 'GET', '/healthz')],
    [
      'POST /api/v1/tokens',
      'api',
      http(srv.url, 'POST', '/api/v1/tokens', {
        json: { username: w.communes[0].users.head, password: 'mat-khau-thu-nghiem' },
      }),
    ],
    ['GET /api/v1/dossiers', 'api', http(srv.url, 'GET', '/api/v1/dossiers?mine=1', { token: tok.specialist })],
    ['GET /api/v1/dossiers/:code', 'api', http(srv.url, 'GET', `/api/v1/dossiers/${code}`, { token: tok.specialist })],
    [
      'POST /api/v1/dossiers',
      'api',
      keyed(srv.url, { path: '/api/v1/dossiers', token: tok.intake, json: intakeBody(w), key: `probe:${uniq()}` }),
    ],
    [
      'POST /api/v1/dossiers/:code/events',
      'api',
      keyed(srv.url, {
        path: `/api/v1/dossiers/${code}/events`,
        token: tok.specialist,
        json: { type: 'FORWARD', version },
        key: `probe:${uniq()}`,
      }),
    ],
    ['GET /api/v1/public/dossiers/:code', 'api', http(srv.url, 'GET', `/api/v1/public/dossiers/${code}`)],
    ['GET /', 'page', http(srv.url, 'GET', '/', { cookie })],
    ['GET /ho-so', 'page', http(srv.url, 'GET', '/ho-so', { cookie })],
    ['GET /ho-so/:code', 'page', http(srv.url, 'GET', `/ho-so/${code}`, { cookie })],
    [
      'POST /ho-so/:code/thao-tac',
      'page',
      http(srv.url, 'POST', `/ho-so/${code}/thao-tac`, {
        cookie,
        form: { _csrf: csrf, type: 'FORWARD', version: String(version) },
      }),
    ],
    [
      'POST /dang-nhap',
      'page',
      http(srv.url, 'POST', '/dang-nhap', {
        cookie: login.cookie,
        form: { username: w.communes[0].users.head, password: 'mat-khau-thu-nghiem', _csrf: login.csrf },
      }),
    ],
    ['GET /tra-cuu?ma=', 'page', http(srv.url, 'GET', `/tra-cuu?ma=${code}`)],
  ];
  return Promise.all(all.map(async ([name, kind, p]) => ({ name, kind, res: await p })));
}

/** What is wrong with a probe's answer during an outage (empty when it is right). */
function judge(p: Probe): string[] {
  const bad: string[] = [];
  const { res } = p;
  const ct = res.headers.get('content-type') ?? '';
  if (res.status !== 503) bad.push(`${p.name}: status ${res.status || res.error} (want 503)`);
  if (res.ms >= FAST_MS) bad.push(`${p.name}: took ${res.ms} ms`);
  if (p.kind === 'health' && JSON.stringify(res.body) !== '{"status":"unavailable"}')
    bad.push(`${p.name}: body ${res.text.slice(0, 100)}`);
  if (p.kind === 'api' && res.status === 503) {
    if (!ct.includes('json')) bad.push(`${p.name}: content-type ${ct}`);
    else if (!VIETNAMESE.test(res.body?.error?.message ?? ''))
      bad.push(`${p.name}: message ${JSON.stringify(res.body)}`);
  }
  if (p.kind === 'page' && res.status === 503) {
    if (!ct.includes('html')) bad.push(`${p.name}: content-type ${ct}`);
    else if (!/Hệ thống tạm thời gián đoạn|Cơ sở dữ liệu tạm thời/.test(res.text))
      bad.push(`${p.name}: page without the Vietnamese message`);
  }
  return bad;
}

/**
 * The whole scenario for one kind of outage: load, cut, probe while cut (twice, the second after the
 * pool has given up on its old connections), restore, recover, check the data.
 */
async function outage(tag: string, how: 'refuse' | 'reset' | 'blackhole', hard: boolean) {
  const s = await stack(tag);
  const { srv, proxy, w } = s;
  const page = await http(srv.url, 'GET', `/ho-so/${s.code}`, { cookie: s.cookie });
  expect(page.status).toBe(200);
  const csrf = csrfFrom(page.text);
  // A sign-in form opened before the outage and submitted during it.
  const loginPage = await http(srv.url, 'GET', '/dang-nhap');
  const login = { cookie: mergeCookies(undefined, loginPage), csrf: csrfFrom(loginPage.text) };
  const answers: Array<{ r: Res; end: number }> = [];
  const load = new Load(w, [srv.url], {
    expected: [503],
    timeoutMs: 60_000,
    onResponse: (r) => answers.push({ r, end: Date.now() }),
  });
  // The stack's own dossier was acknowledged (201) before the load; the probes' events touch only it.
  load.ackedIntakes.add(s.code);
  keyedWrites.length = 0;
  const running = load.run(6, 300_000); // stopped below, after recovery
  // Progress: answers keep arriving (a loaded machine answers slowly; a stuck one not at all).
  await waitFor(
    'some load before the outage',
    () => load.acknowledgedEvents >= 20,
    90_000,
    50,
    () => load.requests,
  );

  // Cut.
  const cutAt = Date.now();
  await proxy.down(how, hard);
  const first = await probes(s, csrf, 1, login);
  await sleep(1_500);
  const second = await probes(s, csrf, 1, login);
  await sleep(1_500);
  const stillAlive = srv.alive();

  // Restore: the app must come back by itself.
  const restoredAt = Date.now();
  await proxy.up();
  await waitFor(
    'healthz 200 after the database is back',
    async () => (await http(srv.url, 'GET', '/healthz')).status === 200,
    90_000,
    100,
  );
  const recoveredMs = Date.now() - restoredAt;
  const acked = load.acknowledgedEvents;
  await waitFor(
    'transitions to succeed again',
    () => load.acknowledgedEvents >= acked + 10,
    90_000,
    50,
    () => load.requests,
  );
  load.stop();
  await running;

  // What happened to the requests whose answer was lost or a 503 (one may have committed before the
  // cut, or while its answer was on the way): sent again with the same Idempotency-Key, each says so.
  const settled = await load.settle();
  const probeWrites: string[] = [];
  for (const p of keyedWrites) {
    let r: Res;
    for (let i = 0; ; i++) {
      r = await http(srv.url, 'POST', p.path, { token: p.token, json: p.json, headers: { 'idempotency-key': p.key } });
      if ((r.status > 0 && r.status < 500 && r.body?.error?.code !== 'idempotency_in_flight') || i >= 30) break;
      await sleep(1000);
    }
    probeWrites.push(
      `${p.path.replace(s.code, ':code')} ${r.status}${r.headers.get('idempotency-replayed') ? ' (replayed)' : ''}`,
    );
    // A probe that had committed (or commits now) is an acknowledged write like the load's.
    if (p.path === '/api/v1/dossiers' && r.status === 201) load.ackedIntakes.add(r.body.code);
    if (p.path !== '/api/v1/dossiers' && r.status === 200)
      load.ackedEvents.set(s.code, [...(load.ackedEvents.get(s.code) ?? []), r.body.version]);
  }

  // Consistency first: the hand-made transition below is not part of the load's bookkeeping.
  const check = await checkConsistency(s.db.knex, load, load.uncertain());

  // A transition by hand on the probe dossier succeeds too.
  const current = await http(srv.url, 'GET', `/api/v1/dossiers/${s.code}`, { token: w.communes[0].tokens.specialist });
  expect(current.status).toBe(200);
  const fwd = await http(srv.url, 'POST', `/api/v1/dossiers/${s.code}/events`, {
    token: w.communes[0].tokens[STEP_ROLE[current.body.state]],
    json: { type: 'FORWARD', version: current.body.version },
  });
  expect(fwd.status).toBe(200);

  // Every statement has a time limit (design.md §9), so in a partition too a request answers 503 in
  // seconds instead of waiting for the network.
  const problems = [...first, ...second].flatMap(judge);
  // The load's requests that were running at some moment of the outage.
  const duringOutage = answers.filter((a) => a.end >= cutAt && a.end - a.r.ms <= restoredAt).map((a) => a.r);
  const loadBad = duringOutage
    .filter((r) => r.status !== 0 && (r.ms >= FAST_MS || ![200, 201, 409, 503].includes(r.status)))
    .map((r) => `${r.status} in ${r.ms} ms`);
  const loadSlowest = Math.max(0, ...duringOutage.map((r) => r.ms));
  report(`db outage ${how}${hard ? ' (RST)' : ''}`, {
    requests: load.requests + first.length + second.length,
    byStatus: load.byStatus,
    requestsDuringOutage: duringOutage.length,
    slowestDuringOutageMs: loadSlowest,
    probes: first.concat(second).map((p) => `${p.name} ${p.res.status || p.res.error} ${p.res.ms}ms`),
    outageMs: restoredAt - cutAt,
    recoveredMs,
    ackedIntakes: load.ackedIntakes.size,
    ackedEvents: load.acknowledgedEvents,
    ackedChecked: check.ackedChecked,
    settled,
    probeWrites,
    stillUncertain: {
      intakes: load.uncertainIntakes,
      events: [...load.uncertainEvents.values()].reduce((a, b) => a + b, 0),
    },
    problems: problems.length,
    unhandledErrors: unhandledErrors(srv.output()),
  });
  expect(stillAlive).toBe(true);
  expect(srv.alive()).toBe(true);
  expect(problems).toEqual([]);
  expect(loadBad).toEqual([]);
  expect(load.odd.filter((o) => o.status !== 503)).toEqual([]);
  // Every write of unknown outcome was settled by its Idempotency-Key, so the books balance exactly.
  expect(settled.unknown).toBe(0);
  expect(check.problems).toEqual([]);
  // The process said nothing about crashing.
  expect(srv.output()).not.toMatch(/uncaughtException|unhandledRejection|Không khởi động/i);
  await srv.term();
}

describeMysql('database outage behind a TCP proxy (mysql)', () => {
  afterAll(cleanupAll);

  it('MariaDB stops (connections closed, port refusing): 503 fast, healthz unavailable, no crash; recovers by itself', async () => {
    await outage('dbstop', 'refuse', false);
  });

  it('MariaDB connections reset (RST on open ones, new ones reset at once): same', async () => {
    await outage('dbreset', 'reset', true);
  });

  // A silent partition: a statement already sent would wait for the network; its time limit
  // (DB_QUERY_TIMEOUT_MS) answers 503 instead and drops the connection. Writes whose answer was lost
  // are settled afterwards by sending them again with their Idempotency-Key.
  it('a network partition (nothing passes, nothing is refused): still 503 fast, and recovers when it heals', async () => {
    await outage('dbpart', 'blackhole', false);
  });
});
