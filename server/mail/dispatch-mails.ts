import type { Knex } from 'knex';
import type { Mail } from './mailer';
import { mail } from './compose';
import { OPEN_REPLY_STATES } from '../../workflows/dispatch';

type Q = Knex | Knex.Transaction;

interface Payload {
  dispatchId: number;
  replyUnitId?: number;
  type?: string;
  comment?: string | null;
  assigneeId?: number | null;
  automatic?: boolean;
}

async function people(db: Q, unitIds: number[], roles: string[]) {
  if (!unitIds.length) return [];
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .whereIn('u.unit_id', unitIds)
    .whereIn('r.role', roles)
    .where('u.active', true)
    .whereNotNull('u.email')
    .distinct('u.id', 'u.full_name', 'u.email');
}

async function byId(db: Q, id: number | null | undefined) {
  if (!id) return [];
  return db('users').where({ id, active: true }).whereNotNull('email').select('id', 'full_name', 'email');
}

/** The mails of one dispatch event or reminder, built when the outbox row is expanded. */
export async function dispatchMails(db: Q, kind: string, p: Payload, publicUrl: string): Promise<Mail[]> {
  const d = await db('dispatches as d')
    .join('units as u', 'u.id', 'd.issuing_unit_id')
    .where('d.id', p.dispatchId)
    .first('d.*', 'u.name as unit_name');
  if (!d) return [];
  const url = `${publicUrl}/cong-van/${d.id}`;
  const base = [
    `Trích yếu: ${d.title}`,
    `Đơn vị soạn: ${d.unit_name}`,
    ...(d.number ? [`Số: ${d.number}`] : []),
    `Hạn trả lời: ${d.due_date.split('-').reverse().join('/')}`,
  ];
  const build = (
    to: Array<{ full_name: string; email: string }>,
    subject: string,
    intro: string,
    comment?: string | null,
  ) =>
    to.map((u) =>
      mail('notice', u.email, `[Một Cửa] ${subject}`, {
        name: u.full_name,
        intro,
        lines: base,
        comment: comment ?? null,
        url,
      }),
    );
  const replyUnit = p.replyUnitId ? await db('units').where({ id: p.replyUnitId }).first('name') : null;

  if (kind === 'dispatch.remind') {
    const open = await db('dispatch_replies')
      .where({ dispatch_id: d.id })
      .whereIn('state', [...OPEN_REPLY_STATES])
      .select('unit_id', 'assignee_id');
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
          `Chuyên viên đã soạn ý kiến của ${replyUnit.name}, chờ lãnh đạo duyệt.`,
        );
      return build(
        await people(db, [d.issuing_unit_id], ['head', 'leader']),
        'Dự thảo công văn xin ý kiến chờ duyệt',
        'Có dự thảo công văn xin ý kiến chờ anh/chị duyệt.',
      );
    case 'APPROVE':
      if (replyUnit)
        return build(
          await byId(db, d.created_by),
          `${replyUnit.name} đã trả lời công văn ${d.number}`,
          `${replyUnit.name} đã gửi ý kiến.`,
        );
      return build(
        await people(db, [d.issuing_unit_id], ['clerk']),
        'Công văn đã duyệt, chờ ban hành',
        'Công văn xin ý kiến đã được duyệt, đề nghị văn thư vào số, ban hành.',
      );
    case 'REJECT':
      return build(
        await byId(db, d.created_by),
        'Dự thảo công văn bị trả lại',
        'Lãnh đạo đã trả lại dự thảo công văn.',
        p.comment,
      );
    case 'ISSUE':
      return build(
        await people(db, JSON.parse(d.recipients), ['head', 'leader', 'clerk']),
        `Công văn xin ý kiến số ${d.number}`,
        `${d.unit_name} xin ý kiến của đơn vị về nội dung sau.`,
      );
    case 'ASSIGN':
      return build(
        await byId(db, p.assigneeId),
        `Được giao trả lời công văn ${d.number}`,
        'Anh/chị được giao soạn ý kiến trả lời công văn sau.',
      );
    case 'RETURN':
      return build(
        await byId(db, p.assigneeId),
        `Ý kiến trả lời bị trả lại – ${d.number}`,
        'Lãnh đạo đã trả lại dự thảo ý kiến trả lời.',
        p.comment,
      );
    default:
      return [];
  }
}
