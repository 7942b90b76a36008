import type QRCodeType from 'qrcode';
import { lazyModule } from '../lazy';
import type { Db } from '../db';
import { NotFound } from '../errors';
import { documentsOf, DossierRow, EventRow, listEvents } from '../queries/dossiers.queries';
import { unitNamesByCode } from '../queries/units.queries';
import { compiledVersion } from '../services/catalog.service';
import { getVisibleRow } from '../services/dossiers.service';
import { ANNOTATION_EVENTS, CHANNELS } from '../../workflows/labels';
import { stepOf } from '../../workflows/procedure';
import { addressing, Addressing } from '../../workflows/applicant';
import { DESK, FORM_TITLES, FormNo, header, PrintHeader, stamp, upper, when, day } from './print-format';
import { citizenResultUrl } from './result-link';

/** Loaded on the first QR code drawn (issue 17: memory). */
const QRCode = lazyModule<typeof QRCodeType>('qrcode', 'default');

export interface PrintApplicant {
  type?: number;
  fullName: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

function applicantOf(row: DossierRow): PrintApplicant {
  try {
    return JSON.parse(row.applicant);
  } catch {
    return { fullName: row.applicant_name };
  }
}

export interface PrintBasics {
  code: string;
  procedureName: string;
  applicant: PrintApplicant;
  addr: Addressing;
  receivingName: string;
  competentName: string;
  receivedAt: string;
  dueAt: string;
}

function basics(row: DossierRow): PrintBasics {
  return {
    code: row.code,
    procedureName: row.procedure_name,
    applicant: applicantOf(row),
    // "Ông/Bà Nguyễn Văn A" for a citizen; an organisation by its own name ("Kính gửi: Công ty TNHH ABC").
    addr: addressing(applicantOf(row)),
    receivingName: row.receiving_name,
    competentName: row.competent_name,
    receivedAt: when(row.received_at),
    dueAt: when(row.due_at),
  };
}

interface FormBase {
  formTitle: string;
  title: string;
  d: PrintBasics;
  header: PrintHeader;
}
export interface Form01View extends FormBase {
  formNo: '01';
  documents: Array<{ n: number; name: string; required: boolean; received: boolean }>;
  totalDays: string;
  fee: string;
  appointment: string;
  channel: string;
  officer: string;
  note: string | null;
  lookupUrl: string;
  /** PNG data URL of the lookup QR (HTML). */
  qr: string;
  /** The citizen's private link to the electronic result (contract §2); null for a dossier without a key. */
  resultUrl: string | null;
  resultQr: string | null;
}
export interface Form02View extends FormBase {
  formNo: '02';
  reason: string;
  actor: string;
  actorUnit: string;
  at: string;
  nth: number;
  repeated: boolean;
}
export interface Form03View extends FormBase {
  formNo: '03';
  reason: string;
  actor: string;
  actorUnit: string;
  at: string;
}
export interface Form04View extends FormBase {
  formNo: '04';
  unitName: string;
  reason: string;
  actor: string;
  previousDueAt: string;
  newDueAt: string;
  receivedDate: string;
}
export interface ControlRow {
  n: number;
  from: string;
  to: string;
  by: string;
  byUnit: string;
  at: string;
  result: string;
  note: string;
}
export interface Form06View extends FormBase {
  formNo: '06';
  rows: ControlRow[];
}
export type PrintFormView = Form01View | Form02View | Form03View | Form04View | Form06View;

const dataOf = (e: EventRow): Record<string, unknown> => {
  try {
    return e.data ? JSON.parse(e.data) : {};
  } catch {
    return {};
  }
};

/**
 * Everything one printed form needs, for a dossier the user may see. 404 for a dossier out of sight,
 * an unknown form number, or a form the dossier has no event for (02 supplement request, 03 refusal,
 * 04 extension); `lan` picks the Nth supplement request (default: the latest).
 */
export async function printForm(
  db: Db,
  publicUrl: string,
  user: Express.User,
  code: string,
  form: string,
  lan?: unknown,
): Promise<PrintFormView> {
  const row = await getVisibleRow(db, user, code);
  if (!Object.prototype.hasOwnProperty.call(FORM_TITLES, form) || form === '07')
    throw new NotFound('Không có mẫu in này.');
  const formNo = form as FormNo;
  const events = await listEvents(db, row.id);
  const names = await unitNamesByCode(db, [
    ...new Set(events.map((e) => e.actor_unit_code).filter((c): c is string => !!c)),
  ]);
  const d = basics(row);
  const base = { formTitle: upper(FORM_TITLES[formNo]), title: `Mẫu ${formNo} · ${row.code}`, d };
  const ref = `Mã hồ sơ: ${row.code}`;
  const actorUnit = (e: EventRow) => (e.actor_unit_code ? (names.get(e.actor_unit_code) ?? e.actor_unit_code) : '');
  const missing = (what: string) => new NotFound(`Hồ sơ ${row.code} không có ${what}.`);

  if (formNo === '01') {
    const receive = events.find((e) => e.type === 'RECEIVE');
    const appointment = Number(dataOf(receive ?? ({} as EventRow)).dueAt ?? row.due_at);
    const { def } = await compiledVersion(db, row.procedure_version_id);
    const docs = await documentsOf(db, row.id);
    const site = publicUrl.replace(/\/+$/, '');
    const lookupUrl = `${site}/tra-cuu?ma=${encodeURIComponent(row.code)}`;
    const resultUrl = row.access_key ? citizenResultUrl(site, row.code, row.access_key) : null;
    return {
      ...base,
      formNo,
      header: header(formNo, row.receiving_name, row.received_at, true, ref),
      documents: docs.map((x, i) => ({ n: i + 1, name: x.name, required: x.required, received: x.received })),
      totalDays: def.totalDays.toLocaleString('vi-VN'),
      fee: def.fee ? `${def.fee.toLocaleString('vi-VN')} đồng` : 'Không',
      appointment: when(appointment),
      channel: CHANNELS[row.channel as 1 | 2 | 3] ?? '',
      officer: receive?.actor_name ?? '',
      note: row.note,
      lookupUrl,
      qr: await QRCode.toDataURL(lookupUrl, { margin: 1, width: 200, errorCorrectionLevel: 'M' }),
      resultUrl,
      resultQr: resultUrl
        ? await QRCode.toDataURL(resultUrl, { margin: 1, width: 200, errorCorrectionLevel: 'M' })
        : null,
    };
  }

  if (formNo === '02') {
    const asks = events.filter((e) => e.type === 'REQUEST_SUPPLEMENT');
    if (!asks.length) throw missing('yêu cầu bổ sung hồ sơ');
    let nth = asks.length;
    if (lan !== undefined) {
      nth = /^\d{1,4}$/.test(String(lan)) ? Number(lan) : 0;
      if (nth < 1 || nth > asks.length) throw missing(`lần yêu cầu bổ sung thứ ${String(lan)}`);
    }
    const e = asks[nth - 1];
    return {
      ...base,
      formNo,
      header: header(formNo, row.receiving_name, e.at, true, ref),
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      actorUnit: actorUnit(e),
      at: when(e.at),
      nth,
      repeated: nth >= 2,
    };
  }

  if (formNo === '03') {
    const e = [...events].reverse().find((x) => x.type === 'REFUSE');
    if (!e) throw missing('quyết định từ chối');
    return {
      ...base,
      formNo,
      header: header(formNo, row.receiving_name, e.at, true, ref),
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      actorUnit: actorUnit(e),
      at: when(e.at),
    };
  }

  if (formNo === '04') {
    const e = [...events].reverse().find((x) => x.type === 'EXTEND');
    if (!e) throw missing('văn bản gia hạn');
    const data = dataOf(e);
    const unitName = actorUnit(e) || row.competent_name;
    return {
      ...base,
      formNo,
      header: header(formNo, unitName, e.at, false, ref),
      unitName,
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      previousDueAt: when(data.previousDueAt as number | undefined),
      newDueAt: when(data.dueAt as number | undefined),
      receivedDate: day(row.received_at),
    };
  }

  // 06: one row per hand-off of the log, giver and receiver named by the procedure's steps; the
  // result's drafting (an annotation), signing and numbering go into the notes.
  const { def } = await compiledVersion(db, row.procedure_version_id);
  const place = (state: string | null) => {
    if (state == null) return DESK;
    if (state === 'returned' || state === 'withdrawn') return 'Tổ chức, cá nhân';
    return stepOf(def, state)?.name ?? DESK;
  };
  const rows: Array<ControlRow & { notes: string[] }> = [];
  let pending: string[] = [];
  for (const e of events) {
    const said = resultNote(dataOf(e));
    if (ANNOTATION_EVENTS.includes(e.type)) {
      // A draft attached at a step: noted on the hand-off that brought the dossier there.
      if (said) (rows.length ? rows[rows.length - 1].notes : pending).push(said);
      continue;
    }
    const notes = [e.comment ?? '', ...pending, said ?? ''].filter(Boolean);
    pending = [];
    rows.push({
      n: rows.length + 1,
      from: place(e.from_state),
      to: place(e.to_state),
      by: e.actor_name ?? '',
      byUnit: actorUnit(e),
      at: stamp(e.at),
      result: e.on_time == null ? '' : e.on_time ? 'Đúng hạn' : 'Quá hạn',
      note: '',
      notes,
    });
  }
  return {
    ...base,
    formNo: '06',
    header: header(formNo, row.receiving_name, row.received_at, true, ref),
    rows: rows.map(({ notes, ...r }) => ({ ...r, note: notes.join('; ') })),
  };
}

/**
 * What an event's `data.result` says about the dossier's result, for the control sheet (06):
 * drafted (upload or template), signed (by whom), numbered (the number and the seal).
 */
export function resultNote(data: Record<string, unknown>): string | null {
  const r = data.result as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') return null;
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  switch (r.action) {
    case 'drafted':
      return r.source === 'template' ? 'Đã tạo dự thảo kết quả từ mẫu' : 'Đã đính kèm dự thảo kết quả (tệp tải lên)';
    case 'signed': {
      const who = text(r.signer);
      const title = text(r.title);
      return who ? `Đã ký số: ${who}${title ? ` (${title})` : ''}` : 'Đã ký số';
    }
    case 'numbered': {
      const number = text(r.number);
      return number ? `Vào số ${number}, đóng dấu` : 'Vào số, đóng dấu';
    }
    default:
      return null;
  }
}
