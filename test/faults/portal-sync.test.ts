/**
 * Fault 6: the national-portal sync (design.md §12, contract.md §4) under faults, with real server
 * processes and the portal simulator (a real HTTP server in this test process):
 * - kill -9 of the app while messages are in flight (a slow portal that stores first and answers
 *   late): after a restart on the same database nothing is lost, each dossier's messages arrived in
 *   order, and a repeat is only ever the message that was in flight at the kill (or one that timed out);
 * - two processes on one MariaDB sharing the outbox: every message accepted exactly once, in order;
 * - the portal down while dossiers change five times: everything arrives once, in order, afterwards.
 * Every wait is a stall limit (progress of the outbox or the simulator), never a fixed time.
 */
import type { Knex } from 'knex';
import { PortalSimulator } from '../portal/simulator';
import { canonical } from '../portal/store';
import { portalTime } from '../../workflows/portal';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  createFaultDb,
  describeMysql,
  ENGINES,
  http,
  intakeBody,
  must,
  onCleanup,
  report,
  spawnServer,
  STEP_ROLE,
  tempDir,
  waitFor,
  World,
} from './support';

const H = 'DongBoHoSoMC';
const CONCURRENCY = 4;
/** A test's own limit: every wait inside is a stall limit, so this only catches a hang. */
const LIMIT = 900_000;

async function startSim(): Promise<PortalSimulator> {
  const sim = new PortalSimulator();
  await sim.start();
  onCleanup(() => sim.stop());
  return sim;
}

/** The servers' settings: sync on, short back-off and loop, short leases (a killed sender's run out soon). */
function portalEnv(tag: string, dbUrl: string, sim: PortalSimulator, extra: Record<string, string> = {}) {
  return baseEnv(tempDir(tag), dbUrl, {
    JOBS: '1',
    PORTAL_URL: sim.url,
    PORTAL_RETRY_BASE_MS: '200',
    PORTAL_INTERVAL_MS: '200',
    PORTAL_TIMEOUT_MS: '5000',
    PORTAL_LEASE_MS: '1000',
    PORTAL_CONCURRENCY: String(CONCURRENCY),
    ...extra,
  });
}

interface Tracked {
  code: string;
  version: number;
  state: string;
  /** The events still to send, in order. */
  plan: string[];
}

/** Who sends an event that is not the step's own (FORWARD and REQUEST_SUPPLEMENT are the step role's). */
const ROLE_OF: Record<string, 'intake'> = {
  SUPPLEMENT_RECEIVED: 'intake',
  RETURN_RESULT: 'intake',
};
/** Four FORWARDs (the last resolves it) and the return: five changes, two of them new headers. */
const WALK = ['FORWARD', 'FORWARD', 'FORWARD', 'FORWARD', 'RETURN_RESULT'];
/** A supplement asked and received on the way: the status goes 4 → 5 → 4. */
const WALK_SUPPLEMENT = ['REQUEST_SUPPLEMENT', 'SUPPLEMENT_RECEIVED', 'FORWARD', 'FORWARD', 'FORWARD'];

async function receive(base: string, w: World, plan: string[]): Promise<Tracked> {
  const r = await must(
    http(base, 'POST', '/api/v1/dossiers', { token: w.communes[0].tokens.intake, json: intakeBody(w, false) }),
    201,
    'intake',
  );
  return { code: r.body.code, version: r.body.version, state: r.body.state, plan: [...plan] };
}

/** Send the next planned event; false when the answer was not a 200 (the server died, say). */
async function step(base: string, w: World, d: Tracked): Promise<boolean> {
  const type = d.plan[0];
  const role = ROLE_OF[type] ?? STEP_ROLE[d.state];
  const r = await http(base, 'POST', `/api/v1/dossiers/${d.code}/events`, {
    token: w.communes[0].tokens[role],
    json: { type, version: d.version, comment: `${type} ${d.code}` },
  });
  if (r.status !== 200) {
    if (r.status !== 0) throw new Error(`${type} on ${d.code} → ${r.status} ${r.text.slice(0, 300)}`);
    return false;
  }
  d.plan.shift();
  Object.assign(d, { version: r.body.version, state: r.body.state });
  return true;
}

