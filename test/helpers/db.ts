import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createDb, migrate, Db } from '../../server/db';

export interface TestDb {
  name: 'sqlite' | 'mysql';
  url: string;
  db: Db;
  destroy: () => Promise<void>;
}

/** The engines this run covers: SQLite always, MariaDB/MySQL when TEST_MYSQL_URL is set. */
export const ENGINES: Array<'sqlite' | 'mysql'> = process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

/** A fresh, migrated database of its own: a temp SQLite file, or a new MySQL database dropped afterwards. */
export async function createTestDb(engine: 'sqlite' | 'mysql'): Promise<TestDb> {
  const id = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-test-'));
    const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
    const db = createDb(url);
    await migrate(db);
    return {
      name: 'sqlite',
      url,
      db,
      destroy: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = new URL(process.env.TEST_MYSQL_URL!);
  const dbName = `motcua_test_${id}`;
  const admin = knexFactory({
    client: 'mysql2',
    connection: {
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    },
  });
  await admin.raw(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.destroy();
  const u = new URL(base.toString());
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const db = createDb(url, { pool: { min: 0, max: 12 } });
  await migrate(db);
  return {
    name: 'mysql',
    url,
    db,
    destroy: async () => {
      await db.raw(`DROP DATABASE \`${dbName}\``);
      await db.destroy();
    },
  };
}
