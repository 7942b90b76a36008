import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import { pagingSchema, parseBody, parseFields } from '../schemas/validate';
import { createDispatchSchema, responseSchema } from '../schemas/dispatch.schema';
import { createDispatch, dispatchJson, listDispatches, loadVisible, synthesis } from '../services/dispatches.service';
import { applyDispatchEventFor, applyReplyEventFor, setResponse } from '../services/dispatch-transitions.service';

const idOf = (req: Request) => {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new NotFound('Không tìm thấy công văn.');
  return id;
};
const listSchema = pagingSchema.extend({
  inbox: z
    .enum(['1', 'true', '0', 'false'])
    .transform((v) => v === '1' || v === 'true')
    .optional(),
});

/** /api/v1/dispatches: comment-solicitation dispatches and their replies. */
export function dispatchesApi(ctx: AppContext) {
  const show = async (req: Request, res: Response, id: number, status = 200) => {
    const { d, view } = await loadVisible(ctx.db, req.user!, id);
    res.status(status).json(await dispatchJson(ctx.db, d, view, req.user!));
  };
  return {
    async create(req: Request, res: Response) {
      const id = await createDispatch(ctx.db, req.user!, parseBody(createDispatchSchema, req.body));
      res.location(`/api/v1/dispatches/${id}`);
      await show(req, res, id, 201);
    },
    async list(req: Request, res: Response) {
      const q = parseFields(listSchema, req.query);
      res.json(
        await listDispatches(ctx.db, req.user!, { inbox: q.inbox ?? false, page: q.page, pageSize: q.pageSize }),
      );
    },
    get: (req: Request, res: Response) => show(req, res, idOf(req)),
    async event(req: Request, res: Response) {
      const id = idOf(req);
      await applyDispatchEventFor(ctx.db, req.user!, id, req.body);
      await show(req, res, id);
    },
    async replyEvent(req: Request, res: Response) {
      const id = idOf(req);
      await applyReplyEventFor(ctx.db, req.user!, id, String(req.params.unitCode), req.body);
      await show(req, res, id);
    },
    async response(req: Request, res: Response) {
      const id = idOf(req);
      await setResponse(
        ctx.db,
        req.user!,
        id,
        String(req.params.unitCode),
        parseBody(responseSchema, req.body).response,
      );
      res.json(await synthesis(ctx.db, req.user!, id));
    },
    async synthesis(req: Request, res: Response) {
      res.json(await synthesis(ctx.db, req.user!, idOf(req)));
    },
  };
}
