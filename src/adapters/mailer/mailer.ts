import addressparser from 'nodemailer/lib/addressparser/index.js'

/** One email, ready to send. Values are plain strings; the mailer encodes them (RFC 2047, MIME). */
export interface OutgoingMail {
  /**
   * Set as the Message-ID header, e.g. "<reminder-<uuid>@replies.example.org>". Derived from the
   * delivery's id, so every retry of one delivery carries the same id and a recipient (or a
   * deduplicating relay) can recognise a resend.
   */
  messageId: string
  /** "Name <addr>" or "addr". */
  from: string
  replyTo?: string
  /** The Message-ID this mail answers, "<id@domain>" (an email in a thread). */
  inReplyTo?: string
  /** The thread's Message-IDs, oldest first, each "<id@domain>". */
  references?: string[]
  /** Exactly one recipient, "Name <addr>" or "addr": one delivery is one recipient's email. */
  to: string
  subject: string
  text: string
  html?: string
  attachments?: MailAttachment[]
  /** Extra headers, e.g. { 'Auto-Submitted': 'auto-generated' }; not the ones the fields above set. */
  headers?: Record<string, string>
}

export interface MailAttachment {
  filename: string
  content: Buffer
  contentType: string
}

export interface SentMail {
  /** The Message-ID the mail was sent with. */
  messageId: string
  /** The server's final answer, e.g. "250 2.0.0 Ok: queued as 4F2A1". */
  response: string
}

/** The only way the service sends email; SMTP stays behind it (see smtp-mailer.ts). */
export interface Mailer {
  /** Resolves once the server has accepted the message; throws MailDeliveryError otherwise. */
  send(mail: OutgoingMail): Promise<SentMail>
  /** Connects and greets the server (and authenticates, if the URL has credentials). */
  verify(): Promise<void>
  close(): void
}

/**
 * A mail that was not accepted. `temporary` says whether sending the same mail again later may
 * succeed (connection trouble, timeouts, 4xx answers) or not (5xx answers, a malformed mail):
 * callers retry the first kind and report the second to the requester.
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError'
  constructor(
    message: string,
    readonly temporary: boolean,
    /** The SMTP reply code, when the server answered (451, 550…). */
    readonly responseCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

// Headers the mailer writes from OutgoingMail's fields (or itself); `headers` may not override them.
const RESERVED_HEADERS = new Set([
  'bcc',
  'cc',
  'content-transfer-encoding',
  'content-type',
  'date',
  'from',
  'in-reply-to',
  'message-id',
  'mime-version',
  'references',
  'reply-to',
  'sender',
  'subject',
  'to',
])

// RFC 5322 §3.6.8: printable US-ASCII except the colon.
const HEADER_NAME = /^[!-9;-~]+$/
// RFC 5322 §3.6.4: "<" id-left "@" id-right ">", no spaces or brackets inside.
const MESSAGE_ID = /^<[^<>@\s]+@[^<>@\s]+>$/
// CR, LF and NUL split or end a header line; U+2028/2029 are line breaks to some parsers.
const LINE_BREAK = /[\r\n\0\u2028\u2029]/

/**
 * One plain address, with or without a display name. A second recipient could be accepted while the
 * first is rejected, and a retry would then send the accepted one a duplicate.
 */
function isSingleAddress(value: string): boolean {
  const parsed = addressparser(value)
  const [only] = parsed
  return parsed.length === 1 && only !== undefined && 'address' in only && /^[^@\s]+@[^@\s]+$/.test(only.address)
}

function refuse(message: string): MailDeliveryError {
  return new MailDeliveryError(message, false)
}

/**
 * Refuses a mail whose header values could inject headers or recipients. Nodemailer encodes most
 * values, but a line break in a subject or address is always a bug upstream, so it never reaches
 * the wire. Throws a permanent MailDeliveryError: sending the same mail again cannot succeed.
 */
export function assertSafeHeaders(mail: OutgoingMail): void {
  const fields: Array<[string, string | undefined]> = [
    ['messageId', mail.messageId],
    ['from', mail.from],
    ['replyTo', mail.replyTo],
    ['to', mail.to],
    ['subject', mail.subject],
  ]
  for (const [field, value] of fields) {
    if (value !== undefined && LINE_BREAK.test(value)) throw refuse(`Refusing to send: ${field} contains a line break`)
  }
  for (const [field, id] of [
    ['messageId', mail.messageId],
    ['inReplyTo', mail.inReplyTo],
    ...(mail.references ?? []).map((reference) => ['references', reference] as const),
  ] as const) {
    if (id !== undefined && !MESSAGE_ID.test(id))
      throw refuse(`Refusing to send: ${field} must look like <id@domain>, got ${JSON.stringify(id)}`)
  }
  for (const [field, value] of [
    ['from', mail.from],
    ['to', mail.to],
  ] as const) {
    if (!isSingleAddress(value)) throw refuse(`Refusing to send: ${field} must be exactly one address, got ${JSON.stringify(value)}`)
  }
  if (mail.replyTo !== undefined && !isSingleAddress(mail.replyTo)) {
    throw refuse(`Refusing to send: replyTo must be exactly one address, got ${JSON.stringify(mail.replyTo)}`)
  }
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw refuse(`Refusing to send: invalid header name ${JSON.stringify(name)}`)
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw refuse(`Refusing to send: header ${name} is set from the mail's fields`)
    if (LINE_BREAK.test(value)) throw refuse(`Refusing to send: header ${name} contains a line break`)
  }
  for (const attachment of mail.attachments ?? []) {
    if (LINE_BREAK.test(attachment.filename) || LINE_BREAK.test(attachment.contentType)) {
      throw refuse('Refusing to send: an attachment name or type contains a line break')
    }
  }
}
