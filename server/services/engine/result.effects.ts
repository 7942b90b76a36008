import fs from 'node:fs';
import type { Knex } from 'knex';
import type { Config } from '../../config';
import { Invalid } from '../../errors';
import type { ActiveDelegation, Actor } from '../../policies/actor';
import { delegationWordsOf, upperVi } from '../../../workflows/delegation';
import { findResult, ResultRow, ResultSignature, updateResult } from '../../queries/results.queries';
import { nextSequence } from '../../queries/sequences.queries';
import { findUnitById } from '../../queries/units.queries';
import type { DossierRow } from '../../queries/dossiers.queries';
import { blobPath, storeBlob } from '../attachments.service';
import { signerForUnit, signerForUser } from '../certificates.service';
import type * as Pades from '../../signing/pades';
import { lazy } from '../../lazy';
import { isProblem } from '../../signing/signer';
import type { ProcedureDefinition } from '../../../workflows/procedure';
import {
  dateLine,
  localYear,
  placeOf,
  resultNumber,
  resultSequenceScope,
  resultSteps,
  signingAuthority,
  verificationUrl,
} from '../../../workflows/result';

/**
 * The PDF signing code and pdf-lib behind it (about 18 MB resident) load at the first signing or
 * numbering step, not at start (issue 17: the server's memory).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pades = lazy((): typeof Pades => require('../../signing/pades'));

/**
 * What FORWARD does to a dossier's result (design.md §10), inside the engine's transaction: at the
 * signing step the acting leader signs the draft; at the numbering step the clerk's unit gives it
 * the year's next number, stamps number, date and QR as an incremental update and adds its seal.
 * The new file is written (by hash) before the row points at it; a failure anywhere throws and the
 * transaction rolls back: the dossier does not move, no number is used. Returns the event's
 * `result` member for the history and the control sheet (06), or null when nothing happens.
 */
export async function resultOnForward(
  trx: Knex.Transaction,
  t: {
    config: Config;
    def: ProcedureDefinition;
    row: DossierRow;
    actor: Actor;
    now: number;
    /** The delegation the actor signs by ("KT."/"TUQ." a leader), or null when signing in their own right. */
    delegation?: ActiveDelegation | null;
  },
): Promise<Record<string, unknown> | null> {
  const steps = resultSteps(t.def);
  if (!steps) return null;
  if (t.row.state === steps.signs.code) return sign(trx, t);
  if (t.row.state === steps.numbers.code) return number(trx, t);
  return null;
}

type T = Parameters<typeof resultOnForward>[1];

function readPdf(config: Config, r: ResultRow): Buffer {
  const file = blobPath(config.dataDir, r.sha256);
  if (!fs.existsSync(file)) throw new Invalid('Tệp kết quả không còn trên máy chủ; hãy đính kèm lại dự thảo.');
  return fs.readFileSync(file);
}

function keep(config: Config, pdf: Buffer, code: string): { sha256: string; size: number } {
  const b = storeBlob(config.dataDir, {
    originalname: `${code}.pdf`,
    mimetype: 'application/pdf',
    size: pdf.length,
    buffer: pdf,
  });
  return { sha256: b.sha256, size: b.size };
}

