/**
 * Delivery reports: did a letter the service sent fail to arrive?
 *
 * Rules:
 * - A standard report (RFC 3464: `multipart/report; report-type=delivery-status`) is read field by
 *   field: the first recipient whose `Action` is `failed` makes it a failure; otherwise a `delayed`
 *   one makes it a delay; `delivered`/`relayed`/`expanded` only is a success notice. The fields are
 *   read from the `message/delivery-status` part, which mailparser puts in the text by default
 *   (and among the attachments with `keepDeliveryStatus`): both are read.
 * - A failure is `permanent` when its status (or the Diagnostic-Code's reply code) is 5.x.x / 5xx.
 *   A 4.x.x failure ("Action: failed; Status: 4.4.7", the sending server gave up retrying) is still
 *   a failure, not permanent: the letter did not arrive, but sending it again later may work.
 * - Non-standard notices (Exchange "Delivery has failed to these recipients", Gmail "Address not
 *   found", qmail "I'm afraid I wasn't able to deliver", Postfix, Yahoo, Sendmail, Exim) count
 *   only when they come from a mail system (MAILER-DAEMON, postmaster, Exchange's system sender,
 *   "Mail Delivery Subsystem", or the null return path) AND name a failure or delay in the subject
 *   or the opening text. A person's mail that merely says "undeliverable" is a reply. Exim's
 *   `X-Failed-Recipients` header alone is enough.
 * - The original Message-ID comes from the returned message (`message/rfc822`, `text/rfc822-headers`),
 *   then from original headers pasted into the text (qmail, Exchange), then from the report's own
 *   In-Reply-To/References (Gmail sets them). The ingest must fail only the outbound message whose
 *   Message-ID this names: a report naming nothing the service sent changes no delivery, so a
 *   forged report cannot fail a letter without knowing its (random) Message-ID.
 */
import type { ParsedMail } from 'mailparser'
import { contentType, fromAddress, headerValue, messageIdInHeaders } from './mail-headers.js'

export interface BounceReport {
  /** The Message-ID of the message that was not delivered, without angle brackets. */
  originalMessageId: string | null
  recipient: string | null
  /** The remote server's words (Diagnostic-Code) or the notice's, in one line. */
  reason: string
  /** 5.x.x: the address or domain is wrong, retrying cannot help. */
  permanent: boolean
}

export type DeliveryReport =
  | { outcome: 'failed' | 'delayed'; report: BounceReport }
  /** A report that is neither (a success notice, "relayed", …): automated mail that changes nothing. */
  | { outcome: 'other' }

/** Reports are short; a bound keeps a hostile multi-megabyte body cheap. */
const REPORT_TEXT_CHARS = 200_000
const MAILER_SENDER = /^(mailer-daemon|mail-daemon|mailerdaemon|postmaster|microsoftexchange[0-9a-f]{8,})@/i
const MAILER_NAME = /^(mail delivery (sub)?system|mail administrator|microsoft outlook|postmaster)$/i

const FAILURE_SUBJECT =
  /\b(undeliver(?:able|ed)|returned mail|delivery status notification \(failure\)|delivery (?:has )?failed|delivery failure|failure notice|mail delivery failed|could not be delivered|not delivered|non-?delivery)\b/i
const DELAY_SUBJECT =
  /\b(delivery status notification \(delay\)|delivery delayed|delayed mail|warning: could not send message|delivery (?:is )?delayed)\b/i
