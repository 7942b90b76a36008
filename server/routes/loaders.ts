import type { z } from 'zod';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import type { Req } from './route';
import type {
  dispatchIdParams,
  dossierCodeParams,
  procedureCodeParams,
  replyParams,
  unitCodeParams,
  usernameParams,
} from '../schemas/params.schema';
import { loadVisibleDossier } from '../services/dossiers.service';
import { findReply } from '../queries/dispatches.queries';
import { findUnitByCode } from '../queries/units.queries';
import { findUserByUsername } from '../queries/users.queries';
import { assertCanSeeReply, mayReadSynthesis } from '../policies/dispatch.policy';
import { loadVisible } from '../services/dispatches.service';
import { getVersion } from '../services/catalog.service';
import { reportScope } from '../services/reports.service';

/*
 * `load` steps of the route table: the 404 of contract.md §2 (unknown, or not visible to this user),
 * checked after the path is parsed and before the query and the body are. Services check again
 * under their own lock; this is what puts 404 ahead of 400/422 for every route.
 */

type P<S extends z.ZodType> = Req<{ params: S }>;

export const loaders = (ctx: AppContext) => ({
  // The row read here is handed to the request's service (one read for the 404 and the work).
  dossier: async (req: P<typeof dossierCodeParams>) => {
    await loadVisibleDossier(ctx.db, req.user!, req.input.params.code);
  },
  dispatch: async (req: P<typeof dispatchIdParams>) => {
    await loadVisible(ctx.db, req.user!, req.input.params.id);
  },
  /** The synthesis and the drafter's responses belong to the sender side: a recipient gets 404. */
  dispatchAsSender: async (req: P<typeof dispatchIdParams>) => {
    const { view } = await loadVisible(ctx.db, req.user!, req.input.params.id);
    if (!mayReadSynthesis(view)) throw new NotFound('Không tìm thấy công văn.');
  },
  reply: async (req: P<typeof replyParams>) => {
    const { id, unitCode } = req.input.params;
    const { view } = await loadVisible(ctx.db, req.user!, id);
    assertCanSeeReply(req.user!, view, await findReply(ctx.db, id, unitCode));
  },
  replyAsSender: async (req: P<typeof replyParams>) => {
    const { id, unitCode } = req.input.params;
    const { view } = await loadVisible(ctx.db, req.user!, id);
    if (!mayReadSynthesis(view)) throw new NotFound('Không tìm thấy công văn.');
    assertCanSeeReply(req.user!, view, await findReply(ctx.db, id, unitCode));
  },
  unit: async (req: P<typeof unitCodeParams>) => {
    if (!(await findUnitByCode(ctx.db, req.input.params.code))) throw new NotFound('Không tìm thấy đơn vị.');
  },
  user: async (req: P<typeof usernameParams>) => {
    if (!(await findUserByUsername(ctx.db, req.input.params.username)))
      throw new NotFound('Không tìm thấy người dùng.');
  },
  procedure: async (req: P<typeof procedureCodeParams>) => {
    await getVersion(ctx.db, req.input.params.code);
  },
  /**
   * The report's unit is the resource: outside the user's tree is 404, before a bad period's 422.
   * Read from the raw query (the query schema runs after this step); a non-string is left to it.
   */
  reportUnit: async (req: Req) => {
    const unitCode = req.query.unitCode;
    if (unitCode === undefined || typeof unitCode === 'string')
      await reportScope(ctx.db, req.user!, unitCode || undefined);
  },
});
