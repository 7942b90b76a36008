import crypto from 'node:crypto';
import { mayReceiveDossier } from '../policies/dossier.policy';
import type { Knex } from 'knex';
import { appendDossierEvent } from './audit';
import type { Db } from '../db';
import type { Config } from '../config';
import { isDuplicate, withTransaction } from '../db';
import { AppError, Forbidden, Invalid } from '../errors';
import { dossierCodeIgnoringCase } from '../queries/public-lookup.queries';
import { findUnitByCode, findUnitById } from '../queries/units.queries';
import { addDossierUnit, findDossierByCode, insertDossier, insertDossierDocuments } from '../queries/dossiers.queries';
import { dossierViewOf, type DossierView } from './dossiers.service';
import { nextSequence } from '../queries/sequences.queries';
import { findVersion } from '../queries/procedures.queries';
import type { IntakeInput } from '../schemas/dossier.schema';
import { compiledVersion } from './catalog.service';
import { getCalendar } from './calendar.service';
import { stepUnitId } from './step-unit';
import { enqueue } from './outbox.service';
import { moveReportCounts } from './report-counts.service';
import { mirrorDossier } from './portal-sync.service';
import { vnDate } from '../../workflows/calendar';
import { firstStep, initialSnapshot, ProcedureDefinition } from '../../workflows/procedure';
import { searchText } from '../../workflows/text';
import { insertIdempotencyKey } from '../queries/idempotency.queries';
import { requestHash, type OneTimeKey } from './idempotency.service';

/** The intake form's one-time token: Back and submit again shows the dossier already created. */
export const INTAKE_FORM_SCOPE = 'form:intake';

/** A portal code that names a dossier already (contract.md §2: 409). */
function duplicateCode(code: string): AppError {
  return new AppError(409, 'duplicate_code', `Mã hồ sơ ${code} đã được dùng cho một hồ sơ khác.`, {
    fields: { code: 'Mã hồ sơ đã tồn tại' },
  });
}

/**
 * The next `UNITCODE-YYMMDD-NNNN` of the unit's daily sequence; a number whose code a portal dossier already
 * holds is skipped (the portal may issue codes of the same shape).
 */
async function nextCode(trx: Knex.Transaction, unitCode: string, day: string): Promise<string> {
  for (;;) {
    const seq = await nextSequence(trx, `dossier:${unitCode}:${day}`);
    const code = `${unitCode}-${day}-${String(seq).padStart(4, '0')}`;
    if (!(await findDossierByCode(trx, code))) return code;
  }
}

/**
 * Receive a dossier at the desk (role `intake`): check the document checklist, give it its code
 * `UNITCODE-YYMMDD-NNNN` from the unit's daily sequence, start the first step and the overall clock,
 * record the receipt event — one transaction.
 * @returns the new dossier's code
 */
