import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { file, upload } from '../helpers/documents.js'
import type { CapturedMail } from '../helpers/smtp-capture.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY = 86_400_000

// The emails to the agency as one thread: subject references, Message-IDs the thread records,
// In-Reply-To/References, the requester's copies, attachments; sent by the worker over real SMTP.
t.test('every email to the agency is a message of the request’s thread', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  const admin = await signUp(app)
  const requester = await signUp(app, { email: 'jose@example.org', name: 'José Núñez' })
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${agencyId}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })
  const suite = t
  let worker = await startTestWorker(suite, ctx, smtp.url)

  const createRequest = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: requester.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
  const mailWhere = (what: string, test: (mail: CapturedMail) => boolean) => eventually(async () => smtp.messages.find(test), 15_000, what)
  const toAgency = (mail: CapturedMail) => mail.envelope.to.join() === 'records@spokane.example'
  const toRequester = (mail: CapturedMail) => mail.envelope.to.join() === 'jose@example.org'
  const messagesOf = (requestId: string) =>
    ctx.database.sql`
      select m.kind, m.subject, m.message_id as "messageId", m.in_reply_to as "inReplyTo", m.references, m.sent_at as "sentAt",
        m.from_address as "from", m.to_addresses as "to", d.status
      from messages m left join deliveries d on d.id = m.delivery_id
      where m.request_id = ${requestId} order by m.created_at, m.id`

  const request = await createRequest()
  t.equal(
    (await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'email' } }))
      .statusCode,
    202,
  )
  const letter = await mailWhere('the letter', (mail) => toAgency(mail) && (mail.subject ?? '').includes(request.reference))

  t.test('the letter: subject with the reference once, the Message-ID its message records, no Auto-Submitted', async (t) => {
    t.equal(letter.subject, `${request.subject} [${request.reference}]`)
    t.equal(letter.subject!.split(request.reference).length, 2, 'the reference once')
    t.equal(letter.headers['auto-submitted'], undefined, 'a person asked for it: agencies answer it')
    t.equal(letter.headers['in-reply-to'], undefined, 'the first of the thread')
    t.same(letter.from, [{ name: 'José Núñez', address: request.replyAddress }])
    t.match(letter.text, `by email to ${request.replyAddress}`, 'the answer is asked for at the request’s address')
    t.notMatch(letter.text, 'jose@example.org', 'never at the requester’s own')
    t.same(
      letter.attachments.map((attachment) => attachment.contentType),
      ['application/pdf'],
    )
    const [recorded] = await eventually(async () => {
      const rows = await messagesOf(request.id)
      return rows[0]?.sentAt ? rows : null
    })
    t.equal(letter.messageId, `<${recorded!.messageId}>`, 'the email and its message agree on the Message-ID')
    t.match(recorded, {
      kind: 'letter',
      subject: letter.subject,
      status: 'sent',
      from: request.replyAddress,
      to: ['records@spokane.example'],
    })
  })

  t.test('the requester gets a copy of the letter, to their own address alone', async (t) => {
    const copy = await mailWhere('the copy', (mail) => toRequester(mail) && (mail.subject ?? '').startsWith('Copy of your letter'))
    t.equal(copy.subject, `Copy of your letter to Spokane Police Department: ${letter.subject}`)
    t.match(copy.text, 'This is a copy of the public records request letter sent on your behalf to Spokane Police Department')
    t.match(copy.text, request.replyAddress)
    t.match(copy.text, 'Dear Records Officer')
    t.same(
      copy.attachments.map((attachment) => attachment.contentType),
      ['application/pdf'],
      'with the same PDF',
    )
    t.equal(copy.headers['auto-submitted'], 'auto-generated', 'a notice: auto-responders stay quiet')
    t.notOk(letter.headers.cc, 'the agency’s email has no Cc: its reply-all cannot reach the requester')
    t.notMatch(letter.raw, 'jose@example.org', 'nor the requester’s address anywhere in it')
  })

  t.test('the requester writes: threaded after the agency’s reply, documents attached, copied, hostile text stays text', async (t) => {
    const [letterMessage] = await messagesOf(request.id)
    // The agency's reply, as the inbound pipeline records it.
    await ctx.database.sql`
      insert into messages (request_id, direction, kind, from_address, to_addresses, subject, text, message_id, in_reply_to, "references", sent_at)
      values (${request.id}, 'inbound', 'reply', 'clerk@spokane.example', ${JSON.stringify([request.replyAddress])}::jsonb,
        ${`RE: ${letter.subject}`}, 'Please narrow the request.', 'reply-1@mail.spokane.example', ${letterMessage!.messageId},
        ${JSON.stringify([letterMessage!.messageId])}::jsonb, now())`
    const document = (await upload(app, request.id, requester.headers, [file('Only 2019, please.\n', 'scope.txt')])).json().items[0]
    await eventually(
      async () => (await ctx.database.sql`select 1 from documents where id = ${document.id} and status = 'ready'`)[0],
      15_000,
      'the document read',
    )
    const text = 'Here is the narrower scope.\r\nBcc: victim@example.org\r\n\r\n.\r\nMAIL FROM:<x@y>'
    const response = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/messages`,
      headers: requester.headers,
      payload: { text, documentIds: [document.id] },
    })
    t.equal(response.statusCode, 202)
    const message = response.json()
    t.equal(message.subject, `Re: ${letter.subject}`, 'the reply’s subject answered, "Re: " once, the reference once')
    t.equal(message.inReplyTo, 'reply-1@mail.spokane.example')

    const sent = await mailWhere('the message', (mail) => mail.messageId === `<${message.messageId}>`)
    t.same(sent.envelope.to, ['records@spokane.example'], 'to the agency alone')
    t.equal(sent.subject, message.subject)
    t.equal(sent.headers['in-reply-to'], '<reply-1@mail.spokane.example>')
    t.equal(sent.headers.references, `<${letterMessage!.messageId}> <reply-1@mail.spokane.example>`)
    t.equal(sent.headers['auto-submitted'], undefined)
    t.notOk(sent.headers.bcc, 'text with header-like lines stays in the body')
    t.match(sent.text, 'Bcc: victim@example.org')
    t.same(
      sent.attachments.map(({ filename, content }) => [filename, content.toString()]),
      [['scope.txt', 'Only 2019, please.\n']],
    )
    const copy = await mailWhere(
      'the copy of the message',
      (mail) => toRequester(mail) && (mail.subject ?? '').startsWith('Copy of your message'),
    )
    t.match(copy.text, 'Here is the narrower scope.')
    t.same(
      copy.attachments.map((attachment) => attachment.filename),
      ['scope.txt'],
    )
    const recorded = await eventually(async () =>
      (await messagesOf(request.id)).find((row) => row.messageId === message.messageId && row.sentAt),
    )
    t.equal(recorded.status, 'sent')
  })

  t.test('a message queued while no worker runs is sent once by the next worker', async (t) => {
    await worker.close()
    const response = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/messages`,
      headers: requester.headers,
      payload: { text: 'Any news?' },
    })
    t.equal(response.statusCode, 202)
    const { messageId } = response.json()
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.notOk(
      smtp.messages.some((mail) => mail.messageId === `<${messageId}>`),
      'nothing sent without a worker',
    )
    // Started for the rest of the suite, not this subtest.
    worker = await startTestWorker(suite, ctx, smtp.url)
    await mailWhere('the message', (mail) => mail.messageId === `<${messageId}>`)
    await mailWhere('its copy', (mail) => toRequester(mail) && (mail.text ?? '').includes('Any news?'))
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    t.equal(smtp.messages.filter((mail) => mail.messageId === `<${messageId}>`).length, 1, 'exactly once')
    t.equal(smtp.messages.filter((mail) => toRequester(mail) && (mail.text ?? '').includes('Any news?')).length, 1, 'one copy')
  })

  t.test('a message the agency’s server refuses ends failed, and the requester is told, with no copy', async (t) => {
    smtp.setFailure({ code: 550, message: '5.1.1 Mailbox unavailable', stage: 'rcpt' })
    t.teardown(() => smtp.setFailure(null))
    const response = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/messages`,
      headers: requester.headers,
      payload: { text: 'Is anyone there?' },
    })
    const { messageId } = response.json()
    const recorded = await eventually(async () => {
      const [row] = await ctx.database.sql`
        select d.status, d.last_error from messages m join deliveries d on d.id = m.delivery_id where m.message_id = ${messageId}`
      return row?.status === 'failed' ? row : null
    })
    t.match(recorded.last_error, /Mailbox unavailable/)
    smtp.setFailure(null)
    const notice = await mailWhere(
      'the notice',
      (mail) => toRequester(mail) && mail.subject === 'Not delivered: your message to Spokane Police Department',
    )
    t.match(notice.text, 'Is anyone there?')
    t.notOk(
      smtp.messages.some(
        (mail) =>
          toRequester(mail) && (mail.subject ?? '').startsWith('Copy of your message') && (mail.text ?? '').includes('Is anyone there?'),
      ),
      'a copy only of what was sent',
    )
  })

  t.test('the follow-up: threaded after the letter, the letter PDF attached, copied', async (t) => {
    const late = await createRequest()
    await app.inject({ method: 'PATCH', url: `/v1/requests/${late.id}`, headers: requester.headers, payload: { autoFollowUp: true } })
    const submittedAt = new Date(Date.now() - 20 * DAY).toISOString()
    const submitted = await app.inject({
      method: 'POST',
      url: `/v1/requests/${late.id}/submit`,
      headers: requester.headers,
      payload: { via: 'email', submittedAt },
    })
    t.equal(submitted.statusCode, 202)
    const followUp = await mailWhere('the follow-up', (mail) => toAgency(mail) && (mail.subject ?? '').startsWith('Follow-up:'))
    const [first] = await messagesOf(late.id)
    t.equal(followUp.subject, `Follow-up: ${late.subject} [${late.reference}]`)
    t.equal(followUp.headers['in-reply-to'], `<${first!.messageId}>`, 'answers the letter')
    t.equal(followUp.headers.references, `<${first!.messageId}>`)
    t.equal(followUp.headers['auto-submitted'], undefined)
    t.same(
      followUp.attachments.map((attachment) => [attachment.contentType, attachment.content.subarray(0, 5).toString()]),
      [['application/pdf', '%PDF-']],
      'the original letter',
    )
    t.match(followUp.text, `please send your response again to ${late.replyAddress}`)
    const rows = await eventually(async () => {
      const all = await messagesOf(late.id)
      return all.length === 2 && all.every((row) => row.sentAt) ? all : null
    })
    t.same(
      rows.map((row) => [row.kind, row.inReplyTo]),
      [
        ['letter', null],
        ['follow_up', first!.messageId],
      ],
    )
    t.equal(followUp.messageId, `<${rows[1]!.messageId}>`)
    await mailWhere(
      'the copy of the follow-up',
      (mail) => toRequester(mail) && mail.subject === `Copy of your follow-up to Spokane Police Department: ${followUp.subject}`,
    )
  })
})

t.test('letters sent before the thread existed become its first messages when the worker starts', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  const admin = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${agencyId}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })
  const request = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: admin.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: admin.headers, payload: { via: 'portal' } })
  // As an older version left it: a letter sent, no message.
  const [delivery] = await ctx.database.sql`
    insert into deliveries (request_id, kind, recipient, send_at, status, sent_at) values (${request.id}, 'letter', 'agency', now(), 'sent', now())
    returning id`
  await startTestWorker(t, ctx, smtp.url)
  const [recorded] = await eventually(async () => {
    const rows = await ctx.database.sql`select kind, message_id, subject, sent_at from messages where request_id = ${request.id}`
    return rows.length > 0 ? rows : null
  })
  t.match(recorded, { kind: 'letter', message_id: `delivery-${delivery!.id}@replies.records.test`, subject: request.subject })
  t.ok(recorded!.sent_at)
  const { findRequestBySentIds, findRequestByReference, listThreadIds } = await import(
    '../../src/modules/correspondence/messages.repository.js'
  )
  const { messageIdsIn } = await import('../../src/modules/correspondence/matching.js')
  t.equal(
    await findRequestBySentIds(ctx.db, messageIdsIn(`<delivery-${delivery!.id}@replies.records.test>`), []),
    request.id,
    'a reply to it finds its request',
  )
  t.equal(await findRequestBySentIds(ctx.db, messageIdsIn('<unknown@replies.records.test>'), []), null)
  t.equal(await findRequestByReference(ctx.db, request.reference), request.id)
  t.same(await listThreadIds(ctx.db, request.id), [`delivery-${delivery!.id}@replies.records.test`])
})
