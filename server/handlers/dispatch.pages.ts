import fs from 'node:fs';
import { uploadFiles } from '../middleware/upload';
import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { AppError, Conflict, Forbidden, Invalid, NotAllowed, NotFound } from '../errors';
import { flash } from '../middleware/locals';
import { fieldErrors, parseFields } from '../schemas/validate';
import {
  createDispatchSchema,
  dispatchEventSchema,
  replyEventSchema,
  responseSchema,
} from '../schemas/dispatch.schema';
import { checkFile, storeBlob, UploadedFile } from '../services/attachments.service';
import { createDispatch, listDispatches, loadVisible } from '../services/dispatches.service';
import { applyDispatchEventFor, applyReplyEventFor, setResponse } from '../services/dispatch-transitions.service';
import {
  DISPATCH_ACTION_LABELS,
  expandRecipients,
  Failed,
  listModel,
  recipientPicker,
  REPLY_ACTION_LABELS,
  showModel,
} from '../presenters/dispatch-pages.presenter';
import { dispatchFile } from '../services/dispatch-files.service';
import { synthesisCsv, synthesisModel, synthesisXlsx } from '../presenters/dispatch-export.presenter';
import { remindNow } from '../jobs/dispatch.jobs';
import { mayCreateDispatch, mayRemind } from '../policies/dispatch.policy';
import { OPEN_REPLY_STATES } from '../../workflows/dispatch';
import { countOpenReplies } from '../queries/dispatches.queries';

const TABS = [
  { key: 'da-gui', label: 'Công văn đã gửi' },
  { key: 'den', label: 'Công văn đến' },
];
const STALE =
  'Công văn vừa được người khác cập nhật nên thao tác chưa được thực hiện. Trang đã được tải lại với thông tin mới nhất; vui lòng kiểm tra và thao tác lại.';

