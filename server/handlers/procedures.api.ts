import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { procedureCodeParams } from '../schemas/params.schema';
import type { procedureListQuerySchema, procedureVersionQuerySchema } from '../schemas/catalog.schema';
import type { procedureDefinitionSchema } from '../../workflows/procedure';
import { createVersion, getVersion } from '../services/catalog.service';
import { listLatest, listVersions, ProcedureVersion } from '../queries/procedures.queries';
import { toVnIso } from '../../workflows/calendar';

export function procedureJson(v: ProcedureVersion) {
  return { ...v.definition, version: v.version, createdAt: toVnIso(new Date(v.createdAt)) };
}

/** /api/v1/procedures: the versioned catalog. */
export function proceduresApi(ctx: AppContext) {
  return {
    async create(req: Req<{ body: typeof procedureDefinitionSchema }>, res: Response) {
      const created = await createVersion(ctx.db, req.input.body, req.user!.id);
      res.status(201).location(`/api/v1/procedures/${created.code}?version=${created.version}`).json(created);
    },
    async list(req: Req<{ query: typeof procedureListQuerySchema }>, res: Response) {
      const { page, pageSize, q } = req.input.query;
      const { items, total } = await listLatest(ctx.db, { offset: (page - 1) * pageSize, limit: pageSize, q });
      res.json({ items: items.map(procedureJson), total });
    },
    async get(
      req: Req<{ params: typeof procedureCodeParams; query: typeof procedureVersionQuerySchema }>,
      res: Response,
    ) {
      const v = await getVersion(ctx.db, req.input.params.code, req.input.query.version);
      res.json({ ...procedureJson(v), versions: (await listVersions(ctx.db, v.code)).map((x) => x.version) });
    },
  };
}
