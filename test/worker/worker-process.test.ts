// The worker as `npm run worker` runs it: its own process, killed or stopped while an email is on the wire.
import t, { type Test } from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { spawnWorkerProcess } from '../helpers/worker-process.js'

const DAY = 86_400_000
const WORKER_ENV = { SWEEP_INTERVAL_SECONDS: '1', DELIVERY_LEASE_SECONDS: '2', DELIVERY_RETRY_BASE_SECONDS: '0.2', WORKER_CONCURRENCY: '2' }

async function setUp(t: Test) {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const built = await buildTestApp(t, { env: { SMTP_URL: smtp.url } })
  const user = await signUp(built.app)
  const agencyId = await findAgencyId(built.app, 'state=WA&q=spokane%20police')
  /** A request filed 20 days ago: one overdue reminder is due now. */
  const submitOverdue = async () => {
    const request = (
      await built.app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    const submittedAt = new Date(Date.now() - 20 * DAY).toISOString()
    await built.app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/submit`,
      headers: user.headers,
      payload: { via: 'mail', submittedAt },
    })
    return request.id as string
  }
  const sentRows = async () =>
    (await built.ctx.database.sql`select id, attempts from deliveries where status = 'sent'`) as unknown as {
      id: string
      attempts: number
    }[]
  const worker = (env: Record<string, string> = {}) => spawnWorkerProcess(t, built.config, { SMTP_URL: smtp.url, ...WORKER_ENV, ...env })
  return { ...built, smtp, submitOverdue, sentRows, worker }
}

t.test('a worker killed with SIGKILL in the middle of a send, then restarted, sends the email exactly once', async (t) => {
  const { smtp, submitOverdue, sentRows, worker, ctx } = await setUp(t)
  smtp.setDataDelay(60_000)
  const first = await worker()
  await submitOverdue()
  await smtp.waitForHeld(20_000)
  const [claimed] = (await ctx.database.sql`select status from deliveries where status = 'sending'`) as unknown as { status: string }[]
  t.ok(claimed, 'the reminder is claimed while its email is on the wire')
  first.child.kill('SIGKILL')
  t.same(await first.exited, { code: null, signal: 'SIGKILL' })
  t.equal(smtp.messages.length, 0, 'the server never accepted the interrupted message')

  smtp.setDataDelay(0)
  await worker()
  await smtp.waitFor(1, 30_000)
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  t.equal(smtp.messages.length, 1, 'exactly one email')
  const sent = await sentRows()
  t.equal(sent.length, 1)
  t.equal(sent[0]!.attempts, 2, 'the second attempt, after the first claim expired')
  t.equal(smtp.messages[0]!.messageId, `<delivery-${sent[0]!.id}@replies.records.test>`)
})

t.test('SIGTERM lets the email in flight finish, then the worker exits cleanly', async (t) => {
  const { smtp, submitOverdue, sentRows, worker } = await setUp(t)
  smtp.setDataDelay(1_500)
  const running = await worker()
  await submitOverdue()
  await smtp.waitForHeld(20_000)
  running.child.kill('SIGTERM')
  t.same(await running.exited, { code: 0, signal: null }, 'exit code 0')
  t.equal(smtp.messages.length, 1, 'the message was delivered before exiting')
  t.equal((await sentRows()).length, 1, 'and marked sent')
  t.ok(running.logs.some((entry) => entry.msg === 'shutting down'))
})
