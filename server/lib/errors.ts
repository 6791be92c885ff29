import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from './errorCodes';

export type { ErrorCode } from './errorCodes';

/** The one error family; `onError` maps each to its HTTP status and `{error:{code,message,requestId}}`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class Invalid extends AppError {
  constructor(message: string, details?: unknown, code: ErrorCode = 'invalid') {
    super(400, code, message, details);
  }
}
export class Unauthorized extends AppError {
  constructor(message = '请先登录', code: ErrorCode = 'unauthorized') {
    super(401, code, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = '没有权限执行此操作', code: ErrorCode = 'forbidden') {
    super(403, code, message);
  }
}
export class NotFound extends AppError {
  constructor(message = '记录不存在', code: ErrorCode = 'not_found') {
    super(404, code, message);
  }
}
export class Conflict extends AppError {
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}
export class Gone extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(410, code, message);
  }
}
/** Well-formed but refused by a business rule (not enough points, limit reached ...). */
export class Unprocessable extends AppError {
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(422, code, message, details);
  }
}
export class Locked extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(423, code, message);
  }
}
export class TooManyRequests extends AppError {
  constructor(
    message = '尝试过于频繁，请稍后再试',
    code: ErrorCode = 'too_many_requests',
    /** Sent as the Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(429, code, message);
  }
}

/** The server cannot take the request now (busy, disk full); Retry-After says when to try again. */
export class ServiceUnavailable extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(503, code, message);
  }
}
