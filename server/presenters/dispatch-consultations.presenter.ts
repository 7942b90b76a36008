import type { Db } from '../db';
import type { DossierRow } from '../queries/dossiers.queries';
import { consultationsOfRow, openableConsultations } from '../services/consultations.service';
import { mayConsult } from '../policies/consultation.policy';
import { dispatchJson } from './dispatch.presenter';
import { dayText, pastDue } from './dispatch-pages.presenter';
import type { ProcedureDefinition } from '../../workflows/procedure';

/** "Quá hạn, chưa trả lời": a reply not sent by the end of its due date (whatever expiry made of it). */
const MISSING = 'Quá hạn, chưa trả lời';

/**
 * The dossier page's "Lấy ý kiến cơ quan liên quan" section (design.md §11): each consultation with its
 * number, title and state, every recipient unit with its reply (position, text and date once sent, or
 * "Quá hạn, chưa trả lời" once the due date is past), a link to the dispatch for whoever may open
 * it, and the button to consult for whoever may consult now.
 */
export async function consultationSection(
  db: Db,
  user: Express.User,
  view: { row: DossierRow; def: ProcedureDefinition },
) {
  const details = await consultationsOfRow(db, user, view.row);
  const openable = await openableConsultations(db, user, details);
  const items = details.map((detail) => {
    const json = dispatchJson(detail);
    const issued = json.issuedAt != null;
    const late = issued && pastDue(json.dueDate);
    const recipients = json.recipients.map((r) => {
      const missing = late && r.state !== 'replied';
      return {
        unitName: r.unitName,
        state: r.state,
        stateText: missing ? (r.state === 'deemed_agreed' ? `${MISSING} (xem như thống nhất)` : MISSING) : r.stateText,
        missing,
        replied: r.state === 'replied',
        positionText: r.state === 'replied' ? r.positionText : null,
        content: r.state === 'replied' ? r.content : null,
        repliedAt: r.repliedAt,
      };
    });
    return {
      id: json.id,
      href: openable.has(json.id) ? `/cong-van/${json.id}` : null,
      numberText: json.number,
      title: json.title,
      state: json.state,
      stateText: json.stateText,
      due: dayText(json.dueDate),
      missing: recipients.filter((r) => r.missing).length,
      replied: recipients.filter((r) => r.replied).length,
      recipients,
    };
  });
  const code = view.row.code;
  return {
    items,
    canConsult: mayConsult(user, view.row, view.def),
    formUrl: `/ho-so/${encodeURIComponent(code)}/lay-y-kien`,
  };
}
export type ConsultationSection = Awaited<ReturnType<typeof consultationSection>>;
