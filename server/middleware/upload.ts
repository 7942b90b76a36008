import type { Request, RequestHandler } from 'express';
import type multerType from 'multer';
import { lazyModule } from '../lazy';
import { BadRequest, TooLarge } from '../errors';
import { MAX_FILE_BYTES, MAX_FILES } from '../services/attachments.service';

/** Loaded on the first multipart form (issue 17: memory). */
const multer = lazyModule<typeof multerType>('multer', 'default');

const MB = MAX_FILE_BYTES / 1024 / 1024;

/** What multer left on the request: parsed once, and the limit it broke (if any). */
interface Parsed {
  uploadParsed?: boolean;
  uploadError?: TooLarge | BadRequest;
}

/** The multipart forms and how many other fields each may carry (the dispatch form's unit picker has many). */
const MULTIPART_ROUTES: Array<{ path: RegExp; maxFields: number }> = [
  { path: /^\/ho-so\/moi$/, maxFields: 100 },
  { path: /^\/ho-so\/[^/]+\/tep$/, maxFields: 100 },
  { path: /^\/ho-so\/[^/]+\/ket-qua$/, maxFields: 10 },
  { path: /^\/cong-van\/moi$/, maxFields: 3000 },
  { path: /^\/quan-tri\/chung-thu-so\/(nguoi-dung|don-vi)\/[^/]+$/, maxFields: 10 },
  { path: /^\/quan-tri\/thu-tuc\/nhap$/, maxFields: 10 },
  { path: /^\/ho-so\/[^/]+\/lay-y-kien$/, maxFields: 3000 },
  { path: /^\/cong-van\/[^/]+\/y-kien\/[^/]+\/tep$/, maxFields: 10 },
];

function parse(
  req: Request,
  res: Parameters<RequestHandler>[1],
  maxFields: number,
  done: () => void,
  field = 'files',
): void {
  const r = req as Request & Parsed;
  const mem = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: maxFields },
  });
  mem.array(field, MAX_FILES)(req, res, (err: unknown) => {
    r.uploadParsed = true;
    if (err) {
      const code = (err as { code?: string }).code;
      r.files = [];
      // Fields read before the breach (the token first, the form's fields before its file input) stay in req.body.
      r.uploadError =
        code === 'LIMIT_FILE_SIZE'
          ? new TooLarge(`Tệp vượt quá ${MB} MB; mỗi tệp tối đa ${MB} MB.`, { fields: { files: `Tệp quá ${MB} MB` } })
          : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
            ? new TooLarge(`Tối đa ${MAX_FILES} tệp mỗi lần.`, { fields: { files: `Tối đa ${MAX_FILES} tệp` } })
            : new BadRequest('Không đọc được tệp gửi lên.');
    }
    done();
  });
}

/**
 * Read a signed-in user's multipart form before the CSRF check, so the token travels in the form's
 * body (never in the URL, where it would land in the address bar and the access log). Only the
 * upload routes, only for a session with a user: an anonymous request is not worth buffering files
 * for and fails the CSRF check unread. A broken limit is kept on the request for the route.
 */
export function multipartBeforeCsrf(): RequestHandler {
  return (req, res, next) => {
    const route =
      req.method === 'POST' &&
      req.is('multipart/form-data') &&
      req.user &&
      MULTIPART_ROUTES.find((r) => r.path.test(req.path));
    if (!route) return next();
    parse(req, res, route.maxFields, () => next());
  };
}

/**
 * multer (memory storage) for a multipart form's `files`, with the attachment limits; limit breaches
 * become Vietnamese 413s. A form that shows the breach itself (kept input, the message beside the
 * file field) passes `keepForm` and reads `uploadErrorOf(req)`.
 */
export function uploadFiles(maxFields: number, opts: { keepForm?: boolean; field?: string } = {}): RequestHandler {
  return (req, res, next) => {
    const after = () => {
      const err = (req as Request & Parsed).uploadError;
      if (err && !(opts.keepForm && err instanceof TooLarge)) return next(err);
      next();
    };
    if ((req as Request & Parsed).uploadParsed) return after();
    parse(req, res, maxFields, after, opts.field);
  };
}

/** The size or count limit the upload broke, for a form that re-renders itself with it. */
export function uploadErrorOf(req: Request): TooLarge | null {
  const err = (req as Request & Parsed).uploadError;
  return err instanceof TooLarge ? err : null;
}
