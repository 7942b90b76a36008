import { loadConfig } from './server/config';
import { migrationSource } from './db/migrations';

// For the knex CLI (`npx knex --knexfile knexfile.ts …`); the app itself migrates at start.
const config = loadConfig();
const sqlite = config.databaseUrl.startsWith('sqlite:');

export default sqlite
  ? {
      client: 'better-sqlite3',
      connection: { filename: config.databaseUrl.slice(7) },
      useNullAsDefault: true,
      migrations: { migrationSource },
    }
  : { client: 'mysql2', connection: config.databaseUrl, migrations: { migrationSource } };
