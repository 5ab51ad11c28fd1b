import { FileTooLargeError, StoredFileMissingError } from '../../adapters/storage/storage.js'
import type { AppContext } from '../../context.js'
import { type AcceptInbound, InboundTooLargeError } from './inbound-door.js'

/**
 * The doors' acceptor on the `doors` branch: stores the raw bytes content-addressed (SHA-256)
 * through the storage adapter, flushed before it resolves, and says whether the same bytes were
 * stored before. The full acceptor (recording the message and queueing its ingest job) replaces
 * this file at merge; the doors only rely on the AcceptInbound contract.
 */
export function createInboundAcceptor(ctx: Pick<AppContext, 'storage' | 'config'>): AcceptInbound {
  return async (raw) => {
    let staged: Awaited<ReturnType<typeof ctx.storage.stage>>
    try {
      staged = await ctx.storage.stage(raw, { maxBytes: ctx.config.inbound.maxBytes })
    } catch (error) {
      if (error instanceof FileTooLargeError) throw new InboundTooLargeError(error.maxBytes)
      throw error
    }
    try {
      const duplicate = await isStored(ctx, staged.sha256)
      await staged.commit()
      return { id: staged.sha256, duplicate }
    } finally {
      await staged.discard()
    }
  }
}

async function isStored(ctx: Pick<AppContext, 'storage'>, key: string): Promise<boolean> {
  try {
    const stream = await ctx.storage.open(key)
    stream.destroy()
    return true
  } catch (error) {
    if (error instanceof StoredFileMissingError) return false
    throw error
  }
}
