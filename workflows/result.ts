/**
 * Pure rules of a dossier's result (design.md §10, Decree 30/2020): its number, the place-and-date
 * line, and the signing authority and title an issuing unit's documents carry. No I/O.
 */
import type { ProcedureDefinition, ProcedureStep } from './procedure';
import { vnDate } from './calendar';

/** The number of a result: `NN/KIND-SYMBOL`, at least two digits, from 01 each year. */
export function resultNumber(seq: number, kind: string, symbol: string): string {
  return `${String(seq).padStart(2, '0')}/${kind}-${symbol}`;
}

/** The local (Asia/Ho_Chi_Minh) year of a moment: numbering restarts at 01 on 1 January local time. */
export function localYear(ms: number): number {
  return Number(vnDate(new Date(ms)).slice(0, 4));
}

/** The counter scope of a unit's results in a year. */
export function resultSequenceScope(unitId: number, year: number): string {
  return `result:${unitId}:${year}`;
}

const PREFIXES = [
  /^(ủy|uỷ) ban nhân dân\s+/i,
  /^ubnd\s+/i,
  /^(sở|phòng|ban|văn phòng)\s+.*?\s+(?=(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s)/i,
  /^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+/i,
];

/**
 * The place name of the date line ("Tân Thành, ngày 01 tháng 12 năm 2026"): the locality of the
 * issuing unit's name, without "UBND", "xã", "Sở … tỉnh" and the like.
 */
export function placeOf(unitName: string): string {
  let name = unitName.trim();
  for (const p of PREFIXES) name = name.replace(p, '');
  // A second pass: "UBND xã Tân Thành" → "xã Tân Thành" → "Tân Thành".
  name = name.replace(PREFIXES[3], '');
  return name || unitName.trim();
}

/** "Tân Thành, ngày 01 tháng 12 năm 2026" (Decree 30: day and month below 10 get a leading zero). */
export function dateLine(place: string, ms: number): string {
  const [y, m, d] = vnDate(new Date(ms)).split('-');
  return `${place}, ngày ${d} tháng ${m} năm ${y}`;
}

/**
 * Who signs for an issuing unit and under what title (Decree 30, Appendix I): a People's Committee
 * signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; a department "GIÁM ĐỐC"; any other unit "THỦ TRƯỞNG".
 */
export function signingAuthority(unitName: string): { authority: string | null; title: string } {
  const n = unitName.trim().toLocaleLowerCase('vi');
  if (/^(ubnd|(ủy|uỷ) ban nhân dân)\b/.test(n)) return { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH' };
  if (n.startsWith('sở ')) return { authority: null, title: 'GIÁM ĐỐC' };
  if (n.startsWith('phòng ')) return { authority: null, title: 'TRƯỞNG PHÒNG' };
  return { authority: null, title: 'THỦ TRƯỞNG CƠ QUAN' };
}

/** The step at which the leader signs the result, and the one at which the clerk numbers it. */
export function resultSteps(def: ProcedureDefinition): { signs: ProcedureStep; numbers: ProcedureStep } | null {
  if (!def.result) return null;
  const signs = def.steps.find((s) => s.signs);
  const numbers = def.steps.find((s) => s.numbers);
  return signs && numbers ? { signs, numbers } : null;
}

/**
 * Where a dossier in `state` stands with its result: before the signing step (the draft may be put
 * or replaced), at or after it.
 */
export function draftOpen(def: ProcedureDefinition, state: string): boolean {
  const steps = resultSteps(def);
  if (!steps) return false;
  const at = def.steps.findIndex((s) => s.code === state);
  const sign = def.steps.findIndex((s) => s.code === steps.signs.code);
  return at >= 0 && at <= sign;
}

/**
 * The citizen's private link to the electronic result (contract §2): the dossier code and its
 * access key. Printed on form 01 and sent in the result mail.
 */
export function citizenResultUrl(publicUrl: string, code: string, key: string): string {
  return `${publicUrl}/tra-cuu/ket-qua?ma=${encodeURIComponent(code)}&khoa=${encodeURIComponent(key)}`;
}

/** The public verification page of a numbered result, by the SHA-256 its QR carries. */
export function verificationUrl(publicUrl: string, sha256: string): string {
  return `${publicUrl}/xac-thuc/${sha256}`;
}
