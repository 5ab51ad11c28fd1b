import { setTimeout as sleep } from 'node:timers/promises'
import { isTransientDatabaseError } from './errors.js'

export interface DatabaseRetryOptions {
  /** Tries in all, the first included. */
  attempts: number
  /** Wait before the second try; doubles after each, up to maxDelayMs. */
  firstDelayMs?: number
  maxDelayMs?: number
  /** Told about each transient failure that will be retried. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void
}

/**
 * Runs `work` again, with exponential backoff, while it fails because the connection was lost (a
 * killed backend, a restarting server); any other error, or the last transient one, is thrown.
 * Only for statements that are safe to run twice (conditional updates, reads).
 */
export async function retryOnConnectionLoss<T>(work: () => Promise<T>, options: DatabaseRetryOptions): Promise<T> {
  const firstDelayMs = options.firstDelayMs ?? 100
  const maxDelayMs = options.maxDelayMs ?? 5_000
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= options.attempts || !isTransientDatabaseError(error)) throw error
      const delayMs = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs)
      options.onRetry?.(error, attempt, delayMs)
      await sleep(delayMs)
    }
  }
}
