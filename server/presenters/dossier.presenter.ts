import type { EventRow } from '../queries/dossiers.queries';
import type { ResultRow } from '../queries/results.queries';
import type { DossierView, WorkItem } from '../services/dossiers.service';
import { isOverdue } from '../services/dossier-clock';
import { toVnIso } from '../../workflows/calendar';
import { NATIONAL_STATUS, PublicStatus, STATUS_TEXT } from '../../workflows/status';
import { stepOf } from '../../workflows/procedure';

const iso = (ms: number | null | undefined) => (ms == null ? null : toVnIso(new Date(ms)));

/** The dossier shape of contract.md §2; `overdue` as of the moment the view was read. */
export function dossierJson(view: DossierView) {
  const { row, def, documents, asOf, result, sync } = view;
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
    overdue: isOverdue(row, asOf),
    onTime: row.on_time,
    version: row.version,
    channel: row.channel,
    supplementCount: row.supplement_count,
    extended: row.extended,
    // Dossiers received before the applicant type was recorded are citizens' (LoaiDoiTuong 1).
    applicant: { type: 1, ...JSON.parse(row.applicant) } as { type: 1 | 2 | 3 | 4; fullName: string } & Record<
      string,
      unknown
    >,
    documents: documents.map((d) => ({ code: d.code, name: d.name, required: d.required, received: d.received })),
    note: row.note,
    result: resultJson(result),
    sync: { state: sync.state, message: sync.message },
  };
}

/** The result member of contract §2: null until a draft exists; signatures oldest first. */
function resultJson(r: ResultRow | null) {
  if (!r) return null;
  return {
    name: r.name,
    kind: r.kind,
    number: r.number,
    numberedAt: iso(r.numbered_at),
    sha256: r.sha256,
    signatures: r.signatures.map((s) => ({
      signer: s.signer,
      at: iso(s.at)!,
      role: s.role,
      title: s.title,
      demo: s.demo,
      // Addition (absence delegation): "KT. CHỦ TỊCH" when a deputy signed for the head.
      ...(s.authority ? { authority: s.authority } : {}),
    })),
  };
}
export type DossierJson = ReturnType<typeof dossierJson>;

/** A work-list item: the dossier's shape and how urgent it is. */
export function workItemJson(item: WorkItem) {
  return { ...dossierJson(item), urgency: item.urgency, consultationLate: item.consultationLate };
}

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
    // Additions (absence delegation): present only on events a deputy did for a leader.
    ...(e.on_behalf_of
      ? {
          onBehalfOf: {
            fullName: e.on_behalf_of.name,
            kind: e.on_behalf_of.kind,
            authority: e.on_behalf_of.authority,
            title: e.on_behalf_of.title,
          },
        }
      : {}),
  };
}
