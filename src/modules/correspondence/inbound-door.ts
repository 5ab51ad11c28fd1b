import type { Readable } from 'node:stream'

/** How a raw message reached the service, kept with it for matching and for an admin's eyes. */
export interface InboundEnvelope {
  via: 'smtp' | 'imap' | 'http'
  /** SMTP MAIL FROM (null for the null sender `<>` of bounces, and when the door has no envelope). */
  mailFrom: string | null
  /** SMTP RCPT TO addresses; for IMAP and HTTP, empty (matching then reads the headers). */
  rcptTo: string[]
  /** The connecting client's IP, when there is one. */
  remoteAddress: string | null
}

export interface AcceptedInbound {
  /** The stored raw message's row. */
  id: string
  /** The same bytes were accepted before (nothing new stored or queued). */
  duplicate: boolean
}

/**
 * What every door (SMTP listener, IMAP poller, HTTP endpoint) calls with a message's raw bytes.
 * Resolves only once the bytes are stored durably and recorded, so the door may then answer
 * "accepted"; it queues the ingest job after that (a lost job is queued again by reconciliation).
 * Rejects with InboundTooLargeError when the message exceeds the size limit, and with any other
 * error when storing failed (the door answers with a temporary failure so the sender retries).
 */
export type AcceptInbound = (raw: Readable, envelope: InboundEnvelope) => Promise<AcceptedInbound>

export class InboundTooLargeError extends Error {
  override readonly name = 'InboundTooLargeError'
  constructor(readonly limitBytes: number) {
    super(`The message is larger than ${limitBytes} bytes.`)
  }
}

/** The door was given no bytes at all: nothing to store (an HTTP body left empty). */
export class InboundEmptyError extends Error {
  override readonly name = 'InboundEmptyError'
  constructor() {
    super('The message is empty.')
  }
}
