import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  assertStorageKey,
  type DocumentStorage,
  FileTooLargeError,
  type StagedFile,
  type StageOptions,
  StoredFileMissingError,
} from './storage.js'

/**
 * Content-addressed files on the local disk: `objects/ab/<sha256>` for stored bytes, `staging/`
 * for uploads in progress. A staged file is flushed to disk before it is renamed into place, and the
 * rename is atomic, so a reader never sees a partial file under a key.
 */
export function createLocalStorage(root: string): DocumentStorage {
  const stagingDir = join(root, 'staging')
  const objectsDir = join(root, 'objects')
  const objectPath = (key: string) => {
    assertStorageKey(key)
    return join(objectsDir, key.slice(0, 2), key)
  }
  // A directory made once stays: remembering it spares a mkdir call per file on the hot path.
  const madeDirs = new Map<string, Promise<unknown>>()
  const ensureDir = (dir: string) => {
    let made = madeDirs.get(dir)
    if (!made) {
      made = mkdir(dir, { recursive: true }).catch((error) => {
        madeDirs.delete(dir)
        throw error
      })
      madeDirs.set(dir, made)
    }
    return made
  }

  return {
    async stage(source, options) {
      await ensureDir(stagingDir)
      const stagingPath = join(stagingDir, randomUUID())
      const meter = new StagingMeter(options)
      try {
        // flush: the bytes are synced to disk before the file is closed, without opening it again.
        await pipeline(source, meter, createWriteStream(stagingPath, { flags: 'wx', flush: true }))
      } catch (error) {
        await rm(stagingPath, { force: true })
        throw error
      }
      return stagedFile(stagingPath, meter.sha256(), meter.size, objectPath, ensureDir)
    },

    async open(key) {
      const stream = createReadStream(objectPath(key))
      await new Promise<void>((resolve, reject) => {
        const failed = (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new StoredFileMissingError(key) : error)
        stream.once('error', failed)
        stream.once('open', () => {
          stream.off('error', failed)
          resolve()
        })
      })
      return stream
    },

    async remove(key) {
      await rm(objectPath(key), { force: true })
    },

    async removeAbandoned(olderThanMs) {
      const names = await readdir(stagingDir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return []
        throw error
      })
      const cutoff = Date.now() - olderThanMs
      let removed = 0
      for (const name of names) {
        const path = join(stagingDir, name)
        const info = await stat(path).catch(() => null)
        if (info && info.mtimeMs < cutoff) {
          await rm(path, { force: true })
          removed += 1
        }
      }
      return removed
    },
  }
}

function stagedFile(
  stagingPath: string,
  sha256: string,
  size: number,
  objectPath: (key: string) => string,
  ensureDir: (dir: string) => Promise<unknown>,
): StagedFile {
  let state: 'staged' | 'committed' | 'discarded' = 'staged'
  return {
    sha256,
    size,
    async commit() {
      if (state === 'committed') return
      if (state === 'discarded') throw new Error('A discarded file cannot be committed.')
      const target = objectPath(sha256)
      await ensureDir(join(target, '..'))
      // Same key, same bytes: replacing a file that is already there changes nothing a reader sees.
      await rename(stagingPath, target).catch(async (error: NodeJS.ErrnoException) => {
        // The directory was removed behind the storage's back since it was made: make it again.
        if (error.code !== 'ENOENT') throw error
        await mkdir(join(target, '..'), { recursive: true })
        await rename(stagingPath, target)
      })
      await syncFile(join(target, '..'))
      state = 'committed'
    },
    async discard() {
      if (state !== 'staged') return
      state = 'discarded'
      await rm(stagingPath, { force: true })
    },
  }
}

/** Hashes and counts the bytes going past, refuses too many, and shows the first ones to `inspect`. */
class StagingMeter extends Transform {
  size = 0
  private readonly hash = createHash('sha256')
  private head: Buffer[] | null
  private headLength = 0
  private readonly inspectBytes: number

  constructor(private readonly options: StageOptions) {
    super()
    this.head = options.inspect ? [] : null
    this.inspectBytes = options.inspectBytes ?? 0
  }

  sha256(): string {
    return this.hash.digest('hex')
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      this.size += chunk.length
      if (this.size > this.options.maxBytes) throw new FileTooLargeError(this.options.maxBytes)
      this.hash.update(chunk)
      if (this.head) {
        this.head.push(chunk)
        this.headLength += chunk.length
        if (this.headLength >= this.inspectBytes) this.inspectHead()
      }
      this.push(chunk)
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  override _flush(done: (error?: Error | null) => void): void {
    try {
      if (this.head) this.inspectHead()
      done()
    } catch (error) {
      done(error as Error)
    }
  }

  private inspectHead(): void {
    const head = Buffer.concat(this.head!).subarray(0, this.inspectBytes || undefined)
    this.head = null
    this.options.inspect!(head)
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
