import type { DocumentRow, DossierRow, EventRow } from '../queries/dossiers.queries';
import { toVnIso } from '../../workflows/calendar';
import { NATIONAL_STATUS, PublicStatus, STATUS_TEXT } from '../../workflows/status';
import { ProcedureDefinition, stepOf } from '../../workflows/procedure';
import { isOverdue as clockIsOverdue, type DossierClock } from '../../workflows/clock';

const iso = (ms: number | null | undefined) => (ms == null ? null : toVnIso(new Date(ms)));

type ClockRow = Pick<
  DossierRow,
  'status' | 'received_at' | 'due_at' | 'paused_at' | 'resolved_at' | 'completed_at' | 'step_due_at'
>;

/** The clock fields of a row as workflows/clock reads them. */
export function clockOf(row: ClockRow): DossierClock & { stepDueAt: number | null } {
  return {
    status: row.status,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    pausedAt: row.paused_at,
    resolvedAt: row.resolved_at,
    completedAt: row.completed_at,
    stepDueAt: row.step_due_at,
  };
}

/** Overdue is computed, never stored: the one rule of workflows/clock ({@link clockIsOverdue}). */
export function isOverdue(row: Omit<ClockRow, 'step_due_at'>, now: number): boolean {
  return clockIsOverdue(clockOf({ ...row, step_due_at: null }), now);
}

/** The dossier shape of contract.md §2. */
export function dossierJson(
  row: DossierRow,
  def: ProcedureDefinition,
  documents: Array<Pick<DocumentRow, 'code' | 'name' | 'required' | 'received'>>,
  now = Date.now(),
) {
  const step = stepOf(def, row.state);
  const status = row.status as PublicStatus;
  return {
    code: row.code,
    procedure: { code: row.procedure_code, version: row.procedure_version, name: row.procedure_name },
    receivingUnit: { code: row.receiving_code, name: row.receiving_name },
    competentUnit: { code: row.competent_code, name: row.competent_name },
    handlingUnit: row.handling_code ? { code: row.handling_code, name: row.handling_name } : null,
    state: row.state,
    status,
    statusText: STATUS_TEXT[status],
    nationalStatus: NATIONAL_STATUS[status],
    step: step ? { code: step.code, name: step.name, role: step.role, dueAt: iso(row.step_due_at) } : null,
    receivedAt: iso(row.received_at),
    dueAt: iso(row.due_at),
    resolvedAt: iso(row.resolved_at),
    completedAt: iso(row.completed_at),
    overdue: isOverdue(row, now),
    onTime: row.on_time,
    version: row.version,
    channel: row.channel,
    supplementCount: row.supplement_count,
    extended: row.extended,
    applicant: JSON.parse(row.applicant),
    documents: documents.map((d) => ({ code: d.code, name: d.name, required: d.required, received: d.received })),
    note: row.note,
  };
}
export type DossierJson = ReturnType<typeof dossierJson>;

/** The event shape of contract.md §2. */
export function eventJson(e: EventRow) {
  return {
    type: e.type,
    fromState: e.from_state,
    toState: e.to_state,
    actor: e.actor_username
      ? { username: e.actor_username, fullName: e.actor_name, unitCode: e.actor_unit_code }
      : null,
    comment: e.comment,
    at: iso(e.at),
    stepDueAt: iso(e.step_due_at),
    onTime: e.on_time,
    ...(e.data ? { data: JSON.parse(e.data) } : {}),
  };
}
