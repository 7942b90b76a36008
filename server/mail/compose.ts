import type { Knex } from 'knex';
import { render } from '../views';
import type { Mail } from './mailer';
import { dossierMailFacts } from '../queries/dossiers.queries';
import { activeStaffWithRoles } from '../queries/user-roles.queries';
import { STATUS_TEXT } from '../../workflows/status';
import { addressing } from '../../workflows/applicant';
import { citizenResultUrl } from '../../workflows/result';

type Q = Knex | Knex.Transaction;

export interface DossierMailEvent {
  code: string;
  type?: string;
  to: string;
  comment?: string | null;
  dueAt?: number | null;
  handlingUnitId?: number | null;
  actorRole?: string | null;
  stepDueAt?: number | null;
  changed?: boolean;
  /** The citizen's access key, when this event made a numbered electronic result available. */
  resultKey?: string | null;
}

export function mail(kind: string, to: string, subject: string, data: Record<string, unknown>): Mail {
  const ctx = { ...data, subject, layout: false };
  return {
    to,
    subject,
    text: render(`emails/${kind}.txt`, ctx),
    html: render('emails/layout', { subject, body: render(`emails/${kind}`, ctx), layout: false }),
  };
}

const APPLICANT: Record<string, { subject: string; intro: string; dueLabel?: string; detailLabel?: string }> = {
  RECEIVE: {
    subject: 'Đã tiếp nhận hồ sơ',
    intro: 'Cơ quan đã tiếp nhận hồ sơ của {you}.',
    dueLabel: 'Ngày hẹn trả kết quả',
  },
  REQUEST_SUPPLEMENT: {
    subject: 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
    intro: 'Hồ sơ của {you} cần được bổ sung, hoàn thiện. Thời gian chờ bổ sung không tính vào thời hạn giải quyết.',
    detailLabel: 'Nội dung cần bổ sung',
  },
  EXTEND: {
    subject: 'Thư xin lỗi và hẹn lại ngày trả kết quả',
    intro: 'Cơ quan chân thành xin lỗi vì hồ sơ của {you} chưa được giải quyết đúng hẹn.',
    dueLabel: 'Ngày hẹn trả mới',
    detailLabel: 'Lý do',
  },
  RESULT_READY: {
    subject: 'Hồ sơ đã có kết quả',
    intro: 'Hồ sơ của {you} đã có kết quả. Mời {you} đến nhận kết quả tại Bộ phận Một cửa (mang theo giấy tiếp nhận).',
  },
  REFUSE: {
    subject: 'Thông báo từ chối giải quyết hồ sơ',
    intro: 'Cơ quan rất tiếc thông báo hồ sơ của {you} không được giải quyết.',
    detailLabel: 'Lý do',
  },
};

/**
 * The mails one dossier event causes: "new work" to every user who can act on the new state, and a
 * notice to the applicant when an email was given. Built from the event's own payload.
 */
export async function dossierMails(db: Q, e: DossierMailEvent, publicUrl: string): Promise<Mail[]> {
  const d = await dossierMailFacts(db, e.code);
  if (!d) return [];
  const out: Mail[] = [];
  const url = `${publicUrl}/ho-so/${encodeURIComponent(e.code)}`;
  const kind = e.type ?? 'RECEIVE';
  const isNewWork = (kind === 'RECEIVE' || e.changed) && e.handlingUnitId && e.actorRole;
  if (isNewWork) {
    const staff = await activeStaffWithRoles(db, {
      unitIds: [e.handlingUnitId!],
      roles: [e.actorRole!],
      withEmail: true,
    });
    const step = (JSON.parse(d.definition).steps as Array<{ code: string; name: string }>).find((s) => s.code === e.to);
    const task =
      e.to === 'waiting_supplement'
        ? 'Nhận hồ sơ bổ sung khi công dân nộp'
        : e.to === 'result_ready'
          ? 'Trả kết quả cho công dân'
          : (step?.name ?? e.to);
    for (const s of staff) {
      out.push(
        mail('new-work', s.email!, `[Một Cửa] Hồ sơ ${e.code} chờ xử lý`, {
          name: s.full_name,
          code: e.code,
          procedureName: d.procedure_name,
          task,
          dueAt: e.stepDueAt ?? null,
          url,
        }),
      );
    }
  }
  const applicant = JSON.parse(d.applicant) as { type?: number; fullName: string; email?: string | null };
  // A citizen is "Ông/Bà …"; an enterprise, agency or organisation is called by its name (workflows/applicant).
  const addr = addressing(applicant);
  const notice = kind === 'FORWARD' && e.to === 'result_ready' ? 'RESULT_READY' : kind;
  const t = APPLICANT[notice];
  if (applicant.email && t) {
    out.push(
      mail('applicant', applicant.email, `[Một Cửa] ${t.subject} – ${e.code}`, {
        addressee: addr.addressee,
        intro: t.intro.replaceAll('{you}', addr.you),
        code: e.code,
        procedureName: d.procedure_name,
        unitName: d.unit_name,
        dueAt: t.dueLabel ? e.dueAt : null,
        dueLabel: t.dueLabel,
        detail: t.detailLabel ? e.comment : null,
        detailLabel: t.detailLabel,
        status: STATUS_TEXT.processing,
        lookupUrl: `${publicUrl}/tra-cuu?ma=${encodeURIComponent(e.code)}`,
        resultUrl: notice === 'RESULT_READY' && e.resultKey ? citizenResultUrl(publicUrl, e.code, e.resultKey) : null,
      }),
    );
  }
  return out;
}
