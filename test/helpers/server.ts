import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { start, Running } from '../../server/main';

/** The real server as `npm start` runs it (migrations, admin, demo data), on a free port and a temp SQLite file. */
export async function startServer(
  env: Record<string, string> = {},
): Promise<{ running: Running; url: string; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_COST: '4',
    ADMIN_PASSWORD: 'admin-e2e-pass',
    JOBS: '0',
    ...env,
  });
  const running = await start(config, { print: () => undefined });
  const addr = running.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    running,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
