// The story over real SMTP both ways: a letter emailed to the agency, the clerk's reply sent
// by SMTP to the inbound listener, then the thread, the document and the requester's notice; a reply
// typed to a mistyped address still finds its request by In-Reply-To; the requester answers.
import nodemailer from 'nodemailer'
import t from 'tap'
import { startInbound } from '../../src/build-inbound.js'
import { createInboundAcceptor } from '../../src/modules/correspondence/inbound-acceptor.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read loosely in assertions
type Message = Record<string, any>

const AGENCY_ADDRESS = 'records@spokane.example'
const REPLY_DOMAIN = 'replies.records.test'

t.test('an agency’s reply sent by SMTP joins the thread, and the requester answers it', async (t) => {
  const outbox = await startSmtpCapture()
  t.teardown(() => outbox.close())
  const { app, ctx } = await buildTestApp(t, {
    env: { SMTP_URL: outbox.url, SWEEP_INTERVAL_SECONDS: '1', REPLY_DOMAIN, INBOUND_SMTP_PORT: '0' },
  })
  const admin = await signUp(app)
  const requester = await signUp(app, { email: 'ada@example.org', name: 'Ada Lopez' })
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({ method: 'PATCH', url: `/v1/agencies/${agencyId}`, headers: admin.headers, payload: { email: AGENCY_ADDRESS } })
  await startTestWorker(t, ctx, outbox.url)
  const inbound = await startInbound(ctx, createInboundAcceptor(ctx))
  t.teardown(() => inbound.close())
  const clerk = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.smtp.port, secure: false, ignoreTLS: true })
  t.teardown(() => clerk.close())

  const created = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: requester.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const submitted = await app.inject({
    method: 'POST',
    url: `/v1/requests/${created.id}/submit`,
    headers: requester.headers,
    payload: { via: 'email' },
  })
  t.equal(submitted.statusCode, 202)
  const request = submitted.json()
  const letter = await eventually(async () => outbox.messages.find((mail) => mail.envelope.to[0] === AGENCY_ADDRESS), 15_000, 'the letter')
  t.match(letter.subject, new RegExp(`\\[${request.reference}\\]$`), 'the subject names the request')
  const thread = async (): Promise<Message[]> =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}/messages`, headers: requester.headers })).json().items
  const notices = () => outbox.messages.filter((mail) => mail.envelope.to[0] === 'ada@example.org' && /answered/.test(mail.subject ?? ''))

  t.test('the clerk presses Reply: the answer is in the thread with its attachment, and Ada is told once', async (t) => {
    const reply = {
      envelope: { from: 'clerk@spokane.example', to: [request.replyAddress] },
      from: 'Records Clerk <clerk@spokane.example>',
      to: request.replyAddress,
      subject: `Re: ${letter.subject}`,
      inReplyTo: letter.messageId,
      references: [letter.messageId!],
      messageId: '<smtp-reply-1@spokane.example>',
      text: 'We received your request on December 2. Your request number is W012345-120226. The fee is $25.00.',
      attachments: [{ filename: 'invoice.txt', content: 'Invoice for records request W012345-120226: $25.00' }],
    }
    const info = await clerk.sendMail(reply)
    t.match(info.response, /^250/, 'accepted only once stored')
    // The sending server did not hear the 250 and sends the same message again.
    await clerk.sendMail(reply)

    const answer = await eventually(async () => (await thread()).find((message) => message.direction === 'inbound'), 15_000, 'the reply')
    t.match(answer, {
      kind: 'reply',
      from: 'clerk@spokane.example',
      messageId: 'smtp-reply-1@spokane.example',
      suggestion: { event: 'fee_requested', feeAmount: '25.00', trackingNumber: 'W012345-120226' },
      read: false,
    })
    t.equal(answer.documentIds.length, 1, 'the attachment is a document of the request')
    const document = await eventually(
      async () => {
        const found = (
          await app.inject({ method: 'GET', url: `/v1/documents/${answer.documentIds[0]}`, headers: requester.headers })
        ).json()
        return found.status === 'ready' ? found : null
      },
      90_000,
      'the attachment to be read',
    )
    t.match(document, { source: 'email', messageId: answer.id })
    const text = (await app.inject({ method: 'GET', url: `/v1/documents/${document.id}/text`, headers: requester.headers })).json()
    t.match(text.pages[0].text, /Invoice for records request/)

    const [notice] = await eventually(async () => (notices().length > 0 ? notices() : null), 15_000, 'the notice')
    t.match(notice!.text, /The fee is \$25\.00/)
    t.match(notice!.text, new RegExp(`/requests/${request.id}`))
    const view = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: requester.headers })).json()
    t.equal(view.unreadMessages, 1)
    t.ok(view.lastMessageAt)
    // Give a second notice time to appear if the duplicate had caused one.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    t.equal(notices().length, 1, 'told once although the reply arrived twice')
    t.equal((await thread()).filter((message) => message.direction === 'inbound').length, 1)
  })

  t.test('a reply to a mistyped address at the reply domain finds its request by In-Reply-To', async (t) => {
    const info = await clerk.sendMail({
      envelope: { from: 'deputy@spokane.example', to: [`request-typo@${REPLY_DOMAIN}`] },
      from: 'Deputy Clerk <deputy@spokane.example>',
      to: `request-typo@${REPLY_DOMAIN}`,
      subject: 'Records released',
      inReplyTo: letter.messageId,
      messageId: '<smtp-reply-2@spokane.example>',
      text: 'The responsive records are attached.',
    })
    t.match(info.response, /^250/)
    const found = await eventually(
      async () => (await thread()).find((message) => message.messageId === 'smtp-reply-2@spokane.example'),
      15_000,
      'the second reply',
    )
    t.equal(found.requestId, request.id)
  })

  t.test('another domain is refused at RCPT: the listener is no relay', async (t) => {
    const refused = await clerk
      .sendMail({ envelope: { from: 'spam@elsewhere.example', to: ['victim@gmail.example'] }, raw: 'Subject: hi\r\n\r\nhi\r\n' })
      .catch((error: { responseCode?: number }) => error)
    t.equal((refused as { responseCode?: number }).responseCode, 550)
  })

  t.test('Ada answers from the service: threaded after the reply, and she gets a copy', async (t) => {
    const before = outbox.messages.length
    const sent = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/messages`,
      headers: requester.headers,
      payload: { text: 'Thank you. Please waive the fee: the records are in the public interest.' },
    })
    t.equal(sent.statusCode, 202)
    const mails = (await outbox.waitFor(before + 2, 15_000)).slice(before)
    const toAgency = mails.find((mail) => mail.envelope.to[0] === AGENCY_ADDRESS)!
    t.match(toAgency.headers['in-reply-to'], /smtp-reply-2@spokane\.example/)
    t.match(toAgency.subject, new RegExp(`\\[${request.reference}\\]`))
    t.ok(
      mails.find((mail) => mail.envelope.to[0] === 'ada@example.org' && /^Copy of your message/.test(mail.subject ?? '')),
      'a copy for Ada',
    )
    const read = await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/messages/read`, headers: requester.headers })
    t.equal(read.statusCode, 200)
    t.equal(read.json().unreadMessages, 0)
  })
})
