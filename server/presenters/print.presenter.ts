import QRCode from 'qrcode';
import type { Db } from '../db';
import { NotFound } from '../errors';
import { documentsOf, DossierRow, EventRow, listEvents } from '../queries/dossiers.queries';
import { unitNamesByCode } from '../queries/units.queries';
import { compiledVersion } from '../services/catalog.service';
import { getVisibleRow } from '../services/dossiers.service';
import { ANNOTATION_EVENTS, CHANNELS } from '../../workflows/labels';
import { stepOf } from '../../workflows/procedure';
import { addressing } from '../../workflows/applicant';
import { DESK, FORM_TITLES, FormNo, header, stamp, upper, when, day } from './print-format';

function applicantOf(row: DossierRow): {
  type?: number;
  fullName: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
} {
  try {
    return JSON.parse(row.applicant);
  } catch {
    return { fullName: row.applicant_name };
  }
}

function basics(row: DossierRow) {
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
): Promise<Record<string, unknown>> {
  const row = await getVisibleRow(db, user, code);
  if (!Object.prototype.hasOwnProperty.call(FORM_TITLES, form) || form === '07')
    throw new NotFound('Không có mẫu in này.');
  const formNo = form as FormNo;
  const events = await listEvents(db, row.id);
  const names = await unitNamesByCode(db, [
    ...new Set(events.map((e) => e.actor_unit_code).filter((c): c is string => !!c)),
  ]);
  const d = basics(row);
  const base = { formNo, formTitle: upper(FORM_TITLES[formNo]), title: `Mẫu ${formNo} · ${row.code}`, d };
  const ref = `Mã hồ sơ: ${row.code}`;
  const actorUnit = (e: EventRow) => (e.actor_unit_code ? (names.get(e.actor_unit_code) ?? e.actor_unit_code) : '');
  const missing = (what: string) => new NotFound(`Hồ sơ ${row.code} không có ${what}.`);

  if (formNo === '01') {
    const receive = events.find((e) => e.type === 'RECEIVE');
    const appointment = Number(dataOf(receive ?? ({} as EventRow)).dueAt ?? row.due_at);
    const { def } = await compiledVersion(db, row.procedure_version_id);
    const docs = await documentsOf(db, row.id);
    const lookupUrl = `${publicUrl.replace(/\/+$/, '')}/tra-cuu?ma=${encodeURIComponent(row.code)}`;
    return {
      ...base,
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
      header: header(formNo, unitName, e.at, false, ref),
      unitName,
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      previousDueAt: when(data.previousDueAt as number | undefined),
      newDueAt: when(data.dueAt as number | undefined),
      receivedDate: day(row.received_at),
    };
  }

  // 06: one row per event of the log, giver and receiver named by the procedure's steps.
  const { def } = await compiledVersion(db, row.procedure_version_id);
  const place = (state: string | null) => {
    if (state == null) return DESK;
    if (state === 'returned' || state === 'withdrawn') return 'Tổ chức, cá nhân';
    return stepOf(def, state)?.name ?? DESK;
  };
  const rows = events
    .filter((e) => !ANNOTATION_EVENTS.includes(e.type))
    .map((e, i) => ({
      n: i + 1,
      from: place(e.from_state),
      to: place(e.to_state),
      by: e.actor_name ?? '',
      byUnit: actorUnit(e),
      at: stamp(e.at),
      result: e.on_time == null ? '' : e.on_time ? 'Đúng hạn' : 'Quá hạn',
      note: e.comment ?? '',
    }));
  return { ...base, header: header(formNo, row.receiving_name, row.received_at, true, ref), rows };
}
