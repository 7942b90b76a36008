import crypto from 'node:crypto';
import type { Db } from '../db';
import { countUsers, insertUser } from '../queries/users.queries';
import { hashPassword } from '../auth/passwords';
import { getSetting, insertSettingIfAbsent } from '../queries/app-settings.queries';

/**
 * The session secret: from SESSION_SECRET, else one generated once and kept in the database so every
 * process (and every restart) signs cookies alike.
 */
export async function sessionSecret(db: Db, configured?: string): Promise<string> {
  if (configured) return configured;
  const stored = await getSetting(db, 'session_secret');
  if (stored) return stored;
  // Two processes starting at once: the first insert wins and both read it back.
  await insertSettingIfAbsent(db, 'session_secret', crypto.randomBytes(32).toString('base64url'));
  return (await getSetting(db, 'session_secret'))!;
}

/**
 * On an empty database, create `admin` with ADMIN_PASSWORD or a random password returned once for
 * printing. Returns null when users already exist.
 */
export async function ensureAdmin(db: Db, password?: string): Promise<{ password: string; generated: boolean } | null> {
  if ((await countUsers(db)) > 0) return null;
  const generated = !password;
  const pw = password ?? crypto.randomBytes(12).toString('base64url');
  await insertUser(db, {
    username: 'admin',
    passwordHash: await hashPassword(pw),
    fullName: 'Quản trị hệ thống',
    email: null,
    unitId: null,
    roles: ['admin'],
  });
  return { password: pw, generated };
}
