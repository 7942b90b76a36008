import crypto from 'node:crypto';
import type { Db } from '../../server/db';
import { insertUnit, Level } from '../../server/queries/units.queries';
import { insertUser } from '../../server/queries/users.queries';
import { hashPassword } from '../../server/auth/passwords';
import type { Role } from '../../workflows/labels';

export const PASSWORD = 'mat-khau-thu-nghiem';

const uniq = () => crypto.randomBytes(3).toString('hex');

/** A unit with sensible defaults; override what the test cares about. */
export async function buildUnit(
  db: Db,
  o: Partial<{ code: string; name: string; level: Level; parentId: number | null; symbol: string | null }> = {},
) {
  const code = o.code ?? `T.${uniq()}`;
  const id = await insertUnit(db, {
    code,
    name: o.name ?? `UBND xã Thử ${code}`,
    level: o.level ?? 'commune',
    parentId: o.parentId ?? null,
    symbol: o.symbol ?? null,
  });
  return { id, code };
}

/** A user (password PASSWORD) with roles in a unit. */
export async function buildUser(
  db: Db,
  o: Partial<{ username: string; fullName: string; unitId: number | null; roles: Role[] }> = {},
) {
  const username = o.username ?? `u${uniq()}`;
  const id = await insertUser(db, {
    username,
    passwordHash: await hashPassword(PASSWORD),
    fullName: o.fullName ?? 'Nguyễn Văn Thử',
    email: `${username}@example.vn`,
    unitId: o.unitId ?? null,
    roles: o.roles ?? ['specialist'],
  });
  return { id, username, password: PASSWORD };
}
