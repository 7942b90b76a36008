/**
 * Typed errors: services throw these; the one error handler turns them into an HTML page or the
 * contract's JSON body `{"error":{"code","message","details"}}`. Messages are for a person, in Vietnamese.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class BadRequest extends AppError {
  constructor(message = 'Yêu cầu không đúng định dạng.', details?: unknown) {
    super(400, 'bad_request', message, details);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Bạn cần đăng nhập hoặc cung cấp mã truy cập hợp lệ.') {
    super(401, 'unauthorized', message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'Bạn không có quyền thực hiện thao tác này.') {
    super(403, 'forbidden', message);
  }
}
export class NotFound extends AppError {
  constructor(message = 'Không tìm thấy.') {
    super(404, 'not_found', message);
  }
}
export class Conflict extends AppError {
  constructor(message = 'Dữ liệu đã thay đổi hoặc bị trùng. Vui lòng tải lại và thử lại.', details?: unknown) {
    super(409, 'conflict', message, details);
  }
}
export class Invalid extends AppError {
  constructor(message = 'Dữ liệu không hợp lệ.', details?: unknown) {
    super(422, 'invalid', message, details);
  }
}
export class NotAllowed extends AppError {
  constructor(message = 'Thao tác không được phép ở trạng thái hiện tại.', details?: unknown) {
    super(422, 'event_not_allowed', message, details);
  }
}
export class TooLarge extends AppError {
  constructor(message = 'Dữ liệu gửi lên vượt quá giới hạn cho phép.', details?: unknown) {
    super(413, 'payload_too_large', message, details);
  }
}
/** A form without a valid CSRF token (a stale page, or a forged request). */
export class CsrfRejected extends AppError {
  constructor(message = 'Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.') {
    super(403, 'csrf', message);
  }
}
export class TooMany extends AppError {
  constructor(
    message = 'Quá nhiều yêu cầu. Vui lòng thử lại sau.',
    readonly retryAfterSeconds?: number,
  ) {
    super(429, 'rate_limited', message);
  }
}
export class Unavailable extends AppError {
  constructor(message = 'Cơ sở dữ liệu tạm thời không phản hồi. Vui lòng thử lại sau.') {
    super(503, 'unavailable', message);
  }
}

/** Field errors as `{ field: message }` for forms and `details.fields` for the API. */
export type FieldErrors = Record<string, string>;
