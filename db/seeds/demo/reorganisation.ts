import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { findUserByUsername } from '../../../server/queries/users.queries';
import { listUnits } from '../../../server/queries/units.queries';
import { updateUnit } from '../../../server/services/accounts.service';
import { mergeUnit } from '../../../server/services/unit-merge.service';
import { getCalendar } from '../../../server/services/calendar.service';
import { vnDate, vnStartOfDay } from '../../../workflows/calendar/time';

/**
 * Today's two tiers (design.md §13): the demo's history ran under the old three tiers; on the
 * reorganisation day the communes and wards came directly under the province, a few merged into a
 * neighbour, and every district handed its staff, its dossiers in progress and its open dispatches
 * to the commune at its seat and stopped working. All of it through the merge service, so each moved
 * dossier, reply and dispatch has the move in its history; finished ones keep the district's code
 * and name. (Bạc Liêu joining Cà Mau is left out: the demo stays one province.)
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const PROVINCE = '000.00.00.H05';

/** Communes merged into a neighbour: [former, merged into]. */
const COMMUNE_MERGERS: Array<[string, string]> = [
  ['000.02.02.H05', '000.01.02.H05'], // phường Láng Tròn → phường Hộ Phòng
  ['000.03.04.H05', '000.02.04.H05'], // xã Hưng Hội → xã Châu Thới
];

/** Each district and the commune at its seat, which took over its work: [district, seat]. */
const DISTRICT_SEATS: Array<[string, string]> = [
  ['000.00.01.H05', '000.01.01.H05'], // TP Bạc Liêu → phường 1
  ['000.00.02.H05', '000.01.02.H05'], // TX Giá Rai → phường Hộ Phòng
  ['000.00.03.H05', '000.01.03.H05'], // huyện Hòa Bình → thị trấn Hòa Bình
  ['000.00.04.H05', '000.01.04.H05'], // huyện Vĩnh Lợi → thị trấn Châu Hưng
  ['000.00.05.H05', '000.01.05.H05'], // huyện Đông Hải → thị trấn Gành Hào
  ['000.00.06.H05', '000.01.06.H05'], // huyện Phước Long → thị trấn Phước Long
  ['000.00.07.H05', '000.01.07.H05'], // huyện Hồng Dân → thị trấn Ngan Dừa
];

/**
 * When the demo's reorganisation happens: 14:00 on the last working day before today, so that the
 * history before it ends earlier and the moves land in office hours, in the past.
 */
export async function reorganisationMoment(db: Db, config: Config, now = Date.now()): Promise<number> {
  const cal = await getCalendar(db, config);
  let day = vnDate(new Date(now));
  do day = vnDate(new Date(vnStartOfDay(day).getTime() - DAY / 2));
  while (!cal.isWorkingDay(day));
  return vnStartOfDay(day).getTime() + 14 * HOUR;
}

/** Run the reorganisation at `at` (see {@link reorganisationMoment}), by the administrator. */
export async function seedDemoReorganisation(db: Db, config: Config, at: number): Promise<void> {
  const cal = await getCalendar(db, config);
  const admin = (await findUserByUsername(db, 'admin'))!;
  const units = await listUnits(db);
  const districts = new Set(units.filter((u) => u.level === 'district').map((u) => u.id));
  for (const u of units)
    if (u.level === 'commune' && u.active && u.parentId != null && districts.has(u.parentId))
      await updateUnit(db, u.code, { parentCode: PROVINCE });
  let t = at;
  for (const [from, into] of [...COMMUNE_MERGERS, ...DISTRICT_SEATS]) {
    t = cal.nextWorkingMoment(new Date(t)).getTime();
    await mergeUnit(db, admin, from, into, t);
    t += 5 * MINUTE;
  }
}
