import { FileTooLargeError } from '../../adapters/storage/storage.js'
import type { AppContext } from '../../context.js'
import * as repository from './inbound.repository.js'
import { type AcceptInbound, InboundEmptyError, InboundTooLargeError } from './inbound-door.js'

export type InboundAcceptorDeps = Pick<AppContext, 'db' | 'storage' | 'ingests' | 'config' | 'logger'>

/**
 * The one AcceptInbound every door calls. The raw bytes stream into storage (hashed and counted on
 * the way, never held whole in memory; more than INBOUND_MAX_BYTES and nothing is kept), are put in
 * place under their SHA-256, and are recorded as a pending inbound_mail row; only then does the
 * promise resolve, so a door answers "accepted" only for what is on disk and in the database. The
 * ingest job is queued after that; if Redis does not take it, or the process dies first, the
 * worker's reconciliation queues the pending row. The same bytes twice are one row (`duplicate`).
 */
export function createInboundAcceptor(deps: InboundAcceptorDeps): AcceptInbound {
  const { maxBytes } = deps.config.inbound
  return async (raw, envelope) => {
    let staged: Awaited<ReturnType<typeof deps.storage.stage>>
    try {
      staged = await deps.storage.stage(raw, {
        maxBytes,
        inspectBytes: 1,
        inspect(head) {
          if (head.length === 0) throw new InboundEmptyError()
        },
      })
    } catch (error) {
      if (error instanceof FileTooLargeError) throw new InboundTooLargeError(maxBytes)
      throw error
    }
    try {
      await staged.commit()
      const { row, created } = await repository.insertOrFindInboundMail(deps.db, {
        sha256: staged.sha256,
        size: staged.size,
        via: envelope.via,
        envelope: {
          mailFrom: envelope.mailFrom,
          rcptTo: envelope.rcptTo.map((address) => address.toLowerCase()),
          remoteAddress: envelope.remoteAddress,
        },
      })
      // A duplicate still pending (its first job lost) is queued again; BullMQ ignores it while one waits.
      if (row.status === 'pending') await deps.ingests.enqueue([row.id])
      deps.logger.info({ inboundMail: row.id, via: envelope.via, size: staged.size, duplicate: !created }, 'inbound message accepted')
      return { id: row.id, duplicate: !created }
    } finally {
      await staged.discard()
    }
  }
}
