/**
 * Absence delegation (glossary "Ủy quyền khi vắng mặt"): a leader names a deputy who acts at the
 * leader's steps from one date to another, and signs as Decree 30/2020 (Appendix I) prescribes:
 * "KT." (ký thay: a deputy signs for the head) or "TUQ." (thừa ủy quyền). Pure rules and words, no I/O.
 */
import { formatVnDate, vnStartOfDay } from './calendar';
import { signingAuthority } from './result';

export const DELEGATION_KINDS = ['KT', 'TUQ'] as const;
export type DelegationKind = (typeof DELEGATION_KINDS)[number];

export const DELEGATION_KIND_LABELS: Record<DelegationKind, string> = {
  KT: 'Ký thay (KT.)',
  TUQ: 'Thừa ủy quyền (TUQ.)',
};

/** The head's title as the signature block prints it (upper case) → as a sentence writes it. */
const TITLE_WORDS: Record<string, string> = {
  'CHỦ TỊCH': 'Chủ tịch',
  'GIÁM ĐỐC': 'Giám đốc',
  'TRƯỞNG PHÒNG': 'Trưởng phòng',
  'THỦ TRƯỞNG CƠ QUAN': 'Thủ trưởng cơ quan',
};

const titleWord = (upper: string): string =>
  TITLE_WORDS[upper] ?? upper.toLocaleLowerCase('vi').replace(/^\p{L}/u, (c) => c.toLocaleUpperCase('vi'));

/**
 * The words of a signature by delegation: the authority line ("KT. Chủ tịch") and the deputy's own
 * title under it ("Phó Chủ tịch" by default for KT.; for TUQ. only what the leader typed).
 */
export function delegationWords(
  kind: DelegationKind,
  leaderTitle: string,
  deputyTitle: string | null,
): { authority: string; title: string | null } {
  const word = titleWord(leaderTitle);
  const own = deputyTitle?.trim() || null;
  return { authority: `${kind}. ${word}`, title: own ?? (kind === 'KT' ? `Phó ${word}` : null) };
}

/**
 * The words of an act by a delegation of a unit's head: the title the unit's head signs with
 * (workflows/result) and the delegation's kind: "KT. Chủ tịch", "Phó Chủ tịch".
 */
export const delegationWordsOf = (d: {
  kind: DelegationKind;
  unitName: string;
  deputyTitle: string | null;
}): { authority: string; title: string | null } =>
  delegationWords(d.kind, signingAuthority(d.unitName).title, d.deputyTitle);

/** Upper case as the signature block prints it ("KT. CHỦ TỊCH"). */
export const upperVi = (s: string): string => s.toLocaleUpperCase('vi');

/** A delegation's period (Vietnam dates 'YYYY-MM-DD', both inclusive) covers `day`. */
export const coversDay = (d: { fromDate: string; toDate: string }, day: string): boolean =>
  d.fromDate <= day && day <= d.toDate;

/** Two periods share at least one day. */
export const periodsOverlap = (
  a: { fromDate: string; toDate: string },
  b: { fromDate: string; toDate: string },
): boolean => a.fromDate <= b.toDate && b.fromDate <= a.toDate;

/** 'YYYY-MM-DD' → 'dd/mm/yyyy'. */
export const vnDay = (day: string): string => formatVnDate(vnStartOfDay(day));

/** Where a delegation stands on `today`: its status word for lists. */
export function delegationStatus(
  d: { fromDate: string; toDate: string; revokedAt: number | null },
  today: string,
): { code: 'revoked' | 'upcoming' | 'active' | 'ended'; label: string } {
  if (d.revokedAt != null) return { code: 'revoked', label: 'Đã thu hồi' };
  if (today < d.fromDate) return { code: 'upcoming', label: 'Chưa đến hạn' };
  if (today > d.toDate) return { code: 'ended', label: 'Đã hết hạn' };
  return { code: 'active', label: 'Đang hiệu lực' };
}

/** The fields a new delegation is checked on, already parsed. */
export interface DelegationDraft {
  fromDate: string;
  toDate: string;
}

/**
 * The field errors of a new delegation's period (Vietnamese), or an empty object: the period is in
 * order and not over, and no live delegation of this leader shares a day with it (who the deputy may
 * be is the delegation policy's).
 */
export function delegationProblems(
  draft: DelegationDraft,
  today: string,
  others: Array<{ fromDate: string; toDate: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (draft.toDate < draft.fromDate) out.toDate = 'Ngày kết thúc phải từ ngày bắt đầu trở đi';
  else if (draft.toDate < today) out.toDate = 'Thời gian ủy quyền đã qua';
  else {
    const clash = others.find((o) => periodsOverlap(o, draft));
    if (clash)
      out.fromDate = `Trùng thời gian với ủy quyền khác từ ${vnDay(clash.fromDate)} đến ${vnDay(clash.toDate)}`;
  }
  return out;
}