// Recipients are checkboxes: a whole province is a few hundred fields.
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);
const idOf = (req: Request) => {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new NotFound('Không tìm thấy công văn.');
  return id;
};
const fieldsOf = (err: AppError) => (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
/**
 * The form-level message: none when the fields carry their own (each message is shown once, beside its
 * field), else the error's own words ("Dữ liệu không hợp lệ: comment." never reaches a person).
 */
const messageOf = (err: AppError) => (Object.keys(fieldsOf(err)).length ? '' : err.message);
/** A one-field form (the synthesis row): the field's message, or the error's own. */
const oneMessageOf = (err: AppError) => Object.values(fieldsOf(err))[0] ?? err.message;

/** /cong-van: comment-solicitation dispatches (công văn xin ý kiến), their replies and the synthesis. */
export function dispatchPages(ctx: AppContext) {
  const db = ctx.db;

  const renderNew = async (
    req: Request,
    res: Response,
    form: Record<string, unknown> & { recipients: string[]; groups: string[] },
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    res.status(status).render('pages/dispatches/new', {
      title: 'Soạn công văn xin ý kiến',
      form,
      picker: await recipientPicker(db, req.user!.unitId, form.recipients, form.groups),
      ...extra,
    });
  };

  const renderShow = async (req: Request, res: Response, failed: Failed | null = null, status = 200) => {
    const { d, view } = await loadVisible(db, req.user!, idOf(req));
    const m = await showModel(db, req.user!, d, view, failed);
    // The failed form shows its own message; the top of the page only when that form is not on it.
    const forms = [...m.actions, ...(m.reply?.actions ?? [])] as Array<{ type: string }>;
    const shown = failed && forms.some((a) => a.type === failed.type);
    res.status(status).render('pages/dispatches/show', {
      title: d.number ? `Công văn ${d.number}` : 'Dự thảo công văn',
      ...m,
      error: failed && !shown ? failed.error || 'Chưa thực hiện được thao tác.' : undefined,
    });
  };

  const renderSynthesis = async (
    req: Request,
    res: Response,
    failed: { unitCode: string; error: string; value: string } | null = null,
    status = 200,
  ) => {
    const m = await synthesisModel(db, req.user!, idOf(req));
    const rows = m.rows.map((r) =>
      failed && r.unitCode === failed.unitCode ? { ...r, response: failed.value, error: failed.error } : r,
    );
    res.status(status).render('pages/dispatches/synthesis', {
      title: 'Bảng tổng hợp ý kiến góp ý',
      layout: 'print',
      bodyClass: 'landscape',
      back: { href: `/cong-van/${m.syn.id}`, label: '← Về công văn' },
      ...m,
      rows,
    });
  };

  /** 409 → explain and reload; 422 → the same page with the error beside the form and the input kept. */
  const failed = async (
    req: Request,
    res: Response,
    err: unknown,
    scope: Failed['scope'],
    type: string,
    values: Record<string, string>,
  ) => {
    if (err instanceof Conflict) {
      flash(req, 'error', STALE);
      return res.redirect(303, `/cong-van/${idOf(req)}`);
    }
    if (err instanceof Invalid || err instanceof NotAllowed)
      return renderShow(req, res, { scope, type, error: messageOf(err), fields: fieldsOf(err), values }, 422);
    throw err;
  };

  return {
    upload: uploadFiles(3000),

    async list(req: Request, res: Response) {
      const user = req.user!;
      const totals = {
        'da-gui': (await listDispatches(db, user, { inbox: false, page: 1, pageSize: 1 })).total,
        den: (await listDispatches(db, user, { inbox: true, page: 1, pageSize: 1 })).total,
      };
      const asked = TABS.find((t) => t.key === req.query.loc)?.key;
      const tab = (asked ?? (totals['da-gui'] === 0 && totals.den > 0 ? 'den' : 'da-gui')) as keyof typeof totals;
      const page = Math.max(1, Math.floor(Number(req.query.trang)) || 1);
      const { rows, total } = await listModel(db, user, tab === 'den', page);
      const pages = Math.max(1, Math.ceil(total / 20));
      res.render('pages/dispatches/list', {
        title: 'Công văn xin ý kiến',
        tabs: TABS.map((t) => ({ ...t, current: t.key === tab, total: totals[t.key as keyof typeof totals] })),
        inbox: tab === 'den',
        rows,
        total,
        page,
        pages,
        prev: page > 1 ? `?loc=${tab}&trang=${page - 1}` : null,
        next: page < pages ? `?loc=${tab}&trang=${page + 1}` : null,
        canCreate: mayCreateDispatch(user),
      });
    },

    newForm: (req: Request, res: Response) =>
      renderNew(req, res, { title: '', summary: '', dueDate: '', silence: true, recipients: [], groups: [] }),

    async create(req: Request, res: Response) {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const form = {
        title: str(b.title),
        summary: str(b.summary),
        dueDate: str(b.dueDate),
        silence: b.silenceMeansAgreement != null,
        recipients: asList(b.recipients),
        groups: asList(b.groups),
      };
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      try {
        const fields: Record<string, string> = {};
        const bad = files.map(checkFile).filter(Boolean);
        if (bad.length) fields.files = bad.join(' ');
        const codes = await expandRecipients(db, form.recipients, form.groups, req.user!.unitId);
        const parsed = createDispatchSchema.safeParse({
          title: form.title,
          summary: form.summary,
          dueDate: form.dueDate || undefined,
          recipientUnitCodes: codes,
          silenceMeansAgreement: form.silence,
        });
        if (!parsed.success) Object.assign(fields, fieldErrors(parsed.error));
        if (Object.keys(fields).length || !parsed.success)
          throw new Invalid('Công văn chưa được lưu: vui lòng kiểm tra các mục được đánh dấu.', { fields });
        const stored = files.map((f) => storeBlob(ctx.config.dataDir, f));
        const id = await createDispatch(db, req.user!, parsed.data, Date.now(), stored);
        const n = stored.length;
        flash(
          req,
          'success',
          `Đã lưu dự thảo công văn gửi ${parsed.data.recipientUnitCodes.length} đơn vị${n ? `, kèm ${n} tệp` : ''}. Kiểm tra lại rồi trình duyệt.`,
        );
        res.redirect(303, `/cong-van/${id}`);
      } catch (err) {
        if (!(err instanceof Invalid || err instanceof NotAllowed)) throw err;
        const fields = Object.fromEntries(
          Object.entries(fieldsOf(err)).map(([k, v]) => [k.startsWith('recipientUnitCodes') ? 'recipients' : k, v]),
        );
        await renderNew(req, res, form, { error: err.message, fields, filesLost: files.length > 0 }, 422);
      }
    },

    show: (req: Request, res: Response) => renderShow(req, res),

    /** Dispatch events (SUBMIT, APPROVE, REJECT, ISSUE, CLOSE): the service decides, the page explains. */
    async act(req: Request, res: Response) {
      const id = idOf(req);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const type = str(b.type);
      try {
        const input = parseFields(dispatchEventSchema, {
          type,
          version: Number(b.version),
          comment: str(b.comment) || undefined,
        });
        await applyDispatchEventFor(db, req.user!, id, input);
        flash(req, 'success', `Đã thực hiện: ${DISPATCH_ACTION_LABELS[type] ?? type}.`);
        res.redirect(303, `/cong-van/${id}`);
      } catch (err) {
        await failed(req, res, err, 'dispatch', type, { comment: str(b.comment) });
      }
    },

    /** Reply events of the recipient unit (ASSIGN, SUBMIT, APPROVE, RETURN). */
    async replyAct(req: Request, res: Response) {
      const id = idOf(req);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const values = {
        assignee: str(b.assignee),
        position: str(b.position),
        content: str(b.content),
        comment: str(b.comment),
      };
      const type = str(b.type);
      try {
        const opt = (v: string) => v || undefined;
        const input = parseFields(replyEventSchema, {
          type,
          version: Number(b.version),
          assignee: opt(values.assignee),
          position: opt(values.position),
          content: opt(values.content),
          comment: opt(values.comment),
        });
        await applyReplyEventFor(db, req.user!, id, String(req.params.unitCode), input);
        const done: Record<string, string> = {
          ASSIGN: `Đã giao xử lý cho ${values.assignee}.`,
          SUBMIT: 'Đã trình lãnh đạo duyệt ý kiến trả lời.',
          APPROVE: 'Đã duyệt và gửi ý kiến trả lời đến đơn vị soạn thảo.',
          RETURN: 'Đã trả lại chuyên viên.',
        };
        flash(req, 'success', done[type] ?? `Đã thực hiện: ${REPLY_ACTION_LABELS[type] ?? type}.`);
        res.redirect(303, `/cong-van/${id}`);
      } catch (err) {
        await failed(req, res, err, 'reply', type, values);
      }
    },

    /** "Nhắc các đơn vị chưa trả lời": one reminder mail batch to the open replies, now. */
    async remind(req: Request, res: Response) {
      const { d, view } = await loadVisible(db, req.user!, idOf(req));
      if (view !== 'sender' || !mayRemind(req.user!, d))
        throw new Forbidden('Chỉ đơn vị soạn công văn được nhắc các đơn vị trả lời.');
      const open = await countOpenReplies(db, d.id, OPEN_REPLY_STATES);
      if (d.state !== 'issued' || open === 0) {
        flash(req, 'info', 'Không còn đơn vị nào chưa trả lời.');
      } else {
        await remindNow(db, d.id);
        flash(req, 'success', `Đã gửi thư nhắc ${open} đơn vị chưa trả lời.`);
      }
      res.redirect(303, `/cong-van/${d.id}`);
    },

    synthesis: (req: Request, res: Response) => renderSynthesis(req, res),

    /** The drafting unit's response (tiếp thu, giải trình) to one unit's reply, before CLOSE. */
    async respond(req: Request, res: Response) {
      const id = idOf(req);
      const unitCode = String(req.params.unitCode);
      const value = str((req.body ?? {}).response);
      try {
        const { response } = parseFields(responseSchema, { response: value.trim() || null });
        await setResponse(db, req.user!, id, unitCode, response);
        flash(req, 'success', 'Đã lưu ý kiến tiếp thu, giải trình.');
        res.redirect(303, `/cong-van/${id}/tong-hop#dv-${unitCode}`);
      } catch (err) {
        if (!(err instanceof Invalid || err instanceof NotAllowed)) throw err;
        await renderSynthesis(req, res, { unitCode, error: oneMessageOf(err), value }, 422);
      }
    },

    async exportCsv(req: Request, res: Response) {
      const m = await synthesisModel(db, req.user!, idOf(req));
      res.setHeader('Content-Disposition', `attachment; filename="tong-hop-y-kien-cong-van-${m.syn.id}.csv"`);
      res.type('text/csv; charset=utf-8').send(synthesisCsv(m));
    },

    async exportXlsx(req: Request, res: Response) {
      const m = await synthesisModel(db, req.user!, idOf(req));
      res.setHeader('Content-Disposition', `attachment; filename="tong-hop-y-kien-cong-van-${m.syn.id}.xlsx"`);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await synthesisXlsx(m));
    },

    async download(req: Request, res: Response) {
      const { d, view } = await loadVisible(db, req.user!, idOf(req));
      const f = await dispatchFile(db, ctx.config.dataDir, req.user!, view, d.id, Number(req.params.fileId));
      res.setHeader('Content-Type', f.mime);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      fs.createReadStream(f.file).pipe(res);
    },
  };
}
