import type { Config } from '../config';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { portalAlertMails } from '../mail/portal-mails';
import { getSetting, insertSettingIfAbsent } from '../queries/app-settings.queries';
import {
  activeAdminsWithEmail,
  oldestProblemMessages,
  problemCount,
  replaceSettingIf,
} from '../queries/portal-admin.queries';
import { portalCounts } from '../queries/portal.queries';
import { enqueue } from '../services/outbox.service';
import { FAILING_AFTER } from '../../workflows/portal';

/** app_settings: when the last alert went out (epoch ms). */
export const PORTAL_ALERT_SETTING = 'portal_alert_at';
const OLDEST_SHOWN = 10;

/**
 * When messages to the national portal pile up — failing {@link FAILING_AFTER} times or more, or
 * refused as data the portal would reject — past `PORTAL_ALERT_THRESHOLD`, every active admin with
 * an address gets one mail, at most once every `PORTAL_ALERT_EVERY_HOURS`. The last alert's time is
 * a setting taken by compare-and-set in the transaction that queues the mails: of processes that
 * saw the same last time, one alerts, and a rolled-back pass alerts nobody and takes nothing.
 * @returns mails queued, or null when no alert was due or another process sent it
 */
export async function alertPortalFailures(
  db: Db,
  config: Pick<Config, 'PORTAL_ALERT_THRESHOLD' | 'PORTAL_ALERT_EVERY_HOURS' | 'PUBLIC_URL'>,
  now = Date.now(),
): Promise<number | null> {
  const last = await getSetting(db, PORTAL_ALERT_SETTING);
  if (last != null && now - Number(last) < config.PORTAL_ALERT_EVERY_HOURS * 3_600_000) return null;
  if ((await problemCount(db, FAILING_AFTER)) < config.PORTAL_ALERT_THRESHOLD) return null;
  const admins = await activeAdminsWithEmail(db);
  if (!admins.length) return null;
  const counts = await portalCounts(db, FAILING_AFTER);
  const oldest = await oldestProblemMessages(db, FAILING_AFTER, OLDEST_SHOWN);
  const mails = portalAlertMails(admins, { ...counts, oldest }, config.PUBLIC_URL);
  return withTransaction(db, async (trx) => {
    await insertSettingIfAbsent(trx, PORTAL_ALERT_SETTING, '0');
    if (!(await replaceSettingIf(trx, PORTAL_ALERT_SETTING, last ?? '0', String(now)))) return null;
    for (const m of mails) await enqueue(trx, 'mail', { ...m }, now);
    return mails.length;
  });
}
