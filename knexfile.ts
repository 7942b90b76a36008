import { loadConfig } from './server/config';
import { knexConfig } from './server/db';

// For the knex CLI (`npx knex --knexfile knexfile.ts …`); the app itself migrates at start.
// The same configuration the app builds (server/db.ts), migration source included.
export default knexConfig(loadConfig().databaseUrl);
