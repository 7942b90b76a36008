import type { Db } from '../db';
import { withTransaction } from '../db';
import { findDossierByCode, type DossierRow } from '../queries/dossiers.queries';
import { consultationIdsOf } from '../queries/consultations.queries';
import { lockDossierRow } from '../queries/dossiers.queries';
import { findDispatch } from '../queries/dispatches.queries';
import type { CreateDispatchInput } from '../schemas/dispatch.schema';
import { assertCanSeeDossier } from '../policies/dossier.policy';
import { dispatchView } from '../policies/dispatch.policy';
import { CONSULTATION_READER_VIEW, consultationRefusal, consultingUnitId } from '../policies/consultation.policy';
import { compiledVersion } from './catalog.service';
import type { StoredBlob } from './attachments.service';
import {
  dispatchDetail,
  type DispatchDetail,
  draftRecipients,
  insertDraft,
  ownUnitRecipient,
} from './dispatches.service';
import type { ProcedureDefinition } from '../../workflows/procedure';

/*
 * Consultations inside a dossier (design.md §11): the handling specialist drafts a comment-solicitation
 * dispatch linked to the dossier. Only its creation is new; from then on it is a dispatch like any other
 * (same engine, numbering, approval and reply workflow, dispatches.service and dispatch-transitions).
 */

async function visibleDossier(db: Db, user: Express.User, code: string) {
  const row = await assertCanSeeDossier(db, user, await findDossierByCode(db, code));
  const { def } = await compiledVersion(db, row.procedure_version_id);
  return { row, def };
}

/**
 * A new consultation draft from the dossier `code`, issued by the unit handling it: 404 for a dossier
 * this user may not see → 422 for the fields (unknown unit, past due date, the handling unit itself) →
 * 403 unless the user is the specialist who may act at the current step → 422 when the dossier is not
 * at a step. The dossier row is locked while the draft is written, so a dossier that moved on in the
 * meantime is refused rather than consulted from a step it has left. @returns the dispatch id
 */
export async function createConsultation(
  db: Db,
  user: Express.User,
  code: string,
  input: CreateDispatchInput,
  now = Date.now(),
  files: StoredBlob[] = [],
): Promise<number> {
  const seen = await visibleDossier(db, user, code);
  const units = await draftRecipients(db, input, now);
  const own = consultingUnitId(seen.row);
  if (own != null && units.some((u) => u.id === own)) throw ownUnitRecipient();
  const refusal = await consultationRefusal(db, user, seen.row, seen.def);
  if (refusal) throw refusal;
  return withTransaction(db, async (trx) => {
    await lockDossierRow(trx, seen.row.id);
    const row = (await findDossierByCode(trx, code))!;
    const again = await consultationRefusal(trx, user, row, seen.def);
    if (again) throw again;
    const issuingUnitId = consultingUnitId(row)!;
    if (units.some((u) => u.id === issuingUnitId)) throw ownUnitRecipient();
    return insertDraft(trx, user, { issuingUnitId, dossierId: row.id, units, input }, now, files);
  });
}

/**
 * The consultations of a dossier this user may see (404 otherwise), oldest first, each read as its
 * issuing side reads it (policies/consultation: they are part of the dossier's record).
 */
export async function listConsultations(db: Db, user: Express.User, code: string): Promise<DispatchDetail[]> {
  const { row } = await visibleDossier(db, user, code);
  return consultationsOfRow(db, user, row);
}

/** {@link listConsultations} for a dossier row already read and seen by this user. */
export async function consultationsOfRow(
  db: Db,
  user: Express.User,
  row: Pick<DossierRow, 'id'>,
): Promise<DispatchDetail[]> {
  const out: DispatchDetail[] = [];
  for (const id of await consultationIdsOf(db, row.id)) {
    const d = await findDispatch(db, id);
    if (d) out.push(await dispatchDetail(db, d, CONSULTATION_READER_VIEW, user));
  }
  return out;
}

/** Whether this user may open each consultation's own page (/cong-van/ID): the dispatch policy's view. */
export async function openableConsultations(db: Db, user: Express.User, items: DispatchDetail[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const i of items) if (await dispatchView(db, user, i.dispatch)) out.add(i.dispatch.id);
  return out;
}

/** The dossier, for the consultation form: 404 unless visible, 403/422 unless this user may consult now. */
export async function consultableDossier(
  db: Db,
  user: Express.User,
  code: string,
): Promise<{ row: DossierRow; def: ProcedureDefinition }> {
  const seen = await visibleDossier(db, user, code);
  const refusal = await consultationRefusal(db, user, seen.row, seen.def);
  if (refusal) throw refusal;
  return seen;
}
