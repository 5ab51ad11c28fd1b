import { access, mkdir, open, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Deliveries the SMTP server has accepted but the database may not know about yet: one empty file
 * per delivery id, flushed to disk (file and directory) before `record` resolves. The worker records
 * an acceptance here before it marks the row sent, so when that write fails (the database is down,
 * the worker is killed) whoever next claims the row, or the next sweep, marks it sent instead of
 * sending it again. Workers that may claim each other's rows must share the directory.
 */
export interface AcceptedJournal {
  record(deliveryId: string): Promise<void>
  has(deliveryId: string): Promise<boolean>
  /** Every delivery recorded and not yet forgotten. */
  list(): Promise<string[]>
  /** Once the database says sent; forgetting what is not there is not an error. */
  forget(deliveryId: string): Promise<void>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function createAcceptedJournal(dir: string): AcceptedJournal {
  const entry = (deliveryId: string) => {
    if (!UUID.test(deliveryId)) throw new TypeError(`Not a delivery id: ${JSON.stringify(deliveryId)}`)
    return join(dir, deliveryId)
  }
  return {
    async record(deliveryId) {
      await mkdir(dir, { recursive: true })
      const file = await open(entry(deliveryId), 'w')
      try {
        await file.sync()
      } finally {
        await file.close()
      }
      // The new name is durable only once its directory is.
      const directory = await open(dir, 'r')
      try {
        await directory.sync()
      } finally {
        await directory.close()
      }
    },
    async has(deliveryId) {
      try {
        await access(entry(deliveryId))
        return true
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw error
      }
    },
    async list() {
      try {
        return (await readdir(dir)).filter((name) => UUID.test(name))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
    },
    async forget(deliveryId) {
      await rm(entry(deliveryId), { force: true })
    },
  }
}
