import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import {
  type AccountTokenReason,
  accountTokenJobId,
  deliverJobId,
  extractJobId,
  ingestJobId,
  JOBS,
  QUEUE_NAMES,
  renderJobId,
  signInLinkJobId,
} from './catalog.js'

export interface DeliveryJob {
  id: string
  sendAt: Date
  /** Attempts made so far: part of the job id, so each attempt gets a job of its own. */
  attempts: number
}

/**
 * How the API and the worker ask for deliveries to be woken at their send time. Only deliveries due
 * within the lookahead get a delayed job; later ones wait in the database, where the worker's sweep
 * finds them once they come within it. So Redis holds the next minute's work, not months of it, and
 * a rescheduled reminder leaves no stale job behind.
 */
export interface DeliveryQueue {
  /** Adds a delayed job per delivery due within the lookahead. Never throws: what is not queued now, the sweep queues. */
  enqueue(deliveries: readonly DeliveryJob[]): Promise<void>
  queue: Queue
  close(): Promise<void>
}

const ENQUEUE_TIMEOUT_MS = 3_000
const BULK_CHUNK = 1_000

export function deliveryJobs(deliveries: readonly DeliveryJob[], now: number) {
  return deliveries.map((delivery) => ({
    name: JOBS.deliver.name,
    data: { deliveryId: delivery.id },
    opts: {
      jobId: deliverJobId(delivery.id, delivery.sendAt, delivery.attempts),
      delay: Math.max(0, delivery.sendAt.getTime() - now),
      removeOnComplete: true,
      // A failed job would keep its id and make BullMQ ignore the sweep's re-add of the same
      // attempt, stranding the row. The row keeps the error (last_error) and the log has the rest.
      removeOnFail: true,
    },
  }))
}

export function createDeliveryQueue(
  connection: Redis,
  options: { prefix: string; lookaheadSeconds: number },
  logger: Logger,
): DeliveryQueue {
  const queue = new Queue(QUEUE_NAMES.deliveries, { connection, prefix: options.prefix })
  queue.on('error', (error) => logger.warn({ err: error }, 'delivery queue error'))
  return {
    queue,
    async enqueue(all) {
      const horizon = Date.now() + options.lookaheadSeconds * 1000
      const deliveries = all.filter((delivery) => delivery.sendAt.getTime() <= horizon)
      if (deliveries.length === 0) return
      try {
        await withTimeout(
          (async () => {
            for (let start = 0; start < deliveries.length; start += BULK_CHUNK) {
              await queue.addBulk(deliveryJobs(deliveries.slice(start, start + BULK_CHUNK), Date.now()))
            }
          })(),
          ENQUEUE_TIMEOUT_MS,
        )
      } catch (error) {
        logger.warn({ err: error, count: deliveries.length }, 'could not queue deliveries now; the worker sweep will pick them up')
      }
    },
    close: () => queue.close(),
  }
}

/** How the API and the worker ask for a document's text to be extracted. */
export interface ExtractionQueue {
  /** Never throws: a document not queued now is found by the worker's sweep, as it stays "processing". */
  enqueue(documentIds: readonly string[]): Promise<void>
  /**
   * Queues documents whose attempt was interrupted: a failed or finished job left under the same
   * id is removed first (one still locked by a live worker stays). Never throws.
   */
  requeue(documentIds: readonly string[]): Promise<void>
  queue: Queue
  close(): Promise<void>
}

const RETRY_DELAY_MS = 10_000

export function createExtractionQueue(connection: Redis, options: { prefix: string; attempts: number }, logger: Logger): ExtractionQueue {
  const queue = new Queue(QUEUE_NAMES.extractions, { connection, prefix: options.prefix })
  queue.on('error', (error) => logger.warn({ err: error }, 'extraction queue error'))
  const extractions: ExtractionQueue = {
    queue,
    async requeue(documentIds) {
      try {
        await withTimeout(Promise.all(documentIds.map((documentId) => queue.remove(extractJobId(documentId)))), ENQUEUE_TIMEOUT_MS)
      } catch (error) {
        logger.warn(
          { err: error, count: documentIds.length },
          'could not clear interrupted extractions now; the worker sweep will try again',
        )
        return
      }
      await extractions.enqueue(documentIds)
    },
    async enqueue(documentIds) {
      if (documentIds.length === 0) return
      const jobs = documentIds.map((documentId) => ({
        name: JOBS.extract.name,
        data: { documentId },
        opts: {
          jobId: extractJobId(documentId),
          attempts: options.attempts,
          backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
          removeOnComplete: true,
          removeOnFail: 1_000,
        },
      }))
      try {
        await withTimeout(queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS)
      } catch (error) {
        logger.warn({ err: error, count: documentIds.length }, 'could not queue extractions now; the worker sweep will pick them up')
      }
    },
    close: () => queue.close(),
  }
  return extractions
}

