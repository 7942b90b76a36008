import fs from 'node:fs';
import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { dossierCodeParams } from '../schemas/params.schema';
import { resultForStaff, uploadResult } from '../services/results.service';
import { dossierJson } from '../presenters/dossier.presenter';

type Code = { params: typeof dossierCodeParams };

/** Send a stored PDF: inline, by name, never sniffed. */
export function sendPdf(res: Response, f: { file: string; filename: string; sha256: string }, disposition = 'inline') {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('ETag', `"${f.sha256}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  fs.createReadStream(f.file).pipe(res);
}

/** /api/v1/dossiers/:code/result: put the draft PDF, read the current one. */
export function resultsApi(ctx: AppContext) {
  return {
    async put(req: Req<Code>, res: Response) {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(dossierJson(await uploadResult(ctx.db, ctx.config, req.user!, req.input.params.code, body)));
    },
    async get(req: Req<Code>, res: Response) {
      sendPdf(res, await resultForStaff(ctx.db, ctx.config, req.user!, req.input.params.code));
    },
  };
}
