/**
 * A three-node MariaDB Galera cluster on this machine, with HAProxy in front (design.md §9), for the
 * fault suite. Each node is a `mariadbd` of Debian's `mariadb-server` with `galera-4`: its own data
 * folder (made by `mariadb-install-db`), SQL port, group-communication port, IST and SST ports, all on
 * loopback; SST by rsync. The first node bootstraps the cluster (`--wsrep-new-cluster`), the others
 * join it. A node killed with SIGKILL is started again the way `galera_recovery` does it: recover its
 * position (`--wsrep-recover`), then rejoin from there, so it catches up by IST from a donor's gcache.
 * It needs no jest (lifecycle.ts), so `npm run bench` starts the same cluster for its Galera part.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { onCleanup, sleep, waitFor } from '../lifecycle';

const PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const MARIADBD = '/usr/sbin/mariadbd';

/** What is missing on this machine to run a cluster (empty: everything is there). */
export function galeraMissing(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(PROVIDER)) missing.push('galera-4');
  if (!fs.existsSync(MARIADBD)) missing.push('mariadb-server');
  for (const cmd of ['rsync', 'haproxy', 'mariadb-install-db'])
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) missing.push(cmd);
  return missing;
}

/**
 * Where the cluster's ports are drawn from: below the kernel's ephemeral range (32768–60999 on
 * Debian), never in it. A port the OS handed out to `listen(0)` and that was released again is the
 * next one it gives to an outgoing connection: on a busy machine (a CI run's other tests, the app's
 * pools) one took a node's SQL port between our check and mariadbd's bind ("Bind on TCP/IP port …
 * Address already in use", the joiner never synced), and a killed node's port could be taken
 * before its restart. Below the range only another explicit bind can collide.
 */
function portRange(): [number, number] {
  let ephemeral = 32768;
  try {
    ephemeral = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    // not Linux: the usual start of the range
  }
  const high = Math.min(Math.max(ephemeral, 2048), 32768);
  return [Math.max(1024, high - 12000), high];
}
const handedOut = new Set<number>();

const canBind = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = net.createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });

/** A port nothing listens on, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const [low, high] = portRange();
  for (let tries = 0; tries < 500; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${low} and ${high}`);
}

export interface GaleraNode {
  name: string;
  port: number;
  dir: string;
  /** The running mariadbd, if any. */
  proc: ChildProcess | null;
}

export interface Cluster {
  nodes: GaleraNode[];
  /** HAProxy's port (one node active, the others its backups); 0 when started without it. */
  proxyPort: number;
  /** `mysql://root@127.0.0.1:PORT/DB` for node `i`, or for HAProxy when `i` is 'proxy'. */
  url(i: number | 'proxy', database: string): string;
  /** A knex connection to node `i` (no database). */
  admin(i: number): Knex;
  kill9(i: number): Promise<void>;
  /** Start a killed node again (recovered position, IST), resolved once it is synced. */
  restart(i: number): Promise<void>;
  /** wsrep_cluster_size as node `i` sees it (0 when it does not answer). */
  size(i: number): Promise<number>;
  /** Seconds each phase took (for the report). */
  timings: Record<string, number>;
  /** Stop HAProxy and every node, remove the folders (also registered with onCleanup; runs once). */
  stop(): Promise<void>;
}

function cnf(node: GaleraNode, peers: number[], ports: { gm: number; ist: number; sst: number }) {
  const d = node.dir;
  return `[mariadbd]
datadir=${d}/data
socket=${d}/sock
pid-file=${d}/pid
port=${node.port}
bind-address=127.0.0.1
user=mysql
log-error=${d}/error.log
skip-name-resolve
innodb_buffer_pool_size=64M
innodb_log_file_size=16M
innodb_flush_log_at_trx_commit=2
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
max_connections=400
wsrep_on=ON
wsrep_provider=${PROVIDER}
wsrep_cluster_name=motcua_faults
wsrep_cluster_address=gcomm://${peers.map((p) => `127.0.0.1:${p}`).join(',')}
wsrep_node_address=127.0.0.1
wsrep_node_name=${node.name}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${ports.gm};ist.recv_addr=127.0.0.1:${ports.ist};gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${ports.sst}
wsrep_slave_threads=2
`;
}

async function query(i: Knex, sql: string): Promise<Record<string, unknown>[]> {
  const [rows] = (await i.raw(sql)) as [Record<string, unknown>[]];
  return rows;
}

