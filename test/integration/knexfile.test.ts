import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { migrationSource } from '../../db/migrations';

/** knexfile.ts (the knex CLI) builds the app's own configuration: same pragmas, same migrations. */
describe('knexfile.ts', () => {
  it('opens the configured SQLite file the way the app does and migrates it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-knexfile-'));
    const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
    process.env.DATA_DIR = path.join(dir, 'not-yet-there');
    delete process.env.DATABASE_URL;
    // knexfile.ts reads the environment when loaded: each test file has its own module registry.
    const { default: config } = await import('../../knexfile');
    Object.assign(process.env, saved);
    if (saved.DATA_DIR === undefined) delete process.env.DATA_DIR;
    const db = knexFactory(config);
    try {
      expect((await db.raw('PRAGMA foreign_keys'))[0]).toEqual({ foreign_keys: 1 });
      expect((await db.raw('PRAGMA journal_mode'))[0]).toEqual({ journal_mode: 'wal' });
      const [, applied] = await db.migrate.latest();
      expect(applied).toEqual(
        (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m)),
      );
      expect(fs.existsSync(path.join(dir, 'not-yet-there', 'motcua.sqlite'))).toBe(true);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
