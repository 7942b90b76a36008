/**
 * A load of intakes and FORWARD transitions through the API, with exact bookkeeping of what the server
 * acknowledged (201 intake, 200 event) and what was in flight when a fault hit. Workers race on the
 * same dossiers on purpose (a stale version gets 409, which is not an acknowledgement).
 */
import { http, intakeBody, Res, STEP_ROLE, uniq, World } from './support';

export interface Tracked {
  code: string;
  commune: number;
  version: number;
  state: string;
}

/** A request whose outcome the client does not know yet, kept to be sent again with its Idempotency-Key. */
interface Unsettled {
  kind: 'intake' | 'event';
  path: string;
  token: string;
  json: unknown;
  key: string;
  commune: number;
  code?: string;
}

/** Answers that do not settle a request: no answer, a 5xx, or its first attempt still in flight. */
const unsettled = (r: Res) =>
  r.status === 0 || r.status >= 500 || (r.status === 409 && r.body?.error?.code === 'idempotency_in_flight');

export class Load {
  readonly dossiers = new Map<string, Tracked>();
  /** code → dossier versions acknowledged by a 200 on an event (the version after the event). */
  readonly ackedEvents = new Map<string, number[]>();
  /** codes acknowledged by a 201 on intake */
  readonly ackedIntakes = new Set<string>();
  readonly inflightEvents = new Map<string, number>();
  inflightIntakes = 0;
  /** Requests whose outcome the client cannot know (no answer, or a 5xx): they may or may not have committed. */
  readonly uncertainEvents = new Map<string, number>();
  uncertainIntakes = 0;
  requests = 0;
  readonly byStatus: Record<string, number> = {};
  /** Answers that are neither an acknowledgement, a 409 race, nor a network failure: status → sample body. */
  readonly odd: Array<{ status: number; path: string; ms: number; body: string }> = [];
  maxMs = 0;
  /** Requests with an unknown outcome, in order (each carries the Idempotency-Key it was sent with). */
  readonly unsettled: Unsettled[] = [];
  private stopped = false;
  private rr = 0;

  constructor(
    private readonly w: World,
    public bases: string[],
    private readonly opts: {
      intakeShare?: number;
      applicantEmail?: number;
      timeoutMs?: number;
      expected?: number[];
      onResponse?: (r: Res, path: string) => void;
      /** Send an Idempotency-Key with every intake and event (default true). */
      keys?: boolean;
    } = {},
  ) {}

  get acknowledgedEvents(): number {
    let n = 0;
    for (const v of this.ackedEvents.values()) n += v.length;
    return n;
  }

  private base(): string {
    return this.bases[this.rr++ % this.bases.length];
  }

  private note(r: Res, path: string) {
    this.requests++;
    const k = r.status === 0 ? `net:${r.error}` : String(r.status);
    this.byStatus[k] = (this.byStatus[k] ?? 0) + 1;
    if (r.status !== 0) this.maxMs = Math.max(this.maxMs, r.ms);
    const fine = [0, 200, 201, 409, ...(this.opts.expected ?? [])];
    if (!fine.includes(r.status) && this.odd.length < 50)
      this.odd.push({ status: r.status, path, ms: r.ms, body: r.text.slice(0, 400) });
    this.opts.onResponse?.(r, path);
  }

  track(body: { code: string; version: number; state: string }, commune: number) {
    const t = this.dossiers.get(body.code);
    if (!t) this.dossiers.set(body.code, { code: body.code, commune, version: body.version, state: body.state });
    else if (body.version > t.version) Object.assign(t, { version: body.version, state: body.state });
  }

  private send(u: Unsettled, base = this.base()): Promise<Res> {
    return http(base, 'POST', u.path, {
      token: u.token,
      json: u.json,
      timeoutMs: this.opts.timeoutMs,
      headers: this.opts.keys === false ? undefined : { 'idempotency-key': u.key },
    });
  }

  async intake(commune = Math.floor(Math.random() * this.w.communes.length)): Promise<Res> {
    const path = '/api/v1/dossiers';
    const u: Unsettled = {
      kind: 'intake',
      path,
      token: this.w.communes[commune].tokens.intake,
      json: intakeBody(this.w, this.opts.applicantEmail ?? 1),
      key: `tai:${uniq()}${uniq()}`,
      commune,
    };
    this.inflightIntakes++;
    const r = await this.send(u);
    this.inflightIntakes--;
    this.note(r, path);
    if (unsettled(r)) {
      this.uncertainIntakes++;
      this.unsettled.push(u);
    }
    if (r.status === 201) this.ackIntake(r, commune);
    return r;
  }

  private ackIntake(r: Res, commune: number) {
    this.ackedIntakes.add(r.body.code);
    this.track(r.body, commune);
  }

