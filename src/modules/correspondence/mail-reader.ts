import { type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  type Attachment,
  type AttachmentStream,
  type HeaderLines,
  type Headers,
  MailParser,
  type MessageText,
  type ParsedMail,
} from 'mailparser'
import type { DocumentStorage, StagedFile } from '../../adapters/storage/storage.js'
import { detectFileType, FILE_TYPES, type FileType, SNIFF_BYTES } from '../documents/file-types.js'
import { cleanFilename } from '../documents/filenames.js'

/** An attachment staged in storage, to become a document of the request once the message is matched. */
export interface StagedAttachment {
  file: StagedFile
  filename: string
  type: FileType
}

export interface ReadMail {
  /**
   * The message as mailparser's simpleParser shapes it, built from its streaming parser: the
   * attachments' bytes went to storage, not memory, so `attachments[].content` holds only the first
   * REPORT_PART_BYTES of the parts a bounce is read from (message/rfc822, text/rfc822-headers,
   * message/delivery-status) and is empty for every other part; `size` is the real size.
   */
  parsed: ParsedMail
  /** Attachments worth keeping as documents, in the order they came. */
  staged: StagedAttachment[]
  /** What became of the other parts, for the message's notes. */
  notes: string[]
}

export interface ReadLimits {
  /** Attachments kept per message; later ones are drained and named in the notes. */
  maxAttachments: number
  /** Largest attachment kept. */
  maxAttachmentBytes: number
}

/** How much of each report part (a bounce's original message, headers or status) is kept for classification. */
export const REPORT_PART_BYTES = 64 * 1024
const REPORT_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/delivery-status', 'message/global-headers'])

/** The message cannot be parsed as MIME at all: retrying will not help. */
export class MalformedMailError extends Error {
  override readonly name = 'MalformedMailError'
}

/**
 * Reads a raw message as a stream: headers and text in memory (text from HTML when there is no text
 * part, converted by mailparser's html-to-text, never kept as markup), every attachment streamed into
 * storage while it is decoded. Attached emails are attachments (`ignoreEmbedded`), not parsed inline.
 * Images embedded in the HTML (logos, signatures) and types the service does not read are not kept;
 * beyond `maxAttachments` or `maxAttachmentBytes` parts are drained and noted. On failure, whatever
 * was staged is discarded.
 */
export async function readMail(source: Readable, storage: DocumentStorage, limits: ReadLimits): Promise<ReadMail> {
  const parser = new MailParser({
    ignoreEmbedded: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    // Storage hashes every kept part (SHA-256); mailparser's own MD5 of each would be spent for nothing.
    checksumAlgo: false,
    maxChildNodes: Math.max(1_000, limits.maxAttachments * 2 + 50),
  })
  let headers: Headers = new Map()
  let headerLines: HeaderLines = []
  let text: MessageText | null = null
  const attachments: Attachment[] = []
  const staged: StagedAttachment[] = []
  const notes: string[] = []
  let kept = 0
  let index = 0
  parser.on('headers', (value) => {
    headers = value
  })
  parser.on('headerLines', (value) => {
    headerLines = value
  })
  const work: Promise<void>[] = []
  const consume = async (attachment: AttachmentStream, number: number): Promise<void> => {
    const filename = cleanFilename(attachment.filename || `attachment-${number}`)
    const report = REPORT_TYPES.has(attachment.contentType)
    const head: Buffer[] = []
    let headLength = 0
    let size = 0
    let overflow = false
    const keep = !attachment.related && kept < limits.maxAttachments
    if (keep) kept += 1
    // Counts, keeps the head of a report part, and swallows what is over the size limit while still
    // draining it, so the parser goes on to the next part.
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (report && headLength < REPORT_PART_BYTES) {
          head.push(chunk.subarray(0, REPORT_PART_BYTES - headLength))
          headLength += Math.min(chunk.length, REPORT_PART_BYTES - headLength)
        }
        if (!keep || size > limits.maxAttachmentBytes) {
          overflow = keep
          done()
          return
        }
        done(null, chunk)
      },
    })
    let type: FileType | null = null
    try {
      const flowing = pipeline(attachment.content, meter)
      const file = await storage.stage(meter, {
        maxBytes: Number.MAX_SAFE_INTEGER,
        inspectBytes: SNIFF_BYTES,
        inspect(bytes) {
          type = bytes.length > 0 ? detectFileType(bytes) : null
        },
      })
      await flowing
      if (!keep || overflow || type === null || attachment.related) {
        await file.discard()
        if (attachment.related) {
          // part of the message's HTML, not a record
        } else if (!keep)
          notes.push(
            `${filename} (${attachment.contentType}): not kept, past the limit of ${limits.maxAttachments} attachments per message`,
          )
        else if (overflow)
          notes.push(`${filename} (${attachment.contentType}, ${size} bytes): not kept, larger than ${limits.maxAttachmentBytes} bytes`)
        else notes.push(`${filename} (${attachment.contentType}, ${size} bytes): not kept, not a type this service reads`)
      } else {
        staged.push({ file, filename, type })
        notes.push(`${filename} (${FILE_TYPES[type as FileType].mimeType}, ${size} bytes): kept as a document`)
      }
    } finally {
      attachment.release?.()
    }
    attachments.push({
      type: 'attachment',
      contentType: attachment.contentType,
      partId: attachment.partId,
      contentDisposition: attachment.contentDisposition,
      filename: attachment.filename,
      headers: attachment.headers,
      contentId: attachment.contentId,
      cid: attachment.cid,
      related: attachment.related,
      content: Buffer.concat(head),
      release: null,
      checksum: '',
      size,
    } as Attachment)
  }
  const contents: Readable[] = []
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') {
      text = data
      return
    }
    index += 1
    contents.push(data.content)
    const consumed = consume(data, index)
    // Awaited below; a rejection must not count as unhandled meanwhile.
    consumed.catch(() => {})
    work.push(consumed)
  })
  try {
    await pipeline(source, parser)
    await Promise.all(work)
  } catch (error) {
    // A part cut off by the failure would never end: ending it ends its consumer.
    for (const content of contents) content.destroy()
    await Promise.allSettled(work)
    await Promise.all(staged.map(({ file }) => file.discard()))
    throw new MalformedMailError(`The message cannot be read as MIME: ${error instanceof Error ? error.message : String(error)}`)
  }
  const body = text as MessageText | null
  const get = <T>(key: string) => headers.get(key) as T | undefined
  const parsed: ParsedMail = {
    attachments,
    headers,
    headerLines,
    html: body?.html ?? false,
    text: body?.text,
    textAsHtml: body?.textAsHtml,
    subject: get<string>('subject'),
    references: get<string | string[]>('references'),
    date: get<Date>('date'),
    to: get('to'),
    from: get('from'),
    cc: get('cc'),
    bcc: get('bcc'),
    messageId: get<string>('message-id'),
    inReplyTo: get<string>('in-reply-to'),
    replyTo: get('reply-to'),
  }
  return { parsed, staged, notes }
}
