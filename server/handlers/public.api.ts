import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { dossierCodeParams } from '../schemas/params.schema';
import { NotFound } from '../errors';
import { publicDossier } from '../services/public-lookup.service';

import { DOSSIER_CODE } from '../schemas/dossier.schema';

/** The shape of a dossier code (ours or the national portal's): anything else is 404 unasked. */
export { DOSSIER_CODE };

/** /api/v1/public: what a citizen may see of a dossier by its code, no sign-in. */
export function publicApi(ctx: AppContext) {
  return {
    async dossier(req: Req<{ params: typeof dossierCodeParams }>, res: Response) {
      const { code } = req.input.params;
      if (!DOSSIER_CODE.test(code)) throw new NotFound('Không tìm thấy hồ sơ với mã này.');
      res.set('Cache-Control', 'no-store').json((await publicDossier(ctx.db, code)).body);
    },
  };
}
