import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { postgresCode } from '../db/errors.js'
import { DomainError, type DomainErrorKind, RateLimitedError } from '../errors.js'
import { type Problem, problem } from './problem.js'

const PROBLEM_CONTENT_TYPE = 'application/problem+json'

// PostgreSQL errors that only bad input can cause (text it cannot store); a safety net behind validation.
const POSTGRES_INPUT_CODES = new Set(['22021', '22P05', '22007', '22008'])

/** How each kind of domain error is answered over HTTP. */
const STATUS_OF: Record<DomainErrorKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  too_large: { status: 413, title: 'Payload too large' },
  unsupported_type: { status: 415, title: 'Unsupported media type' },
  rule_violation: { status: 422, title: 'Unprocessable input' },
  rate_limited: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
}

const FASTIFY_CODES: Record<string, { status: number; code: string; title: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload-too-large', title: 'Payload too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported-media-type', title: 'Unsupported media type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad-request', title: 'Bad request' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad-request', title: 'Bad request' },
}

/**
 * One handler for every error: domain errors, validation, Fastify's own, and hidden 5xx details.
 * `pageNotFound`, when given, answers unknown paths that are not the API's (see isApiPath) with a page.
 */
export function registerErrorHandler(
  app: FastifyInstance,
  options: { pageNotFound?: (request: FastifyRequest, reply: FastifyReply) => unknown } = {},
): void {
  app.setErrorHandler(sendProblem)

  app.setNotFoundHandler((request, reply) =>
    options.pageNotFound && !isApiPath(request.url)
      ? options.pageNotFound(request, reply)
      : reply
          .code(404)
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem(404, 'not-found', 'Not found', `No route for ${request.method} ${request.url.split('?')[0]}.`)),
  )
}

/** The JSON API's paths, which answer problem documents; every other path is a web page. */
export function isApiPath(url: string): boolean {
  return /^\/(v1|docs|openapi\.json|health)(\/|\?|$)/.test(url)
}

/**
 * The error as a problem document. Also Fastify's `frameworkErrors`, which are raised before routing
 * (a path that is not valid percent-encoded UTF-8), where the error handler is not reached.
 */
export function sendProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const body = toProblem(error)
  if (body.status >= 500) request.log.error({ err: error }, 'request failed')
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds))
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** What an error means for the caller: the status and words of its problem document (pages show the same). */
export function toProblem(error: FastifyError): Problem {
  if (error instanceof DomainError) {
    const { status, title } = STATUS_OF[error.kind]
    return problem(status, error.code, title, error.message, error.errors)
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body'
    const errors = error.validation.flatMap((issue) => {
      const path = [part, ...issue.instancePath.split('/').filter(Boolean)]
      // Name each unknown field rather than the object that holds it.
      const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params as { keys?: string[] }).keys : undefined
      if (unknownKeys?.length) return unknownKeys.map((key) => ({ path: [...path, key].join('.'), message: 'is not a known field' }))
      return [{ path: path.join('.'), message: issue.message ?? 'is invalid' }]
    })
    return problem(400, 'validation', 'Invalid input', `The request ${part} is invalid.`, errors)
  }
  if (POSTGRES_INPUT_CODES.has(postgresCode(error) ?? '')) {
    return problem(400, 'bad-request', 'Bad request', 'The input holds a value the database cannot store.')
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined
  if (known) return problem(known.status, known.code, known.title, error.message)
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return problem(status, 'bad-request', 'Bad request', error.message)
  return problem(500, 'internal', 'Internal server error', 'Something went wrong on our side; it has been logged.')
}
