import fs from 'node:fs';
import { uploadErrorOf, uploadFiles } from '../middleware/upload';
import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Conflict, Invalid, NotAllowed } from '../errors';
import { flash } from '../middleware/locals';
import { parseFields } from '../schemas/validate';
import { eventSchema, listQuerySchema } from '../schemas/dossier.schema';
import { getDossier, getVisibleRow, listWork } from '../services/dossiers.service';
import { dossierJson, workItemJson } from '../presenters/dossier.presenter';
import { findOwnEvent, listEvents } from '../queries/dossiers.queries';
import { attachmentsOf, findAttachment } from '../queries/attachments.queries';
import { mayAttachToDossier } from '../policies/dossier.policy';
import { compiledVersion } from '../services/catalog.service';
import { getCalendar } from '../services/calendar.service';
import { applyDossierEvent, attachToDossier } from '../services/transition.service';
import {
  availableActions,
  doneMessage,
  extensionDays,
  extensionDueAt,
  timelineOf,
  whoActs,
  workingTimes,
} from '../presenters/dossier-actions.presenter';
import { clockOf } from '../services/dossier-clock';
import { unitNamesByCode } from '../queries/units.queries';
import { dossierUrgency } from '../../workflows/clock';
import { blobFile, UploadedFile } from '../services/attachments.service';
import { urgencyBadge } from '../presenters/urgency.presenter';
import { syncBadge } from '../presenters/portal.presenter';
import { intakePages } from './intake.pages';
import { resultSection } from './result.pages';
import { consultationSection } from '../presenters/dispatch-consultations.presenter';
import { CHANNELS, EVENT_LABELS } from '../../workflows/labels';
import { PUBLIC_STATUSES, STATUS_TEXT } from '../../workflows/status';

const TABS = [
  { key: 'cua-toi', label: 'Việc cần xử lý' },
  { key: 'qua-han', label: 'Quá hạn' },
  { key: 'tat-ca', label: 'Tất cả hồ sơ' },
];

/**
 * The extension form's new appointment: a dd/mm/yyyy date and an HH:mm time, as the ISO time the
 * engine takes. A date that cannot be read is refused here, beside the field.
 */
function formDueAt(body: Record<string, unknown>): string | undefined {
  if (body.type !== 'EXTEND') return undefined;
  const iso = extensionDueAt(body.dueDate, body.dueTime);
  if (iso) return iso;
  throw new Invalid('Ngày hẹn trả mới không hợp lệ: nhập theo dạng dd/mm/yyyy và chọn giờ.', {
    fields: { dueAt: 'Nhập ngày theo dạng dd/mm/yyyy (ví dụ 05/03/2027)' },
  });
}

