import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { MailDeliveryError, type Mailer, type OutgoingMail } from '../../../src/adapters/mailer/mailer.js'
import { createSmtpMailer, type SmtpMailerOptions, toMailDeliveryError } from '../../../src/adapters/mailer/smtp-mailer.js'
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from '../../helpers/smtp-capture.js'

// A PDF-looking buffer with every byte value, so any text-mode mangling shows.
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), randomBytes(64 * 1024), Buffer.from('\n%%EOF\n')])

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    messageId: '<reminder-6f1c1a52-5a8e-4c3b-9d0e-1f2a3b4c5d6e@replies.example.org>',
    from: 'Ring Records <records@example.org>',
    to: 'José Núñez <jose@example.org>',
    subject: 'Reminder: Spokane Police Department owes José Núñez a response',
    text: 'Plain text for José Núñez.\n\nSecond paragraph.',
    ...overrides,
  }
}

async function setup(
  t: Test,
  options: SmtpCaptureOptions = {},
  mailerOptions: SmtpMailerOptions = {},
): Promise<{ smtp: SmtpCapture; mailer: Mailer }> {
  const smtp = await startSmtpCapture(options)
  t.teardown(() => smtp.close())
  const mailer = createSmtpMailer(smtp.url, mailerOptions)
  t.teardown(() => mailer.close())
  return { smtp, mailer }
}

async function rejection(t: Test, promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  )
  if (!(error instanceof MailDeliveryError)) {
    t.fail(`expected a MailDeliveryError, got ${String(error)}`)
    throw new Error('no MailDeliveryError')
  }
  return error
}

t.test('delivers headers, both parts and an attachment intact', async (t) => {
  const { smtp, mailer } = await setup(t)
  const sent = await mailer.send(
    mail({
      replyTo: 'José Núñez <reply+6f1c1a52@replies.example.org>',
      subject: 'Follow-up for José Núñez — “Ring partnership records” 🛎️',
      html: '<p>HTML for <strong>José Núñez</strong></p>',
      attachments: [{ filename: 'Solicitud Núñez.pdf', content: PDF, contentType: 'application/pdf' }],
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Request-Id': 'req-42' },
    }),
  )
  t.equal(sent.messageId, '<reminder-6f1c1a52-5a8e-4c3b-9d0e-1f2a3b4c5d6e@replies.example.org>')
  t.match(sent.response, /^250 /)

  const [received] = await smtp.waitFor(1)
  t.equal(smtp.messages.length, 1)
  if (!received) throw new Error('nothing received')
  t.equal(received.messageId, '<reminder-6f1c1a52-5a8e-4c3b-9d0e-1f2a3b4c5d6e@replies.example.org>', 'Message-ID exactly as given')
  t.equal(received.headers['message-id'], '<reminder-6f1c1a52-5a8e-4c3b-9d0e-1f2a3b4c5d6e@replies.example.org>')
  t.same(received.from, [{ name: 'Ring Records', address: 'records@example.org' }])
  t.same(received.to, [{ name: 'José Núñez', address: 'jose@example.org' }])
  t.same(received.replyTo, [{ name: 'José Núñez', address: 'reply+6f1c1a52@replies.example.org' }])
  t.same(received.envelope, { from: 'records@example.org', to: ['jose@example.org'] })
  t.equal(received.subject, 'Follow-up for José Núñez — “Ring partnership records” 🛎️')
  t.equal(received.text?.trimEnd(), 'Plain text for José Núñez.\n\nSecond paragraph.')
  t.equal(received.html?.trim(), '<p>HTML for <strong>José Núñez</strong></p>')
  t.equal(received.headers['auto-submitted'], 'auto-generated')
  t.equal(received.headers['x-request-id'], 'req-42')
  t.notMatch(received.raw, /José/, 'non-ASCII is MIME-encoded on the wire')

  t.equal(received.attachments.length, 1)
  const [pdf] = received.attachments
  t.equal(pdf?.filename, 'Solicitud Núñez.pdf')
  t.equal(pdf?.contentType, 'application/pdf')
  t.equal(pdf?.size, PDF.length)
  t.ok(pdf?.content.equals(PDF), 'attachment bytes are identical')
})

