import { ImapFlow } from 'imapflow'
import type { Logger } from 'pino'
import type { ImapSettings } from '../../config.js'
import type { Executor } from '../../db/client.js'
import { firstUidToRead, retryDelayMs, uidsToRead } from './imap-checkpoint.js'
import { findImapCheckpoint, saveImapCheckpoint } from './imap-checkpoints.repository.js'
import { type AcceptInbound, type InboundEnvelope, InboundTooLargeError } from './inbound-door.js'

export interface ImapDoorOptions {
  accept: AcceptInbound
  db: Executor
  logger: Logger
  settings: ImapSettings
  /** Largest message taken, in bytes; a larger one is left in the mailbox (and logged). */
  maxBytes: number
  /** First wait after a failure; doubles per failure in a row, up to retryMaxMs. */
  retryBaseMs?: number
  retryMaxMs?: number
}

export interface ImapDoor {
  /** Stops after the message in hand is stored and moved, then logs out. */
  close(): Promise<void>
}

const ENVELOPE: InboundEnvelope = { via: 'imap', mailFrom: null, rcptTo: [], remoteAddress: null }

/**
 * The IMAP front door, for mail hosted elsewhere: a catch-all mailbox read in UID order. Each
 * message is streamed to AcceptInbound; once stored it is moved to the processed folder, and only
 * then does the checkpoint in the database pass it (see imap-checkpoint.ts). New mail is noticed by
 * IDLE (or the server's EXISTS answers to polling where IDLE is missing) and at least every
 * pollSeconds. Any failure (server gone, storage failing, database away) ends the connection and
 * the poller starts again from the checkpoint after a backoff: nothing is skipped.
 */
export function startImapDoor(options: ImapDoorOptions): ImapDoor {
  const { accept, db, logger, settings, maxBytes } = options
  const retryBaseMs = options.retryBaseMs ?? 1_000
  const retryMaxMs = options.retryMaxMs ?? 5 * 60_000
  const account = `${settings.user}@${settings.host}:${settings.port}`
  const mailboxName = settings.mailbox
  let stopping = false
  let client: ImapFlow | null = null
  let wake: (() => void) | null = null

  /** Resolves after ms, or at once when woken (new mail, a closed connection, close()). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = null
        resolve()
      }
      wake = done
    })

  async function session(): Promise<void> {
    const connection = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password },
      logger: false,
      // IDLE soon after the last command, so new mail is seen within moments.
      autoIdleDelay: 1_000,
      maxIdleTime: settings.pollSeconds * 1_000,
      connectionTimeout: 30_000,
      greetingTimeout: 16_000,
    })
    client = connection
    let changed = false
    let closed = false
    connection.on('error', (error) => logger.warn({ err: error }, 'imap connection error'))
    connection.on('exists', () => {
      changed = true
      wake?.()
    })
    connection.on('close', () => {
      closed = true
      wake?.()
    })
    try {
      await connection.connect()
      const created = await connection.mailboxCreate(settings.processedFolder)
      if (created.created) logger.info({ folder: settings.processedFolder }, 'imap processed folder created')
      await connection.mailboxOpen(mailboxName)
      while (!stopping) {
        changed = false
        await readNew(connection)
        if (stopping) break
        if (!changed && !closed) await pause(settings.pollSeconds * 1_000)
        if (closed && !stopping) throw new Error('The IMAP server closed the connection.')
      }
    } finally {
      client = null
      if (!closed) await connection.logout().catch(() => connection.close())
    }
  }

  async function readNew(connection: ImapFlow): Promise<void> {
    const mailbox = connection.mailbox
    if (!mailbox) throw new Error(`The mailbox ${mailboxName} is not open.`)
    const uidValidity = Number(mailbox.uidValidity)
    const checkpoint = await findImapCheckpoint(db, account, mailboxName)
    if (!checkpoint || checkpoint.uidValidity !== uidValidity) {
      if (checkpoint)
        logger.warn(
          { mailbox: mailboxName, was: checkpoint.uidValidity, now: uidValidity },
          'imap UIDVALIDITY changed; reading the mailbox again from the start',
        )
      await saveImapCheckpoint(db, account, mailboxName, { uidValidity, lastUid: 0 })
    }
    const firstUid = firstUidToRead(checkpoint, uidValidity)
    const found = (await connection.search({ uid: `${firstUid}:*` }, { uid: true })) || []
    for (const uid of uidsToRead(found, firstUid)) {
      if (stopping) return
      await take(connection, uid, uidValidity)
    }
  }

  async function take(connection: ImapFlow, uid: number, uidValidity: number): Promise<void> {
    const range = String(uid)
    const message = await connection.fetchOne(range, { uid: true, size: true }, { uid: true })
    if (!message) return // gone since the search (another client moved it)
    const tooLarge = () => {
      logger.error({ uid, size: message.size, maxBytes }, 'imap message left in the mailbox: larger than INBOUND_MAX_BYTES')
      return saveImapCheckpoint(db, account, mailboxName, { uidValidity, lastUid: uid })
    }
    if ((message.size ?? 0) > maxBytes) return tooLarge()
    const download = await connection.download(range, undefined, { uid: true })
    if (!download.content) return
    let accepted: Awaited<ReturnType<AcceptInbound>>
    try {
      accepted = await accept(download.content, ENVELOPE)
    } catch (error) {
      download.content.destroy()
      if (error instanceof InboundTooLargeError) return tooLarge()
      throw error
    }
    logger.info({ id: accepted.id, duplicate: accepted.duplicate, uid, via: 'imap' }, 'inbound message accepted')
    const moved = await connection.messageMove(range, settings.processedFolder, { uid: true })
    if (!moved) throw new Error(`Could not move message ${uid} to ${settings.processedFolder}.`)
    await saveImapCheckpoint(db, account, mailboxName, { uidValidity, lastUid: uid })
  }

  const running = (async () => {
    let failures = 0
    while (!stopping) {
      try {
        await session()
        failures = 0
      } catch (error) {
        if (stopping) break
        failures += 1
        const delayMs = retryDelayMs(failures, retryBaseMs, retryMaxMs)
        logger.warn({ err: error, failures, delayMs }, 'imap poll failed; trying again')
        await pause(delayMs)
      }
    }
  })()

  return {
    async close() {
      stopping = true
      wake?.()
      // A connection attempt still hanging would hold close() up until its timeout.
      if (client && !client.usable) client.close()
      await running
    },
  }
}
