/**
 * Shared machinery of the fault-injection suite (`npm run test:faults`): real server processes
 * (`node --import tsx server/index.ts`), their own databases (a temp SQLite file, or a MariaDB
 * database created and dropped here), a TCP proxy that can cut the database off, an HTTP client that
 * measures each request, and a world (units, users, a procedure) built through the admin API.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { Received } from '../helpers/smtp';

export const ROOT = path.resolve(__dirname, '..', '..');
export const MYSQL_URL = process.env.TEST_MYSQL_URL || '';
export const ADMIN_PASSWORD = 'admin-faults-pass';
export const PASSWORD = 'mat-khau-thu-nghiem';
/** The engines a test that makes sense on both runs on. */
export const ENGINES: Array<'sqlite' | 'mysql'> = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
export const describeMysql = MYSQL_URL ? describe : describe.skip;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const uniq = () => crypto.randomBytes(3).toString('hex');

/** Poll `fn` until it returns a truthy value; throws with `what` and the last value after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup registry: every child, database and folder a test makes is undone in afterAll, even on failure.

const cleanups: Array<() => Promise<void> | void> = [];
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}
/** Run (and forget) every registered cleanup, newest first; errors are collected, not thrown. */
export async function cleanupAll(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) console.warn('fault-suite cleanup errors:', errors);
}

export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-fault-${tag}-`));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Databases

export interface FaultDb {
  engine: 'sqlite' | 'mysql';
  /** The DATABASE_URL for the app. */
  url: string;
  /** A knex connection of the test's own (directly to MariaDB, never through a proxy). */
  knex: Knex;
  /** MariaDB: host and port of the real server (for a proxy). */
  host?: string;
  port?: number;
  name: string;
  /** The same URL with another host:port (MariaDB, to go through a proxy). */
  via(host: string, port: number): string;
}

function mysqlParts() {
  const base = new URL(MYSQL_URL);
  return { host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
}

/** A fresh, empty database (the app migrates it at start), dropped in cleanup. */
export async function createFaultDb(engine: 'sqlite' | 'mysql', tag: string): Promise<FaultDb> {
  if (engine === 'sqlite') {
    const dir = tempDir(`${tag}-db`);
    const file = path.join(dir, 'motcua.sqlite');
    const url = `sqlite:${file}`;
    // The test reads the file the app writes (WAL: readers do not block the app's writer).
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, pool: { min: 1, max: 1, afterCreate: (c: { pragma: (s: string) => unknown }, done: (e: Error | null, c: unknown) => void) => { c.pragma('busy_timeout = 5000'); done(null, c); } } });
    onCleanup(() => knex.destroy());
    return { engine, url, knex, name: file, via: () => url };
  }
  const p = mysqlParts();
  const name = `motcua_fault_${tag}_${process.pid}_${uniq()}`;
  const admin = knexFactory({ client: 'mysql2', connection: { host: p.host, port: p.port, user: p.user, password: p.password } });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  onCleanup(async () => {
    await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  });
  const knex = knexFactory({ client: 'mysql2', connection: { ...p, database: name, charset: 'utf8mb4', timezone: 'Z' }, pool: { min: 0, max: 4 } });
  onCleanup(() => knex.destroy());
  const via = (host: string, port: number) => {
    const u = new URL(MYSQL_URL);
    u.hostname = host;
    u.port = String(port);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return { engine, url: via(p.host, p.port), knex, host: p.host, port: p.port, name, via };
}

// ---------------------------------------------------------------------------------------------
// Server processes

export interface ServerProc {
  /** Resolves with the URL once it prints "đang chạy tại"; rejects if it exits first or does not start in time. */
  ready: Promise<string>;
  /** The URL (after `ready`). */
  url: string;
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  alive(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
  term(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment every fault test gives its servers (the brief's settings). */
export function baseEnv(dataDir: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    SEED_DEMO: '0',
    ADMIN_PASSWORD,
    PASSWORD_HASH_COST: '4',
    LOG_LEVEL: 'warn',
    JOB_INTERVAL_MS: '200',
    // Sign-in throttling must not get in the way of many logins from one address.
    LOGIN_IP_MAX_FAILURES: '10000',
    PUBLIC_RATE_LIMIT: '100000',
    ...extra,
  };
}

/** Start the server as `npm start` runs it (its own node process, so signals reach it); returns at once. */
export function launchServer(env: Record<string, string>, opts: { startTimeoutMs?: number } = {}): ServerProc {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(clean)) if (/^(SMTP_URL|SESSION_SECRET|JOBS|MAIL_|DATABASE_URL|TEST_)/.test(k)) delete clean[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: { ...clean, NODE_ENV: 'production', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    }),
  );
  onCleanup(async () => {
    if (alive) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const timeout = opts.startTimeoutMs ?? 60_000;
  const proc: ServerProc = {
    url: '',
    ready: new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${timeout} ms:\n${out}`)), timeout);
      const check = () => {
        const m = /đang chạy tại (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          // It prints "localhost"; it listens on HOST=127.0.0.1 (localhost may resolve to ::1 first).
          proc.url = m[1].replace('://localhost', '://127.0.0.1');
          resolve(proc.url);
        }
      };
      child.stdout.on('data', check);
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`server exited (code ${code}, signal ${signal}) before it started:\n${out}`));
      });
    }),
    child,
    pid: child.pid!,
    output: () => out,
    alive: () => alive,
    exited,
    kill9: async () => {
      if (!alive) return;
      child.kill('SIGKILL');
      await exited;
    },
    term: async () => {
      if (alive) child.kill('SIGTERM');
      return exited;
    },
  };
  proc.ready.catch(() => undefined); // observed by whoever awaits it
  return proc;
}

