import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY = 86_400_000

t.test('reminders and letters go out by email, once', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, {
    env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1', DELIVERY_RETRY_BASE_SECONDS: '0.2', DELIVERY_MAX_ATTEMPTS: '3' },
  })
  const admin = await signUp(app)
  const requester = await signUp(app, { email: 'jose@example.org', name: 'José Núñez' })
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${agencyId}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })
  await startTestWorker(t, ctx, smtp.url)

  const create = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: requester.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
  const remindersOf = async (id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers: requester.headers })).json() as {
      id: string
      kind: string
      recipient: string
      status: string
      sendAt: string
    }[]

  t.test('a request submitted weeks ago gets the one overdue reminder that applies, with a follow-up letter', async (t) => {
    const request = await create()
    const submittedAt = new Date(Date.now() - 20 * DAY).toISOString()
    const submitted = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/submit`,
      headers: requester.headers,
      payload: { via: 'portal', submittedAt },
    })
    t.equal(submitted.statusCode, 200)
    t.equal(submitted.json().overdue, true)
    const [mail] = await smtp.waitFor(1)
    t.equal(mail!.to[0]!.address, 'jose@example.org')
    t.match(mail!.subject, /Spokane Police Department/)
    t.match(mail!.text, /RCW 42\.56/)
    t.match(mail!.text, new RegExp(`records\\.test/v1/requests/${request.id}`))
    t.match(mail!.text, /Dear Records Officer/, 'carries a follow-up letter to forward')
    t.match(mail!.messageId, /^<delivery-[0-9a-f-]+@replies\.records\.test>$/)
    t.match(mail!.headers['list-unsubscribe'], new RegExp(`/v1/requests/${request.id}/mute\\?token=[0-9a-f]{32}`))
    t.equal(mail!.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click')
    const reminders = await eventually(async () => {
      const list = await remindersOf(request.id)
      return list.some((reminder) => reminder.status === 'sent') ? list : null
    })
    t.equal(reminders.filter((reminder) => reminder.status === 'sent').length, 1, 'only the latest missed reminder is sent')
    t.ok(
      reminders.some((reminder) => reminder.kind === 'follow_up' && reminder.status === 'scheduled'),
      'the next follow-up is planned',
    )
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    t.equal(smtp.messages.length, 1, 'and nothing else went out')
  })

  t.test('an extension moves the scheduled reminders, closing cancels them, an appeal brings them back', async (t) => {
    const request = await create()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'mail' } })
    const before = await remindersOf(request.id)
    t.same(
      before.map((reminder) => reminder.kind),
      ['due_soon', 'due_today', 'overdue', 'follow_up'],
    )
    t.ok(before.every((reminder) => reminder.status === 'scheduled'))
    const queuedIds = new Set((await ctx.deliveries.queue.getDelayed()).map((job) => job.data.deliveryId))
    t.notOk(
      before.some((reminder) => queuedIds.has(reminder.id)),
      'reminders days away wait in the database, not in Redis',
    )

    await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/events`,
      headers: requester.headers,
      payload: { type: 'extended', extensionDays: 10 },
    })
    const after = await remindersOf(request.id)
    t.same(
      after.map((reminder) => reminder.kind),
      ['due_soon', 'due_today', 'overdue', 'follow_up'],
    )
    for (const [index, reminder] of after.entries()) t.ok(reminder.sendAt > before[index]!.sendAt, `${reminder.kind} moved later`)

    await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/events`,
      headers: requester.headers,
      payload: { type: 'rejected' },
    })
    t.ok(
      (await remindersOf(request.id)).every((reminder) => reminder.status === 'cancelled'),
      'a closed request has no pending reminders',
    )

    await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/events`,
      headers: requester.headers,
      payload: { type: 'appealed' },
    })
    t.ok(
      (await remindersOf(request.id)).some((reminder) => reminder.status === 'scheduled'),
      'the appeal reopens them',
    )
  })

  t.test('a reminder that was days away is queued by the sweep once it comes within the lookahead, and sent at its time', async (t) => {
    const sentBefore = smtp.messages.length
    const request = await create()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'mail' } })
    const [dueSoon] = (await remindersOf(request.id)).filter((reminder) => reminder.kind === 'due_soon')
    // As if the clock had reached two seconds before the reminder's time.
    const [moved] = await ctx.database
      .sql`update deliveries set send_at = now() + interval '2 seconds' where id = ${dueSoon!.id} returning send_at as "sendAt"`
    const mails = await smtp.waitFor(sentBefore + 1, 10_000)
    t.match(mails.at(-1)!.subject, /^Response due [A-Z][a-z]+ \d+, \d{4}: /)
    await eventually(async () =>
      (await remindersOf(request.id)).find((reminder) => reminder.id === dueSoon!.id && reminder.status === 'sent'),
    )
    const [delivered] = await ctx.database.sql`select sent_at as "sentAt" from deliveries where id = ${dueSoon!.id}`
    t.ok(new Date(delivered!.sentAt).getTime() >= new Date(moved!.sendAt).getTime() - 1_000, 'not before its time')
  })

  t.test('muting a request cancels its requester reminders', async (t) => {
    const request = await create()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'mail' } })
    await app.inject({ method: 'PATCH', url: `/v1/requests/${request.id}`, headers: requester.headers, payload: { remindersMuted: true } })
    t.ok((await remindersOf(request.id)).every((reminder) => reminder.status === 'cancelled'))
  })

  t.test('submitting by email sends the letter with its PDF from the request’s reply address', async (t) => {
    const sentBefore = smtp.messages.length
    const request = await create()
    const submitted = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/submit`,
      headers: requester.headers,
      payload: { via: 'email' },
    })
    t.equal(submitted.statusCode, 202)
    const mails = await smtp.waitFor(sentBefore + 1)
    const letter = mails.at(-1)!
    t.equal(letter.to[0]!.address, 'records@spokane.example')
    t.equal(letter.from[0]!.address, submitted.json().replyAddress)
    t.equal(letter.from[0]!.name, 'José Núñez')
    t.equal(letter.subject, `${request.subject} [${request.reference}]`, 'with the request’s reference')
    t.match(letter.text, /RCW 42\.56/)
    t.equal(letter.attachments.length, 1)
    t.equal(letter.attachments[0]!.contentType, 'application/pdf')
    t.equal(letter.attachments[0]!.content.subarray(0, 5).toString(), '%PDF-')
  })

  t.test('a letter the agency’s server keeps refusing ends failed, and the requester is told', async (t) => {
    const sentBefore = smtp.messages.length
    smtp.setFailure({ code: 451, message: '4.3.0 Try again later' })
    const request = await create()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'email' } })
    const [failed] = await eventually(async () => {
      const rows = await ctx.database
        .sql`select status, attempts, last_error from deliveries where request_id = ${request.id} and kind = 'letter' and status = 'failed'`
      return rows.length > 0 ? rows : null
    })
    t.equal(failed!.attempts, 3)
    t.match(failed!.last_error, /451/)
    smtp.setFailure(null)
    const mails = await smtp.waitFor(sentBefore + 1)
    const notice = mails.at(-1)!
    t.equal(notice.to[0]!.address, 'jose@example.org')
    t.match(notice.text, /451/)
  })
})
