import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import Client_MySQL2 from 'knex/lib/dialects/mysql2';
import { migrationSource } from '../db/migrations';
import { ensureLeaseTable, releaseLease, renewLease, tryTakeLease } from './queries/startup-lease.queries';

/**
 * The one module that knows SQLite from MySQL. Everything else writes portable knex and asks here
 * for the few things that differ (row locks, deadlock detection, connection settings).
 */
export type Db = Knex;
export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/** Connection settings besides the URL (server/config.ts names them). */
export interface DbOptions {
  pool?: { min: number; max: number };
  /** MySQL: every statement's client-side limit (DB_QUERY_TIMEOUT_MS, default 10 s). */
  queryTimeoutMs?: number;
  /** SQLite: how long a statement waits for the file's write lock (SQLITE_BUSY_TIMEOUT_MS, default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * knex's mysql2 client with a timeout on every statement, transactions' included (design.md §9: a
 * node or network that vanishes costs a request seconds, not minutes). The limit is the config's
 * `queryTimeoutMs` (0: none; migrations lift it, see migrate). mysql2 answers a statement that
 * outlives it with PROTOCOL_SEQUENCE_TIMEOUT (→ 503) but keeps the connection busy with it, so the
 * connection is destroyed: the pool never hands out one still waiting for a lost answer, and the
 * server rolls back whatever transaction it held when it sees it close.
 */
class TimedMysql2 extends Client_MySQL2 {
  /**
   * Bumped by every statement that times out. A pooled connection opened before it is not handed out
   * again: when the database or the path to it is gone without a word (a partition), every idle
   * connection is as dead as the one that just timed out, and a request that took one after another
   * waited the full timeout for each (30 s seen for one GET in a loaded fault run). A new connection
   * fails in connectTimeout instead, and costs only a reconnect when the timeout was just a slow query.
   */
  private generation = 0;

  override async acquireRawConnection(): Promise<unknown> {
    const generation = this.generation;
    const connection = (await super.acquireRawConnection()) as Stamped;
    connection.__motcuaGeneration = generation;
    return connection;
  }

  override async validateConnection(connection: unknown): Promise<boolean> {
    return (connection as Stamped).__motcuaGeneration === this.generation && super.validateConnection(connection);
  }

  override async _query(connection: { destroy: () => void }, obj: unknown): Promise<unknown> {
    const q: { sql?: unknown; options?: object } = !obj || typeof obj === 'string' ? { sql: obj } : obj;
    const ms = (this.config as TimedConfig).queryTimeoutMs ?? 0;
    try {
      return await super._query(connection, ms > 0 ? { ...q, options: { timeout: ms, ...q.options } } : q);
    } catch (err) {
      if ((err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        this.generation++;
        connection.destroy();
      }
      throw err;
    }
  }
}
type Stamped = { __motcuaGeneration?: number };
type TimedConfig = Knex.Config & { queryTimeoutMs?: number };

/**
 * The one knex configuration for `sqlite:PATH` or `mysql://…`, used by the app (createDb) and by
 * knexfile.ts (the knex CLI). SQLite runs in WAL mode with foreign keys on; its file's folder is created.
 */
export function knexConfig(url: string, opts: DbOptions = {}): Knex.Config {
  const busyTimeout = Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000));
  const migrations = { migrationSource };
  if (dialectOf(url) === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      migrations,
      // One connection: SQLite has one writer anyway, and knex queues transactions behind it,
      // which is what keeps daily sequences gapless without table locks.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, c: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma(`busy_timeout = ${busyTimeout}`);
          conn.pragma('synchronous = NORMAL');
          done(null, conn);
        },
      },
    };
  }
  const u = new URL(url.replace(/^mysql2:/, 'mysql:'));
  return {
    client: TimedMysql2,
    queryTimeoutMs: opts.queryTimeoutMs ?? 10_000,
    connection: {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')),
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 3000,
      // Dead peers (a partition, a pulled cable) are noticed by TCP keepalive instead of hanging.
      enableKeepAlive: true,
      keepAliveInitialDelay: 2000,
    },
    migrations,
    pool: opts.pool ?? { min: 0, max: 10 },
    // A database that is away fails at connect (refused at once, or connectTimeout above), and knex
    // hands that error to the request (503) without waiting. This bound is only for a busy pool: a
    // burst of requests queued behind one row lock (30 intakes at one desk) must wait its turn on a
    // loaded machine, not be answered 503 after 3 s as it was.
    acquireConnectionTimeout: 20_000,
  } as TimedConfig;
}