/**
 * A queue of work the database keeps as well: a row stays pending until its job has run, so
 * enqueueing is best effort and never throws, and the worker's sweep queues whatever did not get in.
 */
export interface ReconciledQueue<T> {
  enqueue(items: readonly T[]): Promise<void>
  queue: Queue
  close(): Promise<void>
}

const RECONCILED_RETRY_DELAY_MS = 5_000

function createReconciledQueue<T>(
  connection: Redis,
  options: { name: string; prefix: string; attempts: number; what: string },
  job: (item: T) => { name: string; data: object; jobId: string },
  logger: Logger,
): ReconciledQueue<T> {
  const queue = new Queue(options.name, { connection, prefix: options.prefix })
  queue.on('error', (error) => logger.warn({ err: error }, `${options.what} queue error`))
  return {
    queue,
    async enqueue(items) {
      if (items.length === 0) return
      const jobs = items.map((item) => {
        const { name, data, jobId } = job(item)
        return {
          name,
          data,
          opts: {
            jobId,
            attempts: options.attempts,
            backoff: { type: 'exponential', delay: RECONCILED_RETRY_DELAY_MS },
            removeOnComplete: true,
            // The row keeps the outcome; a failed job left under its id would swallow reconciliation's re-add.
            removeOnFail: true,
          },
        }
      })
      try {
        await withTimeout(queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS)
      } catch (error) {
        logger.warn({ err: error, count: items.length }, `could not queue ${options.what} jobs now; the worker sweep will pick them up`)
      }
    },
    close: () => queue.close(),
  }
}

/** How the API asks the worker to build a document's public rendition after its redactions changed. */
export type RenditionQueue = ReconciledQueue<{ documentId: string; version: number }>

export function createRenditionQueue(connection: Redis, prefix: string, logger: Logger): RenditionQueue {
  return createReconciledQueue(
    connection,
    { name: QUEUE_NAMES.renditions, prefix, attempts: JOBS.render.attempts, what: 'rendition' },
    ({ documentId, version }: { documentId: string; version: number }) => ({
      name: JOBS.render.name,
      data: { documentId, version },
      jobId: renderJobId(documentId, version),
    }),
    logger,
  )
}

/** How the doors hand a stored raw message (its inbound_mail id) to the worker. */
export type IngestQueue = ReconciledQueue<string>

export function createIngestQueue(connection: Redis, options: { prefix: string; attempts: number }, logger: Logger): IngestQueue {
  return createReconciledQueue(
    connection,
    { name: QUEUE_NAMES.inbound, prefix: options.prefix, attempts: options.attempts, what: 'ingest' },
    (inboundMailId: string) => ({ name: JOBS.ingest.name, data: { inboundMailId }, jobId: ingestJobId(inboundMailId) }),
    logger,
  )
}

/** How the API asks the worker to email an account its token. */
export interface AccountEmailQueue {
  /** Throws when Redis cannot take the job: the caller must not answer that an email is on its way. */
  enqueue(userId: string, reason: AccountTokenReason): Promise<void>
  /** Asks for a sign-in link's email; throws when Redis cannot take the job, like `enqueue`. */
  enqueueSignInLink(linkId: string): Promise<void>
  queue: Queue
  close(): Promise<void>
}

const ACCOUNT_EMAIL_RETRY_DELAY_MS = 30_000
const SIGN_IN_RETRY_DELAY_MS = 5_000

export function createAccountEmailQueue(connection: Redis, prefix: string, logger: Logger): AccountEmailQueue {
  const queue = new Queue(QUEUE_NAMES.accounts, { connection, prefix })
  queue.on('error', (error) => logger.warn({ err: error }, 'account email queue error'))
  return {
    queue,
    async enqueue(userId, reason) {
      const opts = {
        jobId: accountTokenJobId(userId),
        attempts: JOBS.emailAccountToken.attempts,
        backoff: { type: 'exponential', delay: ACCOUNT_EMAIL_RETRY_DELAY_MS },
        // Removed when failed too: a job id left in the failed set would swallow every later sign-up's email.
        removeOnComplete: true,
        removeOnFail: true,
      }
      await withTimeout(queue.add(JOBS.emailAccountToken.name, { userId, reason }, opts), ENQUEUE_TIMEOUT_MS)
    },
    async enqueueSignInLink(linkId) {
      const opts = {
        jobId: signInLinkJobId(linkId),
        attempts: JOBS.emailSignInLink.attempts,
        // A sign-in link is wanted now: retries are quick, and the link expires anyway.
        backoff: { type: 'exponential', delay: SIGN_IN_RETRY_DELAY_MS },
        removeOnComplete: true,
        removeOnFail: true,
      }
      await withTimeout(queue.add(JOBS.emailSignInLink.name, { linkId }, opts), ENQUEUE_TIMEOUT_MS)
    },
    close: () => queue.close(),
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
