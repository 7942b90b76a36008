import type { Knex } from 'knex';
import type { Config } from '../../config';
import { Forbidden, Invalid, NotAllowed } from '../../errors';
import { addDossierUnit, documentsOf, DossierRow, toDossierRow } from '../../queries/dossiers.queries';
import { findUnitById } from '../../queries/units.queries';
import { insertAttachments } from '../../queries/attachments.queries';
import { assertMayActOnDossier, attachRefusal } from '../../policies/dossier.policy';
import type { DossierView } from '../dossiers.service';
import { stepUnitId } from '../step-unit';
import { WorkCalendar } from '../../../workflows/calendar';
import { checkExtension, isOnTime, resumeClock, stepDueAt } from '../../../workflows/clock';
import { applyEvent, DossierEvent, DossierMachine, ProcedureDefinition, stepOf } from '../../../workflows/procedure';
import { statusOfState } from '../../../workflows/status';
import { DossierEventType, EVENT_LABELS } from '../../../workflows/labels';
import type { Effects, Kind, Next } from './engine';
import type { Actor } from '../../policies/actor';
import { resultOnForward } from './result.effects';
import { mirrorDossier, dossierSyncState } from '../portal-sync.service';
import type { Role } from '../../../workflows/labels';
import { findResult, putDraft } from '../../queries/results.queries';
import { actingDelegation, resultDraftRefusal, resultDraftStateRefusal } from '../../policies/dossier.policy';
import { onBehalfColumns } from './delegation.effects';

/** What a dossier kind needs that is read before the transaction (SQLite has one connection). */
export interface DossierSetting {
  config: Config;
  def: ProcedureDefinition;
  machine: DossierMachine;
  cal: WorkCalendar;
  /** The visibility-checked row read before the transaction (unit codes and names). */
  seen: DossierRow;
}

/** A dossier event as the engine takes it (the route's schema has checked its fields). */
export interface DossierEventInput {
  type: DossierEventType;
  version: number;
  comment?: string | null;
  /** EXTEND: the new due time, ISO 8601 with offset. */
  dueAt?: string | null;
}

/** A file being attached: the columns of its attachment row, written by the effects. */
export interface AttachInput {
  type: 'ATTACH';
  files: Array<{ filename: string; mime: string; size: number; sha256: string }>;
  documentCode: string | null;
}

const base = (s: DossierSetting) => ({
  name: 'dossier' as const,
  table: 'dossiers' as const,
  noun: 'Hồ sơ',
  // Unit codes and names come from the read before the transaction: they do not change with state.
  // The locked row is as the driver returned it: normalised here like every other dossier row.
  load: async (_trx: Knex.Transaction, locked: object) => toDossierRow({ ...s.seen, ...locked }),
  stream: (row: DossierRow) => ({ dossier_id: row.id }),
});

/** A dossier event of the procedure's machine (design.md §4). */
export function dossierKind(s: DossierSetting): Kind<DossierRow, DossierEventInput, DossierView> {
  return {
    ...base(s),
    authorize: (actor, row, input) => assertMayActOnDossier(actor, input.type, row, s.def),
    machine(_trx, row, input) {
      const event = { type: input.type, comment: input.comment ?? undefined, dueAt: input.dueAt ?? undefined };
      const r = applyEvent(s.machine, JSON.parse(row.snapshot), event as DossierEvent);
      return r.ok ? { state: r.state, snapshot: r.snapshot } : null;
    },
    notAllowed: (row, input) =>
      new NotAllowed(`Không thể "${EVENT_LABELS[input.type]}" khi hồ sơ ở trạng thái hiện tại.`, {
        state: row.state,
        event: input.type,
      }),
    effects: (trx, t) => dossierEffects(trx, s, t.row, t.input, t.next, t.now, t.actor),
    mirror: (trx, { row, after, input, actor, now }) =>
      mirrorDossier(trx, s.config, after, {
        type: input.type,
        comment: input.comment ?? null,
        at: now,
        actor,
        role: (row.step_role ?? 'intake') as Role,
        stepStartedAt: row.step_started_at,
        stepDueAt: row.step_due_at,
      }),
    async answer(trx, { row, after, now }) {
      if (after.handling_unit_id !== row.handling_unit_id) {
        const hu = after.handling_unit_id == null ? null : await findUnitById(trx, after.handling_unit_id);
        after.handling_code = hu?.code ?? null;
        after.handling_name = hu?.name ?? null;
      }
      // Read here, inside the transaction: a committed event is never reported as failed because a
      // read after the commit failed. The handler shapes it (presenters/dossier.presenter).
      return {
        row: after,
        def: s.def,
        documents: await documentsOf(trx, row.id),
        asOf: now,
        // Only a procedure with a result has one (its drafts are refused otherwise): no read without.
        result: s.def.result ? await findResult(trx, row.id) : null,
        sync: await dossierSyncState(trx, row.id),
      };
    },
  };
}

