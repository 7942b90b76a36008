import type { Db } from '../db';
import { isDuplicate, withTransaction } from '../db';
import { Conflict, Invalid, NotFound, TooMany, Unauthorized } from '../errors';
import * as units from '../queries/units.queries';
import * as users from '../queries/users.queries';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { revokeAllForUser } from '../auth/tokens';
import { deleteSessionsOfUser } from '../queries/sessions.queries';
import { clearFailures, lockedFor, recordFailure, ThrottleRules } from '../auth/throttle';
import { assertRetirable } from './unit-retire.service';
import type { Role } from '../../workflows/labels';
import type { CreateUnitInput, CreateUserInput, UpdateUnitInput, UpdateUserInput } from '../schemas/accounts.schema';

export const LEVEL_NAMES = { province: 'cấp tỉnh', district: 'cấp huyện', commune: 'cấp xã' } as const;

/** Which parent levels each level may hang under (contract.md: two-tier provinces since 2025). */
export const ALLOWED_PARENTS: Record<units.Level, Array<units.Level | null>> = {
  province: [null, 'province'],
  district: ['province'],
  commune: ['district', 'province'],
};

async function resolveParent(db: Db, level: units.Level, parentCode: string | null, selfId?: number) {
  const parent = parentCode ? await units.findUnitByCode(db, parentCode) : null;
  if (parentCode && !parent)
    throw new Invalid('Đơn vị cấp trên không tồn tại.', {
      fields: { parentCode: `Không có đơn vị mã "${parentCode}"` },
    });
  if (!ALLOWED_PARENTS[level].includes(parent ? parent.level : null)) {
    const msg = parent
      ? `Đơn vị ${LEVEL_NAMES[level]} không thể trực thuộc đơn vị ${LEVEL_NAMES[parent.level]}`
      : `Đơn vị ${LEVEL_NAMES[level]} phải có đơn vị cấp trên`;
    throw new Invalid(msg + '.', { fields: { parentCode: msg } });
  }
  if (parent && selfId !== undefined && (await units.subtreeIds(db, selfId)).includes(parent.id)) {
    throw new Invalid('Không thể đặt đơn vị trực thuộc chính nó.', { fields: { parentCode: 'Tạo thành vòng lặp' } });
  }
  return parent;
}

/** Create a unit under its parent; a duplicate code is a 409. */
export async function createUnit(db: Db, input: CreateUnitInput): Promise<units.Unit> {
  const parent = await resolveParent(db, input.level, input.parentCode);
  try {
    const id = await units.insertUnit(db, {
      code: input.code,
      name: input.name,
      level: input.level,
      parentId: parent?.id ?? null,
      symbol: input.symbol,
      address: input.address,
      phone: input.phone,
    });
    return (await units.findUnitById(db, id))!;
  } catch (err) {
    if (isDuplicate(err))
      throw new Conflict(`Mã đơn vị "${input.code}" đã tồn tại.`, { fields: { code: 'Đã tồn tại' } });
    throw err;
  }
}

export async function updateUnit(db: Db, code: string, input: UpdateUnitInput): Promise<units.Unit> {
  const unit = await units.findUnitByCode(db, code);
  if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
  const level = input.level ?? unit.level;
  const parentCode = input.parentCode !== undefined ? input.parentCode : unit.parentCode;
  const parent = await resolveParent(db, level, parentCode, unit.id);
  // Retiring goes through the one check (work still in progress there → 422 suggesting the merge).
  if (input.active === false && unit.active) await assertRetirable(db, unit);
  await units.updateUnitRow(db, unit.id, {
    name: input.name,
    level,
    parent_id: parent?.id ?? null,
    symbol: input.symbol !== undefined ? input.symbol : unit.symbol,
    address: input.address !== undefined ? input.address : unit.address,
    phone: input.phone !== undefined ? input.phone : unit.phone,
    active: input.active,
  });
  return (await units.findUnitById(db, unit.id))!;
}

