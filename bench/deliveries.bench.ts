// Reminder scheduling and recovery, on a Redis of this bench's own (it is flushed) and a throwaway database.
// 1. Submitting 10,000 requests through the service of POST /v1/requests/submit, 1,000 a call, two
//    calls at a time (deadlines, events, reminder rows), against raw BullMQ addBulk of as many delayed
//    jobs. Target: ours >= 0.5 x raw, in reminders scheduled per second. Reminder rows get their
//    delayed job only once they come within DELIVERY_LOOKAHEAD_SECONDS (the sweep adds it), so the
//    bench also prints how many jobs submission left in Redis, and part 2 prices adding them later.
//    One-at-a-time submission is measured too, for comparison.
// 2. Reconciling 100,000 scheduled reminders after FLUSHALL: as they usually stand (days or weeks
//    ahead: nothing to queue), and as a backlog all due within the lookahead (every one needs its
//    job back): seconds, and Redis memory used.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { createSmtpMailer } from '../src/adapters/mailer/smtp-mailer.js'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { deliveryJobs } from '../src/jobs/queues.js'
import { signUp } from '../src/modules/accounts/accounts.service.js'
import { createDeliveryHandlers } from '../src/modules/deliveries/deliveries.service.js'
import { MAX_BULK_SUBMIT } from '../src/modules/requests/requests.schemas.js'
import { createRequest, submitRequest, submitRequests } from '../src/modules/requests/requests.service.js'
import { loadEmailTemplates } from '../src/modules/templates/email-templates.js'
import { startPrivateRedis } from '../test/helpers/private-redis.js'
import { createBenchDatabase } from './lib/bench-database.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000)
const RECONCILE_ROWS = Number(process.env.BENCH_RECONCILE_ROWS ?? 100_000)
const SINGLE_REQUESTS = Number(process.env.BENCH_SINGLE_REQUESTS ?? 1_000)
const CLIENTS = 8
/** Bulk submissions (and raw addBulk calls) in flight at once, as from two users. */
const BULK_CLIENTS = Number(process.env.BENCH_BULK_CLIENTS ?? 2)
// The chunk our queue adapter sends per addBulk call.
const BULK_CHUNK = 1_000

const redis = await startPrivateRedis()
const database = await createBenchDatabase()
const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: redis.url, LOG_LEVEL: 'silent', QUEUE_PREFIX: 'bench' })
const logger = pino({ level: 'silent' })
const ctx = await createContext(config, { logger })
await prepareDatabase(ctx)
const sql = ctx.database.sql

/** Runs `task` over `items` with `clients` at a time, like that many concurrent API callers. */
async function inParallel<T>(items: readonly T[], clients: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) await task(items[next++]!)
    }),
  )
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size))
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9
const count = async (query: Promise<unknown>) => ((await query) as [{ n: number }])[0].n

// --- Setup (not timed): one requester, drafts spread over every seeded agency --------------------
const signedUp = await signUp({ ...ctx, signup: 'open' }, null, { email: 'bench@example.org', name: 'Bench User' })
if (signedUp.status !== 'created') throw new Error('the bench database already has users')
const { user } = signedUp
const agencyIds = (await sql`select id from agencies order by name`).map((row) => row.id as string)
async function createDrafts(count: number): Promise<string[]> {
  const ids: string[] = []
  await inParallel(
    Array.from({ length: count }, (_, index) => agencyIds[index % agencyIds.length]!),
    CLIENTS,
    async (agencyId) => ids.push((await createRequest(ctx, user, { agencyId, templateSlug: 'ring-partnership', visibility: 'public' })).id),
  )
  return ids
}
const countScheduled = () => count(sql`select count(*)::int as n from deliveries where status = 'scheduled'`)
const countQueued = () => ctx.deliveries.queue.getJobCountByTypes('delayed', 'wait')

// --- 1. Scheduling: ours (bulk submission), then raw addBulk of as many delayed jobs -------------
const draftIds = await createDrafts(REQUESTS)
const oursStart = process.hrtime.bigint()
await inParallel(chunks(draftIds, MAX_BULK_SUBMIT), BULK_CLIENTS, (ids) => submitRequests(ctx, user, { ids, via: 'portal' }))
const oursSeconds = seconds(oursStart)
const scheduled = await countScheduled()
const jobsAfterSubmit = await countQueued()

const rawConnection = new Redis(redis.url, { maxRetriesPerRequest: null })
const rawQueue = new Queue('raw-bench', { connection: rawConnection, prefix: 'bench' })
const rows = (await sql`select id, send_at, attempts from deliveries where status = 'scheduled'`).map((row) => ({
  id: row.id as string,
  sendAt: new Date(row.send_at as string),
  attempts: row.attempts as number,
}))
// The same job names, payloads, ids and options ours sends, prepared before the clock starts.
const rawJobs = deliveryJobs(rows, Date.now())
const rawStart = process.hrtime.bigint()
await inParallel(chunks(rawJobs, BULK_CHUNK), BULK_CLIENTS, (jobs) => rawQueue.addBulk(jobs))
const rawSeconds = seconds(rawStart)
if ((await rawQueue.getJobCountByTypes('delayed', 'wait')) !== rows.length) throw new Error('raw addBulk lost jobs')
await rawQueue.obliterate({ force: true })
await rawQueue.close()
rawConnection.disconnect()

