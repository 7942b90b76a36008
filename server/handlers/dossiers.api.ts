import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { eventSchema, intakeSchema, listQuerySchema } from '../schemas/dossier.schema';
import type { dossierCodeParams } from '../schemas/params.schema';
import { receiveDossierJson } from '../services/intake.service';
import { applyDossierEvent } from '../services/transition.service';
import { getDossier, history, listDossiers } from '../services/dossiers.service';
import { dossierJson, eventJson } from '../presenters/dossier.presenter';
import { answerFromResult, answerInTransaction } from '../idempotency/context';
import type { DossierView } from '../services/dossiers.service';

type Code = { params: typeof dossierCodeParams };

/** /api/v1/dossiers: intake, read, list, events, history. */
export function dossiersApi(ctx: AppContext) {
  return {
    async create(req: Req<{ body: typeof intakeSchema }>, res: Response) {
      const at = (code: string) => `/api/v1/dossiers/${code}`;
      // The answer is kept with an Idempotency-Key inside the intake's transaction (a lost reply replays).
      const view = await receiveDossierJson(ctx.db, ctx.config, req.user!, req.input.body, Date.now(), (trx, v) =>
        answerInTransaction(trx, { status: 201, body: dossierJson(v), headers: { Location: at(v.row.code) } }),
      );
      const dossier = dossierJson(view);
      res.status(201).location(at(dossier.code)).json(dossier);
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
      // The engine builds the dossier inside its transaction: with an Idempotency-Key it is kept there too.
      answerFromResult((view) => ({ status: 200, body: dossierJson(view as DossierView) }));
      res.json(dossierJson(await applyDossierEvent(ctx.db, ctx.config, req.user!, code, req.input.body)));
    },
  };
}
