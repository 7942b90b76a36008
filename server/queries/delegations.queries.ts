import type { Knex } from 'knex';
import type { Role } from '../../workflows/labels';
import type { DelegationKind } from '../../workflows/delegation';
import { num, numOrNull, str, strOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

/** A delegation with the names the pages show (design: issue 16, absence delegation). */
export interface DelegationRow {
  id: number;
  leaderId: number;
  leaderName: string;
  leaderUsername: string;
  deputyId: number;
  deputyName: string;
  deputyUsername: string;
  unitId: number;
  unitName: string;
  role: Role;
  kind: DelegationKind;
  fromDate: string;
  toDate: string;
  deputyTitle: string | null;
  reason: string;
  createdAt: number;
  revokedAt: number | null;
}

function toRow(r: Record<string, unknown>): DelegationRow {
  return {
    id: num(r.id),
    leaderId: num(r.leader_id),
    leaderName: str(r.leader_name),
    leaderUsername: str(r.leader_username),
    deputyId: num(r.deputy_id),
    deputyName: str(r.deputy_name),
    deputyUsername: str(r.deputy_username),
    unitId: num(r.unit_id),
    unitName: str(r.unit_name),
    role: str(r.role) as Role,
    kind: str(r.kind) as DelegationKind,
    fromDate: str(r.from_date),
    toDate: str(r.to_date),
    deputyTitle: strOrNull(r.deputy_title),
    reason: str(r.reason),
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

function base(db: Q) {
  return db('delegations as dl')
    .join('users as ld', 'ld.id', 'dl.leader_id')
    .join('users as dp', 'dp.id', 'dl.deputy_id')
    .join('units as un', 'un.id', 'dl.unit_id')
    .select(
      'dl.*',
      'ld.full_name as leader_name',
      'ld.username as leader_username',
      'dp.full_name as deputy_name',
      'dp.username as deputy_username',
      'un.name as unit_name',
    );
}

/** Delegations given by a leader (leaderId) or all of them (admin), newest period first. */
export async function listDelegations(
  db: Q,
  opts: { leaderId?: number; limit?: number } = {},
): Promise<DelegationRow[]> {
  const q = base(db).orderBy([
    { column: 'dl.from_date', order: 'desc' },
    { column: 'dl.id', order: 'desc' },
  ]);
  if (opts.leaderId !== undefined) q.where('dl.leader_id', opts.leaderId);
  return (await q.limit(opts.limit ?? 200)).map(toRow);
}

export async function findDelegation(db: Q, id: number): Promise<DelegationRow | null> {
  const r = await base(db).where('dl.id', id).first();
  return r ? toRow(r) : null;
}

/** The delegations to this deputy in force on `day` ('YYYY-MM-DD'): not revoked, the day within the period. */
export async function activeDelegationsTo(db: Q, deputyId: number, day: string): Promise<DelegationRow[]> {
  return (
    await base(db)
      .where('dl.deputy_id', deputyId)
      .whereNull('dl.revoked_at')
      .where('dl.from_date', '<=', day)
      .where('dl.to_date', '>=', day)
      .orderBy('dl.id')
  ).map(toRow);
}

/** The live (not revoked, not over by `today`) periods of a leader's delegations of a role. */
export async function livePeriodsOf(
  db: Q,
  leaderId: number,
  role: Role,
  today: string,
): Promise<Array<{ fromDate: string; toDate: string }>> {
  const rows = await db('delegations')
    .where({ leader_id: leaderId, role })
    .whereNull('revoked_at')
    .where('to_date', '>=', today)
    .select('from_date', 'to_date');
  return rows.map((r: Record<string, unknown>) => ({ fromDate: str(r.from_date), toDate: str(r.to_date) }));
}

export async function insertDelegation(
  db: Q,
  row: {
    leader_id: number;
    deputy_id: number;
    unit_id: number;
    role: Role;
    kind: DelegationKind;
    from_date: string;
    to_date: string;
    deputy_title: string | null;
    reason: string;
    created_by: number;
    created_at: number;
  },
): Promise<number> {
  const [id] = await db('delegations').insert(row);
  return num(id);
}

/** Mark revoked; false when it already was. */
export async function revokeDelegationRow(db: Q, id: number, by: number, at: number): Promise<boolean> {
  return (
    (await db('delegations').where({ id }).whereNull('revoked_at').update({ revoked_at: at, revoked_by: by })) === 1
  );
}
