import type { AddressInfo } from 'node:net'
import { Transform, type TransformCallback } from 'node:stream'
import type { Logger } from 'pino'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { type AcceptInbound, type InboundEnvelope, InboundTooLargeError } from './inbound-door.js'
import { isReplyDomainAddress } from './reply-domain.js'

export interface SmtpDoorOptions {
  accept: AcceptInbound
  logger: Logger
  /** Any local part at this domain is taken; every other domain is refused at RCPT. */
  replyDomain: string
  /** Largest message, in bytes: advertised as SIZE and counted while the data streams in. */
  maxBytes: number
  maxClients: number
  /** PEM certificate and key for STARTTLS; without them STARTTLS is not offered. */
  tls?: { cert: Buffer; key: Buffer } | null
  /** Host name in the greeting and EHLO answer (default: the machine's). */
  name?: string
  /** An idle client is dropped after this long (RFC 5321 section 4.5.3.2 asks servers for 5 minutes). */
  socketTimeoutMs?: number
  /** On close, connections still open after this long are cut (in-flight DATA is awaited up to then). */
  closeTimeoutMs?: number
}

export interface SmtpDoor {
  listen(port: number, host: string): Promise<AddressInfo>
  /** Stops taking connections, lets each message in flight finish (up to closeTimeoutMs), then resolves. */
  close(): Promise<void>
}

// RFC 5321 section 4.5.3.1.8: a server must take at least 100 recipients per message.
const MAX_RECIPIENTS = 100

/**
 * The SMTP front door: the domain's MX (or a relay in front of it) delivers here. It answers 250
 * only once AcceptInbound has stored the message durably; on any failure of ours it answers 451
 * so the sending server keeps the message and retries (it never says 250 and then loses it). It
 * takes mail only for REPLY_DOMAIN and refuses every other domain at RCPT with 550, so it relays
 * nothing and never has to send a bounce of its own. No AUTH: nobody submits mail here.
 */
export function createSmtpDoor(options: SmtpDoorOptions): SmtpDoor {
  const { accept, logger, replyDomain, maxBytes } = options
  const inFlight = new Set<Promise<void>>()

  const server = new SMTPServer({
    name: options.name,
    banner: 'Ring Records inbound mail',
    logger: false,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    size: maxBytes,
    maxClients: options.maxClients,
    maxRecipients: MAX_RECIPIENTS,
    socketTimeout: options.socketTimeoutMs ?? 5 * 60_000,
    closeTimeout: options.closeTimeoutMs ?? 20_000,
    // No DNS lookups of the client: nothing here depends on its name.
    disableReverseLookup: true,
    onRcptTo(address, _session, callback) {
      if (isReplyDomainAddress(address.address, replyDomain)) return callback()
      callback(smtpError(550, `5.7.1 Relaying denied: this server takes mail for @${replyDomain} only`))
    },
    onData(stream, session, callback) {
      const work = receive(stream, session).then(
        () => callback(null, '2.0.0 Message accepted'),
        (error: unknown) => callback(error as Error),
      )
      inFlight.add(work)
      void work.finally(() => inFlight.delete(work))
    },
  })
  // Connection-level errors (a reset, a failed TLS handshake) end that connection only.
  server.on('error', (error) => logger.debug({ err: error }, 'smtp connection error'))

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const limit = new ByteLimit(maxBytes)
    // A client gone mid-message: smtp-server destroys the stream with an error (only when someone
    // listens for it), and the acceptor then fails and keeps nothing of the partial message.
    stream.once('error', (error) => limit.destroy(error))
    // The acceptor sees the limit's failure through its own reading; this listener only keeps an
    // error raised before it starts reading from being unhandled.
    limit.on('error', () => {})
    stream.pipe(limit)
    try {
      const accepted = await accept(limit, envelopeOf(session))
      logger.info({ id: accepted.id, duplicate: accepted.duplicate, bytes: limit.bytes, via: 'smtp' }, 'inbound message accepted')
    } catch (error) {
      // The rest of the message must still be read before the answer (smtp-server waits for its end).
      stream.unpipe(limit)
      stream.resume()
      if (limit.exceeded || error instanceof InboundTooLargeError) {
        throw smtpError(552, `5.3.4 Message exceeds the size limit of ${maxBytes} bytes`)
      }
      logger.error({ err: error, via: 'smtp' }, 'inbound message not stored; answered 451 so the sender retries')
      throw smtpError(451, '4.3.0 Temporary failure, please try again later')
    }
  }

  return {
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        const failed = (error: Error) => reject(error)
        server.server.once('error', failed)
        server.listen(port, host, () => {
          server.server.off('error', failed)
          resolve()
        })
      })
      return server.server.address() as AddressInfo
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await Promise.allSettled([...inFlight])
    },
  }
}

function envelopeOf(session: SMTPServerSession): InboundEnvelope {
  const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address
  return {
    via: 'smtp',
    // The null sender <> of bounces and auto-replies.
    mailFrom: mailFrom || null,
    rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    remoteAddress: session.remoteAddress || null,
  }
}

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode })
}

/** Passes bytes on until there are more than `maxBytes`, then fails, so nothing beyond the limit is stored. */
class ByteLimit extends Transform {
  bytes = 0
  exceeded = false

  constructor(private readonly maxBytes: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.maxBytes) {
      this.exceeded = true
      done(new InboundTooLargeError(this.maxBytes))
      return
    }
    done(null, chunk)
  }
}
