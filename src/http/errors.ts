/** Domain errors with a stable code; the error handler turns them into RFC 9457 problem documents. */
export interface FieldError {
  path: string
  message: string
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail)
    this.name = 'ProblemError'
  }
}

export class BadRequestError extends ProblemError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'bad-request', 'Bad request', detail, errors)
  }
}

export class UnauthorizedError extends ProblemError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail)
  }
}

export class ForbiddenError extends ProblemError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail)
  }
}

export class NotFoundError extends ProblemError {
  constructor(what: string, id?: string) {
    super(404, 'not-found', 'Not found', id === undefined ? `${what} not found.` : `${what} ${id} not found.`)
  }
}

export class ConflictError extends ProblemError {
  constructor(code: string, detail: string) {
    super(409, code, 'Conflict', detail)
  }
}

export class UnprocessableError extends ProblemError {
  constructor(detail: string, errors?: FieldError[]) {
    super(422, 'unprocessable', 'Unprocessable input', detail, errors)
  }
}

export class PayloadTooLargeError extends ProblemError {
  constructor(detail: string) {
    super(413, 'payload-too-large', 'Payload too large', detail)
  }
}

export class UnsupportedMediaTypeError extends ProblemError {
  constructor(detail: string, errors?: FieldError[]) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail, errors)
  }
}

/** Too many requests: `retryAfterSeconds` says when the same call would succeed (sent as Retry-After). */
export class TooManyRequestsError extends ProblemError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    code = 'too-many-requests',
  ) {
    super(429, code, 'Too many requests', detail)
  }
}

/** A per-account allowance (emails to agencies, new agencies) is spent. */
export class QuotaExceededError extends TooManyRequestsError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail, retryAfterSeconds, 'quota-exceeded')
  }
}

export class ServiceUnavailableError extends ProblemError {
  constructor(code: string, detail: string) {
    super(503, code, 'Service unavailable', detail)
  }
}
