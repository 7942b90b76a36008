/**
 * Fault 8: one system on a three-node MariaDB Galera cluster (design.md §9). Four app processes start
 * together on an empty database: one on each node and one through HAProxy. Under a load of intakes and
 * transitions sent to all four, one node is killed with SIGKILL and later started again (it rejoins by
 * IST). Afterwards:
 * - every acknowledged write is there exactly once, and a request whose answer was lost is settled by
 *   sending it again with its Idempotency-Key;
 * - dossier codes are unique and each unit-day sequence is gapless; the audit hash chains verify;
 * - every mail and every national-portal message arrives exactly once: a process whose node dies right
 *   after a send keeps trying to record it while its lease lasts, and the node is back well within the
 *   lease (120 s here for both; 60 s is the default), so no lease runs out on a message already sent
 *   (issue 17). What stays at-least-once is a database away for longer than the lease, or an app
 *   process killed between a send and its record (server/jobs/delivery.ts); this test kills a database
 *   node, not a process;
 * - the process on the killed node serves again within seconds of its node's return;
 * - the three nodes hold the same data.
 * Runs with TEST_GALERA=1; then, without galera-4, rsync and haproxy it is skipped, except in CI, where
 * it fails.
 */
import knexFactory from 'knex';
import { startSmtp } from '../helpers/smtp';
import { PortalSimulator } from '../portal/simulator';
import { canonical } from '../portal/store';
import { checkConsistency } from './checks';
import { galeraMissing, startCluster } from './galera/cluster';
import { Load } from './load';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  compareMail,
  drainOutbox,
  http,
  intakeBody,
  onCleanup,
  report,
  sleep,
  spawnServer,
  tempDir,
  unhandledErrors,
  waitFor,
} from './support';

/** Runs with TEST_GALERA=1 (.ci/run sets it and installs what it needs). */
const wanted = process.env.TEST_GALERA === '1';
const missing = wanted ? galeraMissing() : ['TEST_GALERA=1'];
const PORTAL_CONCURRENCY = 2;
/** Only catches a hang: every wait inside is a stall limit. */
const LIMIT = 1_800_000;
const phase = (name: string, t0: number) =>
  report('galera phase', { name, seconds: Math.round((Date.now() - t0) / 1000) });

