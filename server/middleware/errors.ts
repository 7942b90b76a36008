import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, BadRequest, CsrfRejected, Invalid, NotFound, TooLarge, TooMany, Unavailable } from '../errors';
import { isApi } from './auth';
import { isUnavailable } from '../db';

const TITLES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  401: 'Cần đăng nhập',
  403: 'Không có quyền truy cập',
  404: 'Không tìm thấy trang',
  409: 'Dữ liệu đã thay đổi',
  413: 'Dữ liệu gửi lên quá lớn',
  422: 'Dữ liệu không hợp lệ',
  429: 'Quá nhiều yêu cầu',
  500: 'Đã có lỗi xảy ra',
  503: 'Hệ thống tạm thời gián đoạn',
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

/** Translate errors thrown by body parsers, CSRF and the database into typed ones. */
function normalise(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; code?: string; errno?: number; message?: string; name?: string };
  if (e?.type === 'entity.too.large' || e?.status === 413)
    return new TooLarge('Dữ liệu gửi lên vượt quá giới hạn cho phép (1 MB).');
  if (e?.type === 'entity.parse.failed') return new BadRequest('Nội dung JSON không đúng cú pháp.');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new BadRequest('Bảng mã không được hỗ trợ.');
  if (e?.code === 'EBADCSRFTOKEN') return new CsrfRejected();
  if (isUnavailable(err)) return new Unavailable();
  if (e?.status === 400) return new BadRequest('Yêu cầu không đúng định dạng.');
  // The calendar computes lunar holidays for 1800–2199 only; a date outside is bad input, not a crash.
  if (err instanceof RangeError) return new Invalid('Ngày tháng nằm ngoài phạm vi hệ thống hỗ trợ (năm 1900–2100).');
  return null;
}

/** The one error handler: JSON for /api, an HTML page otherwise; never a stack trace to a client. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = normalise(err);
  const status = known?.status ?? 500;
  if (!known) req.log?.error({ err }, 'unhandled error');
  else if (status >= 500) req.log?.warn({ err }, known.message);
  const code = known?.code ?? 'internal';
  const message =
    known?.message ?? 'Đã có lỗi xảy ra. Vui lòng thử lại sau; nếu lỗi lặp lại, báo quản trị viên kèm mã yêu cầu.';
  if (known instanceof TooMany && known.retryAfterSeconds) res.set('Retry-After', String(known.retryAfterSeconds));
  if (res.headersSent) return;
  if (isApi(req)) {
    res
      .status(status)
      .json({ error: { code, message, ...(known?.details !== undefined ? { details: known.details } : {}) } });
    return;
  }
  res.status(status).render('pages/errors/error', {
    title: TITLES[status] ?? TITLES[500],
    status,
    message,
    requestId: req.id,
  });
};