t.test('a text-only mail has no HTML part', async (t) => {
  const { smtp, mailer } = await setup(t)
  await mailer.send(mail())
  const [received] = await smtp.waitFor(1)
  t.equal(received?.html, null)
  t.same(received?.attachments, [])
})

t.test('an answer carries In-Reply-To and References as given', async (t) => {
  const { smtp, mailer } = await setup(t)
  await mailer.send(
    mail({ inReplyTo: '<reply-1@city.example.gov>', references: ['<delivery-1@replies.example.org>', '<reply-1@city.example.gov>'] }),
  )
  const [received] = await smtp.waitFor(1)
  t.equal(received?.headers['in-reply-to'], '<reply-1@city.example.gov>')
  t.equal(received?.headers.references, '<delivery-1@replies.example.org> <reply-1@city.example.gov>')
})

t.test('a retried send carries the same Message-ID', async (t) => {
  const { smtp, mailer } = await setup(t)
  await mailer.send(mail())
  await mailer.send(mail())
  const received = await smtp.waitFor(2)
  t.same(
    received.map((m) => m.messageId),
    [mail().messageId, mail().messageId],
  )
})

for (const stage of ['rcpt', 'data'] as const) {
  t.test(`451 at ${stage} is a temporary failure`, async (t) => {
    const { smtp, mailer } = await setup(t, { failWith: { code: 451, message: '4.3.0 Try again later', stage } })
    const error = await rejection(t, mailer.send(mail()))
    t.equal(error.temporary, true)
    t.equal(error.responseCode, 451)
    t.match(error.message, /451 4\.3\.0 Try again later/)
    t.equal(smtp.messages.length, 0)

    smtp.setFailure(null)
    await mailer.send(mail())
    t.equal((await smtp.waitFor(1)).length, 1, 'the same mailer recovers once the server accepts')
  })

  t.test(`550 at ${stage} is a permanent failure`, async (t) => {
    const { smtp, mailer } = await setup(t, { failWith: { code: 550, message: '5.1.1 Mailbox unavailable', stage } })
    const error = await rejection(t, mailer.send(mail()))
    t.equal(error.temporary, false)
    t.equal(error.responseCode, 550)
    t.match(error.message, /550 5\.1\.1 Mailbox unavailable/)
    t.equal(smtp.messages.length, 0)
  })
}

t.test('553 is permanent', async (t) => {
  const { mailer } = await setup(t, { failWith: { code: 553, message: '5.1.3 Bad recipient address syntax' } })
  const error = await rejection(t, mailer.send(mail()))
  t.equal(error.temporary, false)
  t.equal(error.responseCode, 553)
})

t.test('nothing listening is a temporary failure', async (t) => {
  const smtp = await startSmtpCapture()
  await smtp.close()
  const mailer = createSmtpMailer(smtp.url)
  t.teardown(() => mailer.close())
  const sendError = await rejection(t, mailer.send(mail()))
  t.equal(sendError.temporary, true)
  t.equal(sendError.responseCode, undefined)
  const verifyError = await rejection(t, mailer.verify())
  t.equal(verifyError.temporary, true)
})

t.test('a server that stops answering times out as a temporary failure', async (t) => {
  const { smtp, mailer } = await setup(t, { delayDataMs: 2_000 }, { socketTimeoutMs: 300 })
  const started = Date.now()
  const error = await rejection(t, mailer.send(mail()))
  t.equal(error.temporary, true)
  t.ok(Date.now() - started < 1_500, 'gives up after the socket timeout, not the server delay')
  await new Promise((resolve) => setTimeout(resolve, 2_200))
  t.equal(smtp.messages.length, 0, 'an answer the client no longer waits for is not counted')
})

t.test('verify greets a live server', async (t) => {
  const { mailer } = await setup(t)
  await t.resolves(mailer.verify())
})

