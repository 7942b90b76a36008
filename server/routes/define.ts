import { RequestHandler, Router } from 'express';
import { Access, authorize } from '../middleware/auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Add = (path: string, access: Access, ...handlers: RequestHandler[]) => void;

/**
 * Routes declare their access next to their path; there is no way to add one without it
 * (deny by default, after Ghost's permissions).
 */
export function routes(router: Router): Record<Method, Add> {
  const add =
    (method: Method): Add =>
    (path, access, ...handlers) => {
      router[method](path, authorize(access), ...handlers);
    };
  return { get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
}