/** A knex instance for `sqlite:PATH` or `mysql://…` (see knexConfig). */
export function createDb(url: string, opts: DbOptions = {}): Db {
  return knexFactory(knexConfig(url, opts));
}

export function dialect(db: Db): Dialect {
  const client = (db.client as { config: { client: string } }).config.client;
  return client === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** `SELECT … FOR UPDATE` where the engine has it; SQLite's single writer already serialises. */
export function forUpdate<T extends Knex.QueryBuilder>(db: Db, qb: T): T {
  return dialect(db) === 'mysql' ? (qb.forUpdate() as T) : qb;
}

/** True for errors worth retrying the whole transaction: MySQL deadlock / lock wait, SQLite busy. */
export function isRetryable(err: unknown): boolean {
  const e = err as { errno?: number; code?: string };
  return e?.errno === 1213 || e?.errno === 1205 || e?.code === 'SQLITE_BUSY';
}

/**
 * True for errors that mean "the database cannot answer this right now" (→ 503): refused, reset or
 * lost connections, timeouts, too many connections, server shutting down, a Galera node not ready,
 * a deadlock that retrying did not resolve.
 */
export function isUnavailable(err: unknown): boolean {
  const e = err as { fatal?: boolean; code?: string; errno?: number; name?: string; message?: string };
  if (!e) return false;
  if (e.fatal === true) return true;
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ECONNABORTED',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'PROTOCOL_CONNECTION_LOST',
      'PROTOCOL_SEQUENCE_TIMEOUT',
    ].includes(e.code ?? '')
  )
    return true;
  // 1047: a Galera node that is not (yet) a synced member of the primary component refuses queries.
  if ([1040, 1047, 1053, 2006, 2013].includes(e.errno ?? 0)) return true;
  // A deadlock or lock wait that outlived withTransaction's retries, or hit a read outside one (Galera
  // aborts a local transaction that conflicts with a replicated write): try again shortly.
  if (isRetryable(e)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  // SQLite: the write lock was not free within busy_timeout (and the transaction's retries).
  if (e.code === 'SQLITE_BUSY') return true;
  return /Unable to acquire a connection|pool is probably full|connection is in closed state|aborted/i.test(
    e.message ?? '',
  );
}

/** True for unique-key violations on either engine. */
export function isDuplicate(err: unknown): boolean {
  const e = err as { errno?: number; code?: string };
  return e?.errno === 1062 || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * What a transaction does first and last for the one module that registers it: the request's
 * Idempotency-Key (server/idempotency/context.ts) is recorded as the first statement and answered
 * before the commit. `begin` returns null when it has nothing to do in this transaction.
 */
export interface TransactionHook {
  begin(trx: Knex.Transaction): Promise<{ beforeCommit(result: unknown): Promise<void>; failed(): void } | null>;
}
let hook: TransactionHook | null = null;
export function setTransactionHook(h: TransactionHook): void {
  hook = h;
}

/** Run `fn` in a transaction, retrying a few times on deadlock (design.md §9). */
export async function withTransaction<T>(db: Db, fn: (trx: Knex.Transaction) => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    let hooked: Awaited<ReturnType<TransactionHook['begin']>> = null;
    try {
      return await db.transaction(async (trx) => {
        hooked = hook ? await hook.begin(trx) : null;
        const out = await fn(trx);
        await hooked?.beforeCommit(out);
        return out;
      });
    } catch (err) {
      (hooked as { failed(): void } | null)?.failed();
      if (i >= attempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 10 * i + Math.random() * 20));
    }
  }
}

