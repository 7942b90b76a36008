import type { Db } from '../db';
import type { Config } from '../config';
import { COMMENT_REQUIRED } from '../schemas/dossier.schema';
import { Invalid } from '../errors';
import { visibleDossier, type DossierView } from './dossiers.service';
import type { Actor } from '../policies/actor';
import { compiledVersion } from './catalog.service';
import { getCalendar } from './calendar.service';
import { attachKind, DossierEventInput, DossierSetting, dossierKind } from './engine/dossier.kind';
import { transition } from './engine/engine';
import { checkFiles, storeBlob, UploadedFile } from './attachments.service';

/**
 * Everything a dossier event needs that is read before the transaction: the visibility-checked row
 * (404), the compiled procedure version and the calendar (cached; SQLite has one connection, so
 * reads that use the pool happen before the transaction takes it).
 */
async function settingFor(db: Db, config: Config, actor: Actor, code: string): Promise<DossierSetting> {
  const seen = await visibleDossier(db, actor, code);
  const { def, machine } = await compiledVersion(db, seen.procedure_version_id);
  return { config, def, machine, cal: await getCalendar(db, config), seen };
}

/**
 * A dossier event (FORWARD, RETURN, …) through the one transition engine: 404 → 409 → 403 → 422,
 * one transaction, retried on deadlock. `input` is already validated by the route's schema.
 * @returns the dossier as it is after the event, read inside the transaction
 */
export async function applyDossierEvent(
  db: Db,
  config: Config,
  actor: Actor,
  code: string,
  input: DossierEventInput,
  now = Date.now(),
): Promise<DossierView> {
  const s = await settingFor(db, config, actor, code);
  // The route's schema says this to API and form callers; jobs and seeds are held to it here.
  if ((COMMENT_REQUIRED as readonly string[]).includes(input.type) && !input.comment?.trim())
    throw new Invalid('Cần ghi rõ lý do/nội dung cho thao tác này.', { fields: { comment: 'Bắt buộc' } });
  if (input.type === 'EXTEND' && !input.dueAt)
    throw new Invalid('Cần ngày hẹn trả mới.', { fields: { dueAt: 'Bắt buộc' } });
  return transition(db, dossierKind(s), { id: s.seen.id, version: input.version, actor, input, now, seen: s.seen });
}

/**
 * Attach files to a dossier: checked (type, content, size) and asked of the policy before any byte
 * is written; then stored by content hash and recorded with an ATTACH event in one transaction.
 * @returns how many files were attached
 */
export async function attachToDossier(
  db: Db,
  config: Config,
  actor: Actor,
  code: string,
  files: UploadedFile[],
  documentCode: string | null,
  now = Date.now(),
): Promise<number> {
  const s = await settingFor(db, config, actor, code);
  // Refuse before storing anything; the engine asks the policy again under the lock.
  const kind = attachKind(s);
  await kind.authorize(actor, s.seen, { type: 'ATTACH', files: [], documentCode });
  checkFiles(files);
  const stored = files.map((f) => storeBlob(config.dataDir, f));
  return transition(db, kind, { id: s.seen.id, actor, input: { type: 'ATTACH', files: stored, documentCode }, now });
}
