import { Redis } from 'ioredis'
import { pino, type Logger } from 'pino'
import { systemClock, type Clock } from './adapters/clock.js'
import type { Ocr } from './adapters/ocr/ocr.js'
import { createTesseractOcr } from './adapters/ocr/tesseract.js'
import { createLocalStorage } from './adapters/storage/local-storage.js'
import type { DocumentStorage } from './adapters/storage/storage.js'
import { connectDatabase, type Database, type DatabaseConnection } from './db/client.js'
import type { Config } from './config.js'
import { createDeliveryQueue, createExtractionQueue, type DeliveryQueue, type ExtractionQueue } from './jobs/queues.js'
import { loadHolidayCalendar, type HolidayCalendar } from './modules/deadlines/holiday-calendar.js'
import { loadTemplateCatalog, type TemplateCatalog } from './modules/templates/template-catalog.js'

/** Everything the API and the worker share, opened once and closed in reverse order. */
export interface AppContext {
  config: Config
  logger: Logger
  clock: Clock
  db: Database
  database: DatabaseConnection
  redis: Redis
  /** Wakes the worker for each delivery at its send time. */
  deliveries: DeliveryQueue
  /** Hands stored documents to the worker for text extraction. */
  extractions: ExtractionQueue
  storage: DocumentStorage
  ocr: Ocr
  templates: TemplateCatalog
  holidays: HolidayCalendar
  close(): Promise<void>
}

export interface ContextOverrides {
  logger?: Logger
  clock?: Clock
}

// An upload older than this in the staging area belongs to a process that died mid-upload.
const ABANDONED_UPLOAD_MS = 24 * 60 * 60 * 1000

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? pino({ level: config.logLevel })
  const [templates, holidays] = await Promise.all([loadTemplateCatalog(), loadHolidayCalendar()])
  const database = connectDatabase(config.databaseUrl)
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: true })
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'))
  try {
    await redis.connect()
  } catch (error) {
    logger.warn({ err: error }, 'redis unavailable at start; will keep retrying')
  }
  const deliveries = createDeliveryQueue(redis, { prefix: config.queuePrefix, lookaheadSeconds: config.delivery.lookaheadSeconds }, logger)
  const extractions = createExtractionQueue(redis, { prefix: config.queuePrefix, attempts: config.extraction.maxAttempts }, logger)
  const storage = createLocalStorage(config.storageDir)
  storage.removeAbandoned(ABANDONED_UPLOAD_MS).catch((error: unknown) => logger.warn({ err: error }, 'could not clear abandoned uploads'))
  return {
    config,
    logger,
    clock: overrides.clock ?? systemClock,
    db: database.db,
    database,
    redis,
    deliveries,
    extractions,
    storage,
    ocr: createTesseractOcr({ command: config.extraction.ocrCommand, language: config.extraction.ocrLanguage, memoryMb: config.extraction.memoryMb }),
    templates,
    holidays,
    async close() {
      await Promise.all([deliveries.close(), extractions.close()]).catch(() => {})
      redis.disconnect()
      await database.close()
    },
  }
}
