import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { eventSchema, intakeSchema, listQuerySchema } from '../schemas/dossier.schema';
import type { dossierCodeParams } from '../schemas/params.schema';
import { receiveDossierJson } from '../services/intake.service';
import { applyDossierEvent } from '../services/transition.service';
import { getDossier, history, listDossiers } from '../services/dossiers.service';
import { dossierJson, eventJson } from '../presenters/dossier.presenter';

type Code = { params: typeof dossierCodeParams };

/** /api/v1/dossiers: intake, read, list, events, history. */
export function dossiersApi(ctx: AppContext) {
  return {
    async create(req: Req<{ body: typeof intakeSchema }>, res: Response) {
      const dossier = dossierJson(await receiveDossierJson(ctx.db, ctx.config, req.user!, req.input.body));
      res.status(201).location(`/api/v1/dossiers/${dossier.code}`).json(dossier);
    },
    async list(req: Req<{ query: typeof listQuerySchema }>, res: Response) {
      const { items, total } = await listDossiers(ctx.db, req.user!, req.input.query);
      res.json({ items: items.map(dossierJson), total });
    },
    async get(req: Req<Code>, res: Response) {
      res.json(dossierJson(await getDossier(ctx.db, req.user!, req.input.params.code)));
    },
    async history(req: Req<Code>, res: Response) {
      res.json({ items: (await history(ctx.db, req.user!, req.input.params.code)).map(eventJson) });
    },
    async event(req: Req<Code & { body: typeof eventSchema }>, res: Response) {
      const { code } = req.input.params;
      res.json(dossierJson(await applyDossierEvent(ctx.db, ctx.config, req.user!, code, req.input.body)));
    },
  };
}
