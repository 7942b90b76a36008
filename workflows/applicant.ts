/**
 * How forms, print views and mails address an applicant: a citizen is "Ông/Bà Nguyễn Văn A", an
 * organisation is called by its own name ("Công ty TNHH ABC") and spoken to as "Quý doanh nghiệp",
 * "Quý cơ quan" or "Quý tổ chức". Types are the national portal's LoaiDoiTuong.
 */
export const APPLICANT_TYPE_LABELS: Record<1 | 2 | 3 | 4, string> = {
  1: 'Công dân',
  2: 'Doanh nghiệp',
  3: 'Cơ quan nhà nước',
  4: 'Tổ chức khác',
};

const YOU: Record<1 | 2 | 3 | 4, string> = { 1: 'Ông/Bà', 2: 'Quý doanh nghiệp', 3: 'Quý cơ quan', 4: 'Quý tổ chức' };

export interface Addressing {
  /** 1 citizen, 2 enterprise, 3 state agency, 4 other organisation. */
  type: 1 | 2 | 3 | 4;
  typeLabel: string;
  /** After "Kính gửi:", or on the receipt: "Ông/Bà Nguyễn Văn A" or "Công ty TNHH ABC". */
  addressee: string;
  /** Inside a sentence ("hồ sơ của Ông/Bà", "hồ sơ của Quý doanh nghiệp"). */
  you: string;
  /** The label in front of the name on a form: "Ông/Bà" or "Tổ chức". */
  nameLabel: string;
  isCitizen: boolean;
}

export function applicantType(v: unknown): 1 | 2 | 3 | 4 {
  const n = Number(v);
  return n === 2 || n === 3 || n === 4 ? n : 1;
}

export function addressing(applicant: { type?: unknown; fullName?: unknown } | null | undefined): Addressing {
  const type = applicantType(applicant?.type);
  const name = String(applicant?.fullName ?? '').trim();
  const isCitizen = type === 1;
  return {
    type,
    typeLabel: APPLICANT_TYPE_LABELS[type],
    addressee: isCitizen ? `Ông/Bà ${name}` : name,
    you: YOU[type],
    nameLabel: isCitizen ? 'Ông/Bà' : 'Tổ chức',
    isCitizen,
  };
}
