/**
 * The Galera part (issue 17; BENCH_GALERA=1, --galera, or `galera` in BENCH_PARTS): HTTP transitions
 * per second on a three-node MariaDB Galera cluster beside the same on one plain MariaDB, in one run.
 *
 * The cluster is the fault suite's harness (test/faults/galera/cluster.ts: three `mariadbd` with
 * galera-4 on free loopback ports, data folders in /tmp, SST by rsync; no HAProxy here). Each side
 * gets a database of its own with the transition bench's data (bench/world.ts: a commune, a bench
 * user holding every step role, a six-step procedure, dossiers at the first step copied in bulk)
 * and three app processes (bench/http.ts startServer): on Galera process i is connected to node i
 * (DATABASE_URL, as the fault test gives its processes), on the plain side all three to the one
 * server. One operation is `POST /api/v1/dossiers/:code/events` FORWARD on a dossier no other
 * operation touches, 32 connections in all spread round-robin over the processes in use, with one,
 * two and three processes. Rounds interleave plain and Galera at each process count, so every
 * galera/plain ratio is taken within one round. A failed operation is a non-2xx answer (a deadlock
 * or certification failure that outlived the app's retries answers 503), an error or a timeout.
 * No target: the issue asks for the figures, not a bound.
 */
import autocannon from 'autocannon';
import { issueToken } from '../server/auth/tokens';
import { galeraMissing, startCluster, Cluster } from '../test/faults/galera/cluster';
import { cleanupAll, onCleanup, sleep, waitFor } from '../test/faults/lifecycle';
import { openMysql, BenchDb } from './db';
import { startServer, ServerProc } from './http';
import { log, median, now, opsFor, Settings, spread } from './lib';
import type { Report } from './report';
import { buildWorld, Dossier, World } from './world';

const SUITE = 'Galera';

interface Run {
  ops: number;
  errors: number;
  ms: number;
  opsPerSec: number;
  p99: number;
  /** Failed answers by HTTP status (0: connection error or timeout). */
  byStatus: Record<string, number>;
}

/** FORWARD each dossier once through `bases` (connections spread round-robin over them). */
async function forwardAll(bases: string[], token: string, items: Dossier[], connections: number): Promise<Run> {
  let i = 0;
  let last = 0;
  let answered = 0;
  const byStatus: Record<string, number> = {};
  const t0 = now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(
      {
        // autocannon takes several URLs (its types say one): connections go round-robin over them.
        url: bases as unknown as string,
        connections,
        amount: items.length,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/dossiers/x/events',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            setupRequest: (req) => {
              const d = items[i++ % items.length];
              return {
                ...req,
                path: `/api/v1/dossiers/${encodeURIComponent(d.code)}/events`,
                body: JSON.stringify({ type: 'FORWARD', version: d.version }),
              };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    inst.on('response', (_client, status: number) => {
      answered++;
      last = now();
      if (status < 200 || status >= 300) byStatus[status] = (byStatus[status] ?? 0) + 1;
    });
  });
  // As bench/http.ts: the rate is taken from the last response, not autocannon's whole seconds.
  const ms = (answered ? last : now()) - t0;
  const ok = result['2xx'];
  const lost = result.errors + result.timeouts;
  if (lost) byStatus['0'] = lost;
  return {
    ops: ok,
    errors: result.non2xx + lost,
    ms,
    opsPerSec: (ok / ms) * 1000,
    p99: result.latency.p99,
    byStatus,
  };
}

interface Side {
  name: 'plain' | 'galera';
  db: BenchDb;
  world: World;
  token: string;
  servers: ServerProc[];
  /** Resolved once every node the processes read from has applied the rows up to dossier `id`. */
  caughtUp(id: number): Promise<void>;
}

interface Phase {
  side: Side;
  procs: number;
  n: number;
  runs: Run[];
}

/** The database of `db` on node `i` of the cluster (the same name, another port). */
function onNode(db: BenchDb, cluster: Cluster, i: number): string {
  const u = new URL(db.url);
  u.port = String(cluster.nodes[i].port);
  return u.toString();
}