/** Apply pending migrations; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  // A migration may rebuild a large table: no statement limit while it runs (before serving).
  const config = db.client.config as TimedConfig;
  const limit = config.queryTimeoutMs;
  config.queryTimeoutMs = 0;
  try {
    const [, applied] = await db.migrate.latest({ migrationSource });
    return applied as string[];
  } finally {
    config.queryTimeoutMs = limit;
  }
}

/**
 * Run start-up work (migrations, admin bootstrap, demo seed) under a lock that every process on the
 * database respects, so several processes started together migrate once.
 * - One MariaDB server: `GET_LOCK` on a connection of its own, held while the work runs and released by
 *   the server if this process dies, so a `kill -9` mid-migration never leaves a stale lock behind
 *   (knex's own lock row is then freed under our lock).
 * - Galera (`wsrep_on`): `GET_LOCK` is node-local there (MariaDB refuses it outright with wsrep on),
 *   and a row lock taken on one node does not stop another node. So the lock is a lease row updated
 *   with compare-and-set: of two nodes' concurrent updates, certification lets one commit and aborts
 *   the other (a deadlock error, retried here), so at most one process holds it cluster-wide. The
 *   holder renews it while it works; a holder that died frees it at once when it was on this node
 *   (its connection is gone from the process list) and after the lease time otherwise.
 * - SQLite runs migrations in one transaction: nothing to do.
 */
export async function withStartupLock<T>(db: Db, url: string, fn: () => Promise<T>): Promise<T> {
  if (dialect(db) !== 'mysql') return fn();
  // The lock's own connection has no statement limit: GET_LOCK waits up to 120 s by design.
  const lockDb = createDb(url, { pool: { min: 1, max: 1 }, queryTimeoutMs: 0 });
  let release = async () => {};
  try {
    release = (await isGalera(lockDb)) ? await takeClusterLease(lockDb) : await takeServerLock(lockDb);
    if (await db.schema.hasTable('knex_migrations_lock')) await db.migrate.forceFreeMigrationsLock({ migrationSource });
    return await fn();
  } finally {
    await release().catch(() => undefined);
    await lockDb.destroy();
  }
}

async function isGalera(db: Db): Promise<boolean> {
  try {
    const [rows] = (await db.raw('SELECT @@wsrep_on AS galera')) as [Array<{ galera: number | string }>];
    return Number(rows[0]?.galera) === 1 || rows[0]?.galera === 'ON';
  } catch {
    return false; // a server without wsrep at all (MySQL)
  }
}

async function takeServerLock(lockDb: Db): Promise<() => Promise<void>> {
  const [rows] = (await lockDb.raw("SELECT GET_LOCK('motcua:startup', 120) AS got")) as [Array<{ got: number }>];
  if (Number(rows[0]?.got) !== 1)
    throw new Error('Không lấy được khóa khởi động sau 120 giây (một tiến trình khác đang nâng cấp cơ sở dữ liệu?).');
  return async () => void (await lockDb.raw("SELECT RELEASE_LOCK('motcua:startup')"));
}

const LEASE_MS = 60_000;
const LEASE_WAIT_MS = 300_000;

async function takeClusterLease(lockDb: Db): Promise<() => Promise<void>> {
  const holder = `${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  const give = Date.now() + LEASE_WAIT_MS;
  for (;;) {
    try {
      await ensureLeaseTable(lockDb);
      if (await tryTakeLease(lockDb, holder, Date.now(), Date.now() + LEASE_MS)) break;
    } catch (err) {
      // Another node's update won certification (1213), or this node is not ready yet (1047): again.
      if (!isRetryable(err) && (err as { errno?: number }).errno !== 1047) throw err;
    }
    if (Date.now() > give)
      throw new Error(
        'Không lấy được khóa khởi động của cụm sau 5 phút (một tiến trình khác đang nâng cấp cơ sở dữ liệu?).',
      );
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
  }
  const renew = setInterval(() => void renewLease(lockDb, holder, Date.now() + LEASE_MS).catch(() => undefined), 5_000);
  renew.unref();
  return async () => {
    clearInterval(renew);
    await releaseLease(lockDb, holder);
  };
}

/** Answer whether the database responds, within `ms`. */
export async function ping(db: Db, ms = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.raw('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
