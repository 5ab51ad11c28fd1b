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
