import { Transform, type TransformCallback } from 'node:stream'

/** How far into a message its header block is looked for; longer headers are not kept aside. */
export const HEADER_BLOCK_LIMIT = 1024 * 1024

/**
 * Passes a raw message through unchanged and keeps its header block aside (up to and including the
 * blank line; the whole message when it has no body), so the one read of a stored message serves
 * both the parser and authentication. `header` is null past HEADER_BLOCK_LIMIT, or when the stream
 * fails or is destroyed before the block is complete.
 */
export class HeaderBlockTap extends Transform {
  readonly header: Promise<Buffer | null>
  private settle!: (header: Buffer | null) => void
  private chunks: Buffer[] | null = []
  private length = 0

  constructor() {
    super()
    this.header = new Promise((resolve) => {
      this.settle = resolve
    })
    this.once('close', () => this.finish(null))
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.chunks) {
      // Look again from a little before the new chunk, for a blank line split between two chunks.
      const from = Math.max(0, this.length - 3)
      this.chunks.push(chunk)
      this.length += chunk.length
      const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks)
      const end = blankLineEnd(head, from)
      if (end !== -1 && end <= HEADER_BLOCK_LIMIT) this.finish(head.subarray(0, end))
      else if (this.length > HEADER_BLOCK_LIMIT) this.finish(null)
    }
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    if (this.chunks) this.finish(Buffer.concat(this.chunks))
    done()
  }

  private finish(header: Buffer | null): void {
    if (!this.chunks) return
    this.chunks = null
    this.settle(header)
  }
}

function blankLineEnd(bytes: Buffer, from: number): number {
  const crlf = bytes.indexOf('\r\n\r\n', from)
  const lf = bytes.indexOf('\n\n', from)
  if (crlf !== -1 && (lf === -1 || crlf <= lf)) return crlf + 4
  return lf === -1 ? -1 : lf + 2
}
