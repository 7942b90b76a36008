import type { Db } from '../db';
import { NotFound } from '../errors';
import { findPublicDossier, stateChangesOf } from '../queries/dossiers.queries';
import { deskOfDossier, dossierCodeIgnoringCase, lastSupplementRequest } from '../queries/public-lookup.queries';
import { toVnIso } from '../../workflows/calendar';
import { PublicStatus, STATUS_TEXT, statusOfState } from '../../workflows/status';

/** "Nguyễn Văn An" → "Nguyễn V. A.": the family name whole, the other names as initials. */
export function maskName(fullName: string): string {
  const parts = fullName.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '';
  const [first, ...rest] = parts;
  return [first, ...rest.map((p) => `${Array.from(p)[0].toUpperCase()}.`)].join(' ');
}

const iso = (ms: number | null) => (ms == null ? null : toVnIso(new Date(ms)));

/** A code as a citizen types it: no spaces anywhere (codes never hold one), case kept. */
export function normaliseCode(typed: string): string {
  return typed.replace(/\s+/g, '');
}

/**
 * The code is matched ignoring case and spaces (contract.md §2). Codes are stored as issued: ours are
 * upper case (`000.01.01.H05-…`), so the indexed lookups come first; a national portal's code may mix
 * cases, which the folded search column finds.
 */
async function findByTypedCode(db: Db, typed: string) {
  const code = normaliseCode(typed);
  for (const c of new Set([code, code.toUpperCase()])) {
    const row = await findPublicDossier(db, c);
    if (row) return row;
  }
  const stored = await dossierCodeIgnoringCase(db, code);
  return stored ? findPublicDossier(db, stored) : null;
}

/**
 * What a citizen may see of a dossier by its code, and nothing more (contract.md §2): no id number,
 * phone, address, comments, files or staff names.
 */
export async function publicDossier(db: Db, code: string) {
  const row = await findByTypedCode(db, code);
  if (!row) throw new NotFound('Không tìm thấy hồ sơ với mã này. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.');
  const status = row.status as PublicStatus;
  return {
    id: row.id,
    body: {
      code: row.code,
      procedureName: row.procedure_name,
      receivingUnitName: row.unit_name,
      status,
      statusText: STATUS_TEXT[status],
      receivedAt: iso(row.received_at),
      dueAt: iso(row.due_at),
      completedAt: iso(row.completed_at),
      applicantName: maskName(row.applicant_name),
    },
  };
}

/** The public timeline: only the moments the public status changed, with no names or comments. */
export async function publicTimeline(db: Db, dossierId: number): Promise<Array<{ at: string; statusText: string }>> {
  const events = await stateChangesOf(db, dossierId);
  const out: Array<{ at: string; statusText: string }> = [];
  let last: PublicStatus | null = null;
  for (const e of events) {
    const s = statusOfState(e.to_state);
    if (s === last) continue;
    last = s;
    out.push({
      at: iso(e.at)!,
      statusText: s === 'processing' && out.length === 0 ? 'Đã tiếp nhận, đang xử lý' : STATUS_TEXT[s],
    });
  }
  return out;
}

/**
 * What the citizen needs to act on, for the HTML page only (the JSON lookup keeps its nine keys):
 * while waiting for a supplement, what was asked for (form 02's text) and when; always the desk's
 * address and phone. No staff name and no internal comment: only the request the citizen was given.
 */
export async function publicGuidance(db: Db, dossierId: number, status: PublicStatus) {
  const desk = await deskOfDossier(db, dossierId);
  const ask = status === 'waiting_supplement' ? await lastSupplementRequest(db, dossierId) : null;
  return {
    desk,
    supplement: ask ? { text: ask.text, at: iso(ask.at)! } : null,
  };
}