export async function galeraSuite(s: Settings, report: Report): Promise<void> {
  const P = s.galeraProcesses;
  const conns = s.galeraConnections;
  const missing = galeraMissing().filter((m) => m !== 'haproxy');
  if (process.getuid?.() !== 0) missing.push('root (mariadbd is started as the mysql user)');
  const info = report.suite(SUITE, 'three-node MariaDB Galera cluster beside one plain MariaDB');
  if (missing.length) {
    info.notes.push(
      `not run: missing ${missing.join(', ')} (apt-get install -y mariadb-server galera-4 rsync; see bench/README.md)`,
    );
    log(`${SUITE}: not run, missing ${missing.join(', ')}`);
    return;
  }
  // One cleanup for the end, a failure and a signal: a second caller waits for the first instead of
  // finding the registry empty (and, from a signal, exiting while the nodes are still being killed).
  let cleaning: Promise<void> | null = null;
  const cleanup = () => (cleaning ??= cleanupAll());
  // Ctrl-C or a kill: stop the nodes and the app processes and remove the folders before leaving.
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${SUITE}: ${sig}, stopping the cluster and the app processes`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const t0 = now();
    log(`${SUITE}: starting three nodes`);
    const cluster = await startCluster({ proxy: false });
    log(`${SUITE}: cluster synced in ${((now() - t0) / 1000).toFixed(0)} s (${JSON.stringify(cluster.timings)})`);
    info.database = `MariaDB Galera, three nodes on this machine (galera-4, SST rsync), cluster up in ${cluster.timings.clusterSeconds?.toFixed(0)} s`;

    const sides: Side[] = [];
    const openSide = async (name: Side['name'], url: string): Promise<Side> => {
      const db = await openMysql(url, name === 'galera' ? 'gal' : 'galplain', s.mysqlPool, { keep: s.keep });
      onCleanup(() => db.close());
      const world = await buildWorld(db);
      const token = (await issueToken(db.knex, world.user.id, 86_400_000)).token;
      const servers: ServerProc[] = [];
      for (let i = 0; i < P; i++) {
        const srv = await startServer(name === 'galera' ? onNode(db, cluster, i) : db.url, {
          logLevel: s.serverLogLevel,
        });
        onCleanup(async () => void (await srv.stop()));
        servers.push(srv);
      }
      const table = new URL(db.url).pathname.slice(1);
      const caughtUp = async (id: number) => {
        if (name !== 'galera') return;
        // Bulk inserts go through node 1; the other nodes apply them a moment later.
        for (let i = 1; i < P; i++)
          await waitFor(
            `Galera node ${i + 1} to apply the new dossiers`,
            async () => {
              const [rows] = (await cluster
                .admin(i)
                .raw(`SELECT id FROM \`${table}\`.dossiers WHERE id = ?`, [id])) as [unknown[]];
              return rows.length > 0;
            },
            60_000,
            20,
          );
      };
      log(`${SUITE}: ${name}: ${P} app process(es) up (${db.version})`);
      return { name, db, world, token, servers, caughtUp };
    };
    if (s.mysqlUrl) sides.push(await openSide('plain', s.mysqlUrl));
    else info.notes.push('plain MariaDB rows skipped: BENCH_MYSQL_URL is not set');
    sides.push(await openSide('galera', cluster.url(0, '')));

    const run = async (p: Phase, n: number) => {
      const items = await p.side.world.fresh(n);
      await p.side.caughtUp(items[items.length - 1].id);
      await sleep(200); // let the servers' pools settle after the bulk insert
      return forwardAll(
        p.side.servers.slice(0, p.procs).map((x) => x.base),
        p.side.token,
        items,
        conns,
      );
    };
    const phases: Phase[] = [];
    for (let k = 1; k <= P; k++) for (const side of sides) phases.push({ side, procs: k, n: 0, runs: [] });
    const label = (p: Phase) => `${p.side.name}${p.procs}`;
    for (const p of phases) {
      const r = await run(p, 400);
      p.n = opsFor(r.opsPerSec, s.seconds, 200, 60_000);
      log(`${SUITE}: warm-up ${label(p)}: ${Math.round(r.opsPerSec)} op/s → ${p.n} ops per run`);
    }
    for (let round = 1; round <= s.rounds; round++)
      for (const p of phases) {
        const r = await run(p, p.n);
        p.runs.push(r);
        log(
          `${SUITE}: round ${round} ${label(p)}: ${Math.round(r.opsPerSec)} op/s, p99 ${r.p99} ms${r.errors ? `, ${r.errors} failed ${JSON.stringify(r.byStatus)}` : ''}`,
        );
      }

    const failed: string[] = [];
    for (let k = 1; k <= P; k++) {
      const at = phases.filter((p) => p.procs === k);
      for (const p of at) {
        const where =
          p.side.name === 'galera'
            ? `${k} process${k > 1 ? 'es' : ''}, one per node`
            : `${k} process${k > 1 ? 'es' : ''}, one MariaDB`;
        report.add({
          suite: SUITE,
          name: `${p.side.name}: HTTP FORWARD, ${where}`,
          conc: conns,
          unit: 'op/s',
          value: spread(p.runs.map((r) => r.opsPerSec)),
          p99: median(p.runs.map((r) => r.p99)),
        });
        const errors = p.runs.reduce((a, r) => a + r.errors, 0);
        const ops = p.runs.reduce((a, r) => a + r.ops + r.errors, 0);
        const by: Record<string, number> = {};
        for (const r of p.runs) for (const [st, c] of Object.entries(r.byStatus)) by[st] = (by[st] ?? 0) + c;
        failed.push(
          `${label(p)} ${errors}/${ops}${
            errors
              ? ` (${Object.entries(by)
                  .map(([st, c]) => `${st === '0' ? 'no answer' : st}: ${c}`)
                  .join(', ')})`
              : ''
          }`,
        );
      }
      const g = at.find((p) => p.side.name === 'galera');
      const pl = at.find((p) => p.side.name === 'plain');
      if (g && pl)
        report.ratio(
          SUITE,
          `ratio galera / plain, ${k} process${k > 1 ? 'es' : ''}`,
          g.runs.map((r) => r.opsPerSec),
          pl.runs.map((r) => r.opsPerSec),
          conns,
        );
    }
    info.notes.push(`failed operations (non-2xx, no answer) over all rounds: ${failed.join('; ')}`);
    info.notes.push(
      `${conns} connections in all, spread round-robin over the processes in use (autocannon with one URL per process); app processes as bench/http.ts starts them (JOBS=0); MariaDB pool ${s.mysqlPool} per process`,
    );
    report.raw[`${SUITE}.runs`] = Object.fromEntries(phases.map((p) => [label(p), { opsPerRun: p.n, runs: p.runs }]));
  } catch (err) {
    info.notes.push(`failed: ${(err as Error).message.split('\n')[0]}`);
    log(`${SUITE}: failed: ${(err as Error).stack ?? err}`);
  } finally {
    log(`${SUITE}: stopping the app processes and the cluster`);
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
