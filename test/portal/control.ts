/**
 * The portal simulator's control endpoint, under `/_sim/` on the simulator's own port (no token:
 * it listens on 127.0.0.1 and exists for local runs from a shell; see run.ts for examples).
 *
 *   GET  /_sim/stats              counts: requests, accepted, rejected, duplicates, byKind
 *   GET  /_sim/messages           accepted messages in arrival order
 *   GET  /_sim/rejected           refused messages (invalid, exists, unknown dossier, 401)
 *   GET  /_sim/requests           every portal request with how it was answered
 *   GET  /_sim/dossiers           { MaHoSo: latest accepted HoSo }
 *   GET  /_sim/dossiers/:code     { hoSo, headers, steps } or 404
 *   GET  /_sim/fault              the fault in force, or null
 *   POST /_sim/fail               {"mode":"http500"|"timeout"|"slow"|"garbage"|"error3"|"reset",
 *                                  "count"?:n, "ms"?:n, "processFirst"?:bool}
 *   POST /_sim/heal               clear the fault
 *   POST /_sim/down               {"ms"?:n}: close the port now, reopen it after ms (default 10000)
 *   POST /_sim/reset              forget everything and heal
 *   POST /_sim/config             {"existsCode"?:"3"|"-3", "token"?:string|null}
 */
import http from 'node:http';
import type { FaultMode, PortalSimulator } from './simulator';

export function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.destroyed || res.headersSent) return;
  // Connection: close, so no client keeps a pooled socket: after goDown() the next request is refused.
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve(v && typeof v === 'object' && !Array.isArray(v) ? v : {});
      } catch {
        resolve({});
      }
    });
    req.on('error', () => resolve({}));
  });
}

const positive = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v > 0);
const bad = (res: http.ServerResponse, message: string) => sendJson(res, 400, { error: message });

export async function handleControl(
  sim: PortalSimulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
): Promise<void> {
  const route = `${req.method} ${path.replace(/\/+$/, '')}`;
  const dossier = /^GET \/_sim\/dossiers\/([^/]+)$/.exec(route);
  if (dossier) {
    const code = decodeURIComponent(dossier[1]);
    const hoSo = sim.dossiers.get(code);
    if (!hoSo) return sendJson(res, 404, { error: `no dossier ${code}` });
    return sendJson(res, 200, { hoSo, headers: sim.headersFor(code), steps: sim.steps(code) });
  }
  switch (route) {
    case 'GET /_sim/stats':
      return sendJson(res, 200, sim.stats());
    case 'GET /_sim/messages':
      return sendJson(res, 200, sim.messages);
    case 'GET /_sim/rejected':
      return sendJson(res, 200, sim.rejected);
    case 'GET /_sim/requests':
      return sendJson(res, 200, sim.requests);
    case 'GET /_sim/dossiers':
      return sendJson(res, 200, Object.fromEntries(sim.dossiers));
    case 'GET /_sim/fault':
      return sendJson(res, 200, sim.currentFault);
    case 'POST /_sim/fail': {
      const b = await readJson(req);
      if (!positive(b.count) || !positive(b.ms)) return bad(res, 'count and ms must be positive integers');
      try {
        sim.fail({
          mode: b.mode as FaultMode,
          count: b.count as number | undefined,
          ms: b.ms as number | undefined,
          processFirst: b.processFirst === true,
        });
      } catch (err) {
        return bad(res, (err as Error).message);
      }
      return sendJson(res, 200, { fault: sim.currentFault });
    }
    case 'POST /_sim/heal':
      sim.heal();
      return sendJson(res, 200, { fault: null });
    case 'POST /_sim/reset':
      sim.reset();
      return sendJson(res, 200, { reset: true });
    case 'POST /_sim/down': {
      const b = await readJson(req);
      if (!positive(b.ms)) return bad(res, 'ms must be a positive integer');
      const ms = (b.ms as number | undefined) ?? 10_000;
      // Answer first, then close: the caller hears that it worked.
      res.on('finish', () => {
        void sim.goDown().then(() => setTimeout(() => void sim.comeUp(), ms));
      });
      return sendJson(res, 202, { downForMs: ms });
    }
    case 'POST /_sim/config': {
      const b = await readJson(req);
      if (b.existsCode !== undefined) {
        if (b.existsCode !== '3' && b.existsCode !== '-3') return bad(res, 'existsCode must be "3" or "-3"');
        sim.existsCode = b.existsCode;
      }
      if (b.token !== undefined) {
        if (b.token !== null && typeof b.token !== 'string') return bad(res, 'token must be a string or null');
        sim.token = b.token || null;
      }
      return sendJson(res, 200, { existsCode: sim.existsCode, token: sim.token ? 'set' : null });
    }
    default:
      return sendJson(res, 404, { error: `unknown control route ${route}` });
  }
}
