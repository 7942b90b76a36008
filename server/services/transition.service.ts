import type { Knex } from 'knex';
import { appendDossierEvent } from './audit';
import type { Db } from '../db';
import type { Config } from '../config';
import { forUpdate, withTransaction } from '../db';
import { Conflict, Forbidden, Invalid, NotAllowed } from '../errors';
import { addDossierUnit, documentsOf, DossierRow, findDossierByCode } from '../queries/dossiers.queries';
import { dossierJson, DossierJson } from '../presenters/dossier.presenter';
import { eventSchema, EventInput } from '../schemas/dossier.schema';
import { parseBody } from '../schemas/validate';
import { compiledVersion } from './catalog.service';
import { getCalendar } from './calendar.service';
import { assertVisible, stepUnitId } from './dossier-access';
import { enqueue } from './outbox.service';
import { WorkCalendar } from '../../workflows/calendar';
import { applyEvent, DossierEvent, ProcedureDefinition, ProcedureStep, stepOf } from '../../workflows/procedure';
import { statusOfState } from '../../workflows/status';
import { EVENT_LABELS, ROLE_LABELS, Role } from '../../workflows/labels';

const HOUR = 3_600_000;

/** Who may send an event in the dossier's current state (design.md §4), or null when no one can. */
export function requiredActor(
  type: EventInput['type'],
  row: DossierRow,
  def: ProcedureDefinition,
): { role: Role; unitId: number } | null {
  switch (type) {
    case 'FORWARD':
    case 'RETURN':
    case 'REQUEST_SUPPLEMENT':
    case 'REFUSE': {
      const step = stepOf(def, row.state);
      return step && row.handling_unit_id != null ? { role: step.role, unitId: row.handling_unit_id } : null;
    }
    case 'EXTEND':
      return { role: 'leader', unitId: row.competent_unit_id };
    default:
      return { role: 'intake', unitId: row.receiving_unit_id };
  }
}

/** Working time left on a clock that was paused at `pausedAt` (never counting before counting began). */
function remaining(cal: WorkCalendar, pausedAt: number, startAt: number, due: number): number {
  const from = Math.max(pausedAt, startAt);
  return due > from ? cal.workingMsBetween(new Date(from), new Date(due)) : 0;
}

/**
 * The transition service: the one place a dossier changes state. In one transaction it locks the
 * row, checks the version (409), the actor (403) and the machine (422), applies the event, bumps the
 * version, appends the event row and the outbox message. Retried on deadlock.
 * @returns the dossier as it is after the event (contract shape)
 */
