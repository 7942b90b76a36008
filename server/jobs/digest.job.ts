import type { Db } from '../db';
import { isDuplicate, withTransaction } from '../db';
import type { Mail } from '../mail/mailer';
import { mail } from '../mail/compose';
import type { WorkCalendar } from '../../workflows/calendar';
import { vnDate } from '../../workflows/calendar';
import { dossierUrgency, DUE_SOON_MS, type Urgency } from '../../workflows/clock';

const HOUR = 3_600_000;

type Ms = number | string | null;
interface DigestRow {
  code: string;
  state: string;
  status: string;
  received_at: Ms;
  due_at: Ms;
  paused_at: Ms;
  resolved_at: Ms;
  completed_at: Ms;
  step_due_at: Ms;
}

const num = (v: Ms) => (v == null ? null : Number(v));
const clockOfRow = (r: DigestRow) => ({
  status: r.status,
  receivedAt: Number(r.received_at),
  dueAt: Number(r.due_at),
  pausedAt: num(r.paused_at),
  resolvedAt: num(r.resolved_at),
  completedAt: num(r.completed_at),
  stepDueAt: num(r.step_due_at),
});

/**
 * Once per working day (from 07:00 local), one process — whichever commits the day's lease row first —
 * queues a digest mail for every active user with overdue or soon-due work: what the work list badges
 * "Quá hạn" or "Sắp đến hạn" (workflows/clock's dossierUrgency). Returns mails queued,
 * or null when it was not this process's turn.
 */
export async function runDailyDigest(
  db: Db,
  cal: WorkCalendar,
  publicUrl: string,
  owner: string,
  now = Date.now(),
): Promise<number | null> {
  const today = vnDate(new Date(now));
  const localHour = new Date(now + 7 * HOUR).getUTCHours();
  if (localHour < 7 || !cal.isWorkingDay(today)) return null;
  if (
    await db('job_leases')
      .where({ name: `digest:${today}` })
      .first('name')
  )
    return null;
  // Every due time within one working day is at or before this bound (a superset: the rule decides).
  const soonLimit = cal.nextWorkingMoment(cal.addWorkingMs(new Date(now), DUE_SOON_MS)).getTime();
  const users = await db('users as u')
    .whereNotNull('u.email')
    .andWhere('u.active', true)
    .whereNotNull('u.unit_id')
    .select('u.id', 'u.full_name', 'u.email', 'u.unit_id');
  const mails: Mail[] = [];
  for (const u of users) {
    const roles = (await db('user_roles').where({ user_id: u.id }).pluck('role')) as string[];
    const rows = (await db('dossiers')
      .where({ handling_unit_id: u.unit_id })
      .whereIn('step_role', roles)
      .whereIn('status', ['processing', 'waiting_supplement'])
      .andWhere((w) => w.where('step_due_at', '<=', soonLimit).orWhere('due_at', '<=', soonLimit))
      .orderBy('step_due_at')
      .limit(100)
      .select(
        'code',
        'state',
        'status',
        'received_at',
        'due_at',
        'paused_at',
        'resolved_at',
        'completed_at',
        'step_due_at',
      )) as Array<DigestRow>;
    const urgent = rows
      .map((r) => ({ r, u: dossierUrgency(cal, clockOfRow(r), now) }))
      .filter((x): x is { r: DigestRow; u: Urgency } => x.u != null);
    if (!urgent.length) continue;
    const item = ({ r, u }: { r: DigestRow; u: Urgency }) => ({
      code: r.code,
      step: r.state,
      what: u.of === 'step' ? 'hạn bước' : 'hẹn trả',
      dueAt: u.dueAt,
      url: `${publicUrl}/ho-so/${encodeURIComponent(r.code)}`,
    });
    const overdue = urgent.filter((x) => x.u.state === 'overdue').map(item);
    const soon = urgent.filter((x) => x.u.state === 'due_soon').map(item);
    const m = mail('digest', u.email, `[Một Cửa] ${overdue.length} hồ sơ quá hạn, ${soon.length} hồ sơ sắp đến hạn`, {
      name: u.full_name,
      today: now,
      overdue,
      soon,
      listUrl: `${publicUrl}/ho-so?loc=cua-toi`,
    });
    mails.push(m);
  }
  // The day's lease row and its mails commit together: a crash part-way loses nothing, and of two
  // processes that got here the second one's insert of the lease fails and queues nothing.
  try {
    await withTransaction(db, async (trx) => {
      await trx('job_leases').insert({ name: `digest:${today}`, owner, until: now + 24 * HOUR });
      for (const m of mails)
        await trx('outbox').insert({
          kind: 'mail',
          payload: JSON.stringify(m),
          status: 'pending',
          attempts: 0,
          available_at: now,
          created_at: now,
        });
    });
  } catch (err) {
    if (isDuplicate(err)) return null;
    throw err;
  }
  return mails.length;
}