  private ackEvent(r: Res, t: Pick<Tracked, 'code' | 'commune'>) {
    const list = this.ackedEvents.get(t.code) ?? [];
    list.push(r.body.version);
    this.ackedEvents.set(t.code, list);
    this.track(r.body, t.commune);
  }

  async forward(t: Tracked): Promise<Res> {
    const path = `/api/v1/dossiers/${t.code}/events`;
    const role = STEP_ROLE[t.state];
    const u: Unsettled = {
      kind: 'event',
      path,
      token: this.w.communes[t.commune].tokens[role],
      json: { type: 'FORWARD', version: t.version, comment: 'Chuyển bước' },
      key: `chuyen:${uniq()}${uniq()}`,
      commune: t.commune,
      code: t.code,
    };
    this.inflightEvents.set(t.code, (this.inflightEvents.get(t.code) ?? 0) + 1);
    const r = await this.send(u);
    this.inflightEvents.set(t.code, this.inflightEvents.get(t.code)! - 1);
    this.note(r, path);
    if (unsettled(r)) {
      this.uncertainEvents.set(t.code, (this.uncertainEvents.get(t.code) ?? 0) + 1);
      this.unsettled.push(u);
    }
    if (r.status === 200) this.ackEvent(r, t);
    else if (r.status === 409 && !unsettled(r)) {
      await this.refresh(t);
    }
    return r;
  }

  /** Re-read a dossier (after a 409, or after a crash left its last write unacknowledged). */
  async refresh(t: Tracked): Promise<void> {
    const r = await http(this.base(), 'GET', `/api/v1/dossiers/${t.code}`, {
      token: this.w.communes[t.commune].tokens.intake,
      timeoutMs: this.opts.timeoutMs,
    });
    if (r.status === 200) this.track(r.body, t.commune);
  }

  private pick(): Tracked | null {
    const open = [...this.dossiers.values()].filter((d) => d.state in STEP_ROLE);
    if (!open.length) return null;
    // Prefer the most recent ones a little, and let several workers land on the same dossier.
    return open[Math.floor(Math.random() * Math.min(open.length, 24))] ?? open[0];
  }

  /** Run `workers` loops until stop() or `durationMs`. */
  async run(workers: number, durationMs: number): Promise<void> {
    this.stopped = false;
    const until = Date.now() + durationMs;
    const share = this.opts.intakeShare ?? 0.25;
    const loop = async () => {
      while (!this.stopped && Date.now() < until) {
        const open = [...this.dossiers.values()].filter((d) => d.state in STEP_ROLE).length;
        const t = this.pick();
        if (!t || open < workers || Math.random() < share) await this.intake();
        else await this.forward(t);
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  stop(): void {
    this.stopped = true;
  }

  /** What was in flight right now (for a fault injected at this moment). */
  inflightSnapshot(): { intakes: number; events: Map<string, number> } {
    return { intakes: this.inflightIntakes, events: new Map([...this.inflightEvents].filter(([, n]) => n > 0)) };
  }

  /**
   * After a fault has healed: send every request of unknown outcome again with its Idempotency-Key
   * until it answers for sure. The first answer replayed means it had committed (now acknowledged);
   * any fresh answer means it had not (the key went with its rolled-back transaction), and whatever
   * the repeat did is acknowledged as usual. Gives up on a request after `deadlineMs`.
   * @returns how many were settled, and how many remain unknown
   */
  async settle(deadlineMs = 120_000): Promise<{ settled: number; replayed: number; unknown: number }> {
    const until = Date.now() + deadlineMs;
    let settled = 0;
    let replayed = 0;
    for (const u of [...this.unsettled]) {
      let r: Res;
      for (let delay = 200; ; delay = Math.min(delay * 2, 3000)) {
        r = await this.send(u);
        this.note(r, u.path);
        if (!unsettled(r) || Date.now() > until) break;
        await new Promise((ok) => setTimeout(ok, delay));
      }
      if (unsettled(r)) continue;
      this.unsettled.splice(this.unsettled.indexOf(u), 1);
      settled++;
      if (r.headers.get('idempotency-replayed') === 'true') replayed++;
      if (u.kind === 'intake') {
        this.uncertainIntakes--;
        if (r.status === 201) this.ackIntake(r, u.commune);
      } else {
        this.uncertainEvents.set(u.code!, this.uncertainEvents.get(u.code!)! - 1);
        if (r.status === 200) this.ackEvent(r, { code: u.code!, commune: u.commune });
        else {
          const t = this.dossiers.get(u.code!);
          if (t) await this.refresh(t);
        }
      }
    }
    return { settled, replayed, unknown: this.unsettled.length };
  }

  /** Every request whose outcome is unknown to the client so far (see `uncertainEvents`). */
  uncertain(): { intakes: number; events: Map<string, number> } {
    return { intakes: this.uncertainIntakes, events: new Map(this.uncertainEvents) };
  }
}
