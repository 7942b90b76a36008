import fs from 'node:fs';
import { uploadFiles } from '../middleware/upload';
import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { flash } from '../middleware/locals';
import { parseFields } from '../schemas/validate';
import { listQuerySchema } from '../schemas/dossier.schema';
import { getVisibleRow, listWork } from '../services/dossiers.service';
import { dossierJson, eventJson } from '../presenters/dossier.presenter';
import { documentsOf, listEvents } from '../queries/dossiers.queries';
import { compiledVersion } from '../services/catalog.service';
import { getCalendar } from '../services/calendar.service';
import { applyDossierEvent } from '../services/transition.service';
import { availableActions, whoActs } from '../services/dossier-actions';
import { attachmentFile, listAttachments, storeAttachments, UploadedFile } from '../services/attachments.service';
import { urgencyBadge } from '../presenters/urgency.presenter';
import { intakePages } from './intake.pages';
import { CHANNELS, EVENT_LABELS } from '../../workflows/labels';
import { PUBLIC_STATUSES, STATUS_TEXT } from '../../workflows/status';

const TABS = [
  { key: 'cua-toi', label: 'Việc cần xử lý' },
  { key: 'qua-han', label: 'Quá hạn' },
  { key: 'tat-ca', label: 'Tất cả hồ sơ' },
];