export async function receiveDossier(
  db: Db,
  config: Config,
  user: Express.User,
  input: IntakeInput,
  now = Date.now(),
  inside?: (trx: Knex.Transaction, code: string, def: ProcedureDefinition) => Promise<void>,
  once?: OneTimeKey,
): Promise<string> {
  const pv = await findVersion(db, input.procedureCode);
  if (!pv)
    throw new Invalid(`Thủ tục "${input.procedureCode}" không có trong danh mục.`, {
      fields: { procedureCode: 'Thủ tục không tồn tại' },
    });
  const { def, machine } = await compiledVersion(db, pv.id);

  const known = new Set(def.documents.map((d) => d.code));
  const unknown = input.documents.filter((c) => !known.has(c));
  if (unknown.length)
    throw new Invalid(`Giấy tờ không thuộc thủ tục: ${unknown.join(', ')}.`, {
      fields: { documents: `Mã không hợp lệ: ${unknown.join(', ')}` },
    });
  const given = new Set(input.documents);
  const missing = def.documents.filter((d) => d.required && !given.has(d.code));
  if (missing.length) {
    throw new Invalid(`Thiếu giấy tờ bắt buộc: ${missing.map((d) => d.name).join('; ')}.`, {
      fields: { documents: 'Thiếu giấy tờ bắt buộc' },
      missingDocuments: missing.map((d) => d.code),
    });
  }
  const competentGiven = input.competentUnitCode ? await findUnitByCode(db, input.competentUnitCode) : null;
  if (input.competentUnitCode && (!competentGiven || !competentGiven.active)) {
    throw new Invalid('Đơn vị có thẩm quyền không tồn tại.', { fields: { competentUnitCode: 'Đơn vị không tồn tại' } });
  }
  // Field errors first, then the role (contract.md §2: 422 before 403).
  if (!mayReceiveDossier(user)) throw new Forbidden('Chỉ cán bộ tiếp nhận của Bộ phận Một cửa được tiếp nhận hồ sơ.');
  const receiving = (await findUnitById(db, user.unitId!))!;
  const competent = competentGiven ?? receiving;

  const step = firstStep(def);
  const handlingUnitId = await stepUnitId(db, step, competent.id);
  const calendar = await getCalendar(db, config);
  const overall = calendar.deadline(new Date(now), { days: def.totalDays });
  const stepDue = calendar.addWorkingMs(overall.start, step.hours * 3_600_000);
  const day = vnDate(new Date(now)).replace(/-/g, '').slice(2);

  return withTransaction(db, async (trx: Knex.Transaction) => {
    const code = input.code ?? (await nextCode(trx, receiving.code, day));
    // A code the national portal issued is kept as is; one already used (in any case) → 409.
    if (input.code && (await dossierCodeIgnoringCase(trx, input.code))) throw duplicateCode(input.code);
    // The one-time key first: a twin submitted at the same moment fails here and rolls back whole.
    if (once)
      await insertIdempotencyKey(trx, {
        user_id: user.id,
        scope: once.scope,
        key: once.key,
        request_hash: once.requestHash ?? requestHash(input),
        status: 201,
        response: JSON.stringify({ code }),
        created_at: now,
      });
    const newRow = {
      code,
      procedure_version_id: pv.id,
      procedure_code: def.code,
      procedure_version: pv.version,
      procedure_name: def.name,
      receiving_unit_id: receiving.id,
      competent_unit_id: competent.id,
      handling_unit_id: handlingUnitId,
      state: step.code,
      status: 'processing',
      step_role: step.role,
      step_started_at: overall.start.getTime(),
      step_due_at: stepDue.getTime(),
      snapshot: JSON.stringify(initialSnapshot(machine)),
      version: 1,
      channel: input.channel,
      applicant_type: input.applicant.type,
      applicant_name: input.applicant.fullName,
      search_text: searchText(code, input.applicant.fullName),
      applicant: JSON.stringify(input.applicant),
      note: input.note,
      received_at: now,
      start_at: overall.start.getTime(),
      due_at: overall.dueAt.getTime(),
      created_by: user.id,
      updated_at: now,
      // Letters and digits only: a printed link may wrap after a hyphen, which readers (and pdftotext) drop.
      access_key: crypto.randomBytes(10).toString('hex'),
    };
    const dossierId = await insertDossier(trx, newRow).catch((err: unknown) => {
      // The same portal code received twice at once: the second loses on the unique index.
      throw input.code && isDuplicate(err) ? duplicateCode(input.code) : err;
    });
    await insertDossierDocuments(
      trx,
      def.documents.map((d) => ({
        dossier_id: dossierId,
        code: d.code,
        name: d.name,
        required: d.required,
        received: given.has(d.code),
      })),
    );
    await addDossierUnit(trx, dossierId, receiving.id);
    await addDossierUnit(trx, dossierId, handlingUnitId);
    // The new dossier's report figures (received, in progress, and overdue from its due time on).
    await moveReportCounts(trx, null, newRow);
    await appendDossierEvent(trx, {
      dossier_id: dossierId,
      type: 'RECEIVE',
      from_state: null,
      to_state: step.code,
      actor_id: user.id,
      actor_username: user.username,
      actor_name: user.fullName,
      actor_unit_code: receiving.code,
      comment: input.note,
      at: now,
      step_due_at: stepDue.getTime(),
      on_time: null,
      dossier_version: 1,
      data: JSON.stringify({ dueAt: overall.dueAt.getTime(), channel: input.channel }),
    });
    await enqueue(
      trx,
      'dossier.received',
      {
        code,
        to: step.code,
        handlingUnitId,
        actorRole: step.role,
        stepDueAt: stepDue.getTime(),
        dueAt: overall.dueAt.getTime(),
      },
      now,
    );
    // The national portal's header and receipt step, queued with the dossier (sync off: nothing).
    if (config.PORTAL_URL)
      await mirrorDossier(trx, config, (await findDossierByCode(trx, code))!, {
        type: 'RECEIVE',
        comment: input.note ?? null,
        at: now,
        actor: user,
        role: 'intake',
        stepStartedAt: now,
        stepDueAt: now,
      });
    if (inside) await inside(trx, code, def);
    return code;
  });
}

/**
 * Receive a dossier and answer with it as stored, read inside the same transaction (a failing read
 * after the commit must not turn a committed intake into an error for the client). The API's
 * handler shapes it with presenters/dossier.presenter (and may keep that answer in the transaction).
 */
export async function receiveDossierJson(
  db: Db,
  config: Config,
  user: Express.User,
  input: IntakeInput,
  now = Date.now(),
  answer?: (trx: Knex.Transaction, view: DossierView) => Promise<void>,
): Promise<DossierView> {
  let view: DossierView | null = null;
  await receiveDossier(db, config, user, input, now, async (trx, code, def) => {
    view = await dossierViewOf(trx, (await findDossierByCode(trx, code))!, def, now);
    // The caller's answer, kept in this same transaction (an Idempotency-Key's first answer).
    if (answer) await answer(trx, view);
  });
  return view!;
}
