import { type Job, Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { type AccountTokenReason, JOBS, QUEUE_NAMES, SWEEP_SCHEDULER_ID } from './catalog.js'

export interface DeliveryHandlers {
  /** Sends one delivery if it is still owed (claims its row first). */
  deliver(deliveryId: string): Promise<void>
  /** Queues the soonest deliveries due within the lookahead or abandoned mid-send; returns how many. */
  sweep(): Promise<number>
  /** Queues all of them, page by page (BullMQ ignores ones already queued); returns how many. */
  reconcile(): Promise<number>
}

export interface ExtractionHandlers {
  /** Extracts one document's text if it is still waiting; throws on a failure worth retrying. */
  extract(documentId: string): Promise<void>
  /** After the last attempt failed: marks the document failed with the reason. */
  giveUp(documentId: string, reason: string): Promise<void>
  /**
   * Fails documents whose attempts are spent, and queues every other one still waiting for
   * extraction (BullMQ ignores ones already queued; an interrupted one's old job is cleared first);
   * returns how many were queued.
   */
  reconcile(): Promise<number>
  /** When OCR is available: reads again the documents with pages that waited for it; returns how many. */
  readWaitingForOcr(): Promise<number>
}

export interface AccountHandlers {
  /** Issues the account a new token and emails it; throws (to be retried) when the mail is not accepted. */
  emailToken(userId: string, reason: AccountTokenReason): Promise<void>
  /** Makes a sign-in link's token and emails the link; throws (to be retried) when the mail is not accepted. */
  emailSignInLink(linkId: string): Promise<void>
  /** Deletes sign-in links long expired; returns how many. */
  forgetExpiredSignInLinks(): Promise<number>
}

export interface InboundHandlers {
  /** Reads one stored message into the thread if it is still pending; throws on a failure worth retrying. */
  ingest(inboundMailId: string): Promise<void>
  /** After the last attempt failed: marks the stored message failed with the reason (its bytes stay). */
  giveUp(inboundMailId: string, reason: string): Promise<void>
  /** Queues every stored message still pending (BullMQ ignores ones already queued); returns how many. */
  reconcile(): Promise<number>
}

export interface RenditionHandlers {
  /** Builds the public rendition for this version of the document's redactions, if it is still the current one. */
  render(documentId: string, version: number): Promise<void>
  /** After the last attempt failed: marks that version's rendition failed with the reason. */
  giveUp(documentId: string, version: number, reason: string): Promise<void>
  /** Queues every rendition still pending (BullMQ ignores ones already queued); returns how many. */
  reconcile(): Promise<number>
}

export interface WorkerHandlers {
  deliveries: DeliveryHandlers
  extractions: ExtractionHandlers
  accounts: AccountHandlers
  inbound: InboundHandlers
  renditions: RenditionHandlers
}

export class EvictingRedisError extends Error {
  override name = 'EvictingRedisError'
}

// Redis loses BullMQ jobs silently under any eviction policy but noeviction.
export async function assertNoEviction(redis: Redis): Promise<void> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string]
  if (policy !== 'noeviction') {
    throw new EvictingRedisError(
      `Redis maxmemory-policy is "${policy}"; the worker needs "noeviction" (redis-server --maxmemory-policy noeviction).`,
    )
  }
}

const EXTRACTION_LOCK_MS = 10_000

export interface RunningWorker {
  close(): Promise<void>
}

/**
 * Runs `giveUp` once a job has failed for good. A failure BullMQ retries leaves the job delayed or
 * waiting; a final one, retries spent or stalled too often, leaves it failed.
 */
function onFinalFailure(
  worker: Worker,
  logger: Logger,
  failedToRecord: string,
  giveUp: (job: Job, reason: string) => Promise<unknown>,
): void {
  worker.on('failed', (job, error) => {
    if (!job) return
    job
      .getState()
      .then((state) => (state === 'failed' ? giveUp(job, error.message) : undefined))
      .catch((failure: unknown) => logger.error({ err: failure, job: job.id }, failedToRecord))
  })
}

/**
 * Starts the delivery, extraction, rendition and maintenance workers, the sweep scheduler, a full
 * reconciliation, and a watch that redoes both when Redis comes back empty (flushed or restarted
 * without its data).
 */
