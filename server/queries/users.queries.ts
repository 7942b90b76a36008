import type { Knex } from 'knex';
import type { Role } from '../../workflows/labels';
import { searchText } from '../../workflows/text';
import { searchLike, whereSearch } from './search';

type Q = Knex | Knex.Transaction;

export interface User {
  id: number;
  username: string;
  fullName: string;
  email: string | null;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  roles: Role[];
  active: boolean;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  full_name: string;
  email: string | null;
  unit_id: number | null;
  unit_code: string | null;
  unit_name: string | null;
  active: number | boolean;
}

function base(db: Q) {
  return db('users as us')
    .leftJoin('units as un', 'un.id', 'us.unit_id')
    .select('us.*', 'un.code as unit_code', 'un.name as unit_name');
}

async function withRoles(db: Q, rows: UserRow[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const roles = (await db('user_roles').whereIn(
    'user_id',
    rows.map((r) => r.id),
  )) as Array<{ user_id: number; role: Role }>;
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    email: r.email,
    unitId: r.unit_id,
    unitCode: r.unit_code,
    unitName: r.unit_name,
    roles: roles
      .filter((x) => x.user_id === r.id)
      .map((x) => x.role)
      .sort(),
    active: Boolean(r.active),
  }));
}

/**
 * One page of users, by username: `q` matches the username and the full name ignoring case and
 * diacritics (and the e-mail address with `withEmail`); `unitId` (or `unitIds`), `role` and `active`
 * narrow it.
 */
export async function searchUsers(
  db: Q,
  opts: {
    q?: string;
    withEmail?: boolean;
    unitId?: number;
    unitIds?: number[];
    role?: Role;
    active?: boolean;
    offset: number;
    limit: number;
  },
): Promise<{ rows: User[]; total: number }> {
  const filter = (qb: Knex.QueryBuilder) => {
    if (opts.q && opts.withEmail)
      qb.where((w) => {
        whereSearch(w, 'us.search_text', opts.q!);
        w.orWhereRaw(`lower(us.email) like ? escape '!'`, [searchLike(opts.q!)]);
      });
    else if (opts.q) whereSearch(qb, 'us.search_text', opts.q);
    if (opts.unitId !== undefined) qb.where('us.unit_id', opts.unitId);
    if (opts.unitIds) qb.whereIn('us.unit_id', opts.unitIds);
    if (opts.active !== undefined) qb.where('us.active', opts.active);
    if (opts.role)
      qb.whereExists((e) =>
        e.select(1).from('user_roles as r').whereRaw('r.user_id = us.id').where('r.role', opts.role!),
      );
  };
  const [{ n }] = await db('users as us').modify(filter).count<{ n: number }[]>({ n: '*' });
  const rows = await base(db).modify(filter).orderBy('us.username').offset(opts.offset).limit(opts.limit);
  return { rows: await withRoles(db, rows), total: Number(n) };
}

export async function listUsers(db: Q, opts: { unitIds?: number[] } = {}): Promise<User[]> {
  const q = base(db).orderBy('us.username');
  if (opts.unitIds) q.whereIn('us.unit_id', opts.unitIds);
  return withRoles(db, await q);
}

export async function findUserById(db: Q, id: number): Promise<User | null> {
  const r = await base(db).where('us.id', id).first();
  return r ? (await withRoles(db, [r]))[0] : null;
}

export async function findUserByUsername(db: Q, username: string): Promise<User | null> {
  const r = await base(db).where('us.username', username).first();
  return r ? (await withRoles(db, [r]))[0] : null;
}

export async function passwordHashOf(
  db: Q,
  username: string,
): Promise<{ id: number; hash: string; active: boolean } | null> {
  const r = await db('users').where({ username }).first('id', 'password_hash', 'active');
  return r ? { id: r.id, hash: r.password_hash, active: Boolean(r.active) } : null;
}

export async function insertUser(
  db: Q,
  u: {
    username: string;
    passwordHash: string;
    fullName: string;
    email: string | null;
    unitId: number | null;
    roles: Role[];
  },
): Promise<number> {
  const now = Date.now();
  const [id] = await db('users').insert({
    username: u.username,
    password_hash: u.passwordHash,
    full_name: u.fullName,
    search_text: searchText(u.username, u.fullName),
    email: u.email,
    unit_id: u.unitId,
    active: true,
    created_at: now,
    updated_at: now,
  });
  const userId = Number(id);
  if (u.roles.length) await db('user_roles').insert(u.roles.map((role) => ({ user_id: userId, role })));
  return userId;
}

export async function updateUserRow(
  db: Q,
  id: number,
  patch: Partial<{
    full_name: string;
    email: string | null;
    unit_id: number | null;
    active: boolean;
    password_hash: string;
  }>,
): Promise<void> {
  // The folded search column follows the full name (the username never changes).
  const search =
    patch.full_name !== undefined
      ? { search_text: searchText((await db('users').where({ id }).first('username'))?.username, patch.full_name) }
      : {};
  await db('users')
    .where({ id })
    .update({ ...patch, ...search, updated_at: Date.now() });
}

export async function replaceRoles(db: Q, userId: number, roles: Role[]): Promise<void> {
  await db('user_roles').where({ user_id: userId }).delete();
  if (roles.length) await db('user_roles').insert(roles.map((role) => ({ user_id: userId, role })));
}

export async function countUsers(db: Q): Promise<number> {
  const r = await db('users').count<{ n: number }[]>('id as n');
  return Number(r[0].n);
}
