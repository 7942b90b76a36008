import type { Db } from '../db';
import { withTransaction } from '../db';
import { consultationAlertMails } from '../mail/consultation-mails';
import { claimReplyAlert, unalertedMissingReplies } from '../queries/consultations.queries';
import { insertOutbox } from '../queries/outbox.queries';
import { vnDate } from '../../workflows/calendar';

/**
 * A reply to a consultation still missing at the end of its due date (local midnight, when replies
 * expire) alerts the dossier's handling side once: each reply is claimed by a conditional update of
 * its `alerted_at` in the same transaction as the alert's mails (through the outbox), so with several
 * processes running this, or a pass repeated, every missing reply is alerted exactly once. The claim
 * is also the work list's "Lấy ý kiến quá hạn" mark. The reply's own state is the engine's (expiry);
 * the dossier's clock is not touched. @returns how many replies this call alerted
 */
export async function alertMissingReplies(db: Db, publicUrl: string, now = Date.now()): Promise<number> {
  const missing = await unalertedMissingReplies(db, vnDate(new Date(now)));
  const byDispatch = new Map<number, number[]>();
  for (const m of missing) byDispatch.set(m.dispatchId, [...(byDispatch.get(m.dispatchId) ?? []), m.replyId]);
  let alerted = 0;
  for (const [dispatchId, replyIds] of byDispatch) {
    alerted += await withTransaction(db, async (trx) => {
      const claimed: number[] = [];
      for (const id of replyIds) if (await claimReplyAlert(trx, id, now)) claimed.push(id);
      for (const m of await consultationAlertMails(trx, dispatchId, claimed, publicUrl))
        await insertOutbox(trx, 'mail', m, now);
      return claimed.length;
    });
  }
  return alerted;
}
