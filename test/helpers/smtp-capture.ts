// A real SMTP server in the test process: the mailer talks SMTP to it and tests read what arrived.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { type AddressObject, simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export interface CapturedAddress {
  name: string
  address: string
}

export interface CapturedAttachment {
  filename: string | undefined
  contentType: string
  size: number
  content: Buffer
}

export interface CapturedMail {
  /** MAIL FROM and RCPT TO, as the client sent them. */
  envelope: { from: string | null; to: string[] }
  /** With the angle brackets, as in the header. */
  messageId: string | undefined
  from: CapturedAddress[]
  to: CapturedAddress[]
  replyTo: CapturedAddress[]
  subject: string | undefined
  text: string | undefined
  html: string | null
  attachments: CapturedAttachment[]
  /** Lower-case header name → the first such header's value, unfolded but not MIME-decoded. */
  headers: Record<string, string>
  /** The message as it arrived, headers and body. */
  raw: string
}

/**
 * An SMTP answer the server gives instead of accepting. `stage` says when: to the recipient
 * (`rcpt`, RCPT TO) or after the message data (`data`, the default).
 */
export interface SmtpFailure {
  code: number
  message: string
  stage?: 'rcpt' | 'data'
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:<port> */
  url: string
  /** Messages accepted so far, in order. Only a completed DATA counts. */
  messages: CapturedMail[]
  /** Resolves once `count` messages were accepted (a copy of the list); rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>
  setFailure(failure: SmtpFailure | null): void
  /** Milliseconds the server holds a fully received message before answering its DATA. */
  setDataDelay(ms: number): void
  /** Resolves once a message has been received in full and is being held (see setDataDelay). */
  waitForHeld(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface SmtpCaptureOptions {
  failWith?: SmtpFailure | null
  delayDataMs?: number
}

function smtpError(failure: SmtpFailure): Error & { responseCode: number } {
  return Object.assign(new Error(failure.message), { responseCode: failure.code })
}

function addresses(value: AddressObject | AddressObject[] | undefined): CapturedAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value]
  return objects.flatMap((object) => object.value.map((entry) => ({ name: entry.name, address: entry.address ?? '' })))
}

function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const { key, line } of lines) {
    if (key in headers) continue
    const colon = line.indexOf(':')
    headers[key] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim()
  }
  return headers
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

async function capture(raw: Buffer, session: SMTPServerSession): Promise<CapturedMail> {
  const parsed = await simpleParser(raw)
  return {
    envelope: {
      from: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    },
    messageId: parsed.messageId,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html === false ? null : (parsed.html ?? null),
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      content: attachment.content,
    })),
    headers: headerMap(parsed.headerLines),
    raw: raw.toString('utf8'),
  }
}

/** Starts an SMTP server on 127.0.0.1 on a free port. Close it in t.teardown. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  let failure = options.failWith ?? null
  let dataDelayMs = options.delayDataMs ?? 0
  const messages: CapturedMail[] = []
  const waiters = new Set<() => void>()
  let held = 0
  // Sessions whose client went away; a message they sent in full is still not delivered.
  const closedSessions = new Set<string>()

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Connections still open at close() are cut after this long, so a test never hangs on them.
    closeTimeout: 200,
    onRcptTo(_address, _session, callback) {
      if (failure && failure.stage === 'rcpt') return callback(smtpError(failure))
      callback()
    },
    onClose(session) {
      closedSessions.add(session.id)
    },
    onData(stream, session, callback) {
      const delay = dataDelayMs
      void (async () => {
        const raw = await readAll(stream)
        if (delay > 0) {
          held += 1
          for (const wake of waiters) wake()
          await sleep(delay, undefined, { ref: false })
        }
        if (closedSessions.has(session.id)) return callback(new Error('Client went away before the answer'))
        if (failure && failure.stage !== 'rcpt') return callback(smtpError(failure))
        messages.push(await capture(raw, session))
        for (const wake of waiters) wake()
        callback()
      })().catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))))
    },
  })
  /** Resolves when `done()` holds, checked now and after every received message. */
  function until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(failure()))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }

  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  const { port } = server.server.address() as AddressInfo

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(count, timeoutMs = 5_000) {
      return until(
        () => messages.length >= count,
        timeoutMs,
        () => `Expected ${count} message(s) within ${timeoutMs} ms, received ${messages.length}`,
      ).then(() => [...messages])
    },
    waitForHeld(timeoutMs = 5_000) {
      return until(
        () => held > 0,
        timeoutMs,
        () => `No message was held within ${timeoutMs} ms`,
      )
    },
    setFailure(next) {
      failure = next
    },
    setDataDelay(ms) {
      dataDelayMs = ms
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
