import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { findUserByUsername, User } from '../../../server/queries/users.queries';
import { discardPending } from '../../../server/queries/outbox.queries';
import { createDispatch } from '../../../server/services/dispatches.service';
import {
  applyDispatchEventFor,
  applyReplyEventFor,
  setResponse,
} from '../../../server/services/dispatch-transitions.service';
import { getCalendar } from '../../../server/services/calendar.service';
import { expireReplies } from '../../../server/jobs/dispatch.jobs';
import { SEED_UNITS } from './units';
import { vnDate, vnStartOfDay } from '../../../workflows/calendar';
import type { ReplyPosition } from '../../../workflows/labels';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const COMMUNES = SEED_UNITS.filter((u) => u.level === 'commune').map((u) => u.code);
// The four communes that have demo users (username suffix); the others can only stay silent.
const P1 = '000.01.01.H05';
const HT = '000.03.01.H05';
const TTHB = '000.01.03.H05';
const VMA = '000.02.03.H05';
const SUFFIX: Record<string, string> = { [P1]: 'p1', [HT]: 'ht', [TTHB]: 'tthb', [VMA]: 'vma' };

const LEAD =
  'Thực hiện Nghị định số 118/2025/NĐ-CP của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông, Sở Nội vụ dự thảo';
const CLOSING =
  'Đề nghị UBND các xã, phường, thị trấn nghiên cứu, góp ý (thời gian, các bước xử lý, người thực hiện từng bước) và gửi về Sở Nội vụ trong thời hạn nêu trên. Quá thời hạn, đơn vị không có ý kiến được xem như thống nhất với dự thảo.';
const summary = (what: string) =>
  `${LEAD} Quy trình nội bộ giải quyết thủ tục hành chính ${what} thuộc thẩm quyền của UBND cấp xã (dự thảo gửi kèm).\n\n${CLOSING}`;

const TEXT = {
  comments1:
    'Đề nghị rút thời gian bước “Thẩm định hồ sơ” từ 48 giờ xuống 32 giờ làm việc vì hồ sơ cấp xã đơn giản; bổ sung hình thức trả kết quả qua dịch vụ bưu chính công ích.',
  comments2:
    'Đề nghị ghi rõ người thực hiện bước “Xem xét, trình ký” là công chức Văn hóa - Xã hội, không ghi chung “lãnh đạo phòng” vì cấp xã không có phòng chuyên môn.',
  disagree:
    'Không thống nhất chuyển bước “Ký quyết định” lên Lãnh đạo UBND cấp huyện: theo quy định hiện hành, thẩm quyền thuộc Chủ tịch UBND cấp xã. Đề nghị giữ nguyên thẩm quyền ký tại cấp xã.',
  agree: 'Thống nhất với dự thảo.',
};

/**
 * Demo comment-solicitation dispatches of the provincial Department of Home Affairs (Sở Nội vụ) to
 * every commune, driven through the services exactly as staff would: one closed with its full
 * synthesis and responses; one past its due date (silent communes deemed agreed) awaiting responses
 * and CLOSE; one issued with replies in every open state and answered ones; one pending approval;
 * one draft. Returns how many dispatches it made (0 when the demo users are missing).
 */
