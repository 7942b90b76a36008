import type { DossierRow, EventRow } from '../queries/dossiers.queries';
import { dossierEventsFor } from '../policies/dossier.policy';
import { COMMENT_REQUIRED } from '../schemas/dossier.schema';
import { DossierMachine, ProcedureDefinition, stepOf } from '../../workflows/procedure';
import {
  DossierEventType,
  EVENT_LABELS,
  forwardLabel,
  historyLabel,
  historyPath,
  HistoryStep,
  isReservedState,
  ROLE_LABELS,
} from '../../workflows/labels';
import { STATUS_TEXT, statusOfState } from '../../workflows/status';
import { WorkCalendar } from '../../workflows/calendar';

export interface Action {
  type: DossierEventType;
  label: string;
  needsComment: boolean;
  needsDueAt: boolean;
  commentLabel: string;
  confirm: string | null;
  warning: string | null;
  danger: boolean;
  /** The one action shown open; the others sit behind "Thao tác khác". */
  primary: boolean;
}

/** The obvious next action of a state, in order of preference: shown open, the others a click away. */
const PRIMARY_ORDER: DossierEventType[] = ['FORWARD', 'SUPPLEMENT_RECEIVED', 'RETURN_RESULT'];

/** True when the dossier is at a step after a leader's signing step: the decision is already signed. */
export function isAfterSigning(row: Pick<DossierRow, 'state'>, def: ProcedureDefinition): boolean {
  const i = def.steps.findIndex((s) => s.code === row.state);
  return i > 0 && def.steps.slice(0, i).some((s) => s.role === 'leader');
}

function lateWarning(type: DossierEventType, row: DossierRow, def: ProcedureDefinition): string | null {
  if ((type === 'REFUSE' || type === 'REQUEST_SUPPLEMENT') && isAfterSigning(row, def))
    return 'Quyết định đã được ký. Chỉ từ chối hoặc yêu cầu bổ sung khi phát hiện sai sót nghiêm trọng; kết quả đã ký sẽ không được trả cho công dân.';
  if (type === 'WITHDRAW' && row.state === 'result_ready')
    return 'Hồ sơ đã có kết quả, đang chờ trả. Chỉ ghi nhận rút hồ sơ khi công dân có đơn đề nghị rút; kết quả sẽ không được trả.';
  return null;
}

const COMMENT_LABELS: Partial<Record<DossierEventType, string>> = {
  RETURN: 'Lý do trả lại',
  REQUEST_SUPPLEMENT: 'Nội dung cần bổ sung, hoàn thiện',
  REFUSE: 'Lý do từ chối giải quyết',
  EXTEND: 'Lý do chậm trễ, lời xin lỗi',
  WITHDRAW: 'Lý do rút hồ sơ',
};

/**
 * The actions this user may take on the dossier now: what the machine allows in its state, filtered
 * by the same role-and-unit rule the transition service enforces. The page shows exactly these, so
 * it never offers a control the server would refuse.
 */
