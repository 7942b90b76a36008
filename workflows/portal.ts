/**
 * The national public-service portal's view of a dossier (design.md §12, contract.md §4): the one
 * place local data becomes the portal's fields, and the portal's answers become outcomes. Pure:
 * no database, no network, no clock of its own.
 */
import { NATIONAL_STATUS, type PublicStatus } from './status';

/** The two services of the portal's dossier-sync API. */
export const PORTAL_SERVICE = { header: 'DongBoHoSoMC', step: 'CapNhatTienDoHoSoMC' } as const;
export type PortalService = (typeof PORTAL_SERVICE)[keyof typeof PORTAL_SERVICE];

/** What the portal accepts as a dossier code (MaHoSo): contract.md §2, portal-issued codes. */
export const PORTAL_CODE = /^[A-Za-z0-9.-]{5,50}$/;

/** A delivery that has failed this many times in a row shows as failed (it is still retried). */
export const FAILING_AFTER = 3;

/** Retries never wait longer than this (contract.md §4). */
export const MAX_RETRY_MS = 3_600_000;

const VN_OFFSET_MS = 7 * 3_600_000;

/** A moment as the portal writes it: `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (no daylight saving). */
export function portalTime(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

/** The moment of a portal time, or null when it is not one. */
export function parsePortalTime(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - VN_OFFSET_MS;
  return portalTime(ms) === s ? ms : null;
}

/** What a dossier header is made of, read from the dossier as it is after the change. */
export interface DossierFacts {
  code: string;
  procedureCode: string;
  procedureName: string;
  channel: number;
  applicantName: string;
  applicantType: number;
  applicantIdNumber: string | null;
  applicantPhone: string | null;
  applicantEmail: string | null;
  applicantAddress: string | null;
  receivedAt: number;
  dueAt: number;
  status: PublicStatus;
  resolvedAt: number | null;
  completedAt: number | null;
  receivingUnitCode: string;
  receivingUnitName: string;
  documents: Array<{ code: string; name: string; received: boolean }>;
  /** Once numbered: the result's name, number, hash and public verification address. */
  result: { name: string; number: string; sha256: string; url: string } | null;
}

/** A message's data element and what is wrong with it for the portal (nothing is invented). */
export interface Built {
  data: Record<string, unknown>;
  problems: string[];
}

const blank = (s: string | null | undefined) => !s || !s.trim();

/** The dossier header (`DongBoHoSoMC` data element) and the reasons the portal would reject it. */
export function headerOf(f: DossierFacts): Built {
  const problems: string[] = [];
  if (!PORTAL_CODE.test(f.code)) problems.push(`Mã hồ sơ "${f.code}" không đúng định dạng của Cổng DVC quốc gia.`);
  if (blank(f.applicantName)) problems.push('Thiếu tên chủ hồ sơ.');
  if (blank(f.procedureCode)) problems.push('Thiếu mã thủ tục hành chính.');
  if (![1, 2, 3].includes(f.channel)) problems.push(`Kênh thực hiện "${f.channel}" không hợp lệ.`);
  if (![1, 2, 3, 4].includes(f.applicantType)) problems.push(`Loại đối tượng "${f.applicantType}" không hợp lệ.`);
  const data: Record<string, unknown> = {
    MaHoSo: f.code,
    MaTTHC: f.procedureCode,
    TenTTHC: f.procedureName,
    KenhThucHien: String(f.channel),
    ChuHoSo: f.applicantName.trim(),
    LoaiDoiTuong: String(f.applicantType),
    NgayTiepNhan: portalTime(f.receivedAt),
    NgayHenTra: portalTime(f.dueAt),
    TrangThaiHoSo: String(NATIONAL_STATUS[f.status]),
    DonViXuLy: f.receivingUnitName,
    MaDonVi: f.receivingUnitCode,
    TaiLieuNop: f.documents.filter((d) => d.received).map((d) => ({ MaThanhPhanHoSo: d.code, TenTepDinhKem: d.name })),
  };
  if (f.applicantIdNumber) data.SoGiayToChuHoSo = f.applicantIdNumber;
  if (f.applicantPhone) data.SoDienThoai = f.applicantPhone;
  if (f.applicantEmail) data.Email = f.applicantEmail;
  if (f.applicantAddress) data.DiaChi = f.applicantAddress;
  if (f.resolvedAt != null) data.NgayKetThucXuLy = portalTime(f.resolvedAt);
  if (f.status === 'returned' && f.completedAt != null) data.NgayTra = portalTime(f.completedAt);
  if (f.result)
    data.DanhSachGiayToKetQua = [
      {
        TenGiayTo: f.result.name,
        SoKyHieu: f.result.number,
        GiayToId: f.result.sha256,
        DuongDanTepTinKetQua: f.result.url,
      },
    ];
  return { data, problems };
}

/** What a processing-step message is made of: one event of the dossier. */
export interface StepFacts {
  code: string;
  actorName: string;
  actorTitle: string;
  actorUnitName: string;
  at: number;
  /** What was done ("Tiếp nhận hồ sơ", "Chuyển bước tiếp theo: …"), and the comment if any. */
  label: string;
  comment: string | null;
  status: PublicStatus;
  /** The step the event ended: when it started and when it was due (the receipt: the receipt itself). */
  stepStartedAt: number;
  stepDueAt: number;
}

/** The progress message (`CapNhatTienDoHoSoMC` data element) of one event. */
export function stepOf(f: StepFacts): Built {
  const problems: string[] = [];
  if (!PORTAL_CODE.test(f.code)) problems.push(`Mã hồ sơ "${f.code}" không đúng định dạng của Cổng DVC quốc gia.`);
  if (blank(f.actorName)) problems.push('Thiếu người xử lý.');
  return {
    data: {
      MaHoSo: f.code,
      NguoiXuLy: f.actorName,
      ChucDanh: f.actorTitle,
      ThoiDiemXuLy: portalTime(f.at),
      PhongBanXuLy: f.actorUnitName,
      NoiDungXuLy: f.comment ? `${f.label}: ${f.comment}` : f.label,
      TrangThai: String(NATIONAL_STATUS[f.status]),
      NgayBatDau: portalTime(f.stepStartedAt),
      NgayKetThucTheoQuyDinh: portalTime(f.stepDueAt),
    },
    problems,
  };
}

/** The request body of one message. */
export function envelope(service: PortalService, data: unknown, isUpdating: boolean): Record<string, unknown> {
  return service === PORTAL_SERVICE.header ? { service, isUpdating, data: [data] } : { service, data: [data] };
}

/** What an answer of the portal means for the message. */
export type Outcome =
  { kind: 'accepted'; message: string } | { kind: 'exists'; message: string } | { kind: 'retry'; message: string };

const MAX_ANSWER = 500;
const clip = (s: string) => (s.length > MAX_ANSWER ? `${s.slice(0, MAX_ANSWER)}…` : s);

/**
 * Read the portal's answer: 200 with `error_code` "0" is accepted; "3" or "-3" means the dossier is
 * already there (resend as an update); anything else — another code, an HTTP error, a body that is
 * not JSON (an HTML error page) — is retried, with the raw answer kept (shortened) for the admin.
 */
export function readAnswer(httpStatus: number, body: string): Outcome {
  type Answer = { error_code?: unknown; message?: unknown };
  let parsed: Answer | null = null;
  try {
    const v: unknown = JSON.parse(body);
    if (v && typeof v === 'object') parsed = v as Answer;
  } catch {
    parsed = null;
  }
  if (httpStatus !== 200) return { kind: 'retry', message: clip(`HTTP ${httpStatus}: ${body.trim() || '(trống)'}`) };
  if (!parsed || parsed.error_code === undefined)
    return { kind: 'retry', message: clip(`Câu trả lời không hợp lệ: ${body.trim() || '(trống)'}`) };
  const code = String(parsed.error_code);
  const message = typeof parsed.message === 'string' ? parsed.message : '';
  if (code === '0') return { kind: 'accepted', message };
  if (code === '3' || code === '-3') return { kind: 'exists', message };
  return { kind: 'retry', message: clip(`Mã lỗi ${code}: ${message || body.trim()}`) };
}

/** When to try again after `attempts` failures in a row: the base, doubling, at most an hour. */
export function retryDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/** A dossier's sync state (contract.md §2 `sync`). */
export interface SyncState {
  state: 'off' | 'pending' | 'synced' | 'failed';
  message: string | null;
}

/** What the outbox holds for one dossier: how many messages, how many not yet accepted, the first of those. */
export interface SyncFacts {
  total: number;
  open: number;
  head: { status: 'pending' | 'failed'; attempts: number; lastError: string | null } | null;
}

/**
 * The sync state a person sees: `off` when nothing was ever queued for the dossier (sync off, or
 * the dossier predates it), `synced` when every message was accepted, `failed` when the first one
 * waiting was refused by us or has failed {@link FAILING_AFTER} times in a row, else `pending`.
 */
export function syncStateOf(f: SyncFacts): SyncState {
  if (f.total === 0) return { state: 'off', message: null };
  if (f.open === 0 || !f.head) return { state: 'synced', message: null };
  if (f.head.status === 'failed' || f.head.attempts >= FAILING_AFTER)
    return { state: 'failed', message: f.head.lastError ?? 'Gửi không thành công.' };
  return { state: 'pending', message: f.head.lastError };
}
