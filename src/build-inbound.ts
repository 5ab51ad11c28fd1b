import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import type { AppContext } from './context.js'
import { type ImapDoor, startImapDoor } from './modules/correspondence/imap-door.js'
import type { AcceptInbound } from './modules/correspondence/inbound-door.js'
import { createSmtpDoor } from './modules/correspondence/smtp-door.js'

export interface RunningInbound {
  /** Where the SMTP listener listens (port 0 in the config: a free port). */
  smtp: AddressInfo
  /** Stops taking mail, finishes the messages in flight, then resolves. */
  close(): Promise<void>
}

/**
 * The inbound doors on a context: the SMTP listener, always, and the IMAP poller when IMAP_URL is
 * set. `src/inbound.ts` runs it as a process; tests start the same thing in-process.
 */
export async function startInbound(ctx: AppContext, accept: AcceptInbound): Promise<RunningInbound> {
  const { inbound, replyDomain } = ctx.config
  const tls = inbound.smtp.tls ? { cert: await readFile(inbound.smtp.tls.certFile), key: await readFile(inbound.smtp.tls.keyFile) } : null
  const smtpDoor = createSmtpDoor({
    accept,
    logger: ctx.logger.child({ door: 'smtp' }),
    replyDomain,
    maxBytes: inbound.maxBytes,
    maxClients: inbound.smtp.maxClients,
    tls,
  })
  const smtp = await smtpDoor.listen(inbound.smtp.port, inbound.smtp.host)
  const imapDoor: ImapDoor | null = inbound.imap
    ? startImapDoor({ accept, db: ctx.db, logger: ctx.logger.child({ door: 'imap' }), settings: inbound.imap, maxBytes: inbound.maxBytes })
    : null
  return {
    smtp,
    async close() {
      await Promise.all([smtpDoor.close(), imapDoor?.close()])
    },
  }
}
