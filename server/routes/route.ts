import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Access } from '../middleware/auth';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route may declare about its input: zod schemas for the path, the query string and the body. */
export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** The validated input of a route, as its schemas output it. */
export interface Input<S extends InputSchemas> {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
}

/** A request whose input has passed the route's schemas (see middleware/input.ts). */
export type Req<S extends InputSchemas = InputSchemas> = Request & { input: Input<S> };

/** Only the path schema of an input: what a `load` step may read. */
export type ParamsOf<S extends InputSchemas> = S extends { params: infer P extends z.ZodType }
  ? { params: P }
  : Record<never, never>;

export type Handler<S extends InputSchemas> = (req: Req<S>, res: Response) => Promise<void> | void;

/** One documented answer: a Vietnamese description and, for a JSON body, its schema. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Media type when the body is not JSON. */
  contentType?: string;
}

export type Responses = Partial<Record<number, ResponseSpec>>;

/**
 * A JSON API route as declared in routes/: where it lives, who may call it, what it takes, what it
 * answers. The same declaration mounts the route, validates its input and writes its OpenAPI entry.
 */
export interface RouteSpec<S extends InputSchemas> {
  method: Method;
  /** Express path under /api/v1 (`/dossiers/:code`). */
  path: string;
  access: Access;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  input?: S;
  /**
   * Runs after the path parameters are parsed and before the query and body are: the visibility
   * check of the resource the path names (404 comes before 400/422, contract.md §2).
   */
  load?: (req: Req<ParamsOf<S>>) => Promise<void>;
  /** A body that is not JSON (a PDF): read whole, up to `limit`, into `req.body` as a Buffer. */
  rawBody?: RawBody;
  /** A multipart/form-data body: its files under `field` into `req.files`, its other fields into `req.body`. */
  multipart?: Multipart;
  /** Success answers and the route's own error answers; common ones are added by openapi.ts. */
  responses: Responses;
  handler: Handler<S>;
}

/** A declared route with its input types erased, as the route table holds it. */
export interface ApiRoute {
  method: Method;
  path: string;
  access: Access;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  input: InputSchemas;
  load?: (req: Req) => Promise<void>;
  rawBody?: RawBody;
  multipart?: Multipart;
  responses: Responses;
  handler: (req: Req, res: Response) => Promise<void> | void;
}

/** A route's non-JSON body: its media type (for the description) and its size limit. */
export interface RawBody {
  mediaType: string;
  /** In bytes. */
  limit: number;
}

/** A multipart body: the files' field name and how many other fields it may carry. */
export interface Multipart {
  field: string;
  maxFields: number;
  /** Its other fields, for the description. */
  schema: z.ZodType;
}

/**
 * Declare a route. The input type is inferred from the declared schemas only (`NoInfer` on the
 * handler), so a handler written for other input does not compile.
 */
export function defineRoute<S extends InputSchemas = Record<never, never>>(
  spec: RouteSpec<S> & { load?: NoInfer<RouteSpec<S>['load']>; handler: NoInfer<Handler<S>> },
): ApiRoute {
  return {
    ...spec,
    input: spec.input ?? {},
    // The middleware fills req.input from these same schemas before calling either.
    load: spec.load as ApiRoute['load'],
    handler: spec.handler as unknown as ApiRoute['handler'],
  };
}