/** A `datetime-local` value is a Vietnam local time: give it the +07:00 offset the API expects. */
function localToIso(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+07:00` : v;
}

export function dossierPages(ctx: AppContext) {
  const renderShow = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const code = String(req.params.code);
    const row = await getVisibleRow(ctx.db, req.user!, code);
    const { def, machine } = await compiledVersion(ctx.db, row.procedure_version_id);
    // One visibility-checked read; the JSON and the timeline are built from that row.
    const dossier = dossierJson(row, def, await documentsOf(ctx.db, row.id));
    const events = (await listEvents(ctx.db, row.id))
      .map(eventJson)
      .map((e) => ({ ...e, label: EVENT_LABELS[e.type as keyof typeof EVENT_LABELS] ?? 'Tiếp nhận hồ sơ' }));
    const actions = availableActions(req.user!, row, def, machine);
    const forms = [
      { n: '01', label: 'Giấy tiếp nhận, hẹn trả' },
      ...(row.supplement_count > 0 ? [{ n: '02', label: 'Phiếu yêu cầu bổ sung' }] : []),
      ...(row.state === 'refused' ? [{ n: '03', label: 'Phiếu từ chối' }] : []),
      ...(row.extended ? [{ n: '04', label: 'Văn bản xin lỗi, hẹn lại' }] : []),
      { n: '06', label: 'Phiếu kiểm soát' },
    ];
    res.status(status).render('pages/dossiers/show', {
      title: `Hồ sơ ${code}`,
      d: dossier,
      def,
      channel: CHANNELS[dossier.channel as 1 | 2 | 3],
      whoActs: whoActs(row, def),
      events,
      actions,
      files: await listAttachments(ctx.db, row.id),
      forms,
      canAttach: !['returned', 'refused', 'withdrawn'].includes(row.state) && req.user!.unitId != null,
      in: /^0[234]$/.test(String(req.query.in)) ? String(req.query.in) : null,
      ...extra,
    });
  };

  return {
    ...intakePages(ctx),

    upload: uploadFiles(100),

    async list(req: Request, res: Response) {
      const tab = TABS.some((t) => t.key === req.query.loc) ? String(req.query.loc) : 'cua-toi';
      const q = parseFields(listQuerySchema, {
        page: req.query.trang || undefined,
        mine: tab === 'cua-toi' ? '1' : undefined,
        overdue: tab === 'qua-han' ? '1' : undefined,
        status: req.query['trang-thai'] || undefined,
        procedureCode: req.query['thu-tuc'] || undefined,
        q: req.query.tim || undefined,
      });
      // Badges (clock rules): "Quá hạn" / "Sắp đến hạn" by workflows/clock, for the step and the overall due time.
      const { items, total } = await listWork(ctx.db, req.user!, q, await getCalendar(ctx.db, ctx.config));
      const rows = items.map((d) => ({ ...d, badge: urgencyBadge(d.urgency), stepDue: d.step?.dueAt ?? null }));
      const pages = Math.max(1, Math.ceil(total / q.pageSize));
      const base = new URLSearchParams({
        loc: tab,
        ...(q.status ? { 'trang-thai': q.status } : {}),
        ...(q.q ? { tim: q.q } : {}),
        ...(q.procedureCode ? { 'thu-tuc': q.procedureCode } : {}),
      });
      res.render('pages/dossiers/list', {
        title: 'Hồ sơ',
        tabs: TABS.map((t) => ({ ...t, current: t.key === tab })),
        tab,
        rows,
        total,
        page: q.page,
        pages,
        prev: q.page > 1 ? `?${base}&trang=${q.page - 1}` : null,
        next: q.page < pages ? `?${base}&trang=${q.page + 1}` : null,
        filter: { status: q.status ?? '', q: q.q ?? '' },
        statuses: PUBLIC_STATUSES.map((s) => ({ value: s, label: STATUS_TEXT[s] })),
      });
    },

    show: (req: Request, res: Response) => renderShow(req, res),

    /** One handler for every action form; the service decides, the page explains. */
    async act(req: Request, res: Response) {
      const code = String(req.params.code);
      const body = {
        type: req.body.type,
        version: Number(req.body.version),
        comment: req.body.comment || undefined,
        dueAt: localToIso(req.body.dueAt),
      };
      try {
        await applyDossierEvent(ctx.db, ctx.config, req.user!, code, body);
        flash(req, 'success', `Đã thực hiện: ${EVENT_LABELS[body.type as keyof typeof EVENT_LABELS] ?? body.type}.`);
        const printable: Record<string, string> = { REQUEST_SUPPLEMENT: '02', REFUSE: '03', EXTEND: '04' };
        res.redirect(
          303,
          printable[body.type]
            ? `/ho-so/${encodeURIComponent(code)}?in=${printable[body.type]}`
            : `/ho-so/${encodeURIComponent(code)}`,
        );
      } catch (err) {
        if (err instanceof AppError && err.status === 409) {
          // A double-clicked form: the first click did exactly this. Say so rather than "not done".
          const done = await ctx
            .db('dossier_events as e')
            .join('dossiers as d', 'd.id', 'e.dossier_id')
            .where({
              'd.code': code,
              'e.dossier_version': body.version + 1,
              'e.actor_id': req.user!.id,
              'e.type': body.type,
            })
            .first('e.id');
          if (done) {
            flash(
              req,
              'success',
              `Đã thực hiện: ${EVENT_LABELS[body.type as keyof typeof EVENT_LABELS] ?? body.type}.`,
            );
            return res.redirect(303, `/ho-so/${encodeURIComponent(code)}`);
          }
          flash(
            req,
            'error',
            'Hồ sơ vừa được người khác cập nhật nên thao tác chưa được thực hiện. Trang đã được tải lại với thông tin mới nhất; vui lòng kiểm tra và thao tác lại.',
          );
          return res.redirect(303, `/ho-so/${encodeURIComponent(code)}`);
        }
        if (err instanceof AppError && err.status === 422) {
          const fields = (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
          return renderShow(
            req,
            res,
            {
              error: err.message,
              failed: { type: body.type, comment: req.body.comment ?? '', dueAt: req.body.dueAt ?? '', fields },
            },
            422,
          );
        }
        throw err;
      }
    },

    async attach(req: Request, res: Response) {
      const row = await getVisibleRow(ctx.db, req.user!, String(req.params.code));
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      try {
        if (!files.length) throw new AppError(422, 'invalid', 'Chưa chọn tệp nào.');
        const n = await storeAttachments(
          ctx.db,
          ctx.config.dataDir,
          row.id,
          req.user!.id,
          files,
          req.body.documentCode || null,
        );
        flash(req, 'success', `Đã đính kèm ${n} tệp.`);
        res.redirect(303, `/ho-so/${encodeURIComponent(row.code)}#tep`);
      } catch (err) {
        if (err instanceof AppError && err.status === 422) return renderShow(req, res, { error: err.message }, 422);
        throw err;
      }
    },

    async download(req: Request, res: Response) {
      const row = await getVisibleRow(ctx.db, req.user!, String(req.params.code));
      const f = await attachmentFile(ctx.db, ctx.config.dataDir, row.id, Number(req.params.id) || 0);
      res.setHeader('Content-Type', f.mime);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      fs.createReadStream(f.file).pipe(res);
    },
  };
}
