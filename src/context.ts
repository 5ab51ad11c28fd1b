import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { type Clock, systemClock } from './adapters/clock.js'
import { createMailAuthenticator, type DnsResolver, type MailAuthenticator } from './adapters/mail-auth.js'
import type { Ocr } from './adapters/ocr/ocr.js'
import { createTesseractOcr } from './adapters/ocr/tesseract.js'
import { createLocalStorage } from './adapters/storage/local-storage.js'
import type { DocumentStorage } from './adapters/storage/storage.js'
import type { Config } from './config.js'
import { connectDatabase, type Database, type DatabaseConnection } from './db/client.js'
import {
  type AccountEmailQueue,
  createAccountEmailQueue,
  createDeliveryQueue,
  createExtractionQueue,
  createIngestQueue,
  createRenditionQueue,
  type DeliveryQueue,
  type ExtractionQueue,
  type IngestQueue,
  type RenditionQueue,
} from './jobs/queues.js'
import { createLogger } from './logger.js'
import { type CoverageCache, createCoverageCache } from './modules/campaigns/coverage-cache.js'
import { type HolidayCalendar, loadHolidayCalendar } from './modules/deadlines/holiday-calendar.js'
import { loadTemplateCatalog, type TemplateCatalog } from './modules/templates/template-catalog.js'

/** Everything the API and the worker share, opened once and closed in reverse order. */
export interface AppContext {
  config: Config
  logger: Logger
  clock: Clock
  db: Database
  database: DatabaseConnection
  /** Search's own few connections, with a statement timeout: costly searches cannot take the pool everything else needs. */
  searchDatabase: DatabaseConnection
  redis: Redis
  /** Wakes the worker for each delivery at its send time. */
  deliveries: DeliveryQueue
  /** Hands stored documents to the worker for text extraction. */
  extractions: ExtractionQueue
  /** Asks the worker to email an account its token after a public sign-up. */
  accountEmails: AccountEmailQueue
  /** Hands raw messages the doors stored to the worker's ingest job. */
  ingests: IngestQueue
  /** Asks the worker to burn a document's redactions into its public rendition. */
  renditions: RenditionQueue
  /** Checks DKIM, SPF and DMARC of inbound mail (DNS lookups through its resolver). */
  mailAuth: MailAuthenticator
  storage: DocumentStorage
  ocr: Ocr
  templates: TemplateCatalog
  holidays: HolidayCalendar
  /** Campaign coverage counts between reads, checked against the database before each use. */
  campaignCoverage: CoverageCache
  close(): Promise<void>
}

export interface ContextOverrides {
  logger?: Logger
  clock?: Clock
  /** DNS answers for mail authentication (tests give a fixed zone; the default asks the system's resolver). */
  dnsResolver?: DnsResolver
}

// An upload older than this in the staging area belongs to a process that died mid-upload.
const ABANDONED_UPLOAD_MS = 24 * 60 * 60 * 1000

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? createLogger(config.logLevel)
  const [templates, holidays] = await Promise.all([loadTemplateCatalog(), loadHolidayCalendar()])
  const database = connectDatabase(config.databaseUrl)
  // postgres.js connects on first use, so a worker, which never searches, opens none of these.
  const searchDatabase = connectDatabase(config.databaseUrl, {
    max: config.searchDatabase.poolSize,
    statementTimeoutMs: config.searchDatabase.statementTimeoutMs,
    applicationName: 'ring-records-search',
  })
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: true })
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'))
  try {
    await redis.connect()
  } catch (error) {
    logger.warn({ err: error }, 'redis unavailable at start; will keep retrying')
  }
  const deliveries = createDeliveryQueue(redis, { prefix: config.queuePrefix, lookaheadSeconds: config.delivery.lookaheadSeconds }, logger)
  const extractions = createExtractionQueue(redis, { prefix: config.queuePrefix, attempts: config.extraction.maxAttempts }, logger)
  const accountEmails = createAccountEmailQueue(redis, config.queuePrefix, logger)
  const ingests = createIngestQueue(redis, { prefix: config.queuePrefix, attempts: config.inbound.maxAttempts }, logger)
  const renditions = createRenditionQueue(redis, config.queuePrefix, logger)
  const storage = createLocalStorage(config.storageDir)
  storage.removeAbandoned(ABANDONED_UPLOAD_MS).catch((error: unknown) => logger.warn({ err: error }, 'could not clear abandoned uploads'))
  return {
    config,
    logger,
    clock: overrides.clock ?? systemClock,
    db: database.db,
    database,
    searchDatabase,
    redis,
    deliveries,
    extractions,
    accountEmails,
    ingests,
    renditions,
    mailAuth: createMailAuthenticator(overrides.dnsResolver),
    storage,
    ocr: createTesseractOcr({
      command: config.extraction.ocrCommand,
      language: config.extraction.ocrLanguage,
      memoryMb: config.extraction.memoryMb,
    }),
    templates,
    holidays,
    campaignCoverage: createCoverageCache(),
    async close() {
      await Promise.all([deliveries.close(), extractions.close(), accountEmails.close(), ingests.close(), renditions.close()]).catch(
        () => {},
      )
      redis.disconnect()
      await Promise.all([searchDatabase.close(), database.close()])
    },
  }
}