/** launchServer() and wait until it serves. */
export async function spawnServer(env: Record<string, string>, opts: { startTimeoutMs?: number } = {}): Promise<ServerProc> {
  const p = launchServer(env, opts);
  await p.ready;
  return p;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Res {
  status: number;
  /** Parsed JSON, or the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
  ms: number;
  /** Set when the request failed at the network level (connection refused or reset, timeout). */
  error?: string;
}

/** One HTTP request with a timeout; never throws (a network failure is `status: 0` with `error`). */
export async function http(
  base: string,
  method: string,
  pathname: string,
  o: { token?: string; json?: unknown; form?: Record<string, string>; cookie?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  let body: string | undefined;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  }
  const started = Date.now();
  try {
    const res = await fetch(base + pathname, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers, ms: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { status: 0, body: null, text: '', headers: new Headers(), ms: Date.now() - started, error: e.cause?.code ?? e.cause?.message ?? e.name ?? String(err) };
  }
}

/** The `name=value` of every Set-Cookie, merged into a Cookie header value. */
export function mergeCookies(previous: string | undefined, res: Res): string {
  const jar = new Map<string, string>();
  for (const part of (previous ?? '').split(/;\s*/).filter(Boolean)) {
    const i = part.indexOf('=');
    jar.set(part.slice(0, i), part.slice(i + 1));
  }
  for (const sc of res.headers.getSetCookie()) {
    const first = sc.split(';')[0];
    const i = first.indexOf('=');
    jar.set(first.slice(0, i), first.slice(i + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page:\n' + html.slice(0, 500));
  return m[1];
}

/** Sign in through the real form: GET /dang-nhap (cookie + CSRF token), POST → 303. Returns the cookie. */
export async function signInForm(base: string, username: string, password = PASSWORD): Promise<string> {
  const page = await http(base, 'GET', '/dang-nhap');
  if (page.status !== 200) throw new Error(`GET /dang-nhap → ${page.status}`);
  let cookie = mergeCookies(undefined, page);
  const res = await http(base, 'POST', '/dang-nhap', { cookie, form: { username, password, _csrf: csrfFrom(page.text) } });
  if (res.status !== 303) throw new Error(`sign-in of ${username} → ${res.status}: ${res.text.slice(0, 300)}`);
  cookie = mergeCookies(cookie, res);
  return cookie;
}

export async function tokenFor(base: string, username: string, password = PASSWORD): Promise<string> {
  const res = await http(base, 'POST', '/api/v1/tokens', { json: { username, password } });
  if (res.status !== 201) throw new Error(`token for ${username} → ${res.status} ${res.text}`);
  return res.body.token;
}

async function must(res: Promise<Res>, status: number, what: string): Promise<Res> {
  const r = await res;
  if (r.status !== status) throw new Error(`${what} → ${r.status} (wanted ${status}) ${r.error ?? r.text.slice(0, 500)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// A world built through the API

/** A four-step procedure (design.md §3), with a code of the test's choosing. */
export function definition(code: string) {
  return {
    code,
    name: 'Tặng Giấy khen của Chủ tịch UBND cấp xã',
    field: 'Thi đua, khen thưởng',
    totalDays: 10,
    fee: 0,
    documents: [
      { code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng', required: true },
      { code: 'BAO_CAO', name: 'Báo cáo thành tích', required: true },
    ],
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8 },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4 },
    ],
  };
}

export const STEP_ROLE: Record<string, 'specialist' | 'head' | 'leader' | 'clerk'> = { review: 'specialist', check: 'head', sign: 'leader', number: 'clerk' };
const COMMUNE_ROLES = ['intake', 'specialist', 'head', 'leader', 'clerk'] as const;

export interface Commune {
  code: string;
  /** username by role */
  users: Record<(typeof COMMUNE_ROLES)[number], string>;
  /** bearer token by role */
  tokens: Record<(typeof COMMUNE_ROLES)[number], string>;
  fullNames: Record<(typeof COMMUNE_ROLES)[number], string>;
}

export interface World {
  adminToken: string;
  procedureCode: string;
  province: string;
  district: string;
  districtSymbol: string;
  /** The district's dispatch people (specialist, leader, clerk). */
  districtUsers: { specialist: string; leader: string; clerk: string };
  districtTokens: { specialist: string; leader: string; clerk: string };
  communes: Commune[];
}

/**
 * province → district (with a document symbol and dispatch staff) → `communes` communes, each with one
 * user per role, and one procedure. The users of the first `mailCommunes` communes (default: all) have an
 * e-mail, so every step of their dossiers sends mail; the others' do not (load without mail).
 */
export async function buildWorld(base: string, o: { communes?: number; tag?: string; mailCommunes?: number } = {}): Promise<World> {
  const tag = (o.tag ?? uniq()).toUpperCase();
  const adminToken = await tokenFor(base, 'admin', ADMIN_PASSWORD);
  const post = (p: string, json: unknown, what: string) => must(http(base, 'POST', p, { token: adminToken, json }), 201, what);
  const province = `P.${tag}`;
  const district = `D.${tag}`;
  const districtSymbol = `UBND-${tag}`;
  await post('/api/v1/units', { code: province, name: `UBND tỉnh Thử ${tag}`, level: 'province' }, 'province');
  await post('/api/v1/units', { code: district, name: `UBND huyện Thử ${tag}`, level: 'district', parentCode: province, symbol: districtSymbol }, 'district');
  const lower = tag.toLowerCase();
  const districtUsers = { specialist: `dcv.${lower}`, leader: `dld.${lower}`, clerk: `dvt.${lower}` };
  for (const [role, username] of Object.entries(districtUsers)) {
    await post('/api/v1/users', { username, password: PASSWORD, fullName: `Cán bộ huyện ${role}`, email: `${username}@huyen.example.vn`, unitCode: district, roles: [role] }, `user ${username}`);
  }
  const communes: Commune[] = [];
  for (let i = 1; i <= (o.communes ?? 1); i++) {
    const code = `C${i}.${tag}`;
    await post('/api/v1/units', { code, name: `UBND xã Thử ${i} ${tag}`, level: 'commune', parentCode: district }, `commune ${code}`);
    const users = {} as Commune['users'];
    const fullNames = {} as Commune['fullNames'];
    for (const role of COMMUNE_ROLES) {
      const username = `${role}.${i}.${lower}`;
      users[role] = username;
      fullNames[role] = `Nguyễn Văn ${role[0].toUpperCase()}${role.slice(1)} Xã${i}`;
      const email = i <= (o.mailCommunes ?? Infinity) ? `${username}@xa.example.vn` : null;
      await post('/api/v1/users', { username, password: PASSWORD, fullName: fullNames[role], email, unitCode: code, roles: [role] }, `user ${username}`);
    }
    communes.push({ code, users, fullNames, tokens: {} as Commune['tokens'] });
  }
  const procedureCode = `9.${tag}`;
  await post('/api/v1/procedures', definition(procedureCode), 'procedure');
  for (const c of communes) for (const role of COMMUNE_ROLES) c.tokens[role] = await tokenFor(base, c.users[role]);
  const districtTokens = {
    specialist: await tokenFor(base, districtUsers.specialist),
    leader: await tokenFor(base, districtUsers.leader),
    clerk: await tokenFor(base, districtUsers.clerk),
  };
  return { adminToken, procedureCode, province, district, districtSymbol, districtUsers, districtTokens, communes };
}

let applicantSeq = 0;
/** The body of an intake; `email` (or that share of the time, when a number) makes the applicant get mail too. */
export function intakeBody(w: World, email: boolean | number = true) {
  if (typeof email === 'number') email = Math.random() < email;
  const n = ++applicantSeq;
  return {
    procedureCode: w.procedureCode,
    applicant: { fullName: `Trần Thị Công Dân ${n}`, idNumber: '094123456789', phone: '0912345678', ...(email ? { email: `congdan${n}.${uniq()}@example.vn` } : {}) },
    documents: ['TO_TRINH', 'BAO_CAO'],
  };
}

// ---------------------------------------------------------------------------------------------
// A TCP proxy in front of MariaDB that can cut it off

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  /**
   * 'up' forwards; 'refuse' is not listening (ECONNREFUSED, like a stopped server); 'reset' accepts and
   * resets at once; 'blackhole' holds every byte (a network partition: no error, no answer).
   */
  mode: 'up' | 'refuse' | 'reset' | 'blackhole' = 'up';
  port = 0;
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  private link(pair: { client: net.Socket; upstream: net.Socket | null }) {
    const upstream = net.connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    const drop = () => {
      pair.client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    upstream.on('error', drop);
    upstream.on('close', drop);
    pair.client.on('close', drop);
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    pair.client.resume();
  }

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      this.connections++;
      if (this.mode === 'reset' || this.mode === 'refuse') {
        client.resetAndDestroy();
        return;
      }
      const pair = { client, upstream: null as net.Socket | null };
      this.pairs.add(pair);
      client.on('error', () => {
        client.destroy();
        pair.upstream?.destroy();
        this.pairs.delete(pair);
      });
      if (this.mode === 'blackhole') client.pause(); // accepted, never answered until up()
      else this.link(pair);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.mode = 'up';
    return this.port;
  }

  /**
   * The database goes away. 'refuse': every open connection is closed (RST when `hard`, else FIN) and
   * the port stops listening. 'reset': the same, but new connections are accepted and reset. 'blackhole':
   * connections stay open but nothing passes either way.
   */
  async down(how: 'refuse' | 'reset' | 'blackhole', hard = false): Promise<void> {
    this.mode = how;
    if (how === 'blackhole') {
      for (const p of this.pairs) {
        p.client.unpipe();
        p.upstream?.unpipe();
        p.client.pause();
        p.upstream?.pause();
      }
      return;
    }
    for (const p of [...this.pairs]) {
      if (hard) {
        p.client.resetAndDestroy();
        p.upstream?.resetAndDestroy();
      } else {
        p.client.destroy();
        p.upstream?.destroy();
      }
    }
    this.pairs.clear();
    if (how === 'refuse' && this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Forward again, on the same port (a partition heals: held bytes flow on). */
  async up(): Promise<void> {
    const was = this.mode;
    this.mode = 'up';
    if (!this.server) await this.start(this.port);
    if (was === 'blackhole') {
      for (const p of this.pairs) {
        if (!p.upstream) this.link(p);
        else {
          p.client.pipe(p.upstream);
          p.upstream.pipe(p.client);
          p.client.resume();
          p.upstream.resume();
        }
      }
    }
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.pairs.clear();
    if (this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mail accounting

/**
 * A real SMTP server that takes `delayMs` to accept each message (a tarpitting or overloaded relay),
 * keeping what it received like test/helpers/smtp.ts.
 */
export async function startSlowSmtp(delayMs: number) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const mail = await simpleParser(Buffer.concat(chunks));
        setTimeout(() => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          cb();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as net.AddressInfo).port;
  onCleanup(() => new Promise<void>((r) => server.close(() => r())));
  return { port, url: `smtp://127.0.0.1:${port}`, received };
}

/** Count the received messages per (recipient, subject). */
export function mailCounts(received: Received[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of received) for (const to of r.to) {
    const k = `${to.toLowerCase()}\u0000${r.mail.subject ?? ''}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** The (recipient, subject) keys of every `mail` row of the outbox, with the count of rows per key. */
export async function outboxMailKeys(knex: Knex): Promise<{ keys: Map<string, number>; byStatus: Record<string, number> }> {
  const rows = await knex('outbox').where({ kind: 'mail' }).select('payload', 'status');
  const keys = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { to: string; subject: string };
    const k = `${p.to.toLowerCase()}\u0000${p.subject}`;
    keys.set(k, (keys.get(k) ?? 0) + 1);
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  }
  return { keys, byStatus };
}

/** Wait until the outbox holds nothing pending (every event expanded, every mail sent or failed). */
export async function drainOutbox(knex: Knex, timeoutMs: number): Promise<void> {
  await waitFor(
    'the outbox to drain',
    async () => {
      const [{ n }] = await knex('outbox').where('status', 'pending').count<{ n: number }[]>({ n: '*' });
      return Number(n) === 0;
    },
    timeoutMs,
    250,
  );
}

/**
 * Compare what the SMTP server got with the outbox: every mail row arrived, nothing arrived that is
 * not in the outbox, and list the keys that arrived more than once.
 */
export async function compareMail(knex: Knex, received: Received[]) {
  const { keys, byStatus } = await outboxMailKeys(knex);
  const got = mailCounts(received);
  const missing: string[] = [];
  const duplicates: Array<{ key: string; times: number }> = [];
  const unexpected: string[] = [];
  for (const [k, rows] of keys) {
    const n = got.get(k) ?? 0;
    if (n < rows) missing.push(k.replace('\u0000', ' | '));
    if (n > rows) duplicates.push({ key: k.replace('\u0000', ' | '), times: n });
  }
  for (const k of got.keys()) if (!keys.has(k)) unexpected.push(k.replace('\u0000', ' | '));
  const rowsWithSameKey = [...keys.values()].filter((n) => n > 1).length;
  return { outboxMails: [...keys.values()].reduce((a, b) => a + b, 0), received: received.length, byStatus, missing, duplicates, unexpected, rowsWithSameKey };
}

/** The distinct errors a server logged as "unhandled error" (its 500s): code and message, with counts. */
export function unhandledErrors(output: string): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.includes('unhandled error') && !line.includes('"level":50')) continue;
    try {
      const j = JSON.parse(line) as { msg?: string; err?: { code?: string; errno?: number; message?: string; type?: string } };
      const k = `${j.msg}: ${j.err?.type ?? ''} ${j.err?.code ?? ''} ${j.err?.errno ?? ''} ${(j.err?.message ?? '').slice(0, 120)}`;
      seen[k] = (seen[k] ?? 0) + 1;
    } catch {
      seen[line.slice(0, 160)] = (seen[line.slice(0, 160)] ?? 0) + 1;
    }
  }
  return seen;
}

/** A small report line for the console (the counts the brief asks for). */
export function report(title: string, data: Record<string, unknown>): void {
  // eslint-disable-next-line no-console
  console.log(`[faults] ${title}: ${JSON.stringify(data)}`);
}