/**
 * What an event does to the dossier's clock and holder: the step it enters (unit, role, due time),
 * the pause and resume of a supplement, resolution and on-time, extension, completion. The rules
 * themselves are the pure ones in workflows/clock.
 */
async function dossierEffects(
  trx: Knex.Transaction,
  s: DossierSetting,
  row: DossierRow,
  input: DossierEventInput,
  next: Next,
  now: number,
  actor: Actor,
): Promise<Effects> {
  const { cal, def } = s;
  // Acting for a leader by an absence delegation: recorded on the event (and on a result signed by it).
  const delegation = actingDelegation(actor, input.type, row, def);
  // The result is signed (or numbered and sealed) first: if that fails, nothing else is computed.
  const result =
    input.type === 'FORWARD'
      ? await resultOnForward(trx, { config: s.config, def, row, actor, now, delegation })
      : null;
  const to = next.state;
  const patch: Record<string, unknown> = { status: statusOfState(to) };
  const leaving = stepOf(def, row.state);
  const dueAt = row.due_at;
  const late = row.late_marked;
  const enterStep = async (code: string, start: number, due: number) => {
    const step = stepOf(def, code)!;
    const unitId = await stepUnitId(trx, step, row.competent_unit_id);
    Object.assign(patch, { handling_unit_id: unitId, step_role: step.role, step_started_at: start, step_due_at: due });
    if (unitId !== row.handling_unit_id) await addDossierUnit(trx, row.id, unitId);
  };
  const atDesk = { handling_unit_id: row.receiving_unit_id, step_role: 'intake' };
  const resolved = { resolved_at: now, on_time: isOnTime({ resolvedAt: now, dueAt, lateMarked: late }) };

  switch (input.type) {
    case 'FORWARD':
    case 'RETURN': {
      const target = stepOf(def, to);
      if (target) await enterStep(to, now, stepDueAt(cal, now, target.hours));
      else Object.assign(patch, atDesk, { step_due_at: null, step_started_at: null }, resolved);
      break;
    }
    case 'REQUEST_SUPPLEMENT': {
      const count = row.supplement_count + 1;
      Object.assign(patch, atDesk, { paused_at: now, supplement_count: count, late_marked: late || count >= 2 });
      break;
    }
    case 'SUPPLEMENT_RECEIVED': {
      const clock = resumeClock(cal, {
        now,
        pausedAt: row.paused_at,
        startAt: row.start_at,
        dueAt,
        stepStartedAt: row.step_started_at,
        stepDueAt: row.step_due_at,
        stepHours: stepOf(def, to)!.hours,
      });
      await enterStep(to, clock.stepStart, clock.stepDueAt);
      Object.assign(patch, { due_at: clock.dueAt, paused_at: null });
      break;
    }
    case 'REFUSE':
      Object.assign(patch, { handling_unit_id: null, step_role: null, step_due_at: null, completed_at: now }, resolved);
      break;
    case 'EXTEND': {
      const newDue = Date.parse(input.dueAt!);
      const problem = checkExtension(cal, { currentDueAt: dueAt, newDueAt: newDue });
      if (problem) throw new Invalid(problem.message, { fields: { [problem.field]: problem.fieldMessage } });
      Object.assign(patch, { due_at: newDue, extended: true });
      break;
    }
    case 'RETURN_RESULT':
      Object.assign(patch, { handling_unit_id: null, step_role: null, completed_at: now });
      break;
    case 'WITHDRAW':
      Object.assign(patch, {
        handling_unit_id: null,
        step_role: null,
        step_due_at: null,
        paused_at: null,
        completed_at: now,
      });
      break;
  }

  const stepDue = row.step_due_at;
  const leavesStep = !!leaving && to !== row.state;
  const after = (k: string) => (k in patch ? patch[k] : row[k as keyof DossierRow]);
  return {
    patch,
    event: {
      ...onBehalfColumns(delegation),
      comment: input.comment ?? null,
      step_due_at: leaving ? stepDue : null,
      on_time: leavesStep && stepDue != null ? now <= stepDue : null,
      data:
        input.type === 'EXTEND'
          ? JSON.stringify({ previousDueAt: dueAt, dueAt: patch.due_at })
          : result
            ? JSON.stringify({ result })
            : null,
    },
    // Everything the mails need, as of this event: later events must not change who is told what.
    outbox: [
      {
        kind: 'dossier.event',
        payload: {
          code: row.code,
          type: input.type,
          from: row.state,
          to,
          comment: input.comment ?? null,
          dueAt: after('due_at'),
          handlingUnitId: after('handling_unit_id'),
          actorRole: after('step_role'),
          stepDueAt: after('step_due_at'),
          changed: to !== row.state,
          // The result mail carries the citizen's private link once a numbered result exists.
          resultKey:
            to === 'result_ready' && (result?.action === 'numbered' || (await findResult(trx, row.id))?.number)
              ? row.access_key
              : null,
        },
      },
    ],
  };
}

