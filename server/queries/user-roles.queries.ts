import type { Knex } from 'knex';
import type { Role } from '../../workflows/labels';
import { num } from './normalise';

type Q = Knex | Knex.Transaction;

/** The roles of one user, sorted. */
export async function rolesOf(db: Q, userId: number): Promise<Role[]> {
  return ((await db('user_roles').where({ user_id: userId }).pluck('role')) as Role[]).sort();
}

/** An active user found by role: who gets a mail, who may be assigned. */
export interface StaffRow {
  id: number;
  username: string;
  full_name: string;
  email: string | null;
}

function toStaffRow(raw: Record<string, unknown>): StaffRow {
  return {
    id: num(raw.id),
    username: String(raw.username),
    full_name: String(raw.full_name),
    email: (raw.email as string | null) ?? null,
  };
}

/**
 * Active users of these units holding any of these roles, each once, by name. `withEmail` keeps only
 * users with an e-mail address (mail recipients).
 */
export async function activeStaffWithRoles(
  db: Q,
  opts: { unitIds: number[]; roles: readonly string[]; withEmail?: boolean },
): Promise<StaffRow[]> {
  if (!opts.unitIds.length || !opts.roles.length) return [];
  const q = db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .whereIn('u.unit_id', opts.unitIds)
    .whereIn('r.role', [...opts.roles])
    .where('u.active', true)
    .distinct('u.id', 'u.username', 'u.full_name', 'u.email')
    .orderBy([{ column: 'u.full_name' }, { column: 'u.id' }]);
  if (opts.withEmail) q.whereNotNull('u.email');
  return (await q).map(toStaffRow);
}

/** One active user with an e-mail address, as a list of zero or one recipient. */
export async function activeUserWithEmail(db: Q, id: number): Promise<StaffRow[]> {
  const rows = await db('users')
    .where({ id, active: true })
    .whereNotNull('email')
    .select('id', 'username', 'full_name', 'email');
  return rows.map(toStaffRow);
}
