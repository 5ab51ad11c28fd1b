import { createTransport } from 'nodemailer'
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js'
import { assertSafeHeaders, MailDeliveryError, type Mailer, type OutgoingMail } from './mailer.js'

export interface SmtpMailerOptions {
  /** Milliseconds to open the connection and to receive the server's greeting. Default 10 s. */
  connectionTimeoutMs?: number
  /** Milliseconds of silence on an open connection before giving up. Default 30 s. */
  socketTimeoutMs?: number
}

export const SMTP_DEFAULT_TIMEOUTS = { connectionTimeoutMs: 10_000, socketTimeoutMs: 30_000 } as const

/**
 * Failures that say nothing about the message or its recipient: the relay is down, unreachable,
 * misconfigured or slow. Sending the same mail later may work, so they are temporary even when the
 * server answered 5xx (a 535 to AUTH is our credentials, not the recipient's mailbox).
 */
const RELAY_PROBLEMS = new Set(['EAUTH', 'ENOAUTH', 'ETLS', 'EREQUIRETLS'])

/**
 * Failures nodemailer raises before the server judged the mail (an invalid address, an oversized
 * message, an unreadable attachment): the same mail fails the same way every time.
 */
const MESSAGE_PROBLEMS = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM', 'EFILEACCESS', 'EURLACCESS', 'ECONFIG'])

interface NodemailerError {
  message?: unknown
  code?: unknown
  responseCode?: unknown
}

/**
 * Temporary: connection errors (ECONNREFUSED, ECONNECTION, ESOCKET, ETIMEDOUT, EDNS…), timeouts, 4xx
 * answers and relay problems. Permanent: 5xx answers (550 mailbox unavailable, 553 address rejected…)
 * and mails nodemailer refuses to send. Unknown failures count as temporary: retries are bounded by
 * the caller, and a permanent failure tells the requester their letter bounced.
 */
export function toMailDeliveryError(error: unknown): MailDeliveryError {
  if (error instanceof MailDeliveryError) return error
  const { message, code, responseCode } = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError
  const text = typeof message === 'string' && message !== '' ? message : String(error)
  const reply = typeof responseCode === 'number' && responseCode >= 200 && responseCode < 600 ? responseCode : undefined
  let temporary: boolean
  if (typeof code === 'string' && RELAY_PROBLEMS.has(code)) temporary = true
  else if (reply !== undefined) temporary = reply < 500
  else temporary = !(typeof code === 'string' && MESSAGE_PROBLEMS.has(code))
  return new MailDeliveryError(text, temporary, reply, { cause: error })
}

/**
 * A pooled SMTP mailer for `smtp://` or `smtps://` URLs (credentials and nodemailer options such as
 * `?tls.rejectUnauthorized=false` may be part of the URL). Timeouts are short so a stuck relay
 * fails a send within seconds and the delivery is retried, instead of holding a worker.
 */
export function createSmtpMailer(smtpUrl: string, options: SmtpMailerOptions = {}): Mailer {
  const connectionTimeout = options.connectionTimeoutMs ?? SMTP_DEFAULT_TIMEOUTS.connectionTimeoutMs
  const socketTimeout = options.socketTimeoutMs ?? SMTP_DEFAULT_TIMEOUTS.socketTimeoutMs
  const transport = createTransport({
    ...parseConnectionUrl(smtpUrl),
    pool: true,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    dnsTimeout: connectionTimeout,
    socketTimeout,
    // Attachments are Buffers; nothing should make the worker read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  })

  return {
    async send(mail: OutgoingMail) {
      assertSafeHeaders(mail)
      try {
        const info = await transport.sendMail({
          messageId: mail.messageId,
          from: mail.from,
          ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
          ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
          ...(mail.references === undefined || mail.references.length === 0 ? {} : { references: mail.references }),
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html === undefined ? {} : { html: mail.html }),
          attachments: (mail.attachments ?? []).map(({ filename, content, contentType }) => ({ filename, content, contentType })),
          headers: { ...mail.headers },
        })
        return { messageId: info.messageId, response: info.response }
      } catch (error) {
        throw toMailDeliveryError(error)
      }
    },
    async verify() {
      try {
        await transport.verify()
      } catch (error) {
        throw toMailDeliveryError(error)
      }
    },
    close() {
      transport.close()
    },
  }
}