async function unitIdFor(db: Db, unitCode: string | null | undefined): Promise<number | null> {
  if (!unitCode) return null;
  const unit = await units.findUnitByCode(db, unitCode);
  if (!unit) throw new Invalid('Đơn vị không tồn tại.', { fields: { unitCode: `Không có đơn vị mã "${unitCode}"` } });
  return unit.id;
}

/**
 * `GET /api/v1/users`: one page of users by username (contract.md §2, lists). `q` matches the
 * username and the full name ignoring case and diacritics; `unitCode` and `role` narrow the list
 * (an unknown unit finds nobody).
 */
export async function listUsers(
  db: Db,
  opts: { q?: string; unitCode?: string; role?: Role; page: number; pageSize: number },
): Promise<{ items: users.User[]; total: number }> {
  let unitId: number | undefined;
  if (opts.unitCode) {
    const unit = await units.findUnitByCode(db, opts.unitCode);
    if (!unit) return { items: [], total: 0 };
    unitId = unit.id;
  }
  const { rows, total } = await users.searchUsers(db, {
    q: opts.q,
    unitId,
    role: opts.role,
    offset: (opts.page - 1) * opts.pageSize,
    limit: opts.pageSize,
  });
  return { items: rows, total };
}

/** Create a user with a hashed password. */
export async function createUser(db: Db, input: CreateUserInput): Promise<users.User> {
  const unitId = await unitIdFor(db, input.unitCode);
  const passwordHash = await hashPassword(input.password);
  try {
    const id = await withTransaction(db, (trx) =>
      users.insertUser(trx, {
        username: input.username,
        passwordHash,
        fullName: input.fullName,
        email: input.email,
        unitId,
        roles: input.roles,
      }),
    );
    return (await users.findUserById(db, id))!;
  } catch (err) {
    if (isDuplicate(err))
      throw new Conflict(`Tên đăng nhập "${input.username}" đã tồn tại.`, { fields: { username: 'Đã tồn tại' } });
    throw err;
  }
}

/** Update a user. Disabling ends its sessions and revokes its tokens in the same transaction. */
export async function updateUser(db: Db, username: string, input: UpdateUserInput): Promise<users.User> {
  const user = await users.findUserByUsername(db, username.toLowerCase());
  if (!user) throw new NotFound('Không tìm thấy người dùng.');
  const unitId = input.unitCode !== undefined ? await unitIdFor(db, input.unitCode) : user.unitId;
  const roles = input.roles ?? user.roles;
  if (unitId === null && roles.some((r) => r !== 'admin')) {
    throw new Invalid('Cán bộ phải thuộc một đơn vị.', { fields: { unitCode: 'Cán bộ phải thuộc một đơn vị' } });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await withTransaction(db, async (trx) => {
    await users.updateUserRow(trx, user.id, {
      full_name: input.fullName,
      email: input.email,
      unit_id: unitId,
      active: input.active,
      password_hash: passwordHash,
    });
    if (input.roles) await users.replaceRoles(trx, user.id, input.roles);
    if (input.active === false || passwordHash) {
      await deleteSessionsOfUser(trx, user.id);
      await revokeAllForUser(trx, user.id);
    }
  });
  return (await users.findUserById(db, user.id))!;
}

/**
 * Check a username and password with throttling: too many recent failures → 429 (even with the
 * right password), wrong or disabled → 401 with one message that does not tell which.
 */
export async function authenticate(
  db: Db,
  rules: ThrottleRules,
  username: string,
  password: string,
  ip: string,
): Promise<users.User> {
  const name = username.trim().toLowerCase();
  const wait = await lockedFor(db, rules, name, ip);
  if (wait > 0) {
    const minutes = Math.max(1, Math.ceil(wait / 60));
    throw new TooMany(`Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${minutes} phút.`, wait);
  }
  const row = await users.passwordHashOf(db, name);
  const ok = await verifyPassword(password, row?.hash ?? null);
  if (!row || !ok || !row.active) {
    await recordFailure(db, name, ip);
    throw new Unauthorized('Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.');
  }
  await clearFailures(db, name);
  return (await users.findUserById(db, row.id))!;
}
