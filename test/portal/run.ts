/**
 * The portal simulator on its own, for local runs of the app (`npm run dev` in another shell):
 *
 *   npx tsx test/portal/run.ts [--port 8089] [--token X] [--exists-code -3]   (or: npm run portal:sim -- ...)
 *   PORTAL_URL=http://127.0.0.1:8089/ PORTAL_TOKEN=X npm run dev
 *
 * It prints the URL, then one line per message it receives. Control it from a shell (control.ts):
 *
 *   curl -X POST localhost:8089/_sim/fail -d '{"mode":"http500","count":3}'   # next 3 requests get 500
 *   curl -X POST localhost:8089/_sim/fail -d '{"mode":"timeout"}'             # hold every request
 *   curl -X POST localhost:8089/_sim/fail -d '{"mode":"slow","ms":5000,"processFirst":true}'
 *   curl -X POST localhost:8089/_sim/heal
 *   curl -X POST localhost:8089/_sim/down -d '{"ms":60000}'                   # refused for a minute
 *   curl localhost:8089/_sim/stats
 *   curl localhost:8089/_sim/messages
 *   curl localhost:8089/_sim/dossiers/G22.99-250701-0001
 *
 * Fault modes: http500, timeout (never answers), slow (answers after ms), garbage (200 with an HTML
 * page), error3 (the "already exists" answer), reset (TCP reset).
 */
import { parseArgs } from 'node:util';
import { PortalSimulator } from './simulator';

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8089' },
      token: { type: 'string' },
      'exists-code': { type: 'string', default: '3' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  const sim = new PortalSimulator({
    token: values.token ?? null,
    existsCode: values['exists-code'],
    host: values.host,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  const url = await sim.start(port);
  console.log(`Portal simulator listening: PORTAL_URL=${url}${values.token ? ` PORTAL_TOKEN=${values.token}` : ''}`);
  console.log(`Control: ${url}_sim/stats, ${url}_sim/messages, POST ${url}_sim/fail {"mode":"http500","count":3}`);
  const quit = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