export async function applyDossierEvent(
  db: Db,
  config: Config,
  user: Express.User,
  code: string,
  body: unknown,
  now = Date.now(),
): Promise<DossierJson> {
  const seen = await assertVisible(db, user, await findDossierByCode(db, code));
  const input: EventInput = parseBody(eventSchema, body);
  // Read-only lookups that use the pool happen before the transaction (SQLite has one connection).
  const { def, machine } = await compiledVersion(db, seen.procedure_version_id);
  const cal = await getCalendar(db, config);

  return withTransaction(db, async (trx: Knex.Transaction) => {
    // Lock only the dossier row (a join would lock unit rows shared by every dossier of the unit);
    // unit codes and names come from the read before the transaction: they do not change with state.
    const locked = await forUpdate(db, trx('dossiers').where({ id: seen.id })).first();
    const row: DossierRow = { ...seen, ...locked };
    if (row.version !== input.version) {
      throw new Conflict(
        `Hồ sơ đã được cập nhật (phiên bản hiện tại ${row.version}). Vui lòng tải lại trước khi thao tác.`,
        { currentVersion: row.version },
      );
    }
    const actor = requiredActor(input.type, row, def);
    if (actor && !(user.roles.includes(actor.role) && user.unitId === actor.unitId)) {
      throw new Forbidden(
        `Thao tác "${EVENT_LABELS[input.type]}" ở bước này dành cho ${ROLE_LABELS[actor.role].toLowerCase()} của đơn vị đang xử lý.`,
      );
    }
    const event = {
      type: input.type,
      comment: input.comment ?? undefined,
      dueAt: input.dueAt ?? undefined,
    } as DossierEvent;
    const result = applyEvent(machine, JSON.parse(row.snapshot), event);
    if (!result.ok) {
      throw new NotAllowed(`Không thể "${EVENT_LABELS[input.type]}" khi hồ sơ ở trạng thái hiện tại.`, {
        state: row.state,
        event: input.type,
      });
    }
    const to = result.state;
    const patch: Record<string, unknown> = {
      state: to,
      status: statusOfState(to),
      snapshot: JSON.stringify(result.snapshot),
      updated_at: now,
    };
    const leaving = stepOf(def, row.state);
    const leavesStep = !!leaving && to !== row.state;
    const enterStep = async (step: ProcedureStep, start: Date, hours: number) => {
      const unitId = await stepUnitId(trx, step, row.competent_unit_id);
      Object.assign(patch, {
        handling_unit_id: unitId,
        step_role: step.role,
        step_started_at: start.getTime(),
        step_due_at: cal.addWorkingMs(cal.nextWorkingMoment(start), hours * HOUR).getTime(),
      });
      if (unitId !== row.handling_unit_id) await addDossierUnit(trx, row.id, unitId);
    };
    const atDesk = { handling_unit_id: row.receiving_unit_id, step_role: 'intake' };
    const onTimeNow = (due: number, late: boolean) => now <= due && !late;

    switch (input.type) {
      case 'FORWARD':
      case 'RETURN': {
        const target = stepOf(def, to);
        if (target) await enterStep(target, new Date(now), target.hours);
        else
          Object.assign(patch, atDesk, {
            step_due_at: null,
            step_started_at: null,
            resolved_at: now,
            on_time: onTimeNow(Number(row.due_at), Boolean(row.late_marked)),
          });
        break;
      }
      case 'REQUEST_SUPPLEMENT': {
        const count = row.supplement_count + 1;
        Object.assign(patch, atDesk, {
          paused_at: now,
          supplement_count: count,
          late_marked: Boolean(row.late_marked) || count >= 2,
        });
        break;
      }
      case 'SUPPLEMENT_RECEIVED': {
        const step = stepOf(def, to)!;
        const paused = Number(row.paused_at ?? now);
        const start = cal.nextWorkingMoment(new Date(now));
        const stepLeft =
          row.step_due_at == null
            ? step.hours * HOUR
            : remaining(cal, paused, Number(row.step_started_at ?? row.start_at), Number(row.step_due_at));
        await enterStep(step, start, stepLeft / HOUR);
        // The overall due time moves later by the working time spent waiting (unless already past due).
        const due = Number(row.due_at);
        if (due > paused)
          patch.due_at = cal.addWorkingMs(start, remaining(cal, paused, Number(row.start_at), due)).getTime();
        patch.paused_at = null;
        break;
      }
      case 'REFUSE':
        Object.assign(patch, {
          handling_unit_id: null,
          step_role: null,
          step_due_at: null,
          resolved_at: now,
          completed_at: now,
          on_time: onTimeNow(Number(row.due_at), Boolean(row.late_marked)),
        });
        break;
      case 'EXTEND': {
        const newDue = Date.parse(input.dueAt!);
        if (!(newDue > Number(row.due_at))) {
          throw new Invalid('Ngày hẹn trả mới phải sau ngày hẹn hiện tại.', {
            fields: { dueAt: 'Phải sau ngày hẹn hiện tại' },
          });
        }
        // An apology names a realistic new date: at most one year after the current one.
        if (newDue > Number(row.due_at) + 366 * 86_400_000) {
          throw new Invalid('Ngày hẹn trả mới không được quá một năm sau ngày hẹn hiện tại.', {
            fields: { dueAt: 'Quá xa so với ngày hẹn hiện tại' },
          });
        }
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

    const updated = await trx('dossiers')
      .where({ id: row.id, version: row.version })
      .update({ ...patch, version: row.version + 1 });
    if (updated !== 1) throw new Conflict('Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại.');
    const stepDue = row.step_due_at == null ? null : Number(row.step_due_at);
    await appendDossierEvent(trx, {
      dossier_id: row.id,
      type: input.type,
      from_state: row.state,
      to_state: to,
      actor_id: user.id,
      actor_username: user.username,
      actor_name: user.fullName,
      actor_unit_code: user.unitCode,
      comment: input.comment ?? null,
      at: now,
      step_due_at: leaving ? stepDue : null,
      on_time: leavesStep && stepDue != null ? now <= stepDue : null,
      dossier_version: row.version + 1,
      data: input.type === 'EXTEND' ? JSON.stringify({ previousDueAt: Number(row.due_at), dueAt: patch.due_at }) : null,
    });
    // Everything the mails need, as of this event: later events must not change who is told what.
    await enqueue(
      trx,
      'dossier.event',
      {
        code: row.code,
        type: input.type,
        from: row.state,
        to,
        comment: input.comment ?? null,
        dueAt: patch.due_at ?? Number(row.due_at),
        handlingUnitId: 'handling_unit_id' in patch ? patch.handling_unit_id : row.handling_unit_id,
        actorRole: 'step_role' in patch ? patch.step_role : row.step_role,
        stepDueAt: 'step_due_at' in patch ? patch.step_due_at : row.step_due_at,
        changed: to !== row.state,
      },
      now,
    );
    // The answer is built inside the transaction from what was just written: a client never gets an
    // error for a change that committed because a read after the commit failed.
    const after = { ...row, ...patch, version: row.version + 1 } as DossierRow;
    if ('handling_unit_id' in patch && patch.handling_unit_id !== row.handling_unit_id) {
      const hu =
        patch.handling_unit_id == null
          ? null
          : await trx('units').where({ id: patch.handling_unit_id }).first('code', 'name');
      after.handling_code = hu?.code ?? null;
      after.handling_name = hu?.name ?? null;
    }
    return dossierJson(after, def, await documentsOf(trx, row.id), now);
  });
}
