/** The closed set of error codes; every error answer is `{ error: { code, message } }`. */
export type ErrorCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "bad_request"
  | "bad_checksum"
  | "not_gzip"
  | "corrupt_gzip"
  | "too_large"
  | "conflict"
  | "unprocessable"
  | "busy"
  | "internal";

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 503> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  bad_request: 400,
  bad_checksum: 400,
  not_gzip: 400,
  corrupt_gzip: 400,
  too_large: 413,
  conflict: 409,
  unprocessable: 422,
  busy: 503,
  internal: 500,
};

export class ApiError extends Error {
  readonly status: (typeof STATUS)[ErrorCode];
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const errorBody = (code: ErrorCode, message: string) => ({ error: { code, message } });
