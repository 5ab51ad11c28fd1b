import type { Logger } from 'pino'
import { type Config, ConfigError, loadConfig } from './config.js'

const SHUTDOWN_GRACE_MS = 25_000

/** Closes cleanly on SIGTERM/SIGINT (in-flight work finishes first); a second signal or a hung close exits at once. */
export function runUntilSignalled(logger: Logger, shutdown: () => Promise<void>): void {
  let closing = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1)
    closing = true
    logger.info({ signal }, 'shutting down')
    setTimeout(() => {
      logger.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

/** The configuration, or a plain message naming every bad setting and exit code 1 (no stack trace). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}
