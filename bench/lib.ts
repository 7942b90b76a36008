/**
 * Small shared helpers of the benchmark harness: settings from the environment, statistics,
 * a worker pool that runs one operation per item, and a free TCP port.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} phải là một số dương (được "${v}")`);
  return n;
}

export interface Settings {
  mysqlUrl: string | null;
  /** Which databases the run covers. */
  dbs: Array<'sqlite' | 'mysql'>;
  /** Parts to run (floor, service, http, peer, lookup, result, portal, scale, galera). */
  parts: Set<string>;
  rounds: number;
  /** Target length of one timed phase (transitions), seconds. */
  seconds: number;
  /** Length of one lookup phase, seconds. */
  lookupSeconds: number;
  scale: boolean;
  /** Databases the scale part runs on (BENCH_SCALE_DBS; default: every database of the run). */
  scaleDbs: Array<'sqlite' | 'mysql'>;
  dossiers: number;
  mysqlPool: number;
  /** Galera part: app processes counts to compare (1..galeraProcesses) and connections in all. */
  galeraProcesses: number;
  galeraConnections: number;
  keep: boolean;
  serverLogLevel: string;
}

export function loadSettings(argv = process.argv.slice(2)): Settings {
  const flag = (f: string) => argv.includes(f);
  const opt = (f: string) => argv.find((a) => a.startsWith(f + '='))?.slice(f.length + 1);
  const mysqlUrl = opt('--mysql') ?? process.env.BENCH_MYSQL_URL ?? null;
  const scale = flag('--scale') || ['1', 'true', 'yes'].includes(process.env.BENCH_SCALE ?? '');
  const allParts = ['floor', 'service', 'peer', 'http', 'lookup', 'result', 'portal'];
  const partsArg = opt('--parts') ?? process.env.BENCH_PARTS;
  const parts = new Set(
    partsArg
      ? partsArg
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : allParts,
  );
  if (scale) parts.add('scale');
  if (flag('--galera') || ['1', 'true', 'yes'].includes(process.env.BENCH_GALERA ?? '')) parts.add('galera');
  const dbsArg = opt('--dbs') ?? process.env.BENCH_DBS;
  let dbs: Array<'sqlite' | 'mysql'> = dbsArg
    ? (dbsArg.split(',').map((s) => s.trim()) as Array<'sqlite' | 'mysql'>)
    : ['sqlite', ...(mysqlUrl ? (['mysql'] as const) : [])];
  if (!mysqlUrl) dbs = dbs.filter((d) => d !== 'mysql');
  const scaleArg = opt('--scale-dbs') ?? process.env.BENCH_SCALE_DBS;
  const scaleDbs = scaleArg
    ? dbs.filter((d) =>
        scaleArg
          .split(',')
          .map((x) => x.trim())
          .includes(d),
      )
    : dbs;
  return {
    mysqlUrl,
    dbs,
    scaleDbs,
    parts,
    rounds: Math.max(3, Math.round(envNumber('BENCH_ROUNDS', 3))),
    seconds: envNumber('BENCH_SECONDS', 2),
    lookupSeconds: envNumber('BENCH_LOOKUP_SECONDS', 3),
    scale,
    dossiers: Math.round(envNumber('BENCH_DOSSIERS', 1_000_000)),
    mysqlPool: Math.round(envNumber('BENCH_MYSQL_POOL', 10)),
    galeraProcesses: Math.min(3, Math.round(envNumber('BENCH_GALERA_PROCESSES', 3))),
    galeraConnections: Math.round(envNumber('BENCH_GALERA_CONNECTIONS', 32)),
    keep: ['1', 'true', 'yes'].includes(process.env.BENCH_KEEP ?? ''),
    serverLogLevel: process.env.BENCH_SERVER_LOG_LEVEL || 'info',
  };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

export interface OpsRun {
  ops: number;
  errors: number;
  ms: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/**
 * Run `op` once per item with `concurrency` workers. Every item goes to exactly one worker, so
 * workers never touch the same dossier. Returns throughput and per-op latency percentiles.
 */
export async function runOps<T>(items: T[], concurrency: number, op: (item: T) => Promise<unknown>): Promise<OpsRun> {
  const lat = new Float64Array(items.length);
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const t0 = now();
      try {
        await op(items[i]);
      } catch (err) {
        errors++;
        firstError ??= String((err as Error)?.message ?? err);
      }
      lat[i] = now() - t0;
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const ms = now() - t0;
  return {
    ops: items.length,
    errors,
    ms,
    opsPerSec: (items.length / ms) * 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    firstError,
  };
}

/** How many ops make a phase of about `seconds` at `rate` ops/s. */
export function opsFor(rate: number, seconds: number, min = 50, max = 60_000): number {
  return Math.max(min, Math.min(max, Math.round(rate * seconds)));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Progress line on stderr (kept off stdout so the table stays clean when redirected). */
export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtNum(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  return n.toFixed(digits);
}
