import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from '../db';
import type { Config } from '../config';
import { Invalid, NotFound } from '../errors';
import type { Actor } from '../policies/actor';
import { assertCanSeeDossier, mayActOnDossier, resultDraftRefusal } from '../policies/dossier.policy';
import { findDossierByCode, DossierRow } from '../queries/dossiers.queries';
import { findNumberedBySha, findResult, ResultRow } from '../queries/results.queries';
import { findUnitById } from '../queries/units.queries';
import { blobPath, storeBlob } from './attachments.service';
import { compiledVersion } from './catalog.service';
import { getCalendar } from './calendar.service';
import { signerForUser } from './certificates.service';
import type { DossierView } from './dossiers.service';
import { DossierSetting, resultDraftKind } from './engine/dossier.kind';
import { transition } from './engine/engine';
import { stepUnitId } from './step-unit';
import { inspectPdf, normalisePdf } from '../pdf/check';
import { renderResultDraft } from '../pdf/result-draft';
import { isProblem } from '../signing/signer';
import { vnDate } from '../../workflows/calendar';
import type { ProcedureDefinition } from '../../workflows/procedure';
import { placeOf, resultSteps, signingAuthority } from '../../workflows/result';
import { isFinalState } from '../../workflows/status';

/** A draft result PDF may be this large (contract §2: ≤ 10 MB). */
export const MAX_RESULT_BYTES = 10 * 1024 * 1024;

async function settingFor(db: Db, config: Config, actor: Actor, code: string): Promise<DossierSetting> {
  const seen = await assertCanSeeDossier(db, actor, await findDossierByCode(db, code));
  const { def, machine } = await compiledVersion(db, seen.procedure_version_id);
  return { config, def, machine, cal: await getCalendar(db, config), seen };
}

/** 403/422 before anything is read or stored, in the contract's order (the engine asks again under the lock). */
function refuseEarly(actor: Actor, s: DossierSetting): void {
  const refusal = resultDraftRefusal(actor, s.seen, s.def);
  if (refusal) throw refusal;
}

async function putDraft(
  db: Db,
  config: Config,
  actor: Actor,
  s: DossierSetting,
  pdf: Buffer,
  source: 'upload' | 'template',
  now: number,
): Promise<DossierView> {
  const stored = storeBlob(config.dataDir, {
    originalname: `${s.seen.code}.pdf`,
    mimetype: 'application/pdf',
    size: pdf.length,
    buffer: pdf,
  });
  return transition(db, resultDraftKind(s), {
    id: s.seen.id,
    actor,
    input: { type: 'RESULT', sha256: stored.sha256, size: stored.size, source },
    now,
  });
}

/**
 * Put the draft result as a PDF upload (contract §2 `PUT /dossiers/:code/result`): 404 → 422 for a
 * body that is not a readable, unencrypted PDF → 403 → 422. The PDF is re-saved in a form the
 * signature can be appended to; nothing is stored when any check fails.
 */
export async function uploadResult(
  db: Db,
  config: Config,
  actor: Actor,
  code: string,
  pdf: Buffer,
  now = Date.now(),
): Promise<DossierView> {
  const s = await settingFor(db, config, actor, code);
  if (pdf.length > MAX_RESULT_BYTES) throw new Invalid('Tệp kết quả vượt quá 10 MB.');
  const check = await inspectPdf(pdf);
  if (!check.ok) throw new Invalid(check.message, { fields: { file: check.message } });
  refuseEarly(actor, s);
  return putDraft(db, config, actor, s, await normalisePdf(pdf), 'upload', now);
}

/** The data a result template is filled with: the dossier, its applicant and its procedure. */
function templateData(row: DossierRow, def: ProcedureDefinition, unitName: string, now: number) {
  const applicant = JSON.parse(row.applicant) as Record<string, unknown>;
  const date = (ms: number) => vnDate(new Date(ms)).split('-').reverse().join('/');
  return {
    code: row.code,
    applicant,
    procedure: { code: def.code, name: def.name, field: def.field ?? null },
    result: def.result,
    receivedAt: date(row.received_at),
    today: date(now),
    unitName,
    receivingUnitName: row.receiving_name,
    competentUnitName: row.competent_name,
  };
}