/**
 * Start the three nodes and HAProxy (`proxy: false`: no HAProxy); everything is stopped and removed
 * in the suite's cleanup, or earlier by `stop()`.
 */
export async function startCluster(opts: { proxy?: boolean } = {}): Promise<Cluster> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-galera-'));
  fs.chmodSync(root, 0o755);
  const ports: Array<{ sql: number; gm: number; ist: number; sst: number }> = [];
  for (let i = 0; i < 3; i++)
    ports.push({ sql: await freePort(), gm: await freePort(), ist: await freePort(), sst: await freePort() });
  const nodes: GaleraNode[] = ports.map((p, i) => ({
    name: `n${i + 1}`,
    port: p.sql,
    dir: path.join(root, `n${i + 1}`),
    proc: null,
  }));
  const admins = new Map<number, Knex>();
  const admin = (i: number) => {
    let k = admins.get(i);
    if (!k) {
      k = knexFactory({
        client: 'mysql2',
        connection: { host: '127.0.0.1', port: nodes[i].port, user: 'root', connectTimeout: 2000 },
        pool: { min: 0, max: 2 },
        // Polled while a node starts: its refusals are expected, not news.
        log: { warn() {}, error() {}, debug() {}, deprecate() {} },
      });
      admins.set(i, k);
    }
    return k;
  };
  let proxy: ChildProcess | null = null;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      proxy?.kill('SIGKILL');
      for (const k of admins.values()) await k.destroy().catch(() => undefined);
      for (const n of nodes) n.proc?.kill('SIGKILL');
      await sleep(300);
      fs.rmSync(root, { recursive: true, force: true });
    })());
  onCleanup(stop);

  /** A fresh data folder for node `i` (and no old error log). */
  const install = (i: number) => {
    const n = nodes[i];
    fs.rmSync(n.dir, { recursive: true, force: true });
    fs.mkdirSync(n.dir, { recursive: true });
    const made = spawnSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${n.dir}/data`,
        '--user=mysql',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`mariadb-install-db ${n.name}: ${made.stderr}`);
  };
  /** Every node's my.cnf from the ports now (a running node has read its own already). */
  const configure = () => {
    for (const [i, n] of nodes.entries()) {
      fs.writeFileSync(
        path.join(n.dir, 'my.cnf'),
        cnf(
          n,
          ports.map((p) => p.gm),
          ports[i],
        ),
      );
      // The rsync daemon of an SST runs as the server's user: the folder must be that user's.
      spawnSync('chown', ['-R', 'mysql:mysql', n.dir]);
    }
  };
  nodes.forEach((_, i) => install(i));
  configure();
  timings.installSeconds = (Date.now() - t0) / 1000;

  const launch = (i: number, extra: string[] = []) => {
    const n = nodes[i];
    const p = spawn(MARIADBD, [`--defaults-file=${n.dir}/my.cnf`, ...extra], { stdio: 'ignore' });
    n.proc = p;
    p.on('exit', () => {
      if (n.proc === p) n.proc = null;
    });
  };
  const synced = async (i: number) => {
    if (!nodes[i].proc) return 'exited';
    try {
      const rows = await query(admin(i), "SHOW STATUS LIKE 'wsrep_local_state_comment'");
      return rows[0]?.Value === 'Synced';
    } catch {
      return false;
    }
  };
  const errorLog = (i: number) => {
    try {
      return fs.readFileSync(path.join(nodes[i].dir, 'error.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };
  /** Bytes in node `i`'s data folder and error log: an rsync SST writes there while SQL is not up yet. */
  const written = (i: number) => {
    let bytes = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) walk(f);
        else bytes += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
      }
    };
    try {
      walk(path.join(nodes[i].dir, 'data'));
      bytes += fs.statSync(path.join(nodes[i].dir, 'error.log'), { throwIfNoEntry: false })?.size ?? 0;
    } catch {
      // a file went away during the walk (rsync renames): counted next time
    }
    return bytes;
  };
  /** Node `i`'s state and last write set, or while SQL is down what it wrote: an SST (168 s seen) is progress. */
  const position = async (i: number) => {
    try {
      const rows = await query(
        admin(i),
        "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_last_committed')",
      );
      return rows.map((r) => r.Value).join(':');
    } catch {
      return `down:${written(i)}`;
    }
  };
  const waitSynced = async (i: number, what: string) => {
    try {
      // A stall limit: a joiner applying the writes it missed on a loaded machine is slow, not stuck.
      const v = await waitFor(
        what,
        () => synced(i),
        180_000,
        250,
        () => position(i),
      );
      // A node that stopped will not sync: said at once, not after the stall limit.
      if (v === 'exited') throw new Error(`${nodes[i].name} stopped before it was synced, waiting for ${what}`);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${nodes[i].name} error.log:\n${errorLog(i)}`);
    }
  };

  /**
   * Start node `i` for the first time. Should another process bind one of its ports first (another
   * cluster starting beside this one), the node gets fresh ports and a fresh folder, at most twice.
   */
  const firstStart = async (i: number, what: string, extra: string[] = []) => {
    for (let attempt = 1; ; attempt++) {
      launch(i, extra);
      try {
        return await waitSynced(i, what);
      } catch (err) {
        if (attempt >= 3 || !/Address already in use/.test(errorLog(i))) throw err;
        nodes[i].proc?.kill('SIGKILL');
        await sleep(500);
        ports[i] = { sql: await freePort(), gm: await freePort(), ist: await freePort(), sst: await freePort() };
        nodes[i].port = ports[i].sql;
        await admins.get(i)?.destroy();
        admins.delete(i);
        install(i);
        configure();
      }
    }
  };

  await firstStart(0, 'the first Galera node to bootstrap', ['--wsrep-new-cluster']);
  // HAProxy's health check signs in as this user (no password, no rights).
  await admin(0).raw("CREATE USER IF NOT EXISTS 'haproxy'@'127.0.0.1'");
  timings.bootstrapSeconds = (Date.now() - t0) / 1000;
  // One joiner at a time: each gets its state from the first node by rsync.
  for (const i of [1, 2]) await firstStart(i, `Galera node ${nodes[i].name} to join`);
  timings.clusterSeconds = (Date.now() - t0) / 1000;

  const proxyPort = opts.proxy === false ? 0 : await freePort();
  if (proxyPort) {
    const cfg = path.join(root, 'haproxy.cfg');
    fs.writeFileSync(
      cfg,
      `global
  maxconn 2000
defaults
  mode tcp
  timeout connect 2s
  timeout client 120s
  timeout server 120s
listen galera
  bind 127.0.0.1:${proxyPort}
  option mysql-check user haproxy
  # One node takes the writes, the others wait as backups: no certification conflicts between
  # connections of one process, and a read always sees the write made just before it.
${nodes.map((n, i) => `  server ${n.name} 127.0.0.1:${n.port} check inter 500 fall 2 rise 2${i ? ' backup' : ''}`).join('\n')}
`,
    );
    proxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
    await waitFor(
      'HAProxy to accept connections',
      () =>
        new Promise<boolean>((ok) => {
          const s = net.connect(proxyPort, '127.0.0.1', () => (s.destroy(), ok(true)));
          s.on('error', () => ok(false));
        }),
      30_000,
      100,
    );
  }

  const kill9 = async (i: number) => {
    const p = nodes[i].proc;
    if (!p) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
    await admins.get(i)?.destroy();
    admins.delete(i);
  };

  const restart = async (i: number) => {
    const n = nodes[i];
    // What galera_recovery does: read the last committed position from InnoDB, start from it.
    const rec = spawnSync(
      MARIADBD,
      [`--defaults-file=${n.dir}/my.cnf`, '--wsrep-recover', `--log-error=${n.dir}/recover.log`],
      {
        encoding: 'utf8',
      },
    );
    const log = fs.existsSync(`${n.dir}/recover.log`) ? fs.readFileSync(`${n.dir}/recover.log`, 'utf8') : '';
    const m = /Recovered position: (\S+)/.exec(log);
    if (rec.status !== 0 || !m)
      throw new Error(`${n.name}: --wsrep-recover failed (${rec.status}):\n${log.slice(-2000)}`);
    launch(i, [`--wsrep-start-position=${m[1]}`]);
    await waitSynced(i, `Galera node ${n.name} to rejoin after the kill`);
  };

  const size = async (i: number) => {
    try {
      const rows = await query(admin(i), "SHOW STATUS LIKE 'wsrep_cluster_size'");
      return Number(rows[0]?.Value ?? 0);
    } catch {
      return 0;
    }
  };

  return {
    nodes,
    proxyPort,
    url: (i, database) => `mysql://root@127.0.0.1:${i === 'proxy' ? proxyPort : nodes[i].port}/${database}`,
    admin,
    kill9,
    restart,
    size,
    timings,
    stop,
  };
}
