import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { createDispatchSchema } from '../schemas/dispatch.schema';
import type { dossierCodeParams } from '../schemas/params.schema';
import { createConsultation, listConsultations } from '../services/consultations.service';
import { getDispatch } from '../services/dispatches.service';
import { dispatchJson } from '../presenters/dispatch.presenter';

type Code = { params: typeof dossierCodeParams };

/** /api/v1/dossiers/:code/consultations: consultations inside a dossier (design.md §11). */
export function consultationsApi(ctx: AppContext) {
  return {
    async create(req: Req<Code & { body: typeof createDispatchSchema }>, res: Response) {
      const id = await createConsultation(ctx.db, req.user!, req.input.params.code, req.input.body);
      res.location(`/api/v1/dispatches/${id}`);
      res.status(201).json(dispatchJson(await getDispatch(ctx.db, req.user!, id)));
    },
    async list(req: Req<Code>, res: Response) {
      res.json({ items: (await listConsultations(ctx.db, req.user!, req.input.params.code)).map(dispatchJson) });
    },
  };
}