async function sign(trx: Knex.Transaction, t: T): Promise<Record<string, unknown>> {
  const r = await findResult(trx, t.row.id);
  if (!r)
    throw new Invalid('Chưa có dự thảo kết quả để ký. Hãy đính kèm hoặc tạo dự thảo trước khi ký.', {
      fields: { result: 'Chưa có dự thảo kết quả' },
    });
  const unit = t.row.handling_unit_id == null ? null : await findUnitById(trx, t.row.handling_unit_id);
  const unitName = unit?.name ?? t.actor.unitName ?? '';
  const signer = await signerForUser(trx, t.config, { id: t.actor.id, fullName: t.actor.fullName, unitName });
  if (isProblem(signer)) throw new Invalid(signer.problem, { fields: { certificate: signer.problem } });
  // By delegation the block reads "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" (Decree 30/2020), else the head's title.
  const by = t.delegation ? delegationWordsOf(t.delegation) : null;
  const authority = by ? upperVi(by.authority) : null;
  const title = by ? (by.title ? upperVi(by.title) : null) : signingAuthority(unitName).title;
  const at = new Date(t.now);
  const pdf = await pades.signAsLeader(readPdf(t.config, r), signer, {
    name: t.actor.fullName,
    authority,
    title,
    unitName,
    at,
    reason: `Ký ${r.name.toLocaleLowerCase('vi')} của hồ sơ ${t.row.code}`,
    location: placeOf(unitName),
    demo: signer.identity.demo,
  });
  const file = keep(t.config, pdf, t.row.code);
  const signature: ResultSignature = {
    role: 'leader',
    signer: t.actor.fullName,
    title,
    unitName,
    at: t.now,
    demo: signer.identity.demo,
    ...(authority ? { authority } : {}),
  };
  await updateResult(trx, r.id, {
    ...file,
    signed_sha256: file.sha256,
    signed_on_behalf_of_user_id: t.delegation?.leaderId ?? null,
    signed_delegation_kind: t.delegation?.kind ?? null,
    signatures: [...r.signatures, signature],
    updated_at: t.now,
  });
  return {
    action: 'signed',
    signer: t.actor.fullName,
    title,
    sha256: file.sha256,
    ...(by ? { authority: by.authority, onBehalfOf: t.delegation!.leaderName } : {}),
  };
}

async function number(trx: Knex.Transaction, t: T): Promise<Record<string, unknown>> {
  const r = await findResult(trx, t.row.id);
  if (!r || !r.signed_sha256)
    throw new Invalid('Kết quả chưa được ký nên chưa thể vào số, đóng dấu.', {
      fields: { result: 'Kết quả chưa được ký' },
    });
  if (r.number) throw new Invalid(`Kết quả đã được vào số ${r.number}.`);
  const unit = t.row.handling_unit_id == null ? null : await findUnitById(trx, t.row.handling_unit_id);
  if (!unit) throw new Invalid('Không xác định được đơn vị vào số kết quả.');
  if (!unit.symbol)
    throw new Invalid('Đơn vị chưa có ký hiệu văn bản; quản trị cần bổ sung trước khi vào số kết quả.', {
      fields: { symbol: 'Thiếu ký hiệu' },
    });
  const seal = await signerForUnit(trx, t.config, { id: unit.id, code: unit.code, name: unit.name });
  if (isProblem(seal)) throw new Invalid(seal.problem, { fields: { certificate: seal.problem } });
  const year = localYear(t.now);
  const seq = await nextSequence(trx, resultSequenceScope(unit.id, year));
  const num = resultNumber(seq, r.kind, unit.symbol);
  const place = placeOf(unit.name);
  const stamped = await pades.stampNumber(readPdf(t.config, r), {
    number: num,
    dateLine: dateLine(place, t.now),
    qrUrl: verificationUrl(t.config.PUBLIC_URL, r.signed_sha256),
  });
  const at = new Date(t.now);
  const sealed = await pades.sealAsUnit(stamped, seal, {
    name: unit.name,
    title: null,
    unitName: unit.name,
    at,
    reason: `Đóng dấu ${r.kind} số ${num}`,
    location: place,
    demo: seal.identity.demo,
  });
  const file = keep(t.config, sealed, t.row.code);
  const signature: ResultSignature = {
    role: 'seal',
    signer: unit.name,
    title: null,
    unitName: unit.name,
    at: t.now,
    demo: seal.identity.demo,
  };
  await updateResult(trx, r.id, {
    ...file,
    issuing_unit_id: unit.id,
    number_year: year,
    number_seq: seq,
    number: num,
    numbered_at: t.now,
    signatures: [...r.signatures, signature],
    updated_at: t.now,
  });
  return { action: 'numbered', number: num, sealedBy: unit.name, sha256: file.sha256 };
}
