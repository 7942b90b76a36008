import type { Knex } from 'knex';
import { Forbidden, NotAllowed, NotFound } from '../errors';
import { ancestorIds, subtreeIds } from '../queries/units.queries';
import { dossiersSeenBy, DossierRow, DossierScope, dossierUnitIds } from '../queries/dossiers.queries';
import { allowedEvents, DossierMachine, ProcedureDefinition, stepOf } from '../../workflows/procedure';
import { DossierEventType, EVENT_LABELS, ROLE_LABELS, Role } from '../../workflows/labels';
import { isFinalState } from '../../workflows/status';
import { draftOpen, resultSteps } from '../../workflows/result';
import { ActiveDelegation, Actor, actsIn, actsInOrFor, delegationFor, isAdmin } from './actor';

type Q = Knex | Knex.Transaction;
type Row = Pick<
  DossierRow,
  'id' | 'state' | 'receiving_unit_id' | 'competent_unit_id' | 'handling_unit_id' | 'snapshot'
>;

/**
 * The dossier policy: the one place that says who may see a dossier, act on it, attach files to it
 * and print it (design.md §4). Services enforce it; pages ask it what to show. Deny by default.
 */

/**
 * Who sees a dossier: users of the receiving unit, of any unit that handled or handles one of its
 * steps, and of the units above the receiving unit (supervision). Admins see all and act on none.
 * Anyone else gets 404, never 403, so codes of other communes cannot be probed.
 */
export async function canSeeDossier(db: Q, actor: Actor, row: Pick<Row, 'id' | 'receiving_unit_id'>): Promise<boolean> {
  if (isAdmin(actor)) return true;
  if (actor.unitId == null) return false;
  if (actor.unitId === row.receiving_unit_id) return true;
  if ((await dossierUnitIds(db, row.id)).includes(actor.unitId)) return true;
  return (await ancestorIds(db, row.receiving_unit_id)).includes(actor.unitId);
}

/** The row when this actor may see it; 404 otherwise (also for a missing row). */
export async function assertCanSeeDossier<R extends Row>(db: Q, actor: Actor, row: R | null): Promise<R> {
  if (!row || !(await canSeeDossier(db, actor, row))) throw new NotFound('Không tìm thấy hồ sơ.');
  return row;
}

/** A knex filter on `dossiers as d`: the dossiers this actor may see (lists, reports); null = all. */
export async function dossierVisibilityFilter(db: Q, actor: Actor): Promise<DossierScope | null> {
  if (isAdmin(actor)) return null;
  if (actor.unitId == null) return (qb) => void qb.whereRaw('1 = 0');
  const units = await subtreeIds(db, actor.unitId);
  return dossiersSeenBy(units, actor.unitId);
}

/** Who may send an event in the dossier's current state (design.md §4), or null when no one can. */
export function requiredActor(
  type: DossierEventType,
  row: Pick<Row, 'state' | 'handling_unit_id' | 'competent_unit_id' | 'receiving_unit_id'>,
  def: ProcedureDefinition,
): { role: Role; unitId: number } | null {
  switch (type) {
    case 'FORWARD':
    case 'RETURN':
    case 'REQUEST_SUPPLEMENT':
    case 'REFUSE':
      return holderOf(row, def);
    case 'EXTEND':
      return { role: 'leader', unitId: row.competent_unit_id };
    default:
      return { role: 'intake', unitId: row.receiving_unit_id };
  }
}

/**
 * True when this actor holds the role, in the unit, that the event needs now: themself, or by an
 * absence delegation in force today from a leader holding it (the deputy acts "KT."/"TUQ.").
 */
export function mayActOnDossier(actor: Actor, type: DossierEventType, row: Row, def: ProcedureDefinition): boolean {
  const who = requiredActor(type, row, def);
  return !!who && actsInOrFor(actor, who.unitId, who.role);
}

/**
 * The delegation this actor would act by for this event: null when they hold the role themself (or
 * may not act at all). The engine records it on the event and on a result signed by it.
 */
export function actingDelegation(
  actor: Actor,
  type: DossierEventType | 'ATTACH' | 'RESULT',
  row: Row,
  def: ProcedureDefinition,
): ActiveDelegation | null {
  const who = type === 'ATTACH' || type === 'RESULT' ? holderOf(row, def) : requiredActor(type, row, def);
  if (!who || actsIn(actor, who.unitId, who.role)) return null;
  return delegationFor(actor, who.unitId, who.role);
}

/** Whoever holds the dossier now: the current step's role in the handling unit. */
function holderOf(
  row: Pick<Row, 'state' | 'handling_unit_id'>,
  def: ProcedureDefinition,
): { role: Role; unitId: number } | null {
  const step = stepOf(def, row.state);
  return step && row.handling_unit_id != null ? { role: step.role, unitId: row.handling_unit_id } : null;
}