/**
 * Files attached to a dossier: an event of their own (ATTACH), under the same lock, policy and
 * version as a state change, so the history says who added what and when.
 */
export function attachKind(s: DossierSetting): Kind<DossierRow, AttachInput, number> {
  return {
    ...base(s),
    authorize(actor, row) {
      const refusal = attachRefusal(actor, row, s.def);
      if (refusal) throw refusal;
    },
    machine: (_trx, row) => ({ state: row.state, snapshot: JSON.parse(row.snapshot) }),
    notAllowed: () => new NotAllowed('Không thể đính kèm tệp lúc này.'),
    async effects(trx, { row, input, actor, now }) {
      await insertAttachments(
        trx,
        input.files.map((f) => ({
          dossier_id: row.id,
          document_code: input.documentCode,
          ...f,
          uploaded_by: actor.id,
          created_at: now,
        })),
      );
      return {
        event: {
          ...onBehalfColumns(actingDelegation(actor, 'ATTACH', row, s.def)),
          comment: input.files.map((f) => f.filename).join(', '),
          data: JSON.stringify({ documentCode: input.documentCode, files: input.files.map((f) => f.sha256) }),
        },
      };
    },
    answer: async (_trx, { input }) => input.files.length,
  };
}

/** A draft result being put: its stored file (normalised PDF) and how it was made. */
export interface ResultDraftInput {
  type: 'RESULT';
  sha256: string;
  size: number;
  source: 'upload' | 'template';
}

/**
 * The draft result put at a step (design.md §10): an event of its own (RESULT), under the same lock,
 * policy and version as a state change; it replaces an earlier draft and any signature on it.
 */
export function resultDraftKind(s: DossierSetting): Kind<DossierRow, ResultDraftInput, DossierView> {
  const result = s.def.result;
  return {
    ...base(s),
    authorize(actor, row) {
      const refusal = resultDraftRefusal(actor, row, s.def);
      if (refusal instanceof Forbidden) throw refusal;
    },
    machine: (_trx, row) =>
      resultDraftStateRefusal(row, s.def) ? null : { state: row.state, snapshot: JSON.parse(row.snapshot) },
    notAllowed: (row) =>
      resultDraftStateRefusal(row, s.def) ?? new NotAllowed('Không thể đính kèm dự thảo kết quả lúc này.'),
    async effects(trx, { row, input, actor, now }) {
      await putDraft(trx, {
        dossier_id: row.id,
        name: result!.name,
        kind: result!.kind,
        sha256: input.sha256,
        size: input.size,
        source: input.source,
        now,
      });
      return {
        event: {
          ...onBehalfColumns(actingDelegation(actor, 'RESULT', row, s.def)),
          comment: input.source === 'template' ? 'Tạo dự thảo kết quả từ mẫu' : 'Tải lên dự thảo kết quả',
          data: JSON.stringify({ result: { action: 'drafted', source: input.source, sha256: input.sha256 } }),
        },
      };
    },
    answer: async (trx, { after, now }) => ({
      row: after,
      def: s.def,
      documents: await documentsOf(trx, after.id),
      asOf: now,
      result: await findResult(trx, after.id),
      sync: await dossierSyncState(trx, after.id),
    }),
  };
}
