import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY = 86_400_000

t.test('the worker refuses, at send time, an agency address no administrator approved', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  const admin = await signUp(app)
  const requester = await signUp(app, { email: 'organizer@example.org', name: 'Org Anizer' })
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const olympia = await findAgencyId(app, 'state=WA&q=olympia%20police')
  for (const [id, email] of [
    [spokane, 'records@spokane.example'],
    [olympia, 'records@olympia.example'],
  ]) {
    await app.inject({ method: 'PATCH', url: `/v1/agencies/${id}`, headers: admin.headers, payload: { email } })
  }
  const draftFor = async (agencyId: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: requester.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json().id as string
  const failedToAgency = (requestId: string, kind: string) =>
    eventually(
      async () => {
        const rows = await ctx.database.sql`
        select status, attempts, last_error from deliveries
        where request_id = ${requestId} and kind = ${kind} and recipient = 'agency' and status = 'failed'`
        return rows[0]
      },
      15_000,
      `a failed ${kind}`,
    )
  const noticeFor = (requestId: string) =>
    eventually(
      async () => smtp.messages.find((mail) => mail.to[0]!.address === 'organizer@example.org' && (mail.text ?? '').includes(requestId)),
      15_000,
      'the notice',
    )

  t.test('a letter queued while the address was approved is not sent once approval is withdrawn', async (t) => {
    const id = await draftFor(spokane)
    // Queued with no worker running, as when the queue is behind.
    t.equal(
      (await app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: requester.headers, payload: { via: 'email' } }))
        .statusCode,
      202,
    )
    await app.inject({ method: 'PATCH', url: `/v1/agencies/${spokane}`, headers: admin.headers, payload: { emailApproved: false } })
    const worker = await startTestWorker(t, ctx, smtp.url)
    const failed = await failedToAgency(id, 'letter')
    t.equal(failed.attempts, 1, 'not retried')
    t.match(failed.last_error, /records@spokane\.example of Spokane Police Department waits for an administrator's approval/)
    const notice = await noticeFor(id)
    t.match(notice.text, /waits for an administrator's approval/, 'the requester is told why')
    t.notOk(
      smtp.messages.some((mail) => mail.to[0]!.address === 'records@spokane.example'),
      'nothing went to the agency',
    )
    await worker.close()
  })

  t.test('an automatic follow-up is not sent to an address changed without approval', async (t) => {
    const id = await draftFor(olympia)
    await app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: requester.headers, payload: { autoFollowUp: true } })
    // The address changes by some way other than an administrator's approval.
    await ctx.database.sql`update agencies set email = 'elsewhere@relay.example' where id = ${olympia}`
    const submittedAt = new Date(Date.now() - 20 * DAY).toISOString()
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/v1/requests/${id}/submit`,
          headers: requester.headers,
          payload: { via: 'portal', submittedAt },
        })
      ).statusCode,
      200,
    )
    await startTestWorker(t, ctx, smtp.url)
    const failed = await failedToAgency(id, 'overdue')
    t.match(failed.last_error, /elsewhere@relay\.example of Olympia Police Department waits for an administrator's approval/)
    await noticeFor(id)
    t.notOk(
      smtp.messages.some((mail) => mail.to[0]!.address === 'elsewhere@relay.example'),
      'nothing went to the changed address',
    )
  })
})
