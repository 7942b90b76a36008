import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { seedDemoDossiers } from './dossiers';
import { seedDemoDispatches } from './dispatches';
import { MERGER_ADDS, seedDemoMerger } from './merger';
import { reorganisationMoment, seedDemoReorganisation } from './reorganisation';
import { withTransaction } from '../../../server/db';
import { hashPassword } from '../../../server/auth/passwords';
import { insertUnit } from '../../../server/queries/units.queries';
import { insertUser } from '../../../server/queries/users.queries';
import { discardPending } from '../../../server/queries/outbox.queries';
import { SEED_UNITS } from './units';
import { SEED_USERS } from './users';
import { ROLE_LABELS } from '../../../workflows/labels';

/** The password every demo user shares (printed at start and in the README). */
export const DEMO_PASSWORD = 'MotCua@2026';

/**
 * Load the demo data set on an empty database: the Bạc Liêu unit tree (today's two tiers, the
 * districts and merged communes kept as history), one user per role in several units, the demo procedures
 * and a few hundred dossiers across states. Returns a summary of the demo sign-ins for the console.
 */
export async function seedDemo(db: Db, config: Config, dossiers = 400): Promise<{ summary: string }> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await withTransaction(db, async (trx) => {
    const ids = new Map<string, number>();
    for (const u of SEED_UNITS) {
      const parentId = u.parentCode ? (ids.get(u.parentCode) ?? null) : null;
      ids.set(
        u.code,
        await insertUnit(trx, {
          code: u.code,
          name: u.name,
          level: u.level,
          parentId,
          symbol: u.symbol,
          address: u.address,
          phone: u.phone,
        }),
      );
    }
    for (const u of SEED_USERS) {
      const unitId = ids.get(u.unitCode) ?? null;
      await insertUser(trx, {
        username: u.username,
        passwordHash: hash,
        fullName: u.fullName,
        email: u.email,
        unitId,
        roles: u.roles,
      });
    }
  });
  // Made-up dossiers are never sent to a national portal, even when PORTAL_URL is set at first start.
  const offline: Config = { ...config, PORTAL_URL: undefined };
  // The history runs under the old three tiers until the reorganisation (design.md §13), shortly
  // before today; then the demo shows today's two tiers.
  const reorganisedAt = await reorganisationMoment(db, offline);
  const before = reorganisedAt - 30 * 60_000;
  const made =
    (await seedDemoDossiers(db, offline, dossiers, before)) + (await seedDemoMerger(db, offline, hash, before));
  const dispatches = await seedDemoDispatches(db, offline, before);
  await seedDemoReorganisation(db, offline, reorganisedAt);
  // The demo's history is not news: nobody should get hundreds of mails about it on first start.
  await discardPending(db);
  const sample = SEED_USERS.filter((u) => u.username.endsWith('.p1') || u.username.endsWith('.tthb'));
  const lines = sample.map((u) => `  ${u.username.padEnd(20)} ${ROLE_LABELS[u.roles[0]]}`);
  return {
    summary: [
      '',
      `Đã nạp dữ liệu mẫu: ${SEED_UNITS.length + MERGER_ADDS.units} đơn vị, ${SEED_USERS.length + MERGER_ADDS.users} người dùng, ${made} hồ sơ, ${dispatches} công văn xin ý kiến (mật khẩu chung: ${DEMO_PASSWORD}). Ví dụ:`,
      ...lines,
      '',
    ].join('\n'),
  };
}
