/**
 * Shared machinery of the fault-injection suite (`npm run test:faults`): real server processes
 * (`node --import tsx server/index.ts`), their own databases (a temp SQLite file, or a MariaDB
 * database created and dropped here), a TCP proxy that can cut the database off, an HTTP client that
 * measures each request, and a world (units, users, a procedure) built through the admin API.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { onCleanup } from './lifecycle';

export { cleanupAll, onCleanup, sleep, waitFor } from './lifecycle';

export const ROOT = path.resolve(__dirname, '..', '..');
export const MYSQL_URL = process.env.TEST_MYSQL_URL || '';
export const ADMIN_PASSWORD = 'admin-faults-pass';
export const PASSWORD = 'mat-khau-thu-nghiem';
/** The engines a test that makes sense on both runs on. */
export const ENGINES: Array<'sqlite' | 'mysql'> = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
export const describeMysql = MYSQL_URL ? describe : describe.skip;

export const uniq = () => crypto.randomBytes(3).toString('hex');

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
  return {
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  };
}

/** A fresh, empty database (the app migrates it at start), dropped in cleanup. */
export async function createFaultDb(engine: 'sqlite' | 'mysql', tag: string): Promise<FaultDb> {
  if (engine === 'sqlite') {
    const dir = tempDir(`${tag}-db`);
    const file = path.join(dir, 'motcua.sqlite');
    const url = `sqlite:${file}`;
    // The test reads the file the app writes (WAL: readers do not block the app's writer).
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (c: { pragma: (s: string) => unknown }, done: (e: Error | null, c: unknown) => void) => {
          c.pragma('busy_timeout = 5000');
          done(null, c);
        },
      },
    });
    onCleanup(() => knex.destroy());
    return { engine, url, knex, name: file, via: () => url };
  }
  const p = mysqlParts();
  const name = `motcua_fault_${tag}_${process.pid}_${uniq()}`;
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: p.host, port: p.port, user: p.user, password: p.password },
  });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  onCleanup(async () => {
    await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  });
  const knex = knexFactory({
    client: 'mysql2',
    connection: { ...p, database: name, charset: 'utf8mb4', timezone: 'Z' },
    pool: { min: 0, max: 4 },
  });
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
export function baseEnv(
  dataDir: string,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
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
  for (const k of Object.keys(clean))
    if (/^(SMTP_URL|SESSION_SECRET|JOBS|MAIL_|DATABASE_URL|TEST_)/.test(k)) delete clean[k];
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
  const timeout = opts.startTimeoutMs ?? 180_000;
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
export async function spawnServer(
  env: Record<string, string>,
  opts: { startTimeoutMs?: number } = {},
): Promise<ServerProc> {
  const p = launchServer(env, opts);
  await p.ready;
  return p;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Res {
  status: number;
  /** Parsed JSON, or the text. */
  body: any;
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
  o: {
    token?: string;
    json?: unknown;
    form?: Record<string, string>;
    cookie?: string;
    timeoutMs?: number;
    headers?: Record<string, string>;
  } = {},
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
    const res = await fetch(base + pathname, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
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
    return {
      status: 0,
      body: null,
      text: '',
      headers: new Headers(),
      ms: Date.now() - started,
      error: e.cause?.code ?? e.cause?.message ?? e.name ?? String(err),
    };
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
  const res = await http(base, 'POST', '/dang-nhap', {
    cookie,
    form: { username, password, _csrf: csrfFrom(page.text) },
  });
  if (res.status !== 303) throw new Error(`sign-in of ${username} → ${res.status}: ${res.text.slice(0, 300)}`);
  cookie = mergeCookies(cookie, res);
  return cookie;
}

export async function tokenFor(base: string, username: string, password = PASSWORD): Promise<string> {
  const res = await http(base, 'POST', '/api/v1/tokens', { json: { username, password } });
  if (res.status !== 201) throw new Error(`token for ${username} → ${res.status} ${res.text}`);
  return res.body.token;
}

/** Await a request that must answer `status`; throws with the body otherwise. */
export async function must(res: Promise<Res>, status: number, what: string): Promise<Res> {
  const r = await res;
  if (r.status !== status)
    throw new Error(`${what} → ${r.status} (wanted ${status}) ${r.error ?? r.text.slice(0, 500)}`);
  return r;
}

export * from './world';
export * from './net';
