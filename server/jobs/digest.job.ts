import type { Db } from '../db';
import { isDuplicate, withTransaction } from '../db';
import type { Mail } from '../mail/mailer';
import { mail } from '../mail/compose';
import type { WorkCalendar } from '../../workflows/calendar';
import { vnDate } from '../../workflows/calendar';
import { dossierUrgency, DUE_SOON_MS, type Urgency } from '../../workflows/clock';
import { digestDossiers, DigestDossier, digestRecipients } from '../queries/digest.queries';
import { hasLease, insertLease } from '../queries/job-leases.queries';
import { insertOutbox } from '../queries/outbox.queries';
import { rolesOf } from '../queries/user-roles.queries';
import { clockOf } from '../services/dossier-clock';

const HOUR = 3_600_000;

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
  if (await hasLease(db, `digest:${today}`)) return null;
  // Every due time within one working day is at or before this bound (a superset: the rule decides).
  const soonLimit = cal.nextWorkingMoment(cal.addWorkingMs(new Date(now), DUE_SOON_MS)).getTime();
  const users = await digestRecipients(db);
  const mails: Mail[] = [];
  for (const u of users) {
    const roles = await rolesOf(db, u.id);
    const rows = await digestDossiers(db, { unitId: u.unit_id, roles, before: soonLimit });
    const urgent = rows
      .map((r) => ({ r, u: dossierUrgency(cal, clockOf(r), now) }))
      .filter((x): x is { r: DigestDossier; u: Urgency } => x.u != null);
    if (!urgent.length) continue;
    const item = ({ r, u }: { r: DigestDossier; u: Urgency }) => ({
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
      await insertLease(trx, { name: `digest:${today}`, owner, until: now + 24 * HOUR });
      for (const m of mails) await insertOutbox(trx, 'mail', m, now);
    });
  } catch (err) {
    if (isDuplicate(err)) return null;
    throw err;
  }
  return mails.length;
}
