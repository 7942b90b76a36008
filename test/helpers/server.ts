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
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return {
    running,
    url,
    close: async () => {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Wait until the server answers /healthz with 200: a condition, not a fixed delay. The bound only
 * ends a wait that would never succeed; a busy machine may need many times the usual start time.
 */
export async function waitReady(url: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > until) throw new Error(`server at ${url} not ready after ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
