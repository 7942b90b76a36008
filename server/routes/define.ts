import { RequestHandler, Response, NextFunction, Router } from 'express';
import { Access, authorize } from '../middleware/auth';
import { validateInput } from '../middleware/input';
import type { InputSchemas, Method, Req } from './route';

type PageHandler<S extends InputSchemas> = (req: Req<S>, res: Response, next: NextFunction) => unknown;

/**
 * Add a page route: its access always, and optionally its input (zod schemas for the path and the
 * query string; a path that cannot name anything is 404). Form bodies are parsed by their handlers,
 * which re-render the form with the field errors and the user's input.
 */
interface Add {
  (path: string, access: Access, ...handlers: RequestHandler[]): void;
  <S extends Omit<InputSchemas, 'body'>>(path: string, access: Access, input: S, ...handlers: PageHandler<S>[]): void;
}

/**
 * Routes declare their access next to their path; there is no way to add one without it
 * (deny by default, after Ghost's permissions).
 */
export function routes(router: Router): Record<Method, Add> {
  const add =
    (method: Method): Add =>
    (path: string, access: Access, first: object, ...rest: unknown[]) => {
      const declared = typeof first === 'function' ? [] : [validateInput({ input: first as InputSchemas })];
      const handlers = (typeof first === 'function' ? [first, ...rest] : rest) as RequestHandler[];
      router[method](path, authorize(access), ...declared, ...handlers);
    };
  return { get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
}
