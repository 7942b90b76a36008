import type { Knex } from 'knex';
import type { Mail } from './mailer';
import { mail } from './compose';
import { findDispatch, repliesOf } from '../queries/dispatches.queries';
import { findUnitById } from '../queries/units.queries';
import { activeStaffWithRoles, activeUserWithEmail, StaffRow } from '../queries/user-roles.queries';
import { isOpenReplyState } from '../../workflows/dispatch';

type Q = Knex | Knex.Transaction;

interface Payload {
  dispatchId: number;
  replyUnitId?: number;
  type?: string;
  comment?: string | null;
  assigneeId?: number | null;
  automatic?: boolean;
  /** Who sent the event (a person's full name; older rows have none). */
  actorName?: string | null;
}

const people = (db: Q, unitIds: number[], roles: string[]) =>
  activeStaffWithRoles(db, { unitIds, roles, withEmail: true });

const byId = async (db: Q, id: number | null | undefined) => (id ? activeUserWithEmail(db, id) : []);

/** The mails of one dispatch event or reminder, built when the outbox row is expanded. */
export async function dispatchMails(db: Q, kind: string, p: Payload, publicUrl: string): Promise<Mail[]> {
  const d = await findDispatch(db, p.dispatchId);
  if (!d) return [];
  const url = `${publicUrl}/cong-van/${d.id}`;
  const base = [
    `Trích yếu: ${d.title}`,
    `Đơn vị soạn: ${d.issuing_name}`,
    ...(d.creator_name ? [`Người soạn: ${d.creator_name}`] : []),
    ...(d.number ? [`Số: ${d.number}`] : []),
    `Hạn trả lời: ${d.due_date.split('-').reverse().join('/')}`,
  ];
  const build = (to: StaffRow[], subject: string, intro: string, comment?: string | null) =>
    to.map((u) =>
      mail('notice', u.email!, `[Một Cửa] ${subject}`, {
        name: u.full_name,
        intro,
        lines: base,
        comment: comment ?? null,
        url,
      }),
    );
  const replyUnit = p.replyUnitId ? await findUnitById(db, p.replyUnitId) : null;
  // People are named by their full name in every message, never by their username.
  const by = (fallback: string) => p.actorName ?? fallback;

  if (kind === 'dispatch.remind') {
    const open = (await repliesOf(db, d.id)).filter((r) => isOpenReplyState(r.state));
    const out: Mail[] = [];
    for (const r of open) {
      const to = r.assignee_id
        ? await byId(db, r.assignee_id)
        : await people(db, [r.unit_id], ['head', 'leader', 'clerk']);
      out.push(
        ...build(
          to,
          `Nhắc trả lời công văn ${d.number ?? ''}`.trim(),
          p.automatic
            ? 'Công văn xin ý kiến sắp đến hạn trả lời (còn một ngày làm việc). Đề nghị đơn vị gửi ý kiến đúng hạn.'
            : 'Đơn vị soạn thảo nhắc đơn vị gửi ý kiến đối với công văn sau.',
        ),
      );
    }
    return out;
  }
  switch (p.type) {
    case 'SUBMIT':
      if (replyUnit)
        return build(
          await people(db, [p.replyUnitId!], ['head', 'leader']),
          `Dự thảo ý kiến chờ duyệt – ${d.number}`,
          `Chuyên viên ${by('được giao')} đã soạn ý kiến của ${replyUnit.name}, chờ lãnh đạo duyệt.`,
        );
      return build(
        await people(db, [d.issuing_unit_id], ['head', 'leader']),
        'Dự thảo công văn xin ý kiến chờ duyệt',
        `${by('Chuyên viên')} đã trình dự thảo công văn xin ý kiến, chờ anh/chị duyệt.`,
      );
    case 'APPROVE':
      if (replyUnit)
        return build(
          await byId(db, d.created_by),
          `${replyUnit.name} đã trả lời công văn ${d.number}`,
          `${replyUnit.name} đã gửi ý kiến${p.actorName ? ` (${p.actorName} duyệt)` : ''}.`,
        );
      return build(
        await people(db, [d.issuing_unit_id], ['clerk']),
        'Công văn đã duyệt, chờ ban hành',
        `Công văn xin ý kiến đã được ${by('lãnh đạo')} duyệt, đề nghị văn thư vào số, ban hành.`,
      );
    case 'REJECT':
      return build(
        await byId(db, d.created_by),
        'Dự thảo công văn bị trả lại',
        `${by('Lãnh đạo')} đã trả lại dự thảo công văn.`,
        p.comment,
      );
    case 'ISSUE':
      return build(
        await people(db, JSON.parse(d.recipients), ['head', 'leader', 'clerk']),
        `Công văn xin ý kiến số ${d.number}`,
        `${d.issuing_name} xin ý kiến của đơn vị về nội dung sau.`,
      );
    case 'ASSIGN':
      return build(
        await byId(db, p.assigneeId),
        `Được giao trả lời công văn ${d.number}`,
        `${by('Lãnh đạo đơn vị')} giao anh/chị soạn ý kiến trả lời công văn sau.`,
      );
    case 'RETURN':
      return build(
        await byId(db, p.assigneeId),
        `Ý kiến trả lời bị trả lại – ${d.number}`,
        `${by('Lãnh đạo')} đã trả lại dự thảo ý kiến trả lời.`,
        p.comment,
      );
    case 'DECLINE':
      if (!replyUnit) return [];
      return build(
        await byId(db, d.created_by),
        `${replyUnit.name} từ chối xin ý kiến – ${d.number}`,
        `${replyUnit.name} cho biết công văn không thuộc chức năng của đơn vị (${by('lãnh đạo đơn vị')}); đơn vị không được tính là đã trả lời.`,
        p.comment,
      );
    default:
      return [];
  }
}