/** 403 unless {@link mayActOnDossier}. */
export function assertMayActOnDossier(actor: Actor, type: DossierEventType, row: Row, def: ProcedureDefinition): void {
  if (mayActOnDossier(actor, type, row, def)) return;
  const who = requiredActor(type, row, def);
  throw new Forbidden(
    who
      ? `Thao tác "${EVENT_LABELS[type]}" ở bước này dành cho ${ROLE_LABELS[who.role].toLowerCase()} của đơn vị đang xử lý${
          who.role === 'leader' ? ' hoặc người được lãnh đạo ủy quyền, trong thời gian ủy quyền' : ''
        }.`
      : `Bạn không có quyền "${EVENT_LABELS[type]}" ở bước này.`,
  );
}

/**
 * The events this actor may send now: what the machine allows in the dossier's state, filtered by
 * the same rule the engine enforces. A page shows exactly these, so it never offers what the
 * server would refuse.
 */
export function dossierEventsFor(
  actor: Actor,
  row: Row,
  def: ProcedureDefinition,
  machine: DossierMachine,
): DossierEventType[] {
  return allowedEvents(machine, JSON.parse(row.snapshot)).filter((type) => mayActOnDossier(actor, type, row, def));
}

/**
 * Who may attach files: whoever holds the dossier now (the current step's role in the handling
 * unit) and the receiving unit's desk officers, while the dossier is not final. A supervising unit
 * reads only. Returns the refusal to throw (403 before 422, contract §2), or null when allowed.
 */
export function attachRefusal(actor: Actor, row: Row, def: ProcedureDefinition): Forbidden | NotAllowed | null {
  const step = stepOf(def, row.state);
  const holder = !!step && actsInOrFor(actor, row.handling_unit_id, step.role);
  if (!holder && !actsIn(actor, row.receiving_unit_id, 'intake')) {
    return new Forbidden('Bạn chỉ được xem hồ sơ này; chỉ người đang xử lý hoặc bộ phận một cửa được đính kèm tệp.');
  }
  if (isFinalState(row.state)) return new NotAllowed('Hồ sơ đã kết thúc nên không thể đính kèm thêm tệp.');
  return null;
}

/**
 * When a draft result may be put at all (design.md §10): the procedure has a result and the dossier
 * is at a step no later than the signing step. The refusal (422), or null.
 */
export function resultDraftStateRefusal(row: Pick<Row, 'state'>, def: ProcedureDefinition): NotAllowed | null {
  if (!resultSteps(def)) return new NotAllowed('Thủ tục này không có kết quả điện tử.');
  if (draftOpen(def, row.state)) return null;
  if (stepOf(def, row.state)) return new NotAllowed('Kết quả đã được ký nên không thể thay dự thảo.');
  return new NotAllowed(
    row.state === 'waiting_supplement'
      ? 'Hồ sơ đang chờ bổ sung; chỉ đính kèm dự thảo kết quả khi hồ sơ ở một bước xử lý.'
      : 'Hồ sơ đã qua bước ký kết quả nên không thể thay dự thảo.',
  );
}

/**
 * Who may put the draft result (contract §2 "Results"): whoever may act at the current step, and
 * only until the signing step has been passed. The refusal (403 before 422), or null when allowed.
 */
export function resultDraftRefusal(actor: Actor, row: Row, def: ProcedureDefinition): Forbidden | NotAllowed | null {
  const step = stepOf(def, row.state);
  if (step && !actsInOrFor(actor, row.handling_unit_id, step.role))
    return new Forbidden('Chỉ người đang xử lý bước hiện tại được đính kèm dự thảo kết quả.');
  return resultDraftStateRefusal(row, def);
}

export const mayDraftResult = (actor: Actor, row: Row, def: ProcedureDefinition): boolean =>
  resultDraftRefusal(actor, row, def) === null;

export const mayAttachToDossier = (actor: Actor, row: Row, def: ProcedureDefinition): boolean =>
  attachRefusal(actor, row, def) === null;

/** Only a desk officer (role `intake`) of a unit receives dossiers, for that unit. */
export const mayReceiveDossier = (actor: Actor): boolean => actor.unitId != null && actor.roles.includes('intake');

/**
 * A knex filter on `dossiers as d` for "my work" (`mine=1`): the dossiers whose current step this
 * actor may act on now: held by the actor's unit, in a role the actor has or holds today by an
 * absence delegation, not final.
 */
export function actionableFilter(actor: Actor): (qb: Knex.QueryBuilder) => void {
  const delegated = (actor.delegations ?? []).filter((d) => d.unitId === actor.unitId);
  return (qb) =>
    void qb
      .where((w) => {
        w.where((own) => void own.where('d.handling_unit_id', actor.unitId ?? -1).whereIn('d.step_role', actor.roles));
        for (const d of delegated)
          w.orWhere((by) => void by.where('d.handling_unit_id', d.unitId).where('d.step_role', d.role));
      })
      .whereIn('d.status', ['processing', 'waiting_supplement', 'result_ready']);
}