export async function seedDemoDispatches(db: Db, config: Config, now = Date.now()): Promise<number> {
  const users = new Map<string, User>();
  const names = [
    'chuyenvien.snv',
    'truongphong.snv',
    'lanhdao.snv',
    'vanthu.snv',
    ...Object.values(SUFFIX).flatMap((s) => ['chuyenvien', 'truongphong', 'lanhdao', 'vanthu'].map((r) => `${r}.${s}`)),
  ];
  for (const n of names) {
    const u = await findUserByUsername(db, n);
    if (u) users.set(n, u);
  }
  const who = (n: string) => users.get(n)!;
  if (!users.has('chuyenvien.snv') || !users.has('lanhdao.snv') || !users.has('vanthu.snv')) return 0;
  const cal = await getCalendar(db, config);
  /** `hour` (local) on the working day `n` working days before today: always in the past. */
  const local = (n: number, hour: number) => {
    let day = vnDate(new Date(now));
    for (let k = 0; k < n;) {
      day = vnDate(new Date(vnStartOfDay(day).getTime() - DAY / 2));
      if (cal.isWorkingDay(day)) k++;
    }
    return vnStartOfDay(day).getTime() + hour * HOUR;
  };
  // Moments move to office hours (to the minute), keep their order at least 20 minutes apart and stay
  // before `limit` (now, or a reply's due end); null when no such moment is left.
  let last = 0;
  const at = (t: number, limit = now): number | null => {
    const x = cal.nextWorkingMoment(new Date(Math.ceil(Math.max(t, last + 20 * MINUTE) / MINUTE) * MINUTE)).getTime();
    if (x >= limit) return null;
    return (last = x);
  };
  /** {@link at} for a moment that must exist (the dispatches' own steps, days in the past). */
  const must = (t: number) => {
    const x = at(t);
    if (x == null) throw new Error('Demo dispatch step would be in the future.');
    return x;
  };
  const spec = who('chuyenvien.snv');
  const leader = who('lanhdao.snv');
  const clerk = who('vanthu.snv');
  const head = users.get('truongphong.snv') ?? leader;

  /** Draft → (submit → approve → issue), the due date `dueDays` after the issue. */
  async function dispatch(
    title: string,
    what: string,
    startDaysAgo: number,
    upTo: 'draft' | 'pending_approval' | 'issued',
    dueDays: number,
    rejectOnce = false,
  ) {
    last = 0;
    const t0 = must(local(startDaysAgo, 8.5));
    const issueAt = upTo === 'issued' ? must(local(startDaysAgo - 2, 9)) : null;
    last = t0;
    const dueDate = vnDate(new Date((issueAt ?? t0) + dueDays * DAY));
    const id = await createDispatch(
      db,
      spec,
      { title, summary: summary(what), dueDate, recipientUnitCodes: COMMUNES, silenceMeansAgreement: true },
      t0,
    );
    if (upTo === 'draft') return { id, dueDate, version: 1 };
    let v = 1;
    let t = t0;
    const step = (hours: number) => (t = must(t + hours * HOUR));
    await applyDispatchEventFor(db, spec, id, { type: 'SUBMIT', version: v++ }, step(2));
    if (rejectOnce) {
      await applyDispatchEventFor(
        db,
        head,
        id,
        { type: 'REJECT', version: v++, comment: 'Đề nghị bổ sung căn cứ pháp lý và ghi rõ thời hạn góp ý.' },
        step(3),
      );
      await applyDispatchEventFor(db, spec, id, { type: 'SUBMIT', version: v++ }, step(18));
    }
    if (upTo === 'pending_approval') return { id, dueDate, version: v };
    await applyDispatchEventFor(
      db,
      leader,
      id,
      { type: 'APPROVE', version: v++, comment: 'Đồng ý ban hành.' },
      step(4),
    );
    await applyDispatchEventFor(db, clerk, id, { type: 'ISSUE', version: v++ }, must(Math.max(issueAt!, t + 2 * HOUR)));
    return { id, dueDate, version: v };
  }

  /** One commune's reply, walked as far as `upTo` from `start`; the due end bounds every moment. */
  async function reply(
    id: number,
    unit: string,
    upTo: 'assigned' | 'pending_approval' | 'replied',
    start: number,
    dueEnd: number,
    position: ReplyPosition = 'agree',
    content = TEXT.agree,
    returnOnce = false,
  ) {
    const s = SUFFIX[unit];
    const assigner = unit === VMA ? who(`vanthu.${s}`) : who(`truongphong.${s}`);
    const drafter = who(`chuyenvien.${s}`);
    let v = 1;
    last = Math.max(last, start - HOUR);
    // Each step a few working hours after the one before it; a step that would fall after the due end
    // (or in the future) is not taken, and the reply stays where it got to.
    let t: number | null = at(start, dueEnd);
    const step = (hours: number) => (t = t == null ? null : at(t + hours * HOUR, dueEnd));
    if (t == null) return;
    await applyReplyEventFor(db, assigner, id, unit, { type: 'ASSIGN', version: v++, assignee: drafter.username }, t);
    if (upTo === 'assigned' || step(3) == null) return;
    await applyReplyEventFor(db, drafter, id, unit, { type: 'SUBMIT', version: v++, position, content }, t);
    if (returnOnce) {
      if (step(2) == null) return;
      await applyReplyEventFor(
        db,
        who(`truongphong.${s}`),
        id,
        unit,
        { type: 'RETURN', version: v++, comment: 'Nêu rõ căn cứ đề nghị.' },
        t,
      );
      if (step(20) == null) return;
      await applyReplyEventFor(
        db,
        drafter,
        id,
        unit,
        {
          type: 'SUBMIT',
          version: v++,
          position,
          content: `${content} (Căn cứ: thực tế giải quyết hồ sơ tại đơn vị năm 2025.)`,
        },
        t,
      );
    }
    if (upTo === 'pending_approval' || step(3) == null) return;
    await applyReplyEventFor(db, who(`lanhdao.${s}`), id, unit, { type: 'APPROVE', version: v++ }, t);
  }
  const dueEndOf = (dueDate: string) => vnStartOfDay(dueDate).getTime() + DAY;
  let made = 0;

  // 1. Closed: every commune answered or deemed agreed, responses written, then closed.
  const a = await dispatch(
    'Xin ý kiến dự thảo Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực thi đua, khen thưởng cấp xã',
    'lĩnh vực thi đua, khen thưởng',
    44,
    'issued',
    14,
    true,
  );
  const aEnd = dueEndOf(a.dueDate);
  const aStart = last;
  await reply(a.id, P1, 'replied', aStart + 1 * DAY, aEnd, 'comments', TEXT.comments1, true);
  await reply(a.id, HT, 'replied', aStart + 2.5 * DAY, aEnd, 'disagree', TEXT.disagree);
  await reply(a.id, TTHB, 'replied', aStart + 4 * DAY, aEnd, 'agree', TEXT.agree);
  await reply(a.id, VMA, 'replied', aStart + 5.5 * DAY, aEnd, 'comments', TEXT.comments2);
  // The expiry job's run, and every later step, at office-hour moments after the due end.
  last = aEnd;
  await expireReplies(db, must(aEnd));
  const responses: Record<string, string> = {
    [P1]: 'Tiếp thu: đã điều chỉnh thời gian bước “Thẩm định hồ sơ” còn 32 giờ làm việc và bổ sung trả kết quả qua bưu chính công ích.',
    [HT]: 'Giải trình: dự thảo giữ thẩm quyền ký của Chủ tịch UBND cấp xã; bước “Ký quyết định” chỉ ghi nhầm cấp thực hiện, đã sửa lại cho đúng.',
    [TTHB]: 'Ghi nhận ý kiến thống nhất.',
    [VMA]: 'Tiếp thu: đã ghi rõ người thực hiện là công chức Văn hóa - Xã hội.',
  };
  for (const [unit, text] of Object.entries(responses))
    await setResponse(db, spec, a.id, unit, text, must(aEnd + 3 * HOUR));
  await applyDispatchEventFor(
    db,
    spec,
    a.id,
    { type: 'CLOSE', version: a.version, comment: 'Đã tổng hợp, tiếp thu, giải trình; trình ban hành quy trình.' },
    must(aEnd + DAY + 2 * HOUR),
  );
  made++;

  // 2. Past its due date: silent communes deemed agreed; awaiting the drafter's responses and CLOSE.
  const c = await dispatch(
    'Xin ý kiến dự thảo Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực tín ngưỡng, tôn giáo cấp xã',
    'lĩnh vực tín ngưỡng, tôn giáo',
    22,
    'issued',
    12,
  );
  const cEnd = dueEndOf(c.dueDate);
  const cStart = last;
  await reply(c.id, P1, 'replied', cStart + 2 * DAY, cEnd, 'agree', TEXT.agree);
  await reply(c.id, HT, 'replied', cStart + 3 * DAY, cEnd, 'comments', TEXT.comments1);
  await reply(c.id, VMA, 'replied', cStart + 5 * DAY, cEnd, 'disagree', TEXT.disagree);
  last = Math.max(last, cEnd);
  const cExpired = at(cEnd);
  if (cExpired != null) await expireReplies(db, cExpired);
  const cResponse = at(cEnd + 2 * HOUR);
  if (cResponse != null)
    await setResponse(db, spec, c.id, HT, 'Tiếp thu, đã điều chỉnh thời gian thẩm định.', cResponse);
  made++;

  // 3. Issued, due in the future: replies received, assigned, pending approval and answered.
  const b = await dispatch(
    'Xin ý kiến dự thảo Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực người có công cấp xã',
    'lĩnh vực người có công',
    6,
    'issued',
    14,
  );
  const bStart = last;
  const bEnd = dueEndOf(b.dueDate);
  await reply(b.id, TTHB, 'replied', bStart + 0.2 * DAY, Math.min(bEnd, now), 'comments', TEXT.comments2);
  await reply(b.id, VMA, 'replied', bStart + 0.5 * DAY, Math.min(bEnd, now), 'agree', TEXT.agree);
  await reply(b.id, P1, 'pending_approval', bStart + 1 * DAY, Math.min(bEnd, now), 'comments', TEXT.comments1);
  await reply(b.id, HT, 'assigned', bStart + 2 * DAY, Math.min(bEnd, now));
  made++;

  // 4. Waiting for the leader's approval; 5. a draft still being written.
  await dispatch(
    'Xin ý kiến dự thảo Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực bảo trợ xã hội cấp xã',
    'lĩnh vực bảo trợ xã hội',
    2,
    'pending_approval',
    16,
  );
  made++;
  await dispatch(
    'Xin ý kiến dự thảo Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực chính quyền địa phương cấp xã',
    'lĩnh vực chính quyền địa phương',
    1,
    'draft',
    20,
  );
  made++;

  // Demo history is not news: no mail about it on first start.
  await discardPending(db);
  return made;
}