export function availableActions(
  user: Express.User,
  row: DossierRow,
  def: ProcedureDefinition,
  machine: DossierMachine,
): Action[] {
  const step = stepOf(def, row.state);
  const types = dossierEventsFor(user, row, def, machine);
  const primary = PRIMARY_ORDER.find((t) => types.includes(t)) ?? (types.length === 1 ? types[0] : null);
  const actions = types.map((type) => ({
    type,
    label:
      type === 'FORWARD' && step?.signs && def.result
        ? `Ký số ${def.result.name.toLocaleLowerCase('vi')}`
        : type === 'FORWARD' && step?.numbers && def.result
          ? 'Vào số, đóng dấu số kết quả'
          : type === 'FORWARD' && step
            ? def.steps.at(-1) === step && step.role !== 'clerk' && step.role !== 'leader'
              ? 'Hoàn thành, chuyển trả kết quả'
              : forwardLabel(step.role)
            : EVENT_LABELS[type],
    needsComment: (COMMENT_REQUIRED as readonly string[]).includes(type),
    needsDueAt: type === 'EXTEND',
    commentLabel: COMMENT_LABELS[type] ?? 'Ghi chú (không bắt buộc)',
    confirm:
      type === 'FORWARD' && step?.signs && def.result
        ? 'Ký số kết quả bằng chứng thư số của ông/bà và chuyển bước tiếp theo?'
        : type === 'FORWARD' && step?.numbers && def.result
          ? 'Cấp số cho kết quả, đóng dấu số của đơn vị và chuyển trả? Số đã cấp không thể thu hồi.'
          : type === 'REFUSE'
            ? 'Từ chối giải quyết hồ sơ này? Thao tác không thể hoàn tác.'
            : type === 'WITHDRAW'
              ? 'Xác nhận công dân rút hồ sơ? Thao tác không thể hoàn tác.'
              : type === 'RETURN_RESULT'
                ? 'Xác nhận đã trả kết quả cho công dân?'
                : type === 'EXTEND'
                  ? 'Gia hạn chỉ được một lần cho mỗi hồ sơ. Tiếp tục?'
                  : null,
    warning:
      [
        lateWarning(type, row, def),
        type === 'REQUEST_SUPPLEMENT' && row.supplement_count >= 1
          ? `Hồ sơ đã được yêu cầu bổ sung ${row.supplement_count} lần. Yêu cầu thêm lần nữa sẽ tính hồ sơ là trễ hạn (Quyết định 766/QĐ-TTg).`
          : null,
      ]
        .filter(Boolean)
        .join(' ') || null,
    danger: type === 'REFUSE' || type === 'WITHDRAW',
    primary: type === primary,
  }));
  // The primary first, the rarely-right (refuse, withdraw) last.
  const rank = (a: Action) => (a.primary ? 0 : a.danger ? 2 : 1);
  return actions.sort((a, b) => rank(a) - rank(b));
}

/** One line of the dossier timeline, in the words of the step it concerns. */
export interface TimelineLine {
  at: number;
  type: string;
  label: string;
  /** "Thẩm định hồ sơ → Xem xét, trình ký" for a hand-off. */
  path: string | null;
  actor: { fullName: string | null; unitName: string | null } | null;
  /** By absence delegation: "KT. Chủ tịch — Nguyễn Văn B (Phó Chủ tịch)", and for whom. */
  delegation: { text: string; leaderName: string } | null;
  comment: string | null;
  onTime: boolean | null;
}

/** The words of a state for a history line: its step's name, or the public status text. */
function stateName(def: ProcedureDefinition, state: string | null): string | null {
  if (!state) return null;
  const step = stepOf(def, state);
  if (step) return step.name;
  return isReservedState(state) ? STATUS_TEXT[statusOfState(state)] : state;
}

/**
 * The dossier's history as people read it: each hand-off in the words of its step ("Ký duyệt",
 * "Trả lại bước trước: Thẩm định hồ sơ"), actors with their unit's name rather than its code.
 */
export function timelineOf(
  events: EventRow[],
  def: ProcedureDefinition,
  unitNames: Map<string, string>,
): TimelineLine[] {
  const asStep = (state: string | null): HistoryStep | null => {
    const s = state ? stepOf(def, state) : undefined;
    return s ? { name: s.name, role: s.role } : null;
  };
  return events.map((e) => {
    const from = asStep(e.from_state);
    return {
      at: e.at,
      type: e.type,
      label: historyLabel(e.type, from, asStep(e.to_state)),
      path: historyPath(e.type, from, stateName(def, e.to_state)),
      actor: e.actor_username
        ? {
            fullName: e.actor_name,
            unitName: e.actor_unit_code ? (unitNames.get(e.actor_unit_code) ?? e.actor_unit_code) : null,
          }
        : null,
      delegation: e.on_behalf_of
        ? {
            text: `${e.on_behalf_of.authority} — ${e.actor_name ?? ''}${e.on_behalf_of.title ? ` (${e.on_behalf_of.title})` : ''}`,
            leaderName: e.on_behalf_of.name,
          }
        : null,
      comment: [resultNote(e.data), e.comment].filter(Boolean).join(' — ') || null,
      onTime: e.on_time,
    };
  });
}

