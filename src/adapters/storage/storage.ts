import type { Readable } from 'node:stream'

/**
 * Where document bytes live, addressed by their SHA-256. Bytes are staged first (hashed and sized
 * while they stream in) and only become visible under their key on commit, so an upload that fails
 * part-way leaves nothing behind. A backend for an S3-compatible store fits the same shape: stage to
 * a local temporary file, commit with a single PUT.
 */
export interface DocumentStorage {
  stage(source: Readable, options: StageOptions): Promise<StagedFile>
  /** A stream of the stored bytes; rejects with StoredFileMissingError if there are none. */
  open(key: string): Promise<Readable>
  /** Removes the bytes under a key; removing what is not there is not an error. */
  remove(key: string): Promise<void>
  /** Throws away staged bytes older than this, left by a process that died mid-upload; returns how many. */
  removeAbandoned(olderThanMs: number): Promise<number>
}

export interface StageOptions {
  /** More bytes than this and staging fails with FileTooLargeError. */
  maxBytes: number
  /** How many leading bytes `inspect` is shown (fewer if the file is shorter). */
  inspectBytes?: number
  /** Sees the first bytes before anything is kept; throwing refuses the file. */
  inspect?(head: Buffer): void
}

export interface StagedFile {
  sha256: string
  size: number
  /** Puts the bytes in place under their hash; idempotent, and safe when the key already exists. */
  commit(): Promise<void>
  /** Throws the staged bytes away unless committed; always safe to call. */
  discard(): Promise<void>
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`)
    this.name = 'FileTooLargeError'
  }
}

export class StoredFileMissingError extends Error {
  constructor(readonly key: string) {
    super(`No stored file has the key ${key}.`)
    this.name = 'StoredFileMissingError'
  }
}

const KEY_PATTERN = /^[0-9a-f]{64}$/

/** Keys are SHA-256 hex digests; anything else never reaches a file system path. */
export function assertStorageKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new TypeError(`Not a storage key: ${JSON.stringify(key)}`)
}
