import { simpleParser } from 'mailparser'
import t from 'tap'
import { classifyInbound } from '../../../src/modules/correspondence/classify.js'

const parse = (raw: string) => simpleParser(Buffer.from(raw.replace(/\n/g, '\r\n')), { keepDeliveryStatus: true })

t.test('a plain answer is a reply', async (t) => {
  t.same(classifyInbound(await parse('From: clerk@agency.example\nSubject: Re: request\n\nHere are the records.\n')), { kind: 'reply' })
  t.same(classifyInbound(await parse('From: a@b.example\nAuto-Submitted: no\nSubject: x\n\nhello\n')), { kind: 'reply' })
})

t.test('Auto-Submitted other than "no" is an auto-reply', async (t) => {
  t.same(classifyInbound(await parse('From: a@b.example\nAuto-Submitted: auto-replied\nSubject: Out of office\n\naway\n')), {
    kind: 'auto_reply',
  })
})

t.test('a delivery status report is a bounce, with the returned Message-ID, recipient and reason', async (t) => {
  const raw = `From: MAILER-DAEMON@agency.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The mail system could not deliver your message.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.agency.example

Final-Recipient: rfc822; records@agency.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown
--b
Content-Type: text/rfc822-headers

Message-ID: <delivery-1@replies.records.test>
Subject: Public records request
--b--
`
  t.same(classifyInbound(await parse(raw)), {
    kind: 'bounce',
    bounce: {
      originalMessageId: 'delivery-1@replies.records.test',
      recipient: 'records@agency.example',
      reason: '550 5.1.1 User unknown',
      permanent: true,
    },
  })
})