/** Re-read a dossier and drop the planned events that already committed (a write the kill left unanswered). */
async function refresh(base: string, w: World, d: Tracked): Promise<void> {
  const r = await must(
    http(base, 'GET', `/api/v1/dossiers/${d.code}`, { token: w.communes[0].tokens.intake }),
    200,
    `GET ${d.code}`,
  );
  const done = r.body.version - d.version;
  d.plan.splice(0, done);
  Object.assign(d, { version: r.body.version, state: r.body.state });
}

/** Walk every dossier to the end of its plan with `workers` loops; stops early when a request fails. */
async function walkAll(base: string, w: World, ds: Tracked[], workers: number, stop = () => false) {
  const queue = ds.filter((d) => d.plan.length);
  const loop = async () => {
    for (let d = queue.shift(); d && !stop(); d = queue.shift()) {
      while (d.plan.length && !stop()) if (!(await step(base, w, d))) return;
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}

interface OutRow {
  id: number;
  dossier_code: string;
  service: string;
  payload: string;
  status: string;
  attempts: number;
}

async function outbox(knex: Knex): Promise<OutRow[]> {
  return (await knex('portal_outbox').orderBy('id')).map((r) => ({ ...r, attempts: Number(r.attempts) }));
}

/** What the portal side has done so far: a progress probe for waits. */
async function progress(knex: Knex, sim: PortalSimulator) {
  const rows = (await knex('portal_outbox')
    .select('status')
    .count({ n: '*' })
    .sum({ a: 'attempts' })
    .groupBy('status')) as Array<Record<string, unknown>>;
  return [rows.map((r) => `${r.status}:${Number(r.n)}:${Number(r.a)}`).sort(), sim.requests.length];
}

/** Wait until no message waits (every one accepted, or refused by us). */
async function drainPortal(knex: Knex, sim: PortalSimulator, what: string) {
  await waitFor(
    what,
    async () => {
      const [{ n }] = await knex('portal_outbox').where('status', 'pending').count({ n: '*' });
      return Number(n) === 0;
    },
    60_000,
    250,
    () => progress(knex, sim),
  );
}

const key = (service: string, data: unknown) => `${service}|${canonical(data)}`;

/**
 * One dossier: what the portal accepted against what was queued. `got` is the accepted messages in
 * arrival order; `unique` the same with a message repeated right after itself removed.
 */
function compare(sim: PortalSimulator, rows: OutRow[], code: string) {
  const mine = rows.filter((r) => r.dossier_code === code);
  const expected = mine.map((r) => key(r.service, JSON.parse(r.payload)));
  const accepted = sim.messages.filter((m) => (m.data[0] as { MaHoSo: string }).MaHoSo === code);
  const got = accepted.map((m) => key(m.service, m.data[0]));
  const unique = got.filter((k, i) => i === 0 || k !== got[i - 1]);
  /** Each repeat with the copy it repeats. */
  const repeated = got.flatMap((k, i) =>
    i > 0 && k === got[i - 1] ? [{ copy: accepted[i], of: accepted[i - 1] }] : [],
  );
  const headers = accepted.filter((m) => m.service === H);
  return { mine, expected, got, unique, repeated, headers };
}

/** The dossier as the app has it, and the header the portal accepted last. */
async function finalState(base: string, w: World, sim: PortalSimulator, code: string) {
  const r = await must(
    http(base, 'GET', `/api/v1/dossiers/${code}`, { token: w.communes[0].tokens.intake }),
    200,
    `GET ${code}`,
  );
  const last = sim.headersFor(code).at(-1)!.hoSo;
  return {
    app: { status: String(r.body.nationalStatus), due: portalTime(Date.parse(r.body.dueAt)), sync: r.body.sync.state },
    portal: { status: last.TrangThaiHoSo, due: last.NgayHenTra, sync: 'synced' },
  };
}

async function eventsPerDossier(knex: Knex): Promise<Map<string, number>> {
  const rows = (await knex('dossier_events as e')
    .join('dossiers as d', 'd.id', 'e.dossier_id')
    .groupBy('d.code')
    .select('d.code')
    .count({ n: '*' })) as Array<Record<string, unknown>>;
  return new Map(rows.map((r) => [String(r.code), Number(r.n)]));
}

describe('national portal sync: kill -9 mid-delivery', () => {
  afterAll(cleanupAll);

  it.each(ENGINES)(
    '%s: after a restart nothing is lost and every dossier arrives in order',
    async (engine) => {
      const db = await createFaultDb(engine, 'portalkill');
      const sim = await startSim();
      // The portal stores each message at once and answers after 800 ms: at the kill, answers are owed.
      sim.fail({ mode: 'slow', ms: 800, processFirst: true });
      const env = portalEnv('portalkill', db.url, sim);
      const first = await spawnServer(env);
      const w = await buildWorld(first.url, { communes: 1, mailCommunes: 0 });
      const ds: Tracked[] = [];
      for (let i = 0; i < 20; i++) ds.push(await receive(first.url, w, i % 4 === 3 ? WALK_SUPPLEMENT : WALK));

      // Walk the dossiers while the sender delivers; kill once the portal has taken 30 messages.
      let killed = false;
      const walking = walkAll(first.url, w, ds, 3, () => killed);
      await sim.waitFor((s) => s.messages.length >= 30, { timeoutMs: 60_000, what: '30 accepted messages' });
      const answered = new Set(sim.requests.map((r) => r.seq));
      const inflight = new Set(sim.messages.filter((m) => !answered.has(m.seq)).map((m) => m.seq));
      await first.kill9();
      killed = true;
      await walking;
      const atKill = { accepted: sim.messages.length, inflight: inflight.size };
      sim.heal();

      // Same database, a new process: the rest of the walks, and the whole outbox delivered.
      const second = await spawnServer(env);
      for (const d of ds) await refresh(second.url, w, d);
      await walkAll(second.url, w, ds, 3);
      await drainPortal(db.knex, sim, 'the portal outbox to drain after the restart');

      const rows = await outbox(db.knex);
      const events = await eventsPerDossier(db.knex);
      const problems: string[] = [];
      let repeats = 0;
      for (const d of ds) {
        const c = compare(sim, rows, d.code);
        // Every committed event queued its step (nothing lost at the source), and no two queued
        // messages in a row are the same (so removing repeats below cannot hide a lost one).
        expect(c.mine.filter((r) => r.service !== H)).toHaveLength(events.get(d.code)!);
        expect(c.expected.every((k, i) => i === 0 || k !== c.expected[i - 1])).toBe(true);
        if (JSON.stringify(c.unique) !== JSON.stringify(c.expected))
          problems.push(`${d.code}: order or content differs`);
        // A repeat is the message that was in flight at the kill, or one whose answer came too late.
        for (const { copy, of } of c.repeated) {
          const row = c.mine.find((r) => key(r.service, JSON.parse(r.payload)) === key(copy.service, copy.data[0]))!;
          if (!inflight.has(of.seq) && row.attempts < 2)
            problems.push(
              `${d.code}: message ${row.id} repeated (#${of.seq}, #${copy.seq}) though not in flight at the kill`,
            );
          repeats++;
        }
        expect(c.headers[0].isUpdating).toBe(false);
        expect(c.headers.slice(1).every((h) => h.isUpdating === true)).toBe(true);
        const f = await finalState(second.url, w, sim, d.code);
        expect(f.portal).toEqual(f.app);
      }
      report(`portal kill -9 ${engine}`, {
        dossiers: ds.length,
        outboxRows: rows.length,
        atKill,
        accepted: sim.messages.length,
        repeats,
        refused: sim.rejected.map((r) => r.kind),
      });
      expect(problems).toEqual([]);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      expect(repeats).toBeLessThanOrEqual(inflight.size + rows.filter((r) => r.attempts >= 2).length);
      // The only refusal allowed: "already exists" for a first header the portal had stored before the kill.
      expect(sim.rejected.filter((r) => r.kind !== 'exists')).toEqual([]);
      await second.term();
    },
    LIMIT,
  );
});

describeMysql('national portal sync: two processes share the outbox (mysql)', () => {
  afterAll(cleanupAll);

  it(
    'every message is accepted exactly once, each dossier in order',
    async () => {
      const db = await createFaultDb('mysql', 'portaltwo');
      const sim = await startSim();
      // A long request limit: a late answer on a busy machine would be a legitimate resend, not what is tested.
      const env = portalEnv('portaltwo', db.url, sim, { PORTAL_TIMEOUT_MS: '30000' });
      const procs = await Promise.all([spawnServer(env), spawnServer(env)]);
      const urls = procs.map((p) => p.url);
      const w = await buildWorld(urls[0], { communes: 1, mailCommunes: 0 });
      const ds: Tracked[] = [];
      for (let i = 0; i < 30; i++) ds.push(await receive(urls[i % 2], w, i % 3 === 2 ? WALK_SUPPLEMENT : WALK));
      // Both processes take the walk's requests (each dossier's events alternate between them).
      await Promise.all(
        urls.map((u, i) =>
          walkAll(
            u,
            w,
            ds.filter((_, j) => j % 2 === i),
            3,
          ),
        ),
      );
      await drainPortal(db.knex, sim, 'the portal outbox to drain with two senders');

      const rows = await outbox(db.knex);
      for (const d of ds) {
        const c = compare(sim, rows, d.code);
        expect(c.got).toEqual(c.expected);
        const f = await finalState(urls[0], w, sim, d.code);
        expect(f.portal).toEqual(f.app);
      }
      // One request per message, each accepted the first time: no process sent what the other held.
      const counts = sim.requests.reduce<Record<string, number>>((a, r) => ((a[r.kind] = (a[r.kind] ?? 0) + 1), a), {});
      report('portal two processes', { dossiers: ds.length, outboxRows: rows.length, requests: counts });
      expect(sim.requests).toHaveLength(rows.length);
      expect(counts).toEqual({ ok: rows.length });
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      await Promise.all(procs.map((p) => p.term()));
    },
    LIMIT,
  );
});

describe('national portal sync: the portal down', () => {
  afterAll(cleanupAll);

  it.each(ENGINES)(
    '%s: five changes while it is down arrive once, in order, when it is back',
    async (engine) => {
      const db = await createFaultDb(engine, 'portaldown');
      const sim = await startSim();
      const proc = await spawnServer(portalEnv('portaldown', db.url, sim, { PORTAL_TIMEOUT_MS: '30000' }));
      const w = await buildWorld(proc.url, { communes: 1, mailCommunes: 0 });
      const plans = [
        WALK,
        WALK_SUPPLEMENT,
        ['FORWARD', 'REQUEST_SUPPLEMENT', 'SUPPLEMENT_RECEIVED', 'FORWARD', 'FORWARD'],
      ];
      const ds: Tracked[] = [];
      for (const plan of plans) ds.push(await receive(proc.url, w, plan));
      await drainPortal(db.knex, sim, 'the receipts to reach the portal');
      const receipts = sim.messages.length;

      await sim.goDown();
      await walkAll(proc.url, w, ds, 1);
      expect(ds.every((d) => d.plan.length === 0)).toBe(true);
      // Retried while it is down: after three failures each dossier shows as failed, with the reason.
      await waitFor(
        'every dossier to show the sync as failed',
        async () => {
          for (const d of ds) {
            const r = await http(proc.url, 'GET', `/api/v1/dossiers/${d.code}`, { token: w.communes[0].tokens.intake });
            if (r.body?.sync?.state !== 'failed') return false;
            expect(r.body.sync.message).toMatch(/Không kết nối được Cổng DVC quốc gia/);
          }
          return true;
        },
        60_000,
        250,
        () => progress(db.knex, sim),
      );
      expect(sim.messages).toHaveLength(receipts);

      await sim.comeUp();
      await drainPortal(db.knex, sim, 'the portal outbox to drain once the portal is back');
      const rows = await outbox(db.knex);
      for (const d of ds) {
        const c = compare(sim, rows, d.code);
        expect(c.got).toEqual(c.expected);
        expect(c.mine.length).toBeGreaterThanOrEqual(7); // receipt (header + step), five steps, new headers
        const requests = sim.requests.filter((r) => r.codes?.includes(d.code));
        expect(requests.map((r) => r.kind)).toEqual(c.mine.map(() => 'ok'));
        expect(c.headers.map((h) => h.isUpdating)).toEqual(c.headers.map((_, i) => i > 0));
        const f = await finalState(proc.url, w, sim, d.code);
        expect(f.portal).toEqual(f.app);
      }
      report(`portal down ${engine}`, {
        outboxRows: rows.length,
        maxAttempts: Math.max(...rows.map((r) => r.attempts)),
        accepted: sim.messages.length,
      });
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      await proc.term();
    },
    LIMIT,
  );
});
