import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import t from 'tap'
import { deliverJobId } from '../../src/jobs/catalog.js'
import { startWorkers } from '../../src/jobs/runner.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startPrivateRedis } from '../helpers/private-redis.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY = 86_400_000
const FAST = { SWEEP_INTERVAL_SECONDS: '1', DELIVERY_LEASE_SECONDS: '2', DELIVERY_RETRY_BASE_SECONDS: '0.2', DELIVERY_MAX_ATTEMPTS: '3' }

async function setUp(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}) {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const built = await buildTestApp(t, { env: { SMTP_URL: smtp.url, ...FAST, ...env } })
  await signUp(built.app) // the first account, an admin: signUp makes the requesters through it
  const agencyId = await findAgencyId(built.app, 'state=WA&q=spokane%20police')
  /**
   * A request whose one applicable reminder is due now (filed 20 days ago), or a fresh one with future
   * reminders; each by a requester of its own, so each reminder is an email, not a line of a digest.
   */
  const submit = async (filedDaysAgo: number) => {
    const user = await signUp(built.app)
    const request = (
      await built.app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    const submittedAt = new Date(Date.now() - filedDaysAgo * DAY).toISOString()
    await built.app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/submit`,
      headers: user.headers,
      payload: { via: 'mail', submittedAt },
    })
    return request.id as string
  }
  const countRows = async (status: string) =>
    ((await built.ctx.database.sql`select count(*)::int as n from deliveries where status = ${status}`) as unknown as [{ n: number }])[0].n
  return { ...built, smtp, submit, countRows }
}

t.test('two workers at once send every due reminder exactly once', async (t) => {
  const { ctx, smtp, submit, countRows } = await setUp(t)
  const ids = []
  for (let index = 0; index < 12; index += 1) ids.push(await submit(20))
  await Promise.all([startTestWorker(t, ctx, smtp.url), startTestWorker(t, ctx, smtp.url)])
  await smtp.waitFor(12, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  t.equal(smtp.messages.length, 12, 'no duplicates')
  t.equal(new Set(smtp.messages.map((mail) => mail.messageId)).size, 12)
  t.equal(await countRows('sent'), 12)
})

t.test('after Redis loses its data every reminder within the lookahead is queued again, and due ones go out once', async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const { ctx, smtp, submit, countRows } = await setUp(t, { REDIS_URL: redis.url, DELIVERY_LOOKAHEAD_SECONDS: '600' })
  await startTestWorker(t, ctx, smtp.url)
  for (let index = 0; index < 5; index += 1) await submit(0)
  // Five reminders come within the ten-minute lookahead, as if their day had arrived.
  await ctx.database.sql`update deliveries set send_at = now() + interval '5 minutes' where kind = 'due_soon'`
  const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null })
  const queue = new Queue('deliveries', { connection: queueConnection, prefix: ctx.config.queuePrefix })
  t.teardown(async () => {
    await queue.close()
    queueConnection.disconnect()
  })
  const scheduled = async (within: 'soon' | 'later') =>
    (await ctx.database.sql`
      select id, send_at, attempts from deliveries
      where status = 'scheduled' and (send_at <= now() + interval '600 seconds') = ${within === 'soon'}`) as unknown as {
      id: string
      send_at: string
      attempts: number
    }[]
  const jobsOf = async (rows: { id: string; send_at: string; attempts: number }[]) =>
    Promise.all(rows.map((row) => queue.getJob(deliverJobId(row.id, new Date(row.send_at), row.attempts))))
  const allSoonQueued = async () => (await jobsOf(await scheduled('soon'))).every(Boolean)

  t.equal((await scheduled('soon')).length, 5)
  t.equal((await scheduled('later')).length, 15, 'the other reminders are days away')
  await eventually(allSoonQueued, 10_000, 'the sweep to queue the reminders within the lookahead')
  t.ok(
    (await jobsOf(await scheduled('later'))).every((job) => !job),
    'reminders beyond the lookahead have no job',
  )

  await redis.flushAll()
  t.notOk(await allSoonQueued(), 'FLUSHALL took the jobs')
  await submit(20)
  await eventually(allSoonQueued, 20_000, 'reconciliation after FLUSHALL')
  await smtp.waitFor(1, 20_000)
  t.pass('every reminder within the lookahead is back in the queue and the due one went out')

  await redis.restart()
  await eventually(allSoonQueued, 25_000, 'reconciliation after a restart without persistence')
  await submit(20)
  await smtp.waitFor(2, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 2_500))
  t.equal(smtp.messages.length, 2, 'each due reminder exactly once')
  t.equal(await countRows('sent'), 2)
})

t.test('the worker refuses a Redis that evicts keys', async (t) => {
  const redis = await startPrivateRedis({ maxmemoryPolicy: 'allkeys-lru' })
  t.teardown(() => redis.stop())
  const { ctx } = await setUp(t, { REDIS_URL: redis.url })
  const handlers = {
    deliveries: { deliver: async () => {}, sweep: async () => 0, reconcile: async () => 0 },
    extractions: { extract: async () => {}, giveUp: async () => {}, reconcile: async () => 0, readWaitingForOcr: async () => 0 },
    accounts: { emailToken: async () => {}, emailSignInLink: async () => {}, forgetExpiredSignInLinks: async () => 0 },
    inbound: { ingest: async () => {}, giveUp: async () => {}, reconcile: async () => 0 },
    renditions: { render: async () => {}, giveUp: async () => {}, reconcile: async () => 0 },
  }
  await t.rejects(startWorkers(ctx.config, pino({ level: 'silent' }), handlers), { name: 'EvictingRedisError', message: /allkeys-lru/ })
})

t.test('SMTP that stays down ends in failed with the reason; one that comes back delivers once', async (t) => {
  const { ctx, smtp, submit, countRows } = await setUp(t)
  smtp.setFailure({ code: 451, message: '4.7.1 Greylisted' })
  await startTestWorker(t, ctx, smtp.url)
  await submit(20)
  const [failed] = await eventually(
    async () => {
      const rows = await ctx.database.sql`select attempts, last_error from deliveries where status = 'failed'`
      return rows.length > 0 ? rows : null
    },
    20_000,
    'the reminder to fail',
  )
  t.equal(failed!.attempts, 3)
  t.match(failed!.last_error, /451/)
  t.equal(smtp.messages.length, 0)

  await submit(20)
  await new Promise((resolve) => setTimeout(resolve, 500))
  smtp.setFailure(null)
  await smtp.waitFor(1, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  t.equal(smtp.messages.length, 1)
  t.equal(await countRows('sent'), 1)
})
