/**
 * The portal simulator's memory: what it accepted, in arrival order, and what it refused. `handle`
 * turns one request body into the portal's answer (always HTTP 200 with `{error_code, message}`).
 *
 * Answer codes (PORTAL_CODES): "0" accepted; the exists code ("3" by default, "-3" configurable) for
 * a new header (isUpdating false) of a code already held; "-1" a step for a dossier never received;
 * "-2" invalid fields or body (the message names every bad field). isUpdating true for an unknown
 * code is an upsert: stored.
 */
import {
  HEADER_SERVICE,
  HoSo,
  ParsedMessage,
  PortalService,
  STEP_SERVICE,
  Step,
  FieldError,
  smallCode,
  validateMessage,
} from './validate';

export const PORTAL_CODES = { ok: '0', unknownDossier: '-1', invalid: '-2' } as const;
export const EXISTS_MESSAGE = 'Hồ sơ đã tồn tại';

/** What an answer was; faults add their own kinds in simulator.ts. */
export type VerdictKind = 'ok' | 'exists' | 'unknown-dossier' | 'invalid';

export interface PortalAnswer {
  error_code: string;
  message: string;
}

/** One accepted message, in arrival order. `seq` is the simulator's request number. */
export interface PortalMessage {
  seq: number;
  service: PortalService;
  /** true/false for DongBoHoSoMC; null for steps. */
  isUpdating: boolean | null;
  data: Array<HoSo | Step>;
  receivedAt: Date;
  /** Headers only: how KenhThucHien came ('mixed' when items differ). */
  kenhThucHienAs?: 'string' | 'number' | 'mixed';
}

/** A message the simulator answered with a non-zero code (or 401): kept apart from the accepted ones. */
export interface RejectedMessage {
  seq: number;
  receivedAt: Date;
  kind: VerdictKind | 'unauthorized';
  errorCode: string;
  message: string;
  errors: FieldError[];
  /** The parsed body, or the raw text when it was not JSON. */
  body: unknown;
}

export interface HeaderRecord {
  seq: number;
  isUpdating: boolean;
  receivedAt: Date;
  hoSo: HoSo;
}

export interface StepRecord {
  seq: number;
  receivedAt: Date;
  step: Step;
}

/** The same content accepted a second time for a code (a resend the portal could not tell apart). */
export interface Duplicate {
  service: PortalService;
  MaHoSo: string;
  seq: number;
  firstSeq: number;
}

/** JSON with object keys sorted, so equal content gives equal text whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export class PortalStore {
  readonly messages: PortalMessage[] = [];
  readonly rejected: RejectedMessage[] = [];
  readonly dossiers = new Map<string, HoSo>();
  readonly duplicates: Duplicate[] = [];
  private readonly headers = new Map<string, HeaderRecord[]>();
  private readonly stepLists = new Map<string, StepRecord[]>();
  private readonly seen = new Map<string, number>(); // service|code|canonical content → first seq

  /** @param existsCode the answer for a new header of a known code: "3" (default) or "-3". */
  constructor(public existsCode = '3') {}

  reset(): void {
    this.messages.length = 0;
    this.rejected.length = 0;
    this.duplicates.length = 0;
    this.dossiers.clear();
    this.headers.clear();
    this.stepLists.clear();
    this.seen.clear();
  }

  headersFor(code: string): HeaderRecord[] {
    return [...(this.headers.get(code) ?? [])];
  }

  steps(code: string): StepRecord[] {
    return [...(this.stepLists.get(code) ?? [])];
  }

  /** Records a refusal decided outside (401, body not JSON) and returns its answer. */
  reject(
    seq: number,
    now: Date,
    kind: RejectedMessage['kind'],
    code: string,
    msg: string,
    body: unknown,
    errors: FieldError[] = [],
  ): PortalAnswer {
    this.rejected.push({ seq, receivedAt: now, kind, errorCode: code, message: msg, errors, body });
    return { error_code: code, message: msg };
  }

  /** Validates and applies one parsed body; returns the answer and what it was. */
  handle(body: unknown, seq: number, now: Date): { answer: PortalAnswer; kind: VerdictKind } {
    const result = validateMessage(body);
    if (!result.ok) {
      const msg = `Dữ liệu không hợp lệ: ${result.errors.map((e) => e.message).join('; ')}`;
      const answer = this.reject(seq, now, 'invalid', PORTAL_CODES.invalid, msg, body, result.errors);
      return { answer, kind: 'invalid' };
    }
    const m = result.message;
    const refusal = this.refusal(m);
    if (refusal) {
      const answer = this.reject(seq, now, refusal.kind, refusal.code, refusal.message, body);
      return { answer, kind: refusal.kind };
    }
    this.accept(m, seq, now);
    return { answer: { error_code: PORTAL_CODES.ok, message: 'Thành công' }, kind: 'ok' };
  }

  private refusal(m: ParsedMessage): { kind: VerdictKind; code: string; message: string } | null {
    if (m.service === HEADER_SERVICE && !m.isUpdating) {
      const known = m.data.find((h) => this.dossiers.has(h.MaHoSo));
      if (known) return { kind: 'exists', code: this.existsCode, message: EXISTS_MESSAGE };
    }
    if (m.service === STEP_SERVICE) {
      const unknown = m.data.find((s) => !this.dossiers.has(s.MaHoSo));
      if (unknown)
        return {
          kind: 'unknown-dossier',
          code: PORTAL_CODES.unknownDossier,
          message: `Không tìm thấy hồ sơ ${unknown.MaHoSo} (MaHoSo): chưa đồng bộ thông tin hồ sơ`,
        };
    }
    return null;
  }

  private accept(m: ParsedMessage, seq: number, receivedAt: Date) {
    const record: PortalMessage = { seq, service: m.service, isUpdating: m.isUpdating, data: m.data, receivedAt };
    if (m.service === HEADER_SERVICE) {
      const kinds = new Set(m.data.map((h) => smallCode(h.KenhThucHien, 1, 3)!.as));
      record.kenhThucHienAs = kinds.size > 1 ? 'mixed' : [...kinds][0];
      for (const hoSo of m.data) {
        this.noteDuplicate(m.service, hoSo.MaHoSo, hoSo, seq);
        this.dossiers.set(hoSo.MaHoSo, hoSo);
        list(this.headers, hoSo.MaHoSo).push({ seq, isUpdating: m.isUpdating, receivedAt, hoSo });
      }
    } else {
      for (const step of m.data) {
        this.noteDuplicate(m.service, step.MaHoSo, step, seq);
        list(this.stepLists, step.MaHoSo).push({ seq, receivedAt, step });
      }
    }
    this.messages.push(record);
  }

  private noteDuplicate(service: PortalService, code: string, item: unknown, seq: number) {
    const key = `${service}|${code}|${canonical(item)}`;
    const firstSeq = this.seen.get(key);
    if (firstSeq === undefined) this.seen.set(key, seq);
    else this.duplicates.push({ service, MaHoSo: code, seq, firstSeq });
  }
}

function list<T>(map: Map<string, T[]>, key: string): T[] {
  let l = map.get(key);
  if (!l) map.set(key, (l = []));
  return l;
}