/** Generate the draft from the procedure's template (or the default one of its kind) and put it. */
export async function generateResult(
  db: Db,
  config: Config,
  actor: Actor,
  code: string,
  now = Date.now(),
): Promise<DossierView> {
  const s = await settingFor(db, config, actor, code);
  refuseEarly(actor, s);
  const steps = resultSteps(s.def)!;
  const issuing = await findUnitById(db, await stepUnitId(db, steps.numbers, s.seen.competent_unit_id));
  if (!issuing) throw new Invalid('Không xác định được đơn vị ban hành kết quả.');
  const parent = issuing.parentId == null ? null : await findUnitById(db, issuing.parentId);
  const { authority, title } = signingAuthority(issuing.name);
  const pdf = await renderResultDraft({
    agency: { parentName: parent?.name ?? null, name: issuing.name, symbol: issuing.symbol ?? '' },
    kind: s.def.result!.kind,
    name: s.def.result!.name,
    place: placeOf(issuing.name),
    template: s.def.result!.template ?? null,
    data: templateData(s.seen, s.def, issuing.name, now),
    signer: { authority, title, name: null },
    recipients: [JSON.parse(s.seen.applicant).fullName as string, 'Lưu: VT.'],
  });
  return putDraft(db, config, actor, s, pdf, 'template', now);
}

function resultFile(config: Config, r: ResultRow | null): { file: string; sha256: string } {
  if (!r) throw new NotFound('Hồ sơ chưa có kết quả.');
  const file = blobPath(config.dataDir, r.sha256);
  if (!fs.existsSync(file)) throw new NotFound('Tệp kết quả không còn trên máy chủ.');
  return { file, sha256: r.sha256 };
}

/** The current result PDF for staff who can see the dossier (404 when it has none). */
export async function resultForStaff(db: Db, config: Config, actor: Actor, code: string) {
  const row = await assertCanSeeDossier(db, actor, await findDossierByCode(db, code));
  const r = await findResult(db, row.id);
  return { ...resultFile(config, r), filename: `${row.code}-ket-qua.pdf` };
}

/**
 * The citizen's electronic result (contract §2): the signed PDF, by the code and the private key,
 * once the dossier is `result_ready` or `returned`. Everything else is the same 404, so the answer
 * never tells whether a code exists.
 */
export async function resultForCitizen(db: Db, config: Config, code: string, key: string) {
  const gone = new NotFound('Không tìm thấy kết quả với mã hồ sơ và mã khóa này.');
  const row = await findDossierByCode(db, code.trim());
  if (!row?.access_key || !sameKey(row.access_key, key.trim())) throw gone;
  if (row.status !== 'result_ready' && row.status !== 'returned') throw gone;
  const r = await findResult(db, row.id);
  if (!r?.number) throw gone;
  return { ...resultFile(config, r), filename: `${row.code}-ket-qua.pdf` };
}

function sameKey(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** The public verification of a numbered result by SHA-256 (no personal data); 404 for an unknown hash. */
export async function verifyResult(db: Db, sha: string) {
  const found = /^[0-9a-f]{64}$/.test(sha) ? await findNumberedBySha(db, sha) : null;
  if (!found) throw new NotFound('Không tìm thấy văn bản có mã băm này.');
  const { result, unitName, unitCode } = found;
  return {
    number: result.number!,
    name: result.name,
    kind: result.kind,
    unitName,
    unitCode,
    numberedAt: result.numbered_at!,
    sha256: result.sha256,
    /** The QR carries the leader-signed revision's hash; the downloaded file has the final one. */
    matched: sha === result.sha256 ? ('final' as const) : ('signed' as const),
    signatures: result.signatures.map((s) => ({ role: s.role, signer: s.signer, at: s.at, demo: s.demo })),
  };
}

/**
 * What stops this actor from signing now (design.md §10: the leader is told before signing):
 * null when the actor is not the one to sign, or can; otherwise the message to show.
 */
export async function signingProblem(db: Db, config: Config, actor: Actor, view: DossierView): Promise<string | null> {
  const steps = resultSteps(view.def);
  if (!steps || view.row.state !== steps.signs.code) return null;
  if (!mayActOnDossier(actor, 'FORWARD', view.row, view.def)) return null;
  if (!(await findResult(db, view.row.id)))
    return 'Chưa có dự thảo kết quả: hãy đính kèm hoặc tạo dự thảo trước khi ký.';
  const unitName = view.row.handling_name ?? actor.unitName ?? '';
  const signer = await signerForUser(db, config, { id: actor.id, fullName: actor.fullName, unitName });
  return isProblem(signer) ? signer.problem : null;
}

/** The result of a dossier for its page and JSON (null when it has none). */
export const resultOf = (db: Db, dossierId: number): Promise<ResultRow | null> => findResult(db, dossierId);

/** Whether the dossier page offers the draft form now. */
export const resultIsFinal = (row: DossierRow): boolean => isFinalState(row.state);
