import type { Knex } from 'knex';
import { num, numOrNull, str } from './normalise';

type Q = Knex | Knex.Transaction;

/**
 * The reads of the daily digest mail (jobs/digest.job.ts): who gets one, and which of the dossiers
 * they may act on are close to or past a due time.
 */

export interface DigestRecipient {
  id: number;
  full_name: string;
  email: string;
  unit_id: number;
}

/** Active users with an e-mail address and a unit. */
export async function digestRecipients(db: Q): Promise<DigestRecipient[]> {
  const rows = await db('users as u')
    .whereNotNull('u.email')
    .andWhere('u.active', true)
    .whereNotNull('u.unit_id')
    .select('u.id', 'u.full_name', 'u.email', 'u.unit_id');
  return rows.map((r) => ({
    id: num(r.id),
    full_name: str(r.full_name),
    email: str(r.email),
    unit_id: num(r.unit_id),
  }));
}

/** The clock columns of a dossier in the digest, as numbers. */
export interface DigestDossier {
  code: string;
  state: string;
  status: string;
  received_at: number;
  due_at: number;
  paused_at: number | null;
  resolved_at: number | null;
  completed_at: number | null;
  step_due_at: number | null;
}

/**
 * Open dossiers held by `unitId` at a step of one of `roles` whose step or overall due time is at or
 * before `before` (a superset: the caller's clock rule decides), most urgent step first, at most 100.
 */
export async function digestDossiers(
  db: Q,
  opts: { unitId: number; roles: readonly string[]; before: number },
): Promise<DigestDossier[]> {
  const rows = await db('dossiers')
    .where({ handling_unit_id: opts.unitId })
    .whereIn('step_role', [...opts.roles])
    .whereIn('status', ['processing', 'waiting_supplement'])
    .andWhere((w) => w.where('step_due_at', '<=', opts.before).orWhere('due_at', '<=', opts.before))
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
    );
  return rows.map((r) => ({
    code: str(r.code),
    state: str(r.state),
    status: str(r.status),
    received_at: num(r.received_at),
    due_at: num(r.due_at),
    paused_at: numOrNull(r.paused_at),
    resolved_at: numOrNull(r.resolved_at),
    completed_at: numOrNull(r.completed_at),
    step_due_at: numOrNull(r.step_due_at),
  }));
}