describe('Galera: three nodes, four app processes, a node killed under load', () => {
  afterAll(cleanupAll);

  if (wanted && missing.length && process.env.CI)
    it('has what the Galera fault test needs', () => {
      throw new Error(`missing on this CI machine: ${missing.join(', ')} (.ci/run installs them)`);
    });

  (missing.length ? it.skip : it)(
    'no acknowledged write lost, codes whole, mail and portal messages once, every process serves again',
    async () => {
      const t0 = Date.now();
      const cluster = await startCluster();
      phase('cluster up', t0);
      const dbName = `motcua_galera_${process.pid}`;
      await cluster.admin(0).raw(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      // The test reads through node 1, which is never killed.
      const knex = knexFactory({
        client: 'mysql2',
        connection: { host: '127.0.0.1', port: cluster.nodes[0].port, user: 'root', database: dbName, timezone: 'Z' },
        pool: { min: 0, max: 4 },
      });
      onCleanup(() => knex.destroy());
      const smtp = await startSmtp();
      onCleanup(() => smtp.stop().catch(() => undefined));
      const sim = new PortalSimulator();
      await sim.start();
      onCleanup(() => sim.stop());

      const targets: Array<number | 'proxy'> = [0, 1, 2, 'proxy'];
      const env = (i: number | 'proxy') =>
        baseEnv(tempDir(`galera-${i}`), cluster.url(i, dbName), {
          SMTP_URL: smtp.url,
          MAIL_RETRY_BASE_MS: '500',
          // Leases longer than the killed node's absence: a lease that runs out on a mail or portal message
          // the process on that node has sent and cannot record yet lets another process send it again
          // (a CI run beside three others: the node was away 60 s, and a 3 s portal lease made 2 repeats).
          // Not much longer: a claim committed just as the node died (its answer lost) holds its row until
          // the lease runs out, and the drains below wait 120 s without progress.
          MAIL_LEASE_MS: '120000',
          PORTAL_URL: sim.url,
          PORTAL_RETRY_BASE_MS: '300',
          PORTAL_INTERVAL_MS: '300',
          PORTAL_TIMEOUT_MS: '20000',
          PORTAL_LEASE_MS: '120000',
          PORTAL_CONCURRENCY: String(PORTAL_CONCURRENCY),
          DB_QUERY_TIMEOUT_MS: '10000',
        });
      // All four at once on an empty database: only one may migrate, whichever node it is on.
      const tStart = Date.now();
      const procs = await Promise.all(targets.map((i) => spawnServer(env(i), { startTimeoutMs: 600_000 })));
      const startSeconds = (Date.now() - tStart) / 1000;
      const urls = procs.map((p) => p.url);
      const w = await buildWorld(urls[0], { communes: 3, mailCommunes: 1 });
      phase('four processes started, world built', t0);

      // Phase 1: load on all four processes.
      const load = new Load(w, urls, { applicantEmail: 0.3, expected: [503] });
      const running = load.run(12, 900_000);
      const acked = (events: number, intakes: number, what: string) =>
        waitFor(
          what,
          () => load.acknowledgedEvents >= events && load.ackedIntakes.size >= intakes,
          120_000,
          50,
          () => load.requests,
        );
      await acked(120, 30, 'acknowledged writes before the kill');

      // Phase 2: SIGKILL node 2 mid-load; the others go on.
      phase('load before the kill done', t0);
      const victim = 1;
      const before = { events: load.acknowledgedEvents, intakes: load.ackedIntakes.size };
      await cluster.kill9(victim);
      const tKill = Date.now();
      await waitFor('the cluster to see two nodes', async () => (await cluster.size(0)) === 2, 60_000, 200);
      await acked(before.events + 60, before.intakes + 15, 'acknowledged writes while a node is down');

      // Phase 3: the node comes back; its process serves again by itself.
      phase('load while a node is down done', t0);
      const tRestart = Date.now();
      await cluster.restart(victim);
      const tBack = Date.now();
      const probe = [...load.dossiers.values()][0];
      await waitFor(
        'the process on the restarted node to serve a dossier',
        async () =>
          (
            await http(urls[victim], 'GET', `/api/v1/dossiers/${probe.code}`, {
              token: w.communes[probe.commune].tokens.intake,
            })
          ).status === 200,
        120_000,
        100,
      );
      phase('node back, its process serves', t0);
      const servesAgainSeconds = (Date.now() - tBack) / 1000;
      const mid = { events: load.acknowledgedEvents, intakes: load.ackedIntakes.size };
      await acked(mid.events + 60, mid.intakes + 15, 'acknowledged writes after the node is back');
      load.stop();
      await running;
      // A write through the restarted node's process itself.
      const direct = await http(urls[victim], 'POST', '/api/v1/dossiers', {
        token: w.communes[0].tokens.intake,
        json: intakeBody(w, false),
      });
      expect(direct.status).toBe(201);
      load.track(direct.body, 0);
      load.ackedIntakes.add(direct.body.code);

      phase('load done', t0);
      const settled = await load.settle(180_000);
      expect(settled.unknown).toBe(0);
      // What each process logged as an unhandled error (its 500s), for the report.
      report('galera unhandled errors', { byProcess: procs.map((p) => unhandledErrors(p.output())) });
      const result = await checkConsistency(knex, load, load.uncertain());
      expect(result.problems).toEqual([]);
      expect(load.odd).toEqual([]);

      // Mail and portal: everything arrives, once.
      await drainOutbox(knex, 120_000);
      await waitFor(
        'the portal outbox to drain',
        async () => Number((await knex('portal_outbox').where('status', 'pending').count({ n: '*' }))[0].n) === 0,
        120_000,
        250,
        () => sim.requests.length,
      );
      await sleep(500);
      const mail = await compareMail(knex, smtp.received);
      expect(mail.missing).toEqual([]);
      expect(mail.unexpected).toEqual([]);
      expect(mail.byStatus.failed ?? 0).toBe(0);
      expect(mail.duplicates).toEqual([]);

      const rows = await knex('portal_outbox').orderBy('id').select('dossier_code', 'service', 'payload');
      const codes = [...new Set(rows.map((r) => r.dossier_code as string))];
      let lost = 0;
      let repeats = 0;
      for (const code of codes) {
        const expected = rows
          .filter((r) => r.dossier_code === code)
          .map((r) => `${r.service}|${canonical(JSON.parse(r.payload))}`);
        const got = sim.messages
          .filter((m) => (m.data[0] as { MaHoSo: string }).MaHoSo === code)
          .map((m) => `${m.service}|${canonical(m.data[0])}`);
        const unique = got.filter((k, i) => i === 0 || k !== got[i - 1]);
        if (JSON.stringify(unique) !== JSON.stringify(expected)) lost++;
        repeats += got.length - unique.length;
      }
      expect(lost).toBe(0);
      expect(repeats).toBe(0);

      // The three nodes hold the same rows.
      const counts = [];
      for (let i = 0; i < 3; i++) {
        const [[row]] = (await cluster
          .admin(i)
          .raw(
            `SELECT (SELECT COUNT(*) FROM \`${dbName}\`.dossiers) AS d, (SELECT COUNT(*) FROM \`${dbName}\`.dossier_events) AS e, (SELECT COUNT(*) FROM \`${dbName}\`.outbox) AS o`,
          )) as [Array<{ d: number; e: number; o: number }>];
        counts.push(`${row.d}/${row.e}/${row.o}`);
      }
      expect(new Set(counts).size).toBe(1);

      report('galera', {
        cluster: cluster.timings,
        startFourProcessesSeconds: startSeconds,
        requests: load.requests,
        byStatus: load.byStatus,
        ackedIntakes: load.ackedIntakes.size,
        ackedEvents: load.acknowledgedEvents,
        settled,
        dossiers: result.dossiers,
        eventRows: result.events,
        mail,
        portal: { dossiers: codes.length, messages: rows.length, requests: sim.requests.length, repeats },
        // Per process: deliveries whose record needed retries (its node was away) and those never recorded.
        records: procs.map((p) => ({
          retried: p.output().split('delivery recorded after retries').length - 1,
          unrecorded: p.output().split('delivered but not recorded').length - 1,
        })),
        nodes: counts,
        seconds: {
          killToRestart: Math.round((tRestart - tKill) / 1000),
          rejoin: Math.round((tBack - tRestart) / 1000),
          servesAgain: servesAgainSeconds,
          total: Math.round((Date.now() - t0) / 1000),
        },
      });
      await Promise.all(procs.map((p) => p.term()));
    },
    LIMIT,
  );
});
