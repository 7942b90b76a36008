import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Conflict, Invalid, NotAllowed } from '../errors';
import { flash } from '../middleware/locals';
import { parseFields } from '../schemas/validate';
import { intakeSchema } from '../schemas/dossier.schema';
import { receiveDossier } from '../services/intake.service';
import { storeBlob, UploadedFile, checkFile } from '../services/attachments.service';
import { insertAttachments } from '../queries/attachments.queries';
import { findDossierByCode } from '../queries/dossiers.queries';
import { findVersion, listLatest } from '../queries/procedures.queries';
import { listUnits } from '../queries/units.queries';
import { CHANNELS } from '../../workflows/labels';

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** The desk's intake form: pick a procedure, then applicant, checklist, files, unit and channel. */
export function intakePages(ctx: AppContext) {
  const render = async (
    req: Request,
    res: Response,
    form: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const search = typeof req.query.tim === 'string' ? req.query.tim.trim().slice(0, 100) : '';
    const procedures = (await listLatest(ctx.db, { offset: 0, limit: 200, q: search || undefined })).items.map((p) => ({
      code: p.code,
      name: p.definition.name,
      field: p.definition.field,
      totalDays: p.definition.totalDays,
    }));
    const code = String(form.procedureCode ?? '');
    const chosen = code ? await findVersion(ctx.db, code) : null;
    const units = (await listUnits(ctx.db)).filter((u) => u.active);
    const documents = asList(form.documents);
    res.status(status).render('pages/dossiers/intake', {
      title: 'Tiếp nhận hồ sơ',
      search,
      procedures,
      chosen: chosen && {
        ...chosen.definition,
        version: chosen.version,
        documents: chosen.definition.documents.map((d) => ({ ...d, checked: documents.includes(d.code) })),
      },
      units,
      channels: Object.entries(CHANNELS).map(([value, label]) => ({
        value,
        label,
        checked: String(form.channel ?? '1') === value,
      })),
      form: { ...form, competentUnitCode: form.competentUnitCode || req.user!.unitCode },
      ...extra,
    });
  };

  return {
    intakeForm: (req: Request, res: Response) => render(req, res, { procedureCode: req.query['thu-tuc'] ?? '' }),

    async intake(req: Request, res: Response) {
      const b = req.body as Record<string, unknown>;
      const form = {
        procedureCode: b.procedureCode,
        applicant: {
          fullName: b.fullName,
          idNumber: b.idNumber || null,
          phone: b.phone || null,
          email: b.email || null,
          address: b.address || null,
        },
        documents: asList(b.documents),
        competentUnitCode: b.competentUnitCode || null,
        channel: Number(b.channel || 1),
        note: b.note || null,
      };
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      try {
        const bad = files.map(checkFile).filter(Boolean);
        if (bad.length) throw new Invalid(bad.join(' '), { fields: { files: bad.join(' ') } });
        const input = parseFields(intakeSchema, form);
        // Files are part of the intake: stored by hash first, recorded in the intake's own transaction.
        const stored = files.map((f) => storeBlob(ctx.config.dataDir, f));
        const code = await receiveDossier(ctx.db, ctx.config, req.user!, input, Date.now(), async (trx, code) => {
          const { id } = (await findDossierByCode(trx, code))!;
          const at = Date.now();
          const rows = stored.map((f) => ({
            dossier_id: id,
            document_code: null,
            ...f,
            uploaded_by: req.user!.id,
            created_at: at,
          }));
          await insertAttachments(trx, rows);
        });
        flash(req, 'success', `Đã tiếp nhận hồ sơ ${code}. In giấy tiếp nhận và hẹn trả kết quả cho công dân.`);
        res.redirect(303, `/ho-so/${encodeURIComponent(code)}/in/01`);
      } catch (err) {
        if (!(err instanceof Invalid || err instanceof NotAllowed || err instanceof Conflict)) throw err;
        const details = (err.details ?? {}) as { fields?: Record<string, string>; missingDocuments?: string[] };
        const fields = Object.fromEntries(
          Object.entries(details.fields ?? {}).map(([k, v]) => [k.replace(/^applicant\./, ''), v]),
        );
        await render(
          req,
          res,
          { ...b, documents: form.documents },
          { error: err.message, fields, missing: details.missingDocuments ?? [], filesLost: files.length > 0 },
          err.status,
        );
      }
    },
  };
}
