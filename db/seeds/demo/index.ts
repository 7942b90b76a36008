import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { seedDemoDossiers } from './dossiers';
import { seedDemoDispatches } from './dispatches';
import { withTransaction } from '../../../server/db';
import { hashPassword } from '../../../server/auth/passwords';
import { SEED_UNITS } from './units';
import { SEED_USERS } from './users';
import { ROLE_LABELS } from '../../../workflows/labels';

/** The password every demo user shares (printed at start and in the README). */
export const DEMO_PASSWORD = 'MotCua@2026';

/**
 * Load the demo data set on an empty database: the Bạc Liêu unit tree, one user per role in
 * several units, the demo procedures and a few hundred dossiers across states. Returns a summary of the demo sign-ins for the console.
 */
export async function seedDemo(db: Db, config: Config, dossiers = 400): Promise<{ summary: string }> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await withTransaction(db, async (trx) => {
    const ids = new Map<string, number>();
    const now = Date.now();
    for (const u of SEED_UNITS) {
      const [id] = await trx('units').insert({
        code: u.code,
        name: u.name,
        level: u.level,
        parent_id: u.parentCode ? ids.get(u.parentCode) : null,
        symbol: u.symbol,
        active: true,
        created_at: now,
        updated_at: now,
      });
      ids.set(u.code, Number(id));
    }
    for (const u of SEED_USERS) {
      const [id] = await trx('users').insert({
        username: u.username,
        password_hash: hash,
        full_name: u.fullName,
        email: u.email,
        unit_id: ids.get(u.unitCode),
        active: true,
        created_at: now,
        updated_at: now,
      });
      await trx('user_roles').insert(u.roles.map((role) => ({ user_id: Number(id), role })));
    }
  });
  const made = await seedDemoDossiers(db, config, dossiers);
  const dispatches = await seedDemoDispatches(db, config);
  // The demo's history is not news: nobody should get hundreds of mails about it on first start.
  await db('outbox').where({ status: 'pending' }).update({ status: 'done' });
  const sample = SEED_USERS.filter((u) => u.username.endsWith('.p1') || u.username.endsWith('.hb'));
  const lines = sample.map((u) => `  ${u.username.padEnd(20)} ${ROLE_LABELS[u.roles[0]]}`);
  return {
    summary: [
      '',
      `Đã nạp dữ liệu mẫu: ${SEED_UNITS.length} đơn vị, ${SEED_USERS.length} người dùng, ${made} hồ sơ, ${dispatches} công văn xin ý kiến (mật khẩu chung: ${DEMO_PASSWORD}). Ví dụ:`,
      ...lines,
      '',
    ].join('\n'),
  };
}