export async function startWorkers(config: Config, logger: Logger, handlers: WorkerHandlers): Promise<RunningWorker> {
  const connections: Redis[] = []
  // BullMQ workers block on their connection, so each gets its own; this function closes them all.
  const connection = (): Redis => {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null })
    redis.on('error', (error) => logger.warn({ err: error }, 'worker redis connection error'))
    connections.push(redis)
    return redis
  }
  const control = connection()
  try {
    await assertNoEviction(control)
  } catch (error) {
    control.disconnect()
    throw error
  }
  const prefix = config.queuePrefix
  const maintenance = new Queue(QUEUE_NAMES.maintenance, { connection: control, prefix })
  // A key that exists only while Redis still holds what this worker put there.
  const sentinelKey = `${prefix}:worker-sentinel`

  const deliveryWorker = new Worker(
    QUEUE_NAMES.deliveries,
    async (job: Job) => handlers.deliveries.deliver(JOBS.deliver.payload.parse(job.data).deliveryId),
    { connection: connection(), prefix, concurrency: config.delivery.concurrency },
  )
  const extractionWorker = new Worker(
    QUEUE_NAMES.extractions,
    async (job: Job) => handlers.extractions.extract(JOBS.extract.payload.parse(job.data).documentId),
    {
      connection: connection(),
      prefix,
      concurrency: config.extraction.concurrency,
      // Reading runs in child processes, so this process renews a short lock reliably, and a worker
      // killed mid-read has its document taken up again within about 15 s. The database counts the
      // attempts, stalled ones included, and ends them (EXTRACTION_MAX_ATTEMPTS); BullMQ must not first.
      lockDuration: EXTRACTION_LOCK_MS,
      stalledInterval: EXTRACTION_LOCK_MS / 2,
      maxStalledCount: config.extraction.maxAttempts,
    },
  )
  onFinalFailure(extractionWorker, logger, 'could not mark the document failed', (job, reason) =>
    handlers.extractions.giveUp(JOBS.extract.payload.parse(job.data).documentId, reason),
  )
  const accountWorker = new Worker(
    QUEUE_NAMES.accounts,
    async (job: Job) => {
      if (job.name === JOBS.emailSignInLink.name) {
        await handlers.accounts.emailSignInLink(JOBS.emailSignInLink.payload.parse(job.data).linkId)
        return
      }
      const { userId, reason } = JOBS.emailAccountToken.payload.parse(job.data)
      await handlers.accounts.emailToken(userId, reason)
    },
    { connection: connection(), prefix, concurrency: 1 },
  )
  const inboundWorker = new Worker(
    QUEUE_NAMES.inbound,
    async (job: Job) => handlers.inbound.ingest(JOBS.ingest.payload.parse(job.data).inboundMailId),
    // A worker killed mid-ingest leaves a stalled job that BullMQ takes up again; the database counts
    // the attempts (INBOUND_MAX_ATTEMPTS), so BullMQ must not fail the job for stalling first.
    { connection: connection(), prefix, concurrency: config.delivery.concurrency, maxStalledCount: config.inbound.maxAttempts },
  )
  onFinalFailure(inboundWorker, logger, 'could not mark the inbound message failed', (job, reason) =>
    handlers.inbound.giveUp(JOBS.ingest.payload.parse(job.data).inboundMailId, reason),
  )
  const renditionWorker = new Worker(
    QUEUE_NAMES.renditions,
    async (job: Job) => {
      const { documentId, version } = JOBS.render.payload.parse(job.data)
      await handlers.renditions.render(documentId, version)
    },
    // One page image at a time is already most of a core (pdftoppm, deflate); the API keeps the other.
    { connection: connection(), prefix, concurrency: 1, maxStalledCount: JOBS.render.attempts },
  )
  onFinalFailure(renditionWorker, logger, 'could not mark the rendition failed', (job, reason) => {
    const { documentId, version } = JOBS.render.payload.parse(job.data)
    return handlers.renditions.giveUp(documentId, version, reason)
  })
  const maintenanceWorker = new Worker(
    QUEUE_NAMES.maintenance,
    async (job: Job) => {
      if (job.name !== JOBS.sweep.name) throw new Error(`unknown maintenance job ${job.name}`)
      const [deliveries, extractions, inbound, renditions, expiredSignInLinks] = await Promise.all([
        handlers.deliveries.sweep(),
        handlers.extractions.reconcile(),
        handlers.inbound.reconcile(),
        handlers.renditions.reconcile(),
        handlers.accounts.forgetExpiredSignInLinks(),
      ])
      return { deliveries, extractions, inbound, renditions, expiredSignInLinks }
    },
    { connection: connection(), prefix, concurrency: 1 },
  )
  for (const worker of [deliveryWorker, extractionWorker, accountWorker, inboundWorker, renditionWorker, maintenanceWorker]) {
    worker.on('failed', (job, error) => logger.error({ err: error, job: job?.id }, 'job failed'))
    worker.on('error', (error) => logger.warn({ err: error }, 'worker error'))
  }

  async function restore(reason: string): Promise<void> {
    await maintenance.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: config.delivery.sweepIntervalSeconds * 1000 },
      { name: JOBS.sweep.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    )
    const [deliveries, extractions, inbound, renditions] = await Promise.all([
      handlers.deliveries.reconcile(),
      handlers.extractions.reconcile(),
      handlers.inbound.reconcile(),
      handlers.renditions.reconcile(),
    ])
    await control.set(sentinelKey, new Date().toISOString())
    logger.info({ reason, deliveries, extractions, inbound, renditions }, 'queues reconciled with the database')
  }

  try {
    await restore('worker start')
  } catch (error) {
    // Without the database (or Redis) now: with the sentinel gone, the watch below tries again.
    logger.warn({ err: error }, 'could not reconcile the queues at start; will retry')
    await control.del(sentinelKey).catch(() => {})
  }
  // A worker started where OCR has been installed since catches up on the scans that waited for it.
  const reread = await handlers.extractions.readWaitingForOcr()
  if (reread > 0) logger.info({ documents: reread }, 'documents with pages waiting for OCR queued to be read again')
  let checking = false
  const watch = setInterval(() => {
    if (checking) return
    checking = true
    control
      .exists(sentinelKey)
      .then((present) => (present ? undefined : restore('redis lost its data')))
      .catch((error: unknown) => logger.warn({ err: error }, 'redis check failed'))
      .finally(() => {
        checking = false
      })
  }, config.delivery.sweepIntervalSeconds * 1000)

  return {
    async close() {
      clearInterval(watch)
      // Worker.close() waits for jobs in flight to finish.
      await Promise.all([
        deliveryWorker.close(),
        extractionWorker.close(),
        accountWorker.close(),
        inboundWorker.close(),
        renditionWorker.close(),
        maintenanceWorker.close(),
      ])
      await maintenance.close()
      for (const redis of connections) redis.disconnect()
    },
  }
}