t.test('unsafe headers are refused before anything is sent', async (t) => {
  const { smtp, mailer } = await setup(t)
  const unsafe: Array<[string, Partial<OutgoingMail>]> = [
    ['CR/LF in subject', { subject: 'Reminder\r\nBcc: everyone@example.org' }],
    ['LF in subject', { subject: 'Reminder\nX-Injected: yes' }],
    ['CR in from', { from: 'Ring Records <records@example.org>\rBcc: x@example.org' }],
    ['LF in to', { to: 'jose@example.org\nBcc: x@example.org' }],
    ['LF in reply-to', { replyTo: 'jose@example.org\nBcc: x@example.org' }],
    ['U+2028 in subject', { subject: 'Reminder\u2028X-Injected: yes' }],
    ['two recipients', { to: 'jose@example.org, x@example.org' }],
    ['a group', { to: 'Everyone: jose@example.org, x@example.org;' }],
    ['no address', { to: 'José Núñez' }],
    ['two reply-to addresses', { replyTo: 'jose@example.org, x@example.org' }],
    ['a bare Message-ID', { messageId: 'reminder-1@replies.example.org' }],
    ['LF in In-Reply-To', { inReplyTo: '<a@b>\nBcc: x@example.org' }],
    ['a bare In-Reply-To', { inReplyTo: 'a@b' }],
    ['a space in a reference', { references: ['<a@b>', '<c d@e>'] }],
    ['a References header', { headers: { References: '<a@b>' } }],
    ['a header value with LF', { headers: { 'X-Note': 'a\nBcc: x@example.org' } }],
    ['a header overriding a field', { headers: { Bcc: 'x@example.org' } }],
    ['an invalid header name', { headers: { 'X Note': 'a' } }],
    ['an attachment name with LF', { attachments: [{ filename: 'a\n.pdf', content: PDF, contentType: 'application/pdf' }] }],
  ]
  for (const [label, overrides] of unsafe) {
    const error = await rejection(t, mailer.send(mail(overrides)))
    t.equal(error.temporary, false, `${label}: permanent`)
    t.match(error.message, /^Refusing to send/, label)
  }
  await mailer.send(mail({ subject: 'the one safe mail' }))
  const received = await smtp.waitFor(1)
  t.same(
    received.map((m) => m.subject),
    ['the one safe mail'],
    'only the safe mail reached the server',
  )
})

t.test('nodemailer failures are classified by code and reply', async (t) => {
  const cases: Array<[string, object, boolean, number | undefined]> = [
    ['connection refused', { code: 'ECONNREFUSED' }, true, undefined],
    ['connection lost', { code: 'ECONNECTION' }, true, undefined],
    ['socket error', { code: 'ESOCKET' }, true, undefined],
    ['timeout', { code: 'ETIMEDOUT' }, true, undefined],
    ['DNS failure', { code: 'EDNS' }, true, undefined],
    ['421 at greeting', { code: 'EPROTOCOL', responseCode: 421 }, true, 421],
    ['452 insufficient storage', { code: 'EENVELOPE', responseCode: 452 }, true, 452],
    ['550 at RCPT', { code: 'EENVELOPE', responseCode: 550 }, false, 550],
    ['554 after DATA', { code: 'EMESSAGE', responseCode: 554 }, false, 554],
    ['535 bad credentials: our relay, not the recipient', { code: 'EAUTH', responseCode: 535 }, true, 535],
    ['recipient refused before sending', { code: 'EENVELOPE' }, false, undefined],
    ['message too large for the server', { code: 'EMESSAGE' }, false, undefined],
    ['unknown failure', {}, true, undefined],
  ]
  for (const [label, fields, temporary, responseCode] of cases) {
    const error = toMailDeliveryError(Object.assign(new Error(label), fields))
    t.equal(error.temporary, temporary, `${label}: temporary=${temporary}`)
    t.equal(error.responseCode, responseCode, `${label}: responseCode`)
    t.equal(error.message, label)
    t.type(error.cause, Error)
  }
  const already = new MailDeliveryError('already classified', false, 550)
  t.equal(toMailDeliveryError(already), already)
  t.equal(toMailDeliveryError('a string').message, 'a string')
})
