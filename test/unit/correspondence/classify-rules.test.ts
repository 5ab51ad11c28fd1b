import { simpleParser } from 'mailparser'
import t from 'tap'
import { autoReplyKind } from '../../../src/modules/correspondence/auto-reply.js'
import { readDeliveryReport } from '../../../src/modules/correspondence/bounce.js'
import { classifyInbound } from '../../../src/modules/correspondence/classify.js'
import { authoredText } from '../../../src/modules/correspondence/quoted-text.js'
import { suggestStatus } from '../../../src/modules/correspondence/status-suggestion.js'
import { findTrackingNumber } from '../../../src/modules/correspondence/tracking-number.js'

const REQUEST_ADDRESS = 'request-8f3k2@reply.ringrecords.org'

/** A raw message from its extra headers and body, parsed the way the ingest parses. */
function parse(headers: string, body: string, options: Parameters<typeof simpleParser>[1] = {}) {
  const base = [
    'From: Records <records@riverton-ca.example>',
    `To: ${REQUEST_ADDRESS}`,
    'Subject: Re: Public records request [RR-8F3K2]',
    'Message-ID: <reply.1@riverton-ca.example>',
    'MIME-Version: 1.0',
  ]
  const extra = headers.trim() === '' ? [] : headers.trim().split('\n')
  const names = new Set(extra.map((line) => line.split(':')[0]!.toLowerCase()))
  const lines = [...base.filter((line) => !names.has(line.split(':')[0]!.toLowerCase())), ...extra]
  if (!names.has('content-type')) lines.push('Content-Type: text/plain; charset=utf-8')
  return simpleParser(Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}`), options)
}

t.test('quoted text: the sender’s own words only', async (t) => {
  t.equal(authoredText('Thanks.\n> If you deny any part of this request\n>> fees up to $50'), 'Thanks.')
  t.equal(
    authoredText('Received.\n\nOn Tue, Nov 25, 2026 at 9:14 AM Jane Doe <\nrequest@x.example> wrote:\nDear Records Officer'),
    'Received.',
  )
  t.equal(authoredText('Noted.\nOn Tuesday Jane Doe wrote:\n> text'), 'Noted.')
  t.equal(
    authoredText(
      'See below.\n\nFrom: Jane Doe <a@b.example>\nSent: Tuesday, November 25, 2026 9:14 AM\nTo: Records\nSubject: request\n\nI request',
    ),
    'See below.',
  )
  t.equal(authoredText('Answer.\n-----Original Message-----\nFrom: x\nplease clarify'), 'Answer.')
  t.equal(authoredText('*From:* Jane\n*Sent:* Monday\n*To:* Records\nbody').trim(), '', 'bold Outlook headers from HTML')
  t.equal(
    authoredText('From: the Records Unit, a reply.\nWe will write again.'),
    'From: the Records Unit, a reply.\nWe will write again.',
    'a From: line without Sent/To is text',
  )
  t.equal(
    authoredText('On the 2nd we will release the records.'),
    'On the 2nd we will release the records.',
    'an "On …" sentence without "wrote:"',
  )
  t.equal(
    authoredText('I will check.\n\nCONFIDENTIALITY NOTICE: This e-mail may contain information exempt from disclosure under law.'),
    'I will check.',
  )
  t.equal(
    authoredText('No records.\n\nUnder Florida law, e-mail addresses are public records. If you do not want your e-mail address released…'),
    'No records.',
  )
  t.match(
    authoredText('FYI\n---------- Forwarded message ---------\nFrom: Sgt. Lee\nAttached are the records.'),
    /Attached are the records/,
    'a forward is kept',
  )
})

t.test('tracking numbers: labelled or in GovQA’s shape', async (t) => {
  const cases: [string, string | null][] = [
    ['Given the reference number W012345-112526 for tracking purposes.', 'W012345-112526'],
    ['Reference # P123 has been assigned.', 'P123'],
    ['Request #24-1234 has been received.', '24-1234'],
    ['Your request number is R000123-010226.', 'R000123-010226'],
    ['GovQA reference: GQ-2026-0042', 'GQ-2026-0042'],
    ['Tracking number: ABC-123.', 'ABC-123'],
    ['Your FOIA Request No. 2026-FOI-00123 is in process.', '2026-FOI-00123'],
    ['Public Records Request #PRR-7781 received', 'PRR-7781'],
    ['Request ID: 2026-SO-0456', '2026-SO-0456'],
    ['Request 26-1187 has been submitted', '26-1187'],
    ['Confirmation number 884120.', '884120'],
    // negatives
    ['Please call (707) 555-0142 or 707-555-0110.', null],
    ['Reference #: 707-555-0110', null],
    ['Request No. 2026-12-01', null],
    ['Your request dated 12/01/2026 was received.', null],
    ['The request fee is $25.00.', null],
    ['455 7th Street, Riverton, CA 95470-1234', null],
    ['In reference to your request of November 25, 2026.', null],
    ['Case # 24-001234 is closed.', null],
    ['Reference: RR-8F3K2', null],
    ['Request #: to be assigned', null],
    ['Request 2026 is complete', null],
  ]
  for (const [text, expected] of cases) t.equal(findTrackingNumber(text, ''), expected, text)
  t.equal(findTrackingNumber('', 'Public Records Request :: W012345-112526'), 'W012345-112526', 'from the subject')
  t.equal(findTrackingNumber('Reference # P-77', 'Request #24-1234'), 'P-77', 'the text before the subject')
  t.equal(findTrackingNumber('', 'Public records request [RR-8F3K2]'), null, 'never the service’s own reference')
})

t.test('status suggestions: each rule', async (t) => {
  const cases: [string, string | undefined, string?][] = [
    ['We have received your request and will respond within 10 days.', 'acknowledged'],
    ['Your public records request has been received.', 'acknowledged'],
    ['Your request was assigned reference number P-12.', 'acknowledged'],
    ['This office is in receipt of your request.', 'acknowledged'],
    ['This letter acknowledges receipt of your request.', 'acknowledged'],
    ['The fee for copies is $25.00, payable to the City.', 'fee_requested', '25.00'],
    ['The estimated cost of $1,250 must be paid before we begin.', 'fee_requested', '1250.00'],
    ['A deposit of 50% is required before work begins.', 'fee_requested'],
    ['Copies are $0.10 per page, for a total of $18.40.', 'fee_requested', '18.40'],
    ['Could you please clarify which agreement you mean?', 'clarification_requested'],
    ['Please clarify the date range.', 'clarification_requested'],
    ['Could you narrow the request to 2025?', 'clarification_requested'],
    ['Please be more specific about the incident.', 'clarification_requested'],
    ['Attached are the records you requested.', 'fulfilled'],
    ['The responsive records are attached.', 'fulfilled'],
    ['Please find attached.', 'fulfilled'],
    ['Your records are available for download in the portal.', 'fulfilled'],
    ['Portions have been redacted under section 7923.600.', 'partial_release'],
    ['The log is withheld in part.', 'partial_release'],
    ['Attached are the records; personal addresses were redacted.', 'partial_release'],
    ['Attached are the responsive records. Item 2 is denied.', 'partial_release'],
    ['Attached are the records for item 1. There are no responsive records for item 2.', 'partial_release'],
    ['Your request is denied.', 'rejected'],
    ['The records are exempt from disclosure under section 7923.600.', 'rejected'],
    ['We are unable to provide the footage.', 'rejected'],
    ['Please find attached our letter. Your request is denied.', 'rejected'],
    ['There are no responsive records.', 'no_records'],
    ['We found no records responsive to your request.', 'no_records'],
    ['No responsive records exist. To the extent this is deemed a denial, it is denied.', 'no_records'],
    ['We have received your request. The estimated cost is $40.00.', 'fee_requested', '40.00'],
    ['As written your request is denied; could you narrow it to one month?', 'clarification_requested'],
    ['Please find attached the invoice for $12.50.', 'fee_requested', '12.50'],
    // negatives
    ['Attached are the records. The $12.00 fee has been waived.', 'fulfilled'],
    ['Thank you for your payment of $25.00.', undefined],
    ['There is no charge for electronic records.', undefined],
    ['I will check with IT and write back next week.', undefined],
    ['Our office is closed on 12/25. Call (707) 555-0142.', undefined],
    ['We received your email.', undefined],
  ]
  for (const [text, event, feeAmount] of cases) {
    const suggestion = suggestStatus(text)
    t.equal(suggestion.event, event, text)
    t.equal(suggestion.feeAmount, feeAmount, `${text} (amount)`)
  }
})

t.test('automated mail: which headers count', async (t) => {
  const kind = async (headers: string) => autoReplyKind(await parse(headers, 'Hello.'))
  t.equal(await kind(''), null)
  t.equal(await kind('Auto-Submitted: no'), null, 'Auto-Submitted: no is a person')
  t.equal(await kind('Auto-Submitted: auto-replied'), 'responder')
  t.equal(await kind('Auto-Submitted: auto-generated'), 'generated')
  t.equal(await kind('Auto-Submitted: auto-notified; owner-email="x@y.example"'), 'generated')
  t.equal(await kind('X-Autoreply: yes'), 'responder')
  t.equal(await kind('X-Autorespond: Out of office'), 'responder')
  t.equal(await kind('Precedence: auto_reply'), 'responder')
  t.equal(await kind('Precedence: bulk'), 'generated')
  t.equal(await kind('Precedence: junk'), 'generated')
  t.equal(await kind('X-Auto-Response-Suppress: All'), null, 'a request to others, set on ordinary mail')
  t.equal(await kind('X-MS-Exchange-Inbox-Rules-Loop: clerk@riverton-ca.example'), null, 'also set on forwarded mail')
  t.equal(await kind('From: City <noreply@riverton-ca.example>'), 'generated')
  t.equal(await kind('From: Riverton PD <rivertonpd@mycusthelp.net>'), 'generated')
  t.equal(await kind('Return-Path: <>'), 'generated')
  for (const subject of [
    'Automatic reply: Re: request',
    'Out of Office: request',
    'Auto: request',
    'Autoreply: request',
    'Out of the office',
  ]) {
    t.equal(await kind(`Subject: ${subject}`), 'responder', subject)
  }
  t.equal(await kind('Subject: Re: our office hours'), null)
})

const DSN_HEADERS = (boundary: string) =>
  [
    'From: Mail Delivery System <MAILER-DAEMON@mail.ringrecords.org>',
    'Subject: Undelivered Mail Returned to Sender',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ].join('\n')

function dsn(recipients: string, original = 'Message-ID: <letter.1@reply.ringrecords.org>\nSubject: x\n') {
  return [
    '--b',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.ringrecords.org',
    '',
    recipients,
    '--b',
    'Content-Type: text/rfc822-headers',
    '',
    original,
    '--b--',
    '',
  ].join('\n')
}

t.test('delivery reports (RFC 3464)', async (t) => {
  const failed =
    'Final-Recipient: rfc822; clerk@agency.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown'
  for (const options of [{}, { keepDeliveryStatus: true }]) {
    const result = classifyInbound(await parse(DSN_HEADERS('b'), dsn(failed), options))
    t.same(
      result,
      {
        kind: 'bounce',
        bounce: {
          originalMessageId: 'letter.1@reply.ringrecords.org',
          recipient: 'clerk@agency.example',
          reason: '550 5.1.1 User unknown',
          permanent: true,
        },
      },
      `read with ${JSON.stringify(options)}`,
    )
  }

  const mixed = [
    'Final-Recipient: rfc822; ok@agency.example\nAction: delivered\nStatus: 2.0.0',
    'Final-Recipient: rfc822; slow@agency.example\nAction: delayed\nStatus: 4.4.1',
    'Final-Recipient: rfc822; gone@agency.example\nAction: failed\nStatus: 5.1.2',
  ].join('\n\n')
  const report = await readDeliveryReport(await parse(DSN_HEADERS('b'), dsn(mixed)))
  t.match(
    report,
    {
      outcome: 'failed',
      report: { recipient: 'gone@agency.example', reason: /5\.1\.2 \(bad destination system address\)/, permanent: true },
    },
    'the failed recipient wins, its status explained',
  )

  const gaveUp =
    'Final-Recipient: rfc822; slow@agency.example\nAction: failed\nStatus: 4.4.7\nDiagnostic-Code: X-Postfix; delivery time expired'
  t.match(
    classifyInbound(await parse(DSN_HEADERS('b'), dsn(gaveUp))),
    { kind: 'bounce', bounce: { permanent: false } },
    'a 4.x.x failure: failed, not permanent',
  )

  const noStatus = 'Final-Recipient: rfc822; x@agency.example\nAction: failed\nDiagnostic-Code: smtp; 554 rejected'
  t.match(
    classifyInbound(await parse(DSN_HEADERS('b'), dsn(noStatus))),
    { kind: 'bounce', bounce: { permanent: true, reason: '554 rejected' } },
    'the code read from the diagnostic',
  )

  const delayed = 'Final-Recipient: rfc822; slow@agency.example\nAction: delayed\nStatus: 4.4.1\nWill-Retry-Until: Sun, 30 Nov 2026'
  t.match(
    classifyInbound(await parse(DSN_HEADERS('b'), dsn(delayed))),
    { kind: 'auto_reply', bounce: { recipient: 'slow@agency.example', permanent: false, reason: '4.4.1 (no answer from host)' } },
    'a delay is not a failure',
  )

  const delivered = 'Final-Recipient: rfc822; ok@agency.example\nAction: delivered\nStatus: 2.0.0'
  t.same(classifyInbound(await parse(DSN_HEADERS('b'), dsn(delivered))), { kind: 'auto_reply' }, 'a success notice changes nothing')

  const noOriginal = await parse(DSN_HEADERS('b'), dsn(failed, 'Subject: headers without an id\n'))
  t.equal(classifyInbound(noOriginal).bounce?.originalMessageId, null, 'no Message-ID returned: null, the ingest fails no delivery')
})

t.test('non-standard failure notices need a mail system as sender', async (t) => {
  const qmail = [
    'Hi. This is the qmail-send program at mail.agency.example.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    'This is a permanent error; I have given up.',
    '',
    '<clerk@agency.example>:',
    'Remote host said: 550 5.1.1 User unknown',
    '',
    '--- Below this line is a copy of the message.',
    '',
    'Message-ID: <letter.2@reply.ringrecords.org>',
  ].join('\n')
  t.match(classifyInbound(await parse('From: MAILER-DAEMON@mail.agency.example\nSubject: failure notice', qmail)), {
    kind: 'bounce',
    bounce: {
      recipient: 'clerk@agency.example',
      originalMessageId: 'letter.2@reply.ringrecords.org',
      permanent: true,
      reason: /550 5\.1\.1/,
    },
  })
  t.match(
    classifyInbound(await parse('From: Clerk <clerk@agency.example>\nSubject: Undeliverable: request', qmail)),
    { kind: 'reply' },
    'the same words from a person are a reply',
  )
  t.match(
    classifyInbound(
      await parse(
        'From: Mail Delivery Subsystem <robot@mx.agency.example>\nSubject: Delivery Status Notification (Delay)',
        'Delivery to the following recipient has been delayed:\n\n clerk@agency.example\n\nWe will retry.',
      ),
    ),
    { kind: 'auto_reply', bounce: { permanent: false, recipient: 'clerk@agency.example' } },
    'a notice that the server keeps trying is a delay',
  )
  t.match(
    classifyInbound(
      await parse(
        'From: someone@relay.example\nX-Failed-Recipients: clerk@agency.example\nSubject: Mail delivery failed',
        'A message that you sent could not be delivered.\n 451 4.3.0 temporary',
      ),
    ),
    { kind: 'bounce', bounce: { recipient: 'clerk@agency.example', permanent: false } },
    'Exim’s X-Failed-Recipients is enough; a 4xx code is not permanent',
  )
  t.match(
    classifyInbound(
      await parse(
        'From: postmaster@agency.example\nSubject: Message not delivered\nIn-Reply-To: <letter.3@reply.ringrecords.org>',
        'Your message was not delivered.',
      ),
    ),
    {
      kind: 'bounce',
      bounce: { originalMessageId: 'letter.3@reply.ringrecords.org', recipient: null, reason: 'Your message was not delivered.' },
    },
    'the original named by In-Reply-To when nothing else names it',
  )
  t.match(
    classifyInbound(await parse('From: MAILER-DAEMON@mail.agency.example\nSubject: Weekly queue summary', 'All messages delivered.')),
    { kind: 'auto_reply' },
    'a mail system’s other mail is automated, not a bounce',
  )
})

t.test('suggestions by kind of mail', async (t) => {
  const receipt = 'Your request has been received and assigned reference number P-55.'
  t.same(classifyInbound(await parse('Auto-Submitted: auto-replied', receipt)), {
    kind: 'auto_reply',
    suggestion: { event: 'acknowledged', trackingNumber: 'P-55' },
  })
  t.same(
    classifyInbound(await parse('Subject: Automatic reply: request', 'I am out of the office. Your request has been received.')),
    { kind: 'auto_reply' },
    'an out-of-office note suggests nothing',
  )
  t.same(
    classifyInbound(await parse('X-Autoreply: yes', 'Attached are the records. Reference # P-56.')),
    { kind: 'auto_reply', suggestion: { trackingNumber: 'P-56' } },
    'an autoresponder never suggests more than an acknowledgement',
  )
  t.same(
    classifyInbound(
      await parse('From: Riverton PD <rivertonpd@mycusthelp.net>', 'An invoice for request W000777-120126: amount due $12.00.'),
    ),
    { kind: 'auto_reply', suggestion: { event: 'fee_requested', feeAmount: '12.00', trackingNumber: 'W000777-120126' } },
    'a records portal’s notice gets every suggestion',
  )
  t.same(
    classifyInbound(
      await parse(
        '',
        'Thanks, we will look into it.\n\nOn Tue, Nov 25, 2026 Jane Doe wrote:\n> If you deny any part of this request, please cite\n> I agree to pay fees up to $50.00; please clarify',
      ),
    ),
    { kind: 'reply' },
    'the quoted letter triggers nothing',
  )
})

t.test('hostile input stays cheap', async (t) => {
  const bodies = [
    'Reference # '.repeat(200_000),
    `On ${'x '.repeat(500_000)}`,
    '>'.repeat(1_000_000),
    '$1,'.repeat(300_000),
    `${'From: a\n'.repeat(100_000)}`,
    'Action: failed\n'.repeat(100_000),
  ]
  for (const body of bodies) {
    const mail = await parse('From: MAILER-DAEMON@mail.agency.example\nSubject: failure notice', body)
    const started = performance.now()
    classifyInbound(mail)
    const elapsed = performance.now() - started
    t.ok(elapsed < 1500, `${body.slice(0, 12)}… classified in ${elapsed.toFixed(0)} ms`)
  }
})
