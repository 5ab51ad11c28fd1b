// Reminder digests with the real worker and SMTP: five reminders due the same day to one requester
// are one email listing all five, and every reminder row is marked sent; a lone reminder goes alone.
import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY = 86_400_000

t.test('five reminders due the same day are one digest email', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  await signUp(app)
  const ada = await signUp(app, { email: 'ada@example.org', name: 'Ada Lopez' })
  const bea = await signUp(app, { email: 'bea@example.org', name: 'Bea Kim' })
  const agencies = await Promise.all(
    ['spokane%20police', 'kent%20police', 'auburn%20police', 'olympia%20police', 'edgewood%20police'].map((q) =>
      findAgencyId(app, `state=WA&q=${q}`),
    ),
  )

  async function file(user: TestUser, agencyId: string, submittedAt: Date, what: string) {
    const draft = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
    const { id } = draft.json()
    await app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: user.headers, payload: { subject: what } })
    const filed = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/submit`,
      headers: user.headers,
      payload: { via: 'portal', submittedAt: submittedAt.toISOString() },
    })
    t.equal(filed.statusCode, 200)
    return id as string
  }
  const remindersOf = async (user: TestUser, id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers: user.headers })).json() as {
      kind: string
      status: string
    }[]

  // Filed before the worker starts, so all five are due when it looks.
  const weeksAgo = new Date(Date.now() - 20 * DAY)
  const adaRequests = await Promise.all(agencies.map((agencyId, n) => file(ada, agencyId, weeksAgo, `Ring records request ${n + 1}`)))
  const fresh = await file(ada, agencies[0]!, new Date(), 'Ring records request filed today')
  const beaRequest = await file(bea, agencies[1]!, weeksAgo, 'Bea’s only request')
  await startTestWorker(t, ctx, smtp.url)

  const mails = await smtp.waitFor(2, 90_000)
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  t.equal(smtp.messages.length, 2, 'two emails in all: the digest and Bea’s one reminder')
  const digest = smtp.messages.find((mail) => mail.to[0]!.address === 'ada@example.org')!
  const single = smtp.messages.find((mail) => mail.to[0]!.address === 'bea@example.org')!
  t.ok(mails.length >= 2)

  t.match(digest.subject, /^5 of your records requests need attention: 5 overdue$/)
  for (const [n, id] of adaRequests.entries()) {
    t.match(digest.text, `Ring records request ${n + 1}`, `lists request ${n + 1}`)
    t.match(digest.text, `http://records.test/requests/${id}`, 'links its page')
    t.match(digest.html, `href="http://records.test/requests/${id}"`)
  }
  t.equal(digest.text!.match(/OVERDUE by/g)?.length, 5)
  t.equal(digest.text!.match(/---------- Follow-up letter \d: /g)?.length, 5, 'a follow-up letter for each overdue request')
  t.match(digest.html, /href="#follow-up-1"/, 'each overdue item links its letter')
  t.match(digest.html, /id="follow-up-5"/)
  t.notMatch(digest.text, /filed today/, 'a reminder due another day is not in today’s digest')
  t.match(digest.headers['auto-submitted'], 'auto-generated')

  t.match(single.subject, /Overdue/)
  t.match(single.text, /Bea’s only request/)
  t.notMatch(single.subject, /of your records requests/, 'a lone reminder is the ordinary email')

  for (const id of adaRequests) {
    const reminders = await eventually(async () => {
      const list = await remindersOf(ada, id)
      return list.some((reminder) => reminder.status === 'sent') ? list : null
    }, 60_000)
    t.equal(reminders.filter((reminder) => reminder.status === 'sent').length, 1, 'its reminder row is marked sent')
    t.notOk(
      reminders.some((reminder) => reminder.status === 'sending' || reminder.status === 'failed'),
      'nothing left claimed or failed',
    )
  }
  const sql = ctx.database.sql
  const [{ n }] = (await sql`select count(*)::int as n from deliveries where digest_of is not null and status = 'sent'`) as unknown as [
    { n: number },
  ]
  t.equal(n, 4, 'four rows sent inside the fifth one’s digest')
  t.ok(
    (await remindersOf(ada, fresh)).every((reminder) => reminder.status === 'scheduled'),
    'the request filed today still waits',
  )
  t.equal((await remindersOf(bea, beaRequest)).filter((reminder) => reminder.status === 'sent').length, 1)
})
