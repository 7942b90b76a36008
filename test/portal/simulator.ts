/**
 * A stand-in for Vietnam's national public-service portal (Cổng Dịch vụ công quốc gia), for tests
 * and local runs: a real HTTP server that takes the two messages of contract.md §4 (DongBoHoSoMC
 * dossier headers, CapNhatTienDoHoSoMC processing steps), validates every field (validate.ts),
 * answers as the portal does (store.ts) and keeps everything it accepted or refused in memory.
 * The app reaches it through PORTAL_URL (and PORTAL_TOKEN when `token` is set); a real portal is
 * connected the same way, with its own PORTAL_URL and PORTAL_TOKEN. Nothing here runs in production.
 *
 * Faults, at runtime or through the control endpoint (control.ts): http500, timeout (never answers,
 * holds the socket), slow (answers after `ms`), garbage (200 with an HTML page), error3 (the
 * "already exists" answer without storing), reset (TCP reset); for the next `count` requests or
 * until heal(). By default a faulted request is not processed; `processFirst: true` stores it first
 * and only the answer is lost or delayed (the portal did the work, the app never heard). goDown()
 * closes the port (connection refused) and comeUp() reopens the same port.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { handleControl, send, sendJson } from './control';
import { EXISTS_MESSAGE, PORTAL_CODES, PortalStore, VerdictKind } from './store';

export type FaultMode = 'http500' | 'timeout' | 'slow' | 'garbage' | 'error3' | 'reset';
export const FAULT_MODES: readonly FaultMode[] = ['http500', 'timeout', 'slow', 'garbage', 'error3', 'reset'];

export interface Fault {
  mode: FaultMode;
  /** Only the next `count` portal requests; absent: until heal(). */
  count?: number;
  /** 'slow' only: the delay before answering (default 2000 ms). */
  ms?: number;
  /** Process (store) the message before the fault, so only the answer is lost or late. Default false. */
  processFirst?: boolean;
}

/** How a portal request was answered. A 'slow' answer also counts under its real kind. */
export type AnswerKind = VerdictKind | 'unauthorized' | FaultMode;

export interface RequestRecord {
  seq: number;
  receivedAt: Date;
  kind: AnswerKind;
  service?: string;
  codes?: string[];
}

export interface PortalStats {
  requests: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  byKind: Record<AnswerKind, number>;
}

export interface PortalSimulatorOptions {
  /** Require `Authorization: Bearer <token>`; 401 otherwise. */
  token?: string | null;
  /** The "already exists" code: '3' (default) or '-3'. */
  existsCode?: string;
  host?: string;
  /** Called with one line per portal request (run.ts passes console.log). */
  log?: (line: string) => void;
}

const MAX_BODY = 5 * 1024 * 1024;
const GARBAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

const zeroKinds = (): Record<AnswerKind, number> => ({
  ok: 0,
  exists: 0,
  'unknown-dossier': 0,
  invalid: 0,
  unauthorized: 0,
  http500: 0,
  timeout: 0,
  slow: 0,
  garbage: 0,
  error3: 0,
  reset: 0,
});

export class PortalSimulator {
  readonly store: PortalStore;
  /** Every portal request, faulted or not, in arrival order. */
  readonly requests: RequestRecord[] = [];
  token: string | null;
  private readonly host: string;
  private readonly log?: (line: string) => void;
  private server: http.Server | null = null;
  private port = 0;
  private seq = 0;
  private fault: (Fault & { left: number | null }) | null = null;
  private byKind = zeroKinds();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly events = new EventEmitter();

  constructor(opts: PortalSimulatorOptions = {}) {
    this.token = opts.token ?? null;
    this.host = opts.host ?? '127.0.0.1';
    this.log = opts.log;
    this.store = new PortalStore(opts.existsCode ?? '3');
    this.events.setMaxListeners(0);
  }