// For comparison only: the same work one request at a time, as POST /v1/requests/{id}/submit does it.
const singleIds = await createDrafts(SINGLE_REQUESTS)
const scheduledBefore = await countScheduled()
const singleStart = process.hrtime.bigint()
await inParallel(singleIds, CLIENTS, (id) => submitRequest(ctx, user, id, { via: 'portal' }))
const singleSeconds = seconds(singleStart)
const singleScheduled = (await countScheduled()) - scheduledBefore

const oursRate = scheduled / oursSeconds
const rawRate = rows.length / rawSeconds
const singleRate = singleScheduled / singleSeconds
console.log(`Submitting ${REQUESTS} requests, ${MAX_BULK_SUBMIT} a call, ${BULK_CLIENTS} calls at a time: ${scheduled} reminders scheduled`)
console.log(
  `  ours (deadlines, events, reminder rows): ${oursSeconds.toFixed(2)} s, ${oursRate.toFixed(0)} reminders/s; ${jobsAfterSubmit} jobs in Redis (none is due within the lookahead)`,
)
console.log(`  raw BullMQ addBulk of ${rows.length} delayed jobs: ${rawSeconds.toFixed(2)} s, ${rawRate.toFixed(0)} jobs/s`)
console.log(`  ratio ours/raw: ${(oursRate / rawRate).toFixed(2)} (target >= 0.50)`)
console.log(
  `  for comparison, one request a call (${SINGLE_REQUESTS} requests, ${CLIENTS} callers at a time): ${singleRate.toFixed(0)} reminders/s, ${(SINGLE_REQUESTS / singleSeconds).toFixed(0)} requests/s`,
)

// --- 2. Reconciling after FLUSHALL ---------------------------------------------------------------
// Grow the scheduled set to RECONCILE_ROWS with further follow-ups of the submitted requests.
const missing = Math.max(0, RECONCILE_ROWS - (await countScheduled()))
const perRequest = Math.ceil(missing / (REQUESTS + SINGLE_REQUESTS))
await sql`
  insert into deliveries (request_id, kind, recipient, sequence, due_date, send_at)
  select r.id, 'follow_up', 'requester', 100 + s.n, r.due_date, now() + make_interval(days => 30 + s.n)
  from (select id, due_date, row_number() over (order by id) as position from requests where status = 'submitted') r
  cross join generate_series(1, ${perRequest}) as s(n)
  where (r.position - 1) * ${perRequest} + s.n <= ${missing}`
const toReconcile = await countScheduled()
// Reconciling only queues jobs; the mailer is never used and never connects.
const mailer = createSmtpMailer(config.smtpUrl)
const handlers = createDeliveryHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() })

async function reconcileAfterFlush(): Promise<{ seconds: number; queued: number; bytes: number }> {
  await redis.flushAll()
  const emptyMemory = await redis.usedMemory()
  const start = process.hrtime.bigint()
  const queued = await handlers.reconcile()
  const elapsed = seconds(start)
  const inRedis = await countQueued()
  if (inRedis !== queued) throw new Error(`reconcile queued ${queued}, but Redis holds ${inRedis} jobs`)
  return { seconds: elapsed, queued, bytes: (await redis.usedMemory()) - emptyMemory }
}

const usual = await reconcileAfterFlush()
// The backlog: as if every reminder had come due at once (an outage), none sent yet.
await sql`update deliveries set send_at = now() + interval '30 seconds' where status = 'scheduled'`
const backlog = await reconcileAfterFlush()
if (backlog.queued !== toReconcile) throw new Error(`backlog: ${backlog.queued} of ${toReconcile} reminders queued`)
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
console.log(`Reconciling ${toReconcile} scheduled reminders after FLUSHALL:`)
console.log(
  `  as they stand (days to weeks ahead): ${(usual.seconds * 1000).toFixed(0)} ms, ${usual.queued} jobs to restore, Redis ${mib(usual.bytes)} MiB`,
)
console.log(
  `  all due within the lookahead: ${backlog.seconds.toFixed(2)} s (${(backlog.queued / backlog.seconds).toFixed(0)} jobs/s), every one back in the queue, Redis ${mib(backlog.bytes)} MiB (${(backlog.bytes / backlog.queued).toFixed(0)} bytes a job)`,
)
console.log(
  JSON.stringify({
    bench: 'deliveries',
    requests: REQUESTS,
    reminders: scheduled,
    oursPerSecond: Math.round(oursRate),
    rawPerSecond: Math.round(rawRate),
    ratio: Number((oursRate / rawRate).toFixed(3)),
    jobsAfterSubmit,
    singlePerSecond: Math.round(singleRate),
    reconciled: toReconcile,
    reconcileUsualSeconds: Number(usual.seconds.toFixed(2)),
    reconcileBacklogSeconds: Number(backlog.seconds.toFixed(2)),
    redisBacklogBytes: backlog.bytes,
  }),
)

mailer.close()
await ctx.close()
await database.drop()
await redis.stop()
