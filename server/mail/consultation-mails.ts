import type { Knex } from 'knex';
import type { Mail } from './mailer';
import { mail } from './compose';
import { findDispatch } from '../queries/dispatches.queries';
import { findDossiersByIds } from '../queries/dossiers.queries';
import { replyUnitNames } from '../queries/consultations.queries';
import { activeStaffWithRoles, activeUserWithEmail, type StaffRow } from '../queries/user-roles.queries';
import { alertAudience } from '../policies/consultation.policy';

type Q = Knex | Knex.Transaction;

/**
 * The mails telling a dossier's handling side that replies to one of its consultations are missing
 * at the due date (design.md §11): one per person of the policy's audience (policies/consultation
 * alertAudience) plus the consultation's drafter, listing every unit whose reply this alert covers.
 * None when the dossier is final.
 */
export async function consultationAlertMails(
  db: Q,
  dispatchId: number,
  replyIds: readonly number[],
  publicUrl: string,
): Promise<Mail[]> {
  const d = await findDispatch(db, dispatchId);
  if (!d?.dossier_id || !replyIds.length) return [];
  const [dossier] = await findDossiersByIds(db, [d.dossier_id]);
  if (!dossier) return [];
  const who = alertAudience(dossier, d.issuing_unit_id);
  if (!who.unitIds.length) return [];
  const people = new Map<number, StaffRow>();
  const staff = await activeStaffWithRoles(db, { ...who, withEmail: true });
  for (const s of [...staff, ...(await activeUserWithEmail(db, d.created_by))]) people.set(s.id, s);
  const units = (await replyUnitNames(db, replyIds)).join(', ');
  return [...people.values()].map((p) =>
    mail('consultation-alert', p.email!, `[Một Cửa] Lấy ý kiến quá hạn – hồ sơ ${dossier.code}`, {
      name: p.full_name,
      code: dossier.code,
      dispatchNumber: d.number,
      title: d.title,
      due: d.due_date.split('-').reverse().join('/'),
      units,
      silence: d.silence_means_agreement,
      dossierUrl: `${publicUrl}/ho-so/${encodeURIComponent(dossier.code)}`,
      dispatchUrl: `${publicUrl}/cong-van/${d.id}`,
    }),
  );
}
