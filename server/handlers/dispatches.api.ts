import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type {
  deleteDispatchQuerySchema,
  editDispatchSchema,
  replyFilesFieldsSchema,
  createDispatchSchema,
  dispatchEventSchema,
  dispatchListQuerySchema,
  replyEventSchema,
  responseSchema,
} from '../schemas/dispatch.schema';
import type { dispatchIdParams, replyParams } from '../schemas/params.schema';
import { createDispatch, getDispatch, listDispatches, synthesis } from '../services/dispatches.service';
import { dispatchJson, synthesisJson } from '../presenters/dispatch.presenter';
import type { UploadedFile } from '../services/attachments.service';
import { attachToReply, deleteDraft, editDraft } from '../services/dispatch-drafts.service';
import { applyDispatchEventFor, applyReplyEventFor, setResponse } from '../services/dispatch-transitions.service';

type Id = { params: typeof dispatchIdParams };

/** /api/v1/dispatches: comment-solicitation dispatches and their replies. */
export function dispatchesApi(ctx: AppContext) {
  const show = async (req: Req, res: Response, id: number, status = 200) => {
    res.status(status).json(dispatchJson(await getDispatch(ctx.db, req.user!, id)));
  };
  return {
    async create(req: Req<{ body: typeof createDispatchSchema }>, res: Response) {
      const id = await createDispatch(ctx.db, req.user!, req.input.body);
      res.location(`/api/v1/dispatches/${id}`);
      await show(req, res, id, 201);
    },
    async list(req: Req<{ query: typeof dispatchListQuerySchema }>, res: Response) {
      const { inbox, page, pageSize } = req.input.query;
      const { items, total } = await listDispatches(ctx.db, req.user!, { inbox: inbox ?? false, page, pageSize });
      res.json({ items: items.map(dispatchJson), total });
    },
    get: (req: Req<Id>, res: Response) => show(req, res, req.input.params.id),
    async event(req: Req<Id & { body: typeof dispatchEventSchema }>, res: Response) {
      const { id } = req.input.params;
      await applyDispatchEventFor(ctx.db, req.user!, id, req.input.body);
      await show(req, res, id);
    },
    async replyEvent(req: Req<{ params: typeof replyParams; body: typeof replyEventSchema }>, res: Response) {
      const { id, unitCode } = req.input.params;
      await applyReplyEventFor(ctx.db, req.user!, id, unitCode, req.input.body);
      await show(req, res, id);
    },
    async response(req: Req<{ params: typeof replyParams; body: typeof responseSchema }>, res: Response) {
      const { id, unitCode } = req.input.params;
      await setResponse(ctx.db, req.user!, id, unitCode, req.input.body.response);
      res.json(synthesisJson(await synthesis(ctx.db, req.user!, id)));
    },
    async edit(req: Req<Id & { body: typeof editDispatchSchema }>, res: Response) {
      const { id } = req.input.params;
      await editDraft(ctx.db, req.user!, id, req.input.body);
      await show(req, res, id);
    },
    async remove(req: Req<Id & { query: typeof deleteDispatchQuerySchema }>, res: Response) {
      await deleteDraft(ctx.db, req.user!, req.input.params.id, req.input.query.version);
      res.status(204).end();
    },
    async attachReply(req: Req<{ params: typeof replyParams; body: typeof replyFilesFieldsSchema }>, res: Response) {
      const { id, unitCode } = req.input.params;
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      await attachToReply(ctx.db, ctx.config.dataDir, req.user!, { id, unitCode }, files);
      await show(req, res, id, 201);
    },
    async synthesis(req: Req<Id>, res: Response) {
      res.json(synthesisJson(await synthesis(ctx.db, req.user!, req.input.params.id)));
    },
  };
}
