import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { parseBody, parseFields } from '../schemas/validate';
import { intakeSchema, listQuerySchema } from '../schemas/dossier.schema';
import { receiveDossierJson } from '../services/intake.service';
import { applyDossierEvent } from '../services/transition.service';
import { getDossier, history, listDossiers } from '../services/dossiers.service';

/** /api/v1/dossiers: intake, read, list, events, history. */
export function dossiersApi(ctx: AppContext) {
  return {
    async create(req: Request, res: Response) {
      const input = parseBody(intakeSchema, req.body);
      const dossier = await receiveDossierJson(ctx.db, ctx.config, req.user!, input);
      res.status(201).location(`/api/v1/dossiers/${dossier.code}`).json(dossier);
    },
    async list(req: Request, res: Response) {
      res.json(await listDossiers(ctx.db, req.user!, parseFields(listQuerySchema, req.query)));
    },
    async get(req: Request, res: Response) {
      res.json(await getDossier(ctx.db, req.user!, String(req.params.code)));
    },
    async history(req: Request, res: Response) {
      res.json({ items: await history(ctx.db, req.user!, String(req.params.code)) });
    },
    async event(req: Request, res: Response) {
      res.json(await applyDossierEvent(ctx.db, ctx.config, req.user!, String(req.params.code), req.body));
    },
  };
}
