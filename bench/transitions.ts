/**
 * Parts 1–5 on one database: floor, service, peer and HTTP transitions (interleaved in rounds so
 * every ratio compares figures taken in the same round), then the public lookups and the server's
 * memory.
 */
import { issueToken } from '../server/auth/tokens';
import { openMysql, openSqlite, BenchDb } from './db';
import { floorOp } from './floor';
import { httpEvents, startServer, ServerProc } from './http';
import { lookupSuite } from './lookup';
import { log, median, opsFor, OpsRun, runOps, Settings, spread } from './lib';
import { setupPeer } from './peer';
import { Report, Row } from './report';
import { serviceOp } from './service';
import { buildWorld } from './world';
import { sameStatementsFloorOp } from './floor-same';

interface Phase {
  key: string;
  label: string;
  conc: number;
  warm: number;
  /** Prepare `n` fresh items and run them; returns the run. */
  run(n: number): Promise<OpsRun>;
  n?: number;
  runs: OpsRun[];
}

export async function transitionSuite(kind: 'sqlite' | 'mysql', s: Settings, report: Report): Promise<void> {
  const db: BenchDb =
    kind === 'sqlite' ? await openSqlite('t') : await openMysql(s.mysqlUrl!, 't', s.mysqlPool, { keep: s.keep });
  const suiteName = kind === 'sqlite' ? 'SQLite' : 'MySQL';
  const info = report.suite(suiteName, db.version);
  log(`${suiteName}: ${db.version}`);
  let server: ServerProc | null = null;
  try {
    const w = await buildWorld(db);
    const phases: Phase[] = [];
    const floor = floorOp(db, w);
    const service = serviceOp(w);
    const same = sameStatementsFloorOp(db, w);
    const ops = (f: (d: import('./world').Dossier) => Promise<unknown>, conc: number) => async (n: number) =>
      runOps(await w.fresh(n), conc, f);
    const want = (p: string) => s.parts.has(p);
    const sq = kind === 'sqlite';
    if (want('floor'))
      phases.push({
        key: 'floor1',
        label: 'floor: raw SQL FORWARD',
        conc: 1,
        warm: sq ? 2000 : 300,
        run: ops(floor, 1),
        runs: [],
      });
    if (want('service'))
      phases.push({
        key: 'service1',
        label: 'service: applyDossierEvent',
        conc: 1,
        warm: sq ? 500 : 300,
        run: ops(service, 1),
        runs: [],
      });
    let peerBytes = 0;
    if (want('peer')) {
      const peer = await setupPeer(db, w);
      peerBytes = peer.stateBytes;
      const peerRun = (conc: number) => async (n: number) => runOps(await peer.fresh(n), conc, peer.op);
      phases.push({ key: 'peer1', label: 'peer: bpmn-engine step', conc: 1, warm: 100, run: peerRun(1), runs: [] });
      phases.push({ key: 'peer32', label: 'peer: bpmn-engine step', conc: 32, warm: 100, run: peerRun(32), runs: [] });
    }
    if (want('floor'))
      phases.push({
        key: 'floor32',
        label: 'floor: raw SQL FORWARD',
        conc: 32,
        warm: sq ? 2000 : 600,
        run: ops(floor, 32),
        runs: [],
      });
    // The same statements as the service, by hand (MySQL only): how much of the gap is the work the
    // design asks of a transition and how much is the app's own JavaScript (bench/floor-same.ts).
    if (want('floor') && want('service') && same)
      for (const conc of [1, 32])
        phases.push({
          key: `same${conc}`,
          label: 'floor: raw SQL, same statements as the service',
          conc,
          warm: conc === 1 ? 300 : 600,
          run: ops(same, conc),
          runs: [],
        });
    if (want('service'))
      phases.push({
        key: 'service32',
        label: 'service: applyDossierEvent',
        conc: 32,
        warm: sq ? 500 : 600,
        run: ops(service, 32),
        runs: [],
      });
    let token = '';
    if (want('http') || want('lookup')) {
      server = await startServer(db.url, { logLevel: s.serverLogLevel });
      token = (await issueToken(db.knex, w.user.id, 86_400_000)).token;
      log(`${suiteName}: server pid ${server.pid} at ${server.base}`);
    }
    if (want('http')) {
      const srv = server!;
      phases.push({
        key: 'http32',
        label: 'HTTP: POST /dossiers/:code/events',
        conc: 32,
        warm: 800,
        run: async (n) => httpEvents(srv.base, token, await w.fresh(n), 32),
        runs: [],
      });
    }
    // Order inside a round: single-worker phases first, then 32 at once.
    phases.sort((a, b) => a.conc - b.conc);

    // Warm-up (JIT, caches, pools) and sizing: each timed phase aims at about BENCH_SECONDS.
    for (const p of phases) {
      const r = await p.run(p.warm);
      p.n = opsFor(r.opsPerSec, s.seconds, Math.max(100, p.conc * 10), 60_000);
      log(
        `${suiteName}: warm-up ${p.key}: ${Math.round(r.opsPerSec)} op/s → ${p.n} ops per run${r.errors ? ` (${r.errors} errors: ${r.firstError})` : ''}`,
      );
    }
    for (let round = 1; round <= s.rounds; round++) {
      for (const p of phases) {
        const r = await p.run(p.n!);
        p.runs.push(r);
        log(
          `${suiteName}: round ${round} ${p.key}: ${Math.round(r.opsPerSec)} op/s, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`,
        );
      }
    }
    const byKey = new Map(phases.map((p) => [p.key, p]));
    const rate = (k: string) => byKey.get(k)?.runs.map((r) => r.opsPerSec) ?? [];
    for (const p of [...phases].sort((a, b) => order(a.key) - order(b.key))) {
      const errors = p.runs.reduce((n, r) => n + r.errors, 0);
      report.add({
        suite: suiteName,
        name: p.label,
        conc: p.conc,
        unit: 'op/s',
        value: spread(p.runs.map((r) => r.opsPerSec)),
        p99: median(p.runs.map((r) => r.p99)),
        note: errors ? `${errors} failed ops (${p.runs.find((r) => r.errors)?.firstError})` : undefined,
      });
      if (errors) info.notes.push(`${p.key}: ${errors} failed operations: ${p.runs.find((r) => r.errors)?.firstError}`);
    }
    const has = (k: string) => byKey.has(k);
    if (has('service1') && has('floor1'))
      report.ratio(suiteName, 'ratio service / floor', rate('service1'), rate('floor1'), 1);
    if (has('service32') && has('floor32'))
      report.ratio(suiteName, 'ratio service / floor', rate('service32'), rate('floor32'), 32, {
        op: '>=',
        value: 0.7,
        label: '≥ 0.70',
      });
    for (const conc of [1, 32])
      if (has(`same${conc}`) && has(`floor${conc}`)) {
        report.ratio(
          suiteName,
          'ratio same-statements floor / floor (info)',
          rate(`same${conc}`),
          rate(`floor${conc}`),
          conc,
        );
        report.ratio(
          suiteName,
          'ratio service / same-statements floor (info)',
          rate(`service${conc}`),
          rate(`same${conc}`),
          conc,
        );
      }
    if (has('http32') && has('floor32'))
      report.ratio(suiteName, 'ratio HTTP / floor', rate('http32'), rate('floor32'), 32, {
        op: '>=',
        value: 0.5,
        label: '≥ 0.50',
      });
    if (has('service1') && has('peer1'))
      report.ratio(suiteName, 'ratio service / peer', rate('service1'), rate('peer1'), 1, {
        op: '>=',
        value: 10,
        label: '≥ 10',
      });
    if (has('service32') && has('peer32'))
      report.ratio(suiteName, 'ratio service / peer', rate('service32'), rate('peer32'), 32, {
        op: '>=',
        value: 10,
        label: '≥ 10',
      });
    report.raw[`${suiteName}.transitions`] = Object.fromEntries(
      phases.map((p) => [p.key, { opsPerRun: p.n, runs: p.runs }]),
    );

    if (want('lookup') && server) await lookupSuite(kind, db.url, server, sample(w.codes, 5000), s, report, info);
    if (server) {
      const hwm = server.hwm() / 2 ** 20;
      const sampled = server.peakSampled() / 2 ** 20;
      report.add({
        suite: suiteName,
        name: 'server peak RSS (VmHWM, whole run)',
        unit: 'MB',
        value: spread([hwm]),
        target: { op: '<=', value: 250, label: '≤ 250 MB' },
      });
      info.notes.push(
        `server RSS: VmHWM ${hwm.toFixed(0)} MB, highest sampled VmRSS ${sampled.toFixed(0)} MB (child process \`node dist/server/index.js\`, JOBS=0, LOG_LEVEL=${s.serverLogLevel} to /dev/null)`,
      );
    }
    if (peerBytes)
      info.notes.push(
        `peer: one bpmn-engine state row is ${(peerBytes / 1024).toFixed(1)} kB of JSON at the first task`,
      );
    if (kind === 'mysql')
      info.notes.push(
        `MySQL pool: ${s.mysqlPool} connections for knex (service, peer, server) and for the raw mysql2 pool (floor)`,
      );
    if (kind === 'sqlite')
      info.notes.push(
        'SQLite: better-sqlite3 is synchronous and the app uses one connection, so 32 workers run one at a time; the figures at 32 measure queueing, not parallelism',
      );
  } finally {
    if (server) {
      const code = await server.stop();
      if (code !== 0) info.notes.push(`server exit code on SIGTERM: ${code}`);
    }
    await db.close();
  }
}

function order(key: string): number {
  return ['floor1', 'same1', 'service1', 'floor32', 'same32', 'service32', 'http32', 'peer1', 'peer32'].indexOf(key);
}

function sample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor(Math.random() * xs.length)]);
  return out;
}

export type { Row };
