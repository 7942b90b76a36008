import crypto from 'node:crypto';
import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { dossierCodeParams } from '../schemas/params.schema';
import type { attachmentFieldsSchema } from '../schemas/attachment.schema';
import { AppError, Invalid } from '../errors';
import { findDossierByCode } from '../queries/dossiers.queries';
import {
  attachmentJustMade,
  attachmentsWithUploader,
  type AttachmentWithUploader,
} from '../queries/dossier-attachments.queries';
import { assertCanSeeDossier } from '../policies/dossier.policy';
import { attachToDossier } from '../services/transition.service';
import { compiledVersion } from '../services/catalog.service';
import { checkFiles, type UploadedFile } from '../services/attachments.service';
import { toVnIso } from '../../workflows/calendar/time';

type Code = { params: typeof dossierCodeParams };

/** An attachment as the API shows it. */
export function attachmentJson(a: AttachmentWithUploader) {
  return {
    id: a.id,
    name: a.filename,
    size: a.size,
    mime: a.mime,
    sha256: a.sha256,
    documentCode: a.document_code,
    uploadedAt: toVnIso(new Date(a.created_at)),
    uploadedBy: a.username ? { username: a.username, fullName: a.full_name ?? a.username } : null,
  };
}

/** A field error about the upload, named as the API's field (`file`), not the page's (`files`). */
function asFileField(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const d = err.details as { fields?: Record<string, string> } | undefined;
  if (!d?.fields?.files) return err;
  const { files, ...rest } = d.fields;
  return new AppError(err.status, err.code, err.message, { ...d, fields: { ...rest, file: files } });
}

/**
 * /api/v1/dossiers/:code/attachments: the files of a dossier; one more by multipart upload (the
 * portal's connector sends an online dossier's files this way). The same service as the page.
 */
export function attachmentsApi(ctx: AppContext) {
  return {
    async create(req: Req<Code & { body: typeof attachmentFieldsSchema }>, res: Response) {
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      if (files.length !== 1)
        throw new Invalid(files.length ? 'Mỗi lần chỉ gửi một tệp.' : 'Chưa có tệp (trường "file").', {
          fields: { file: files.length ? 'Chỉ một tệp mỗi lần' : 'Bắt buộc' },
        });
      const { code } = req.input.params;
      const { documentCode } = req.input.body;
      const row = await assertCanSeeDossier(ctx.db, req.user!, await findDossierByCode(ctx.db, code));
      if (documentCode) {
        const { def } = await compiledVersion(ctx.db, row.procedure_version_id);
        if (!def.documents.some((d) => d.code === documentCode))
          throw new Invalid(`Giấy tờ "${documentCode}" không thuộc thành phần hồ sơ của thủ tục.`, {
            fields: { documentCode: 'Không thuộc thủ tục' },
          });
      }
      // Fields before the role (contract.md §2: 422 before 403); the service checks both again.
      try {
        checkFiles(files);
      } catch (err) {
        throw asFileField(err);
      }
      const at = Date.now();
      await attachToDossier(ctx.db, ctx.config, req.user!, code, files, documentCode, at).catch((err: unknown) => {
        throw asFileField(err);
      });
      const sha256 = crypto.createHash('sha256').update(files[0].buffer).digest('hex');
      const made = await attachmentJustMade(ctx.db, { dossierId: row.id, sha256, userId: req.user!.id, at });
      res.status(201).json(attachmentJson(made!));
    },
    async list(req: Req<Code>, res: Response) {
      const row = await assertCanSeeDossier(ctx.db, req.user!, await findDossierByCode(ctx.db, req.input.params.code));
      res.json({ items: (await attachmentsWithUploader(ctx.db, row.id)).map(attachmentJson) });
    },
  };
}