export function dossierPages(ctx: AppContext) {
  const renderShow = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const code = String(req.params.code);
    // One visibility-checked read; the JSON and the timeline are built from that row.
    const view = await getDossier(ctx.db, req.user!, code);
    const { row, def } = view;
    const { machine } = await compiledVersion(ctx.db, row.procedure_version_id);
    const dossier = dossierJson(view);
    const eventRows = await listEvents(ctx.db, row.id);
    const unitNames = await unitNamesByCode(ctx.db, [
      ...new Set(eventRows.map((e) => e.actor_unit_code).filter((c): c is string => !!c)),
    ]);
    const events = timelineOf(eventRows, def, unitNames);
    const actions = availableActions(req.user!, row, def, machine);
    const cal = await getCalendar(ctx.db, ctx.config);
    const badge = urgencyBadge(dossierUrgency(cal, clockOf(row), Date.now()));
    const extension = actions.some((a) => a.type === 'EXTEND')
      ? { days: extensionDays(cal, row.due_at), times: workingTimes(cal) }
      : null;
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
      primaryActions: actions.filter((a) => a.primary),
      otherActions: actions.filter((a) => !a.primary),
      badge,
      syncBadge: syncBadge(view.sync),
      extension,
      files: await attachmentsOf(ctx.db, row.id),
      forms,
      canAttach: mayAttachToDossier(req.user!, row, def),
      consultations: await consultationSection(ctx.db, req.user!, view),
      result: await resultSection(ctx, req.user!, view),
      in: /^0[234]$/.test(String(req.query.in)) ? String(req.query.in) : null,
      ...extra,
    });
  };

  /** The flash after an action says what its history line says ("Đã thực hiện: Ký duyệt (…)"). */
  const lastEventMessage = async (req: Request, code: string, fallback: string) => {
    const { row, def } = await getDossier(ctx.db, req.user!, code);
    const mine = (await listEvents(ctx.db, row.id)).filter((e) => e.actor_id === req.user!.id).at(-1);
    const names = await unitNamesByCode(ctx.db, mine?.actor_unit_code ? [mine.actor_unit_code] : []);
    return doneMessage(mine && timelineOf([mine], def, names)[0], fallback);
  };

  return {
    ...intakePages(ctx),

    upload: uploadFiles(100, { keepForm: true }),

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
      const rows = items.map((w) => {
        const d = workItemJson(w);
        return { ...d, badge: urgencyBadge(d.urgency), stepDue: d.step?.dueAt ?? null };
      });
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

    /** The page with a message from another section's form (the result's). */
    showWith: renderShow,

    /** One handler for every action form; the service decides, the page explains. */
    async act(req: Request, res: Response) {
      const code = String(req.params.code);
      const raw = {
        type: req.body.type,
        version: Number(req.body.version),
        comment: req.body.comment || undefined,
        dueAt: undefined as string | undefined,
      };
      const label = EVENT_LABELS[raw.type as keyof typeof EVENT_LABELS] ?? String(raw.type);
      try {
        raw.dueAt = formDueAt(req.body);
        const input = parseFields(eventSchema, raw);
        await applyDossierEvent(ctx.db, ctx.config, req.user!, code, input);
        flash(req, 'success', await lastEventMessage(req, code, label));
        const printable: Record<string, string> = { REQUEST_SUPPLEMENT: '02', REFUSE: '03', EXTEND: '04' };
        const form = printable[input.type];
        res.redirect(303, `/ho-so/${encodeURIComponent(code)}${form ? `?in=${form}` : ''}`);
      } catch (err) {
        if (err instanceof Conflict) {
          // A double-clicked form: the first click did exactly this. Say so rather than "not done".
          if (await findOwnEvent(ctx.db, code, raw.version + 1, req.user!.id, String(raw.type))) {
            flash(req, 'success', await lastEventMessage(req, code, label));
          } else {
            flash(
              req,
              'error',
              'Hồ sơ vừa được người khác cập nhật nên thao tác chưa được thực hiện. Trang đã được tải lại với thông tin mới nhất; vui lòng kiểm tra và thao tác lại.',
            );
          }
          return res.redirect(303, `/ho-so/${encodeURIComponent(code)}`);
        }
        if (err instanceof Invalid || err instanceof NotAllowed) {
          const fields = (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
          return renderShow(
            req,
            res,
            {
              // [error display: helper A] Each message once: a field's beside the field, anything else at the top.
              error: Object.keys(fields).length ? undefined : err.message,
              failed: {
                type: raw.type,
                comment: req.body.comment ?? '',
                dueDate: req.body.dueDate ?? '',
                dueTime: req.body.dueTime ?? '',
                fields,
              },
            },
            422,
          );
        }
        throw err;
      }
    },

    async attach(req: Request, res: Response) {
      const code = String(req.params.code);
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      // [upload form: helper A] A file over the limit keeps the page, the message beside the file field.
      const tooLarge = uploadErrorOf(req);
      if (tooLarge) return renderShow(req, res, { uploadError: tooLarge.message }, 413);
      try {
        if (!files.length) throw new Invalid('Chưa chọn tệp nào.', { fields: { files: 'Chưa chọn tệp' } });
        const n = await attachToDossier(ctx.db, ctx.config, req.user!, code, files, req.body.documentCode || null);
        flash(req, 'success', `Đã đính kèm ${n} tệp.`);
        res.redirect(303, `/ho-so/${encodeURIComponent(code)}#tep`);
      } catch (err) {
        if (err instanceof Invalid || err instanceof NotAllowed)
          return renderShow(req, res, { uploadError: err.message }, 422);
        throw err;
      }
    },

    async download(req: Request, res: Response) {
      const row = await getVisibleRow(ctx.db, req.user!, String(req.params.code));
      const f = blobFile(ctx.config.dataDir, await findAttachment(ctx.db, row.id, Number(req.params.id) || 0));
      res.setHeader('Content-Type', f.mime);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      fs.createReadStream(f.file).pipe(res);
    },
  };
}
