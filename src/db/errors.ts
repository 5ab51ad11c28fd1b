/** The PostgreSQL SQLSTATE of a failed query; drizzle wraps driver errors, so it may sit on the cause. */
export function postgresCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code
  return typeof code === 'string' ? code : undefined
}

export function isUniqueViolation(error: unknown): boolean {
  return postgresCode(error) === '23505'
}

/** The statement ran past statement_timeout (or was cancelled). */
export function isQueryCanceled(error: unknown): boolean {
  return postgresCode(error) === '57014'
}

// postgres.js codes for a connection that went away, and Node's for one that could not be made.
const LOST_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
])
// SQLSTATEs after which the same statement may succeed on another connection: the server shut the
// session (57P01 pg_terminate_backend, 57P02, 57P03 starting up), or a serialization failure or deadlock.
const RETRYABLE_STATES = new Set(['57P01', '57P02', '57P03', '40001', '40P01'])

/** True when the statement failed because of the connection or a transient conflict, not because of the statement. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = postgresCode(error)
  if (code === undefined) return false
  return LOST_CONNECTION_CODES.has(code) || RETRYABLE_STATES.has(code) || code.startsWith('08')
}