/** What an event did to the result (design.md §10), in the history's words; null for other events. */
function resultNote(data: string | null): string | null {
  if (!data?.includes('"result"')) return null;
  try {
    const r = (
      JSON.parse(data) as { result?: { action?: string; number?: string; signer?: string; authority?: string } }
    ).result;
    if (r?.action === 'signed') return `Đã ký số kết quả (${r.authority ? `${r.authority} — ` : ''}${r.signer})`;
    if (r?.action === 'numbered') return `Vào số ${r.number}, đóng dấu số`;
    return null;
  } catch {
    return null;
  }
}

/** The flash message after an action: the same words as its history line. */
export function doneMessage(line: Pick<TimelineLine, 'label' | 'path'> | undefined, fallback: string): string {
  if (!line) return `Đã thực hiện: ${fallback}.`;
  return `Đã thực hiện: ${line.label}${line.path ? ` (${line.path})` : ''}.`;
}

/** A choice of the extension form: a working day (dd/mm/yyyy) or a time inside working hours (HH:mm). */
export interface Choice {
  value: string;
  label: string;
}

/**
 * The days the extension form offers: the next `n` working days from the day of the current due
 * time (the server's calendar, so weekends, holidays and make-up days are as the admin set them).
 */
export function extensionDays(cal: WorkCalendar, fromMs: number, n = 30): Choice[] {
  const out: Choice[] = [];
  const WEEKDAYS = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'];
  // Vietnam local date arithmetic on UTC fields shifted by +07:00.
  const start = new Date(fromMs + 7 * 3_600_000);
  for (let i = 0; out.length < n && i < 400; i++) {
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + i));
    const iso = d.toISOString().slice(0, 10);
    if (!cal.isWorkingDay(iso)) continue;
    const [y, m, day] = iso.split('-');
    const value = `${day}/${m}/${y}`;
    out.push({ value, label: `${WEEKDAYS[d.getUTCDay()]}, ${value}` });
  }
  return out;
}

/** The times the extension form offers: every half hour inside the calendar's working periods. */
export function workingTimes(cal: WorkCalendar): Choice[] {
  const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const out: Choice[] = [];
  for (const p of cal.config.periods) {
    for (let t = toMin(p.start); t <= toMin(p.end); t += 30) {
      const v = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
      out.push({ value: v, label: v });
    }
  }
  return out;
}

/**
 * The extension form's date (dd/mm/yyyy) and time (HH:mm) as the ISO time the engine takes, or
 * null when the date is not a real dd/mm/yyyy date or the time is not HH:mm.
 */
export function extensionDueAt(date: unknown, time: unknown): string | null {
  const d = typeof date === 'string' ? /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(date) : null;
  const t = typeof time === 'string' ? /^(\d{2}):(\d{2})$/.exec(time) : null;
  if (!d || !t) return null;
  const [day, month, year] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  if (Number(t[1]) > 23 || Number(t[2]) > 59) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)}T${t[1]}:${t[2]}:00+07:00`;
}

/** Who acts now, in words, for the dossier page ("Chuyên viên xử lý — UBND phường 1"). */
export function whoActs(row: DossierRow, def: ProcedureDefinition): string | null {
  const step = stepOf(def, row.state);
  if (step) return `${ROLE_LABELS[step.role]} — ${row.handling_name ?? ''}`;
  if (row.state === 'waiting_supplement' || row.state === 'result_ready')
    return `${ROLE_LABELS.intake} — ${row.receiving_name}`;
  return null;
}
