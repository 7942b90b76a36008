/**
 * The real server as a child process, run as `npm start` runs it (`node dist/server/index.js`, the
 * compiled JavaScript, built first when a source is newer than dist/), so its memory can be read
 * from /proc/<pid>/status (VmRSS sampled, VmHWM at the end) and it does not share a CPU queue with
 * the load generator; and the autocannon phases that drive it.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, now, sleep } from './lib';
import type { Dossier } from './world';

const ROOT = path.resolve(__dirname, '..');

export interface ServerProc {
  base: string;
  pid: number;
  /** Highest VmRSS seen by the sampler (bytes). */
  peakSampled(): number;
  /** VmHWM: the kernel's peak resident set of the process (bytes). */
  hwm(): number;
  stop(): Promise<number | null>;
}

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let built = false;

/** `npm start`'s prestart: compile to dist/ when a source is newer than the last build (once per run). */
function buildOnce(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ['server/cli/build.js', '--if-stale'], {
    cwd: ROOT,
    // Its progress line goes to stderr with the bench's own: stdout is the table.
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) throw new Error('server/cli/build.js --if-stale failed: the server cannot be compiled');
  built = true;
}

export async function startServer(
  databaseUrl: string,
  opts: { logLevel: string; env?: Record<string, string> },
): Promise<ServerProc> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-srv-'));
  // BENCH_SERVER_NODE_ARGS adds node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  buildOnce();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'dist/server/index.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_DEMO: '0',
      JOBS: '0',
      LOG_LEVEL: opts.logLevel,
      PASSWORD_HASH_COST: '4',
      PUBLIC_RATE_LIMIT: '1000000000',
      LOGIN_MAX_FAILURES: '1000000',
      LOGIN_IP_MAX_FAILURES: '1000000',
      SESSION_SECRET: 'bench-session-secret-0123456789',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited (${exited}) before answering: ${stderr}`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not answer /healthz in 60 s: ${stderr}`);
    await sleep(200);
  }
  const pid = child.pid!;
  let peak = procStatus(pid, 'VmRSS');
  const timer = setInterval(() => {
    peak = Math.max(peak, procStatus(pid, 'VmRSS'));
  }, 100);
  timer.unref();
  return {
    base,
    pid,
    peakSampled: () => Math.max(peak, procStatus(pid, 'VmRSS')),
    hwm: () => procStatus(pid, 'VmHWM'),
    async stop() {
      clearInterval(timer);
      if (exited === undefined) child.kill('SIGTERM');
      const code = await Promise.race([exit, sleep(15_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exit;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      return code === 'timeout' ? null : code;
    },
  };
}

export interface HttpRun {
  ops: number;
  errors: number;
  ms: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/** POST /api/v1/dossiers/:code/events FORWARD, one request per dossier, `connections` at once. */
export async function httpEvents(base: string, token: string, items: Dossier[], connections: number): Promise<HttpRun> {
  let i = 0;
  let answered = 0;
  let last = 0;
  const t0 = now();
  // autocannon ends an `amount` run on its one-second tick, so its own duration is rounded up to
  // whole seconds: the rate is taken from the time of the last response instead.
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(
      {
        url: base,
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
    inst.on('response', () => {
      answered++;
      last = now();
    });
  });
  const ms = (answered ? last : now()) - t0;
  const ok = result['2xx'];
  const errors = result.non2xx + result.errors + result.timeouts;
  return {
    ops: ok,
    errors,
    ms,
    opsPerSec: (ok / ms) * 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    firstError: errors ? `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` : undefined,
  };
}

export interface LookupRun {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** GET the public lookup (JSON API or the /tra-cuu page) for `seconds` with `connections`. */
export async function lookupRun(
  base: string,
  kind: 'api' | 'page',
  codes: string[],
  seconds: number,
  connections: number,
): Promise<LookupRun> {
  let i = Math.floor(Math.random() * codes.length);
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        path: '/',
        setupRequest: (req) => {
          const code = encodeURIComponent(codes[i++ % codes.length]);
          return { ...req, path: kind === 'api' ? `/api/v1/public/dossiers/${code}` : `/tra-cuu?ma=${code}` };
        },
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
