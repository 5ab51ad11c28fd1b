import { createSmtpMailer } from './adapters/mailer/smtp-mailer.js'
import { buildWorker } from './build-worker.js'
import { createContext } from './context.js'
import { ensureDatabaseExists } from './db/ensure-database.js'
import { prepareDatabase } from './db/prepare.js'
import { EvictingRedisError, type RunningWorker } from './jobs/runner.js'
import { loadConfigOrExit, runUntilSignalled } from './process.js'

const config = loadConfigOrExit()
await ensureDatabaseExists(config.databaseUrl)
const ctx = await createContext(config)
await prepareDatabase(ctx)
const mailer = createSmtpMailer(config.smtpUrl)
let running: RunningWorker
try {
  running = await buildWorker(ctx, mailer)
} catch (error) {
  if (!(error instanceof EvictingRedisError)) throw error
  ctx.logger.fatal(error.message)
  await ctx.close()
  process.exit(1)
}
const ocr = (await ctx.ocr.available())
  ? 'available'
  : `unavailable (no "${config.extraction.ocrCommand}" with "${config.extraction.ocrLanguage}" data: pages without text wait for OCR)`
ctx.logger.info(
  { prefix: config.queuePrefix, concurrency: config.delivery.concurrency, extractionConcurrency: config.extraction.concurrency, ocr },
  'worker started',
)

runUntilSignalled(ctx.logger, async () => {
  await running.close()
  mailer.close()
  await ctx.close()
})
