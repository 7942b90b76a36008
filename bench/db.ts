/**
 * A throw-away database for one benchmark suite: a SQLite file in a temp folder, or a database of
 * its own on the MySQL/MariaDB server named by BENCH_MYSQL_URL (created here, dropped at the end).
 * Each comes with the app's knex instance (server/db.ts, migrated) and a raw driver handle (no knex)
 * for the floor benchmark and for bulk loading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { escape as myEscape } from 'mysql2';
import { createDb, Db, migrate } from '../server/db';

/** The few better-sqlite3 calls the harness uses (the project has no @types for it). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Array<Record<string, unknown>>;
}
export interface SqliteConn {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string, opts?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BetterSqlite = require('better-sqlite3') as new (file: string) => SqliteConn;

export interface RowSet {
  table: string;
  cols: string[];
  rows: unknown[][];
}

export interface BenchDb {
  kind: 'sqlite' | 'mysql';
  /** DATABASE_URL for the app and the server process. */
  url: string;
  /** The app's own knex instance (server/db.ts). */
  knex: Db;
  sqlite?: SqliteConn;
  mysql?: mysql.Pool;
  /** Server version string, for the report. */
  version: string;
  /** Insert several row sets in one transaction through the raw driver. */
  insertBatch(sets: RowSet[]): Promise<void>;
  /** Next free id of a table (explicit ids let bulk loads insert children without reading back). */
  nextId(table: string): Promise<number>;
  close(): Promise<void>;
}

const sqlValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);

export function sqliteConn(file: string): SqliteConn {
  const conn = new BetterSqlite(file);
  // The same pragmas as the app's connection (server/db.ts).
  conn.pragma('journal_mode = WAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('synchronous = NORMAL');
  return conn;
}

export async function openSqlite(label: string): Promise<BenchDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-bench-${label}-`));
  const file = path.join(dir, 'bench.sqlite');
  const url = `sqlite:${file}`;
  const knex = createDb(url);
  await migrate(knex);
  const conn = sqliteConn(file);
  const stmts = new Map<string, SqliteStatement>();
  const insertAll = conn.transaction((sets: RowSet[]) => {
    for (const s of sets) {
      if (s.rows.length === 0) continue;
      const key = `${s.table}|${s.cols.join(',')}`;
      let st = stmts.get(key);
      if (!st) {
        st = conn.prepare(`INSERT INTO ${s.table} (${s.cols.join(', ')}) VALUES (${s.cols.map(() => '?').join(', ')})`);
        stmts.set(key, st);
      }
      for (const r of s.rows) st.run(...r.map(sqlValue));
    }
  });
  const version = String((conn.prepare('select sqlite_version() as v').get() as { v: string }).v);
  return {
    kind: 'sqlite',
    url,
    knex,
    sqlite: conn,
    version: `SQLite ${version} (better-sqlite3, WAL, synchronous=NORMAL)`,
    async insertBatch(sets) {
      insertAll(sets);
    },
    async nextId(table) {
      const r = conn.prepare(`select coalesce(max(id), 0) + 1 as n from ${table}`).get() as { n: number };
      return Number(r.n);
    },
    async close() {
      await knex.destroy();
      conn.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mysqlParts(url: string) {
  const u = new URL(url.replace(/^mysql2:/, 'mysql:'));
  return {
    u,
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

export async function openMysql(
  baseUrl: string,
  label: string,
  poolSize: number,
  opts: { keep?: boolean } = {},
): Promise<BenchDb> {
  const { u, host, port, user, password } = mysqlParts(baseUrl);
  const name = `motcua_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = await mysql.createConnection({ host, port, user, password });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[ver]] = (await admin.query('select version() as v')) as unknown as [[{ v: string }]];
  await admin.end();
  u.pathname = '/' + name;
  const url = u.toString();
  const knex = createDb(url, { pool: { min: 0, max: poolSize } });
  await migrate(knex);
  // Same connection settings as the app's knex config (server/db.ts).
  const pool = mysql.createPool({
    host,
    port,
    user,
    password,
    database: name,
    charset: 'utf8mb4',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    connectionLimit: poolSize,
    maxIdle: poolSize,
  });
  const MAX_STATEMENT = 2_000_000;
  return {
    kind: 'mysql',
    url,
    knex,
    mysql: pool,
    version: `MariaDB/MySQL ${ver.v} (mysql2, pool ${poolSize})`,
    async insertBatch(sets) {
      const conn = await pool.getConnection();
      try {
        await conn.query('SET unique_checks = 0, foreign_key_checks = 0');
        await conn.query('START TRANSACTION');
        for (const s of sets) {
          const head = `INSERT INTO \`${s.table}\` (${s.cols.map((c) => '`' + c + '`').join(', ')}) VALUES `;
          let parts: string[] = [];
          let size = head.length;
          for (const r of s.rows) {
            const tuple = '(' + r.map((v) => myEscape(sqlValue(v) as never)).join(',') + ')';
            if (parts.length && size + tuple.length > MAX_STATEMENT) {
              await conn.query(head + parts.join(','));
              parts = [];
              size = head.length;
            }
            parts.push(tuple);
            size += tuple.length + 1;
          }
          if (parts.length) await conn.query(head + parts.join(','));
        }
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        await conn.query('SET unique_checks = 1, foreign_key_checks = 1').catch(() => undefined);
        conn.release();
      }
    },
    async nextId(table) {
      const [[r]] = (await pool.query(`select coalesce(max(id), 0) + 1 as n from \`${table}\``)) as unknown as [
        [{ n: number }],
      ];
      return Number(r.n);
    },
    async close() {
      await knex.destroy();
      await pool.end();
      if (!opts.keep) {
        const a = await mysql.createConnection({ host, port, user, password });
        await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await a.end();
      }
    },
  };
}
