/**
 * Errors of the domain: what went wrong in the service's own terms, with a stable code. They say
 * nothing about HTTP: the API's error handler maps each kind to a status and a problem document
 * (src/http/error-handler.ts), and the worker decides from `temporary` whether a job is retried.
 */
export interface FieldError {
  path: string
  message: string
}

export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_violation'
  | 'too_large'
  | 'unsupported_type'
  | 'rate_limited'
  | 'unavailable'

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail)
    this.name = new.target.name
  }

  /** Whether the same call may succeed later without a change to its input. */
  get temporary(): boolean {
    return this.kind === 'unavailable' || this.kind === 'rate_limited'
  }
}

/** The input is malformed. */
export class InvalidInputError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super('invalid', 'bad-request', detail, errors)
  }
}

export class NotAuthenticatedError extends DomainError {
  constructor(detail = 'A valid bearer token is required.') {
    super('unauthenticated', 'unauthorized', detail)
  }
}

export class NotAllowedError extends DomainError {
  constructor(detail: string) {
    super('forbidden', 'forbidden', detail)
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id?: string) {
    super('not_found', 'not-found', id === undefined ? `${what} not found.` : `${what} ${id} not found.`)
  }
}

/** The thing is not in a state that allows this (a submitted request cannot be deleted). */
export class ConflictError extends DomainError {
  constructor(code: string, detail: string) {
    super('conflict', code, detail)
  }
}

/** Well-formed input a rule of the domain refuses (a future date, an unknown state's law). */
export class RuleViolationError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super('rule_violation', 'unprocessable', detail, errors)
  }
}

export class TooLargeError extends DomainError {
  constructor(detail: string) {
    super('too_large', 'payload-too-large', detail)
  }
}

export class UnsupportedTypeError extends DomainError {
  constructor(detail: string, errors?: FieldError[]) {
    super('unsupported_type', 'unsupported-media-type', detail, errors)
  }
}

/** Too many calls: `retryAfterSeconds` says when the same call would succeed. */
export class RateLimitedError extends DomainError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    code = 'too-many-requests',
  ) {
    super('rate_limited', code, detail)
  }
}

/** A per-account allowance (emails to agencies, new agencies) is spent. */
export class QuotaExceededError extends RateLimitedError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail, retryAfterSeconds, 'quota-exceeded')
  }
}

/** Something the service depends on is away; the same call may succeed later. */
export class UnavailableError extends DomainError {
  constructor(code: string, detail: string) {
    super('unavailable', code, detail)
  }
}
