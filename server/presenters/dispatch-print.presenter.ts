import type { Db } from '../db';
import { lastDispatchActor, type DispatchRow } from '../queries/dispatches.queries';
import { findUnitById, unitLabelsByIds } from '../queries/units.queries';
import { issuerAtIssue } from '../queries/unit-merge.queries';
import { upper } from './print-format';
import { dayText } from './dispatch-pages.presenter';
import { dateLine, placeOf, signingAuthority } from '../../workflows/result';

/**
 * The printable công văn (Decree 30/2020/NĐ-CP, Appendix I): the agency block (the parent body above
 * the issuing unit, upper case), "Số: NN/SYMBOL", "V/v …", the national motto, the place and date,
 * "Kính gửi:", the body, "Nơi nhận:" and the approver's signature block. One model for the HTML
 * page and the PDF.
 */
export interface CongVanView {
  id: number;
  draft: boolean;
  agencyTop: string | null;
  agency: string;
  number: string;
  about: string;
  placeDate: string;
  addressees: string[];
  paragraphs: string[];
  closing: string;
  recipients: string[];
  sign: { titles: string[]; name: string | null };
}

/** The parent body of a unit (its name), or null for a unit at the top. */
export async function parentNameOf(db: Db, unitId: number): Promise<string | null> {
  const unit = await findUnitById(db, unitId);
  const parent = unit?.parentId ? await findUnitById(db, unit.parentId) : null;
  return parent?.name ?? null;
}

/** The dispatch under the unit that issued it (a merge may since have moved it to a successor: design.md §13). */
async function asIssued(db: Db, d: DispatchRow): Promise<DispatchRow> {
  if (d.issued_at == null) return d;
  const id = await issuerAtIssue(db, d.id, d.issuing_unit_id, d.issued_at);
  const unit = id === d.issuing_unit_id ? null : await findUnitById(db, id);
  if (!unit) return d;
  return {
    ...d,
    issuing_unit_id: unit.id,
    issuing_code: unit.code,
    issuing_name: unit.name,
    issuing_symbol: unit.symbol,
  };
}

/** The công văn of a dispatch already seen by this user (the caller checked visibility). */
export async function congVanModel(db: Db, seen: DispatchRow, now = Date.now()): Promise<CongVanView> {
  const d = await asIssued(db, seen);
  const parent = await parentNameOf(db, d.issuing_unit_id);
  const units = await unitLabelsByIds(db, JSON.parse(d.recipients) as number[]);
  const approver = await lastDispatchActor(db, d.id, 'APPROVE');
  const { authority, title } = signingAuthority(d.issuing_name);
  const due = dayText(d.due_date);
  const silence = d.silence_means_agreement
    ? ' Quá thời hạn trên, đơn vị không có ý kiến bằng văn bản được xem như thống nhất với nội dung xin ý kiến.'
    : '';
  return {
    id: d.id,
    draft: d.number == null,
    agencyTop: parent ? upper(parent) : null,
    agency: upper(d.issuing_name),
    // Before the clerk numbers it, the number is left blank for the register (Decree 30).
    number: d.number ? `Số: ${d.number}` : `Số:       /${d.issuing_symbol ?? ''}`,
    about: `V/v ${d.title.replace(/^V\/v\s+/i, '')}`,
    placeDate: dateLine(placeOf(d.issuing_name), d.issued_at ?? now),
    // A long list goes once, under "Nơi nhận:"; "Kính gửi:" then points to it.
    addressees: units.length > 5 ? ['Các đơn vị có tên tại phần “Nơi nhận”'] : units.map((u) => u.name),
    paragraphs: d.summary
      .split(/\n\s*\n|\r?\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    closing: `Đề nghị các đơn vị gửi ý kiến về ${d.issuing_name} trước ngày ${due}.${silence}/.`,
    recipients: [...units.map((u) => u.name), 'Lưu: VT'],
    sign: {
      titles: [authority, title].filter((t): t is string => !!t),
      name: approver?.name ?? null,
    },
  };
}