const FAILURE_TEXT = [
  /delivery has failed to these recipients/i,
  /\baddress not found\b/i,
  /i'm afraid i wasn't able to deliver/i,
  /could not be delivered to one or more recipients/i,
  /sorry, we were unable to deliver your message/i,
  /the following addresses? had permanent fatal errors/i,
  /this is a permanent error/i,
  /your message (?:wasn't|was not|couldn't be|could not be) delivered/i,
  /message could not be delivered/i,
  /delivery to the following recipients? failed/i,
]
const DELAY_TEXT = [
  /delivery to the following recipients? has been delayed/i,
  /has not yet been delivered/i,
  /could not send message for past/i,
  /(?:will|we'll) (?:continue to )?(?:retry|try again)/i,
  /message (?:temporarily )?deferred/i,
  /\bstill undelivered\b/i,
  /\bwill keep trying\b/i,
]

/** Reply codes in a notice's text: "550 5.1.1", "#550 5.1.1", "554-5.7.1", an enhanced code alone, or Yahoo's "554:". */
const REPLY_CODE =
  /(?:^|[\s#'"(])([245]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})\b|(?:^|[\s#'"(])([45]\.\d{1,3}\.\d{1,3})\b|(?:^|[\s#'"(])([45]\d\d):/m
const TROUBLE =
  /\b(?:deferred|timed out|connection refused|user unknown|unknown user|no such user|does not exist|mailbox (?:is )?(?:full|unavailable|disabled)|quota)\b/i
const EMAIL = /[A-Z0-9._%+'-]+@[A-Z0-9.-]+\.[A-Z]{2,}/i

const STATUS_MEANINGS: Record<string, string> = {
  '1.1': 'bad destination mailbox address',
  '1.2': 'bad destination system address',
  '1.10': 'recipient address has null MX',
  '2.1': 'mailbox disabled',
  '2.2': 'mailbox full',
  '3.4': 'message too big for system',
  '4.1': 'no answer from host',
  '4.7': 'delivery time expired',
  '7.1': 'delivery not authorized, message refused',
  '7.26': 'message failed sender authentication',
}

export function readDeliveryReport(mail: ParsedMail): DeliveryReport | null {
  const type = contentType(mail)
  if (type.type === 'multipart/report' && (type.params['report-type'] ?? '').toLowerCase() === 'delivery-status') {
    const standard = readStandardReport(mail)
    if (standard) return standard
  }
  return readNoticeReport(mail)
}

interface RecipientFields {
  action: string
  recipient: string | null
  status: string | null
  diagnostic: string | null
}

function readStandardReport(mail: ParsedMail): DeliveryReport | null {
  const fields = [
    ...mail.attachments
      .filter((part) => /^message\/(global-)?delivery-status$/i.test(part.contentType))
      .map((part) => part.content.subarray(0, REPORT_TEXT_CHARS).toString('utf8')),
    (mail.text ?? '').slice(0, REPORT_TEXT_CHARS),
  ].flatMap(recipientFields)
  const failed = fields.find((entry) => entry.action === 'failed')
  const delayed = fields.find((entry) => entry.action === 'delayed')
  const chosen = failed ?? delayed
  if (!chosen) return fields.length > 0 ? { outcome: 'other' } : null
  const code = chosen.status ?? replyCode(chosen.diagnostic ?? '')
  return {
    outcome: failed ? 'failed' : 'delayed',
    report: {
      originalMessageId: originalMessageId(mail),
      recipient: chosen.recipient,
      reason: oneLine(chosen.diagnostic ?? '') || describeStatus(code) || `delivery ${chosen.action}`,
      permanent: Boolean(failed) && (code === null || code.startsWith('5')),
    },
  }
}

/** The per-recipient blocks of a delivery-status body (blocks holding an Action field). */
function recipientFields(body: string): RecipientFields[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const fields = new Map<string, string>()
      for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const match = /^([A-Za-z-]+):[ \t]*(.*)$/.exec(line)
        if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim())
      }
      return fields
    })
    .filter((fields) => fields.has('action') && (fields.has('final-recipient') || fields.has('status')))
    .map((fields) => ({
      action: fields.get('action')!.toLowerCase().split(/[\s(]/)[0]!,
      recipient: typedValue(fields.get('final-recipient') ?? fields.get('original-recipient') ?? null),
      status: /^[245]\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? null,
      diagnostic: typedValue(fields.get('diagnostic-code') ?? null),
    }))
}

/** "rfc822; clerk@agency.gov" → "clerk@agency.gov"; "smtp; 550 …" → "550 …". */
function typedValue(value: string | null): string | null {
  if (value === null) return null
  const semicolon = value.indexOf(';')
  const bare = (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim().replace(/^<(.*)>$/, '$1')
  return bare === '' ? null : bare
}

function readNoticeReport(mail: ParsedMail): DeliveryReport | null {
  const failedRecipients = headerValue(mail, 'x-failed-recipients')
  const from = fromAddress(mail)
  const returnPath = headerValue(mail, 'return-path')
  const fromMailSystem =
    MAILER_SENDER.test(from.address) || MAILER_NAME.test(from.name.trim()) || (returnPath !== null && /^<\s*>$/.test(returnPath))
  if (!failedRecipients && !fromMailSystem) return null

  const subject = mail.subject ?? ''
  const opening = noticeText((mail.text ?? '').slice(0, REPORT_TEXT_CHARS))
  // A notice that says the server keeps trying is a delay even when it also says "could not be delivered".
  const delayed = failedRecipients === null && (DELAY_SUBJECT.test(subject) || DELAY_TEXT.some((pattern) => pattern.test(opening)))
  const failed = failedRecipients !== null || FAILURE_SUBJECT.test(subject) || FAILURE_TEXT.some((pattern) => pattern.test(opening))
  if (!failed && !delayed) return null
  const outcome = delayed ? 'delayed' : 'failed'

  const code = replyCode(opening)
  const own = new Set([...(mail.to ? [mail.to].flat() : [])].flatMap((to) => to.value.map((entry) => (entry.address ?? '').toLowerCase())))
  const recipient =
    failedRecipients?.split(',')[0]?.trim() ||
    opening
      .match(new RegExp(EMAIL.source, 'gi'))
      ?.find((address) => !own.has(address.toLowerCase()) && !MAILER_SENDER.test(address) && address.toLowerCase() !== from.address) ||
    null
  return {
    outcome,
    report: {
      originalMessageId: originalMessageId(mail),
      recipient,
      reason: noticeReason(opening, code, subject),
      permanent: outcome === 'failed' && (code === null || code.startsWith('5')),
    },
  }
}

/** The notice's own words: the text before the copy of the original message. */
function noticeText(text: string): string {
  const cut = text.search(
    /^\s*(?:-+ ?(?:below this line is a copy of the message|original message|this is a copy of the message)|original message headers:|-+ original message -+|-+ ?(?:the header of the )?original message(?: headers)?)/im,
  )
  return (cut >= 0 ? text.slice(0, cut) : text).slice(0, 20_000)
}

/** The line with the server's reply code, else one naming the trouble, else the notice's own sentence, else its subject. */
function noticeReason(opening: string, code: string | null, subject: string): string {
  const lines = opening.split(/\r?\n/).map((line) => line.trim())
  const found =
    lines.find((line) => REPLY_CODE.test(line) && line.length > 5) ??
    lines.find((line) => TROUBLE.test(line)) ??
    lines.find((line) => FAILURE_TEXT.some((pattern) => pattern.test(line)) || DELAY_TEXT.some((pattern) => pattern.test(line)))
  return oneLine(found ?? '') || describeStatus(code) || oneLine(subject) || 'the message could not be delivered'
}

/** The enhanced status code ("5.1.1") in a diagnostic or notice, or a basic reply code's class ("550" → "5.0.0"). */
function replyCode(text: string): string | null {
  const match = REPLY_CODE.exec(text)
  if (!match) return null
  const basic = match[1] ?? match[4]!
  return match[2] ?? match[3] ?? `${basic[0]}.0.0`
}

function describeStatus(code: string | null): string | null {
  if (!code) return null
  const meaning = STATUS_MEANINGS[code.slice(2)]
  return meaning ? `${code} (${meaning})` : code
}

function originalMessageId(mail: ParsedMail): string | null {
  for (const part of mail.attachments) {
    if (/^(message\/(rfc822|global|global-headers)|text\/rfc822-headers)$/i.test(part.contentType)) {
      const id = messageIdInHeaders(part.content.subarray(0, 256 * 1024).toString('utf8'))
      if (id) return id
    }
  }
  const pasted = /^message-id:[ \t]*<([^<>\s]{1,998})>/im.exec((mail.text ?? '').slice(0, REPORT_TEXT_CHARS))
  if (pasted) return pasted[1]!
  const inReplyTo = /<([^<>\s]{1,998})>/.exec(mail.inReplyTo ?? '')
  if (inReplyTo) return inReplyTo[1]!
  const references = [mail.references ?? []].flat()
  const last = references[references.length - 1]
  return last ? last.replace(/^<|>$/g, '') : null
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500)
}
