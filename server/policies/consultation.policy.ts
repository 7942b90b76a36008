import type { Knex } from 'knex';
import { Forbidden, NotAllowed } from '../errors';
import { dossierUnitIds, type DossierRow } from '../queries/dossiers.queries';
import { stepOf, type ProcedureDefinition } from '../../workflows/procedure';
import type { Role } from '../../workflows/labels';
import { isFinalState } from '../../workflows/status';
import { type Actor, hasRole } from './actor';
import { mayActOnDossier } from './dossier.policy';

type Q = Knex | Knex.Transaction;
type Row = Pick<
  DossierRow,
  'id' | 'state' | 'receiving_unit_id' | 'competent_unit_id' | 'handling_unit_id' | 'snapshot'
>;

/**
 * The consultation policy (design.md §11): who may consult other units from a dossier, who reads its
 * consultations, and who is told when a reply is missing at the due date. A consultation is a
 * dispatch, so everything after its creation is the dispatch policy's. Deny by default.
 */

/**
 * "May act at the current step" is the dossier policy's FORWARD rule (the step's role in the
 * handling unit); a consultation also needs the specialist role, since it is a dispatch draft.
 */
export function mayConsult(actor: Actor, row: Row, def: ProcedureDefinition): boolean {
  return !!stepOf(def, row.state) && hasRole(actor, 'specialist') && mayActOnDossier(actor, 'FORWARD', row, def);
}

/**
 * The refusal to throw, or null when this actor may consult now (contract.md §2: 403 before 422).
 * At a step, anyone but {@link mayConsult} gets 403. Off a step (waiting for a supplement, result
 * ready, final) nobody may consult: a specialist of a unit that handled the dossier is told why (422),
 * anyone else gets 403. The caller has already answered 404 to whoever may not see the dossier.
 */
export async function consultationRefusal(
  db: Q,
  actor: Actor,
  row: Row,
  def: ProcedureDefinition,
): Promise<Forbidden | NotAllowed | null> {
  if (mayConsult(actor, row, def)) return null;
  const refuse = new Forbidden('Chỉ chuyên viên đang xử lý hồ sơ ở bước hiện tại được lấy ý kiến cơ quan liên quan.');
  if (stepOf(def, row.state) || !hasRole(actor, 'specialist') || actor.unitId == null) return refuse;
  if (!(await dossierUnitIds(db, row.id)).includes(actor.unitId)) return refuse;
  return new NotAllowed(
    isFinalState(row.state)
      ? 'Hồ sơ đã kết thúc nên không thể lấy ý kiến cơ quan liên quan.'
      : 'Hồ sơ không ở bước xử lý (đang chờ bổ sung hoặc đã có kết quả) nên không thể lấy ý kiến.',
  );
}

/** The unit that issues a consultation: the one handling the dossier now. */
export const consultingUnitId = (row: Pick<Row, 'handling_unit_id'>): number | null => row.handling_unit_id;

/**
 * Whoever may see the dossier reads its consultations in full, as the issuing side does (every
 * recipient with its reply once sent): they are part of the dossier's record. The recipients, in
 * turn, see the dispatch and never the dossier's applicant data (the dispatch carries only its code).
 */
export const CONSULTATION_READER_VIEW = 'sender' as const;

/**
 * Who is told that a reply is missing at the consultation's due date: the people who hold the
 * dossier now (its handling unit's users in the current step's role), because they must decide
 * without that opinion; when the dossier is not at a step (waiting for a supplement, result ready)
 * the specialists of the consulting unit; when it is final, nobody. The consultation's drafter is
 * always told as well (the caller adds them). A missing reply is marked on the work list either way.
 */
export function alertAudience(
  row: Pick<DossierRow, 'state' | 'status' | 'handling_unit_id' | 'step_role'>,
  consultingUnitId: number,
): { unitIds: number[]; roles: Role[] } {
  if (isFinalState(row.state)) return { unitIds: [], roles: [] };
  if (row.status === 'processing' && row.handling_unit_id != null && row.step_role)
    return { unitIds: [row.handling_unit_id], roles: [row.step_role as Role] };
  return { unitIds: [consultingUnitId], roles: ['specialist'] };
}
