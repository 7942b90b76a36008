import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NotFound } from '../errors';
import { parseBody, parseFields } from '../schemas/validate';
import type { ApiRoute, Input, InputSchemas, Req } from '../routes/route';

/**
 * Validate a route's declared input and put it on `req.input`, in the contract's order (§2):
 * path parameters (a path that cannot name anything is 404), then the route's `load` (404 for what
 * this user may not see), then the query string and the body (400 not a JSON object, 422 with
 * `details.fields`). Checks that need the row (409 version, 403 actor, 422 state) stay in services.
 */
export function validateInput(route: Pick<ApiRoute, 'input' | 'load'>): RequestHandler {
  const { params, query, body } = route.input;
  return async (req: Request, _res: Response, next: NextFunction) => {
    const input: Input<InputSchemas> = { params: {}, query: {}, body: {} };
    (req as Req).input = input;
    if (params) {
      const parsed = params.safeParse(req.params);
      // Params schemas word their messages as "not found" (schemas/params.schema.ts).
      if (!parsed.success) throw new NotFound(parsed.error.issues[0]?.message);
      input.params = parsed.data as Input<InputSchemas>['params'];
    }
    if (route.load) await route.load(req as Req);
    if (query) input.query = parseFields(query, req.query) as Input<InputSchemas>['query'];
    if (body) input.body = parseBody(body, req.body) as Input<InputSchemas>['body'];
    next();
  };
}
