import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { BadRequest } from '../errors';
import { pagingSchema, parseFields } from '../schemas/validate';
import { createVersion, getVersion } from '../services/catalog.service';
import { listLatest, listVersions, ProcedureVersion } from '../queries/procedures.queries';
import { toVnIso } from '../../workflows/calendar';

export function procedureJson(v: ProcedureVersion) {
  return { ...v.definition, version: v.version, createdAt: toVnIso(new Date(v.createdAt)) };
}

const listSchema = pagingSchema.extend({ q: z.string().trim().max(100).optional() });
const versionSchema = z.object({ version: z.coerce.number().int().min(1, 'Phiên bản từ 1 trở lên').optional() });

/** /api/v1/procedures: the versioned catalog. */
export function proceduresApi(ctx: AppContext) {
  return {
    async create(req: Request, res: Response) {
      if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
        throw new BadRequest('Nội dung yêu cầu phải là một đối tượng JSON.');
      const created = await createVersion(ctx.db, req.body, req.user!.id);
      res.status(201).location(`/api/v1/procedures/${created.code}?version=${created.version}`).json(created);
    },
    async list(req: Request, res: Response) {
      const q = parseFields(listSchema, req.query);
      const { items, total } = await listLatest(ctx.db, {
        offset: (q.page - 1) * q.pageSize,
        limit: q.pageSize,
        q: q.q,
      });
      res.json({ items: items.map(procedureJson), total });
    },
    async get(req: Request, res: Response) {
      const { version } = parseFields(versionSchema, req.query);
      const v = await getVersion(ctx.db, String(req.params.code), version);
      res.json({ ...procedureJson(v), versions: (await listVersions(ctx.db, v.code)).map((x) => x.version) });
    },
  };
}
