import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { findUnitByCode, insertUnit } from '../../../server/queries/units.queries';
import { findUserByUsername, insertUser, User } from '../../../server/queries/users.queries';
import { findDossierByCode } from '../../../server/queries/dossiers.queries';
import { receiveDossier } from '../../../server/services/intake.service';
import { applyDossierEvent } from '../../../server/services/transition.service';
import { generateResult } from '../../../server/services/results.service';
import { compiledVersion } from '../../../server/services/catalog.service';
import { mergeUnit } from '../../../server/services/unit-merge.service';
import { getCalendar } from '../../../server/services/calendar.service';
import { intakeSchema } from '../../../server/schemas/dossier.schema';
import type { DossierEventInput } from '../../../server/services/engine/dossier.kind';
import type { Role } from '../../../workflows/labels';

/**
 * The 2025 reorganisation as history (design.md §13): two former communes of huyện Hòa Bình received
 * dossiers, then merged into today's xã Vĩnh Hậu, which hangs directly under the province (two tiers).
 * Their finished dossiers keep the old names; the ones in progress moved to the new commune (an
 * UNIT_MERGED line in their history) and its staff, the former communes' people, carry on.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PROVINCE = '000.00.00.H05';
const HOA_BINH = '000.00.03.H05';
const MERGED = { code: '000.41.00.H05', name: 'UBND xã Vĩnh Hậu', symbol: 'UBND-VHAU' };
const FORMER = [
  { code: '000.04.03.H05', name: 'UBND xã Vĩnh Mỹ B', symbol: 'UBND-VMB', key: 'vmb' },
  { code: '000.05.03.H05', name: 'UBND xã Vĩnh Hậu A', symbol: 'UBND-VHA', key: 'vha' },
];
const PEOPLE: Array<[Role, string, string]> = [
  ['intake', 'motcua', 'Trần Thị Kim Thoa'],
  ['specialist', 'chuyenvien', 'Lê Văn Hậu'],
  ['leader', 'lanhdao', 'Nguyễn Văn Mười'],
  ['clerk', 'vanthu', 'Huỳnh Thị Út'],
];
/** The units and people this part of the demo adds (for the start-up summary). */
export const MERGER_ADDS = { units: FORMER.length + 1, users: FORMER.length * PEOPLE.length };
/** What became of each former commune's dossiers before the merger (the khai sinh procedure). */
const FATES = ['review', 'sign', 'supplement', 'returned', 'refused', 'withdrawn'] as const;

/** The former communes and the merged one, their people and dossiers, and the merger itself. */
export async function seedDemoMerger(db: Db, config: Config, passwordHash: string, now = Date.now()): Promise<number> {
  const cal = await getCalendar(db, config);
  const at = (ms: number) => cal.nextWorkingMoment(new Date(Math.ceil(ms / 60_000) * 60_000)).getTime();
  const province = (await findUnitByCode(db, PROVINCE))!;
  const district = (await findUnitByCode(db, HOA_BINH))!;
  await insertUnit(db, {
    ...MERGED,
    level: 'commune',
    parentId: province.id,
    address: 'Ấp Vĩnh Hậu, xã Vĩnh Hậu, tỉnh Cà Mau',
    phone: '0291 3881 555',
  });
  const mergedAt = at(now - 8 * DAY);
  let made = 0;
  for (const [f, unit] of FORMER.entries()) {
    const unitId = await insertUnit(db, { ...unit, level: 'commune', parentId: district.id });
    const people: Partial<Record<Role, User>> = {};
    for (const [role, prefix, fullName] of PEOPLE) {
      const username = `${prefix}.${unit.key}`;
      await insertUser(db, { username, passwordHash, fullName, email: null, unitId, roles: [role] });
      people[role] = (await findUserByUsername(db, username))!;
    }
    for (const [i, fate] of FATES.entries()) {
      let t = at(mergedAt - (14 - i * 2 - f) * DAY);
      const input = intakeSchema.parse({
        procedureCode: '1.001193',
        applicant: { fullName: ['Danh Thị Sương', 'Lâm Văn Khởi', 'Tăng Thị Mỹ'][(i + f) % 3], address: 'Hòa Bình' },
        documents: ['TO_KHAI', 'GIAY_CHUNG_SINH', 'CCCD'],
      });
      const code = await receiveDossier(db, config, people.intake!, input, t);
      made++;
      const send = async (who: Role, e: Omit<DossierEventInput, 'version'>) => {
        t = at(t + 2 * HOUR);
        const d = (await findDossierByCode(db, code))!;
        await applyDossierEvent(db, config, people[who]!, code, { ...e, version: d.version }, t);
      };
      if (fate === 'supplement')
        await send('specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Đề nghị bổ sung bản sao Giấy chứng sinh.' });
      if (fate === 'withdrawn') await send('intake', { type: 'WITHDRAW', comment: 'Công dân xin rút hồ sơ.' });
      if (fate === 'sign' || fate === 'returned' || fate === 'refused') await send('specialist', { type: 'FORWARD' });
      if (fate === 'refused')
        await send('leader', { type: 'REFUSE', comment: 'Người yêu cầu không thuộc diện đăng ký tại xã.' });
      if (fate === 'returned') {
        const version = (await compiledVersion(db, (await findDossierByCode(db, code))!.procedure_version_id)).def;
        t = at(t + HOUR);
        if (version.result) await generateResult(db, config, people.leader!, code, t);
        await send('leader', { type: 'FORWARD' });
        await send('clerk', { type: 'FORWARD' });
        await send('intake', { type: 'RETURN_RESULT' });
      }
    }
    // The merger: one commune after the other, a few minutes apart, by the administrator.
    const admin = (await findUserByUsername(db, 'admin'))!;
    await mergeUnit(db, admin, unit.code, MERGED.code, at(mergedAt + f * 5 * 60_000));
  }
  // The new commune's staff (the former communes' people) carry on with a moved dossier.
  const moved = await db('dossiers as d')
    .join('units as u', 'u.id', 'd.receiving_unit_id')
    .where({ 'u.code': MERGED.code, 'd.state': 'review' })
    .orderBy('d.id')
    .first('d.code', 'd.version');
  if (moved) {
    const specialist = (await findUserByUsername(db, `chuyenvien.${FORMER[0].key}`))!;
    await applyDossierEvent(
      db,
      config,
      specialist,
      moved.code,
      { type: 'FORWARD', version: Number(moved.version) },
      at(mergedAt + DAY),
    );
  }
  return made;
}