  /** The URL to put in PORTAL_URL (valid after start()). */
  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }
  get messages() {
    return this.store.messages;
  }
  get rejected() {
    return this.store.rejected;
  }
  get dossiers() {
    return this.store.dossiers;
  }
  get duplicates() {
    return this.store.duplicates;
  }
  get existsCode(): string {
    return this.store.existsCode;
  }
  set existsCode(code: string) {
    this.store.existsCode = code;
  }
  headersFor(code: string) {
    return this.store.headersFor(code);
  }
  steps(code: string) {
    return this.store.steps(code);
  }
  stats(): PortalStats {
    return {
      requests: this.requests.length,
      accepted: this.store.messages.length,
      rejected: this.store.rejected.length,
      duplicates: this.store.duplicates.length,
      byKind: { ...this.byKind },
    };
  }

  /** Listens on `port` (0: a free one) and returns the URL. */
  async start(port = 0): Promise<string> {
    const server = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => res.destroy());
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  /** Closes the port and every open connection (held ones too); pending slow answers are dropped. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.goDown();
  }

  /**
   * The portal goes away: the port stops listening (ECONNREFUSED) and open connections are cut. A
   * client still holding a pooled socket sees that socket closed first (undici: UND_ERR_SOCKET).
   */
  async goDown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The portal is back on the same port. */
  async comeUp(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  fail(fault: Fault): void {
    if (!FAULT_MODES.includes(fault.mode))
      throw new Error(`unknown fault mode ${String(fault.mode)}; one of ${FAULT_MODES.join(', ')}`);
    if (fault.count !== undefined && !(fault.count > 0)) throw new Error('fault count must be positive');
    this.fault = { ...fault, left: fault.count ?? null };
  }

  heal(): void {
    this.fault = null;
  }

  get currentFault(): Fault | null {
    if (!this.fault) return null;
    const { left, ...f } = this.fault;
    return left === null ? f : { ...f, count: left };
  }

  /** Forgets every message, request and count, and heals; the token and exists code stay. */
  reset(): void {
    this.store.reset();
    this.requests.length = 0;
    this.byKind = zeroKinds();
    this.seq = 0;
    this.heal();
  }

  /**
   * Resolves once `predicate(this)` holds. `timeoutMs` (default 30 s) is a stall limit: it starts
   * again at every request the simulator receives (a busy machine is slow, not stuck), up to six
   * times `timeoutMs` in all. Rejects with `what` and the stats when nothing moves.
   */
  waitFor(predicate: (sim: this) => unknown, opts: { timeoutMs?: number; what?: string } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const start = Date.now();
    const cap = start + 6 * timeoutMs;
    let until = start + timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const holds = () => {
        try {
          return Boolean(predicate(this));
        } catch {
          return false;
        }
      };
      const done = (err?: Error) => {
        clearInterval(timer);
        this.events.off('request', onRequest);
        if (err) reject(err);
        else resolve();
      };
      const onRequest = () => {
        until = Math.min(cap, Date.now() + timeoutMs);
        if (holds()) done();
      };
      const timer = setInterval(() => {
        if (holds()) return done();
        if (Date.now() > until)
          done(
            new Error(
              `portal simulator: timed out after ${Date.now() - start} ms waiting for ${opts.what ?? 'a condition'}` +
                ` (no request for ${timeoutMs} ms); stats ${JSON.stringify(this.stats())}`,
            ),
          );
      }, 50);
      this.events.on('request', onRequest);
      if (holds()) done();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    if (path === '/_sim' || path.startsWith('/_sim/')) return handleControl(this, req, res, path);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, { error_code: PORTAL_CODES.invalid, message: 'Chỉ nhận phương thức POST' });
    }
    const raw = await readBody(req);
    if (raw === null) return sendJson(res, 413, { error_code: PORTAL_CODES.invalid, message: 'Dữ liệu quá lớn' });
    const seq = ++this.seq;
    const receivedAt = new Date();
    const fault = this.takeFault();
    let outcome = !fault || fault.processFirst ? this.process(req, raw, seq, receivedAt) : null;
    const finish = (kind: AnswerKind) => {
      this.byKind[kind]++;
      const rec: RequestRecord = { seq, receivedAt, kind, ...describe(raw) };
      this.requests.push(rec);
      this.log?.(logLine(rec, raw, fault?.mode));
      this.events.emit('request');
    };
    if (!fault || fault.mode === 'slow') {
      if (fault) {
        await this.delay(fault.ms ?? 2000);
        if (!this.server && !outcome) return; // went down meanwhile: the message never arrived
        this.byKind.slow++;
      }
      outcome ??= this.process(req, raw, seq, receivedAt);
      finish(outcome.kind);
      return sendJson(res, outcome.status, outcome.answer);
    }
    finish(fault.mode);
    switch (fault.mode) {
      case 'http500':
        return send(
          res,
          500,
          'text/html; charset=utf-8',
          '<html><body><h1>500 Internal Server Error</h1></body></html>',
        );
      case 'garbage':
        return send(res, 200, 'text/html; charset=utf-8', GARBAGE);
      case 'error3':
        return sendJson(res, 200, { error_code: this.store.existsCode, message: EXISTS_MESSAGE });
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'timeout':
        return; // hold the socket: no answer until the client gives up or the simulator stops
    }
  }

  private takeFault(): Fault | null {
    const f = this.fault;
    if (!f) return null;
    if (f.left !== null && --f.left <= 0) this.fault = null;
    return f;
  }

  private delay(ms: number) {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Auth, JSON, validation and storage of one portal request. */
  private process(req: http.IncomingMessage, raw: string, seq: number, now: Date) {
    let body: unknown = raw;
    const reject = (status: number, kind: 'unauthorized' | 'invalid', code: string, msg: string) => ({
      status,
      kind,
      answer: this.store.reject(seq, now, kind, code, msg, body),
    });
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`)
      return reject(401, 'unauthorized', '401', 'Không có quyền truy cập: thiếu hoặc sai mã xác thực (Bearer)');
    try {
      body = JSON.parse(raw);
    } catch {
      return reject(200, 'invalid', PORTAL_CODES.invalid, 'Dữ liệu không hợp lệ: nội dung không phải JSON');
    }
    const { answer, kind } = this.store.handle(body, seq, now);
    return { status: 200, kind, answer };
  }
}

/** Starts a simulator on `port` (0: a free one); the same as `new PortalSimulator(opts).start(port)`. */
export async function startPortalSimulator(opts: PortalSimulatorOptions & { port?: number } = {}) {
  const sim = new PortalSimulator(opts);
  await sim.start(opts.port ?? 0);
  return sim;
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The service and dossier codes of a raw body, when it is JSON that has them. */
function describe(raw: string): Pick<RequestRecord, 'service' | 'codes'> {
  try {
    const b = JSON.parse(raw);
    const codes = Array.isArray(b?.data) ? b.data.map((d: any) => String(d?.MaHoSo)) : undefined;
    return { service: typeof b?.service === 'string' ? b.service : undefined, codes };
  } catch {
    return {};
  }
}

function logLine(rec: RequestRecord, raw: string, fault?: FaultMode): string {
  let detail = '';
  try {
    const b = JSON.parse(raw);
    const d = Array.isArray(b?.data) ? b.data[0] : undefined;
    if (b?.service === 'DongBoHoSoMC') detail = ` isUpdating=${b.isUpdating} TrangThaiHoSo=${d?.TrangThaiHoSo}`;
    else if (d) detail = ` TrangThai=${d.TrangThai} "${d.NoiDungXuLy}"`;
  } catch {
    detail = ' (not JSON)';
  }
  const what = `${rec.service ?? '?'} ${rec.codes?.join(',') ?? ''}`.trim();
  return `[portal] #${rec.seq} ${what}${detail} → ${rec.kind}${fault ? ` (fault ${fault})` : ''}`;
}

export { EXISTS_MESSAGE, PORTAL_CODES } from './store';
export type { Duplicate, HeaderRecord, PortalMessage, RejectedMessage, StepRecord } from './store';
export type { HoSo, Step } from './validate';
