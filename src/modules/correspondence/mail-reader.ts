import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Attachment, AttachmentStream, HeaderLines, Headers, MessageText, ParsedMail } from 'mailparser'
import type { DocumentStorage, StagedFile } from '../../adapters/storage/storage.js'
import { detectFileType, FILE_TYPES, type FileType, SNIFF_BYTES } from '../documents/file-types.js'
import { cleanFilename } from '../documents/filenames.js'
import { readTnef, TnefError } from './tnef.js'

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

const TNEF_TYPES = new Set(['application/ms-tnef', 'application/vnd.ms-tnef'])

/** Outlook's TNEF wrapper, by its type or the name Outlook always gives it. */
function isTnefPart(attachment: AttachmentStream, filename: string): boolean {
  return TNEF_TYPES.has(attachment.contentType) || filename.toLowerCase() === 'winmail.dat'
}

/** A streamed part as simpleParser would list it, with only `head` of its content. */
function attachmentOf(attachment: AttachmentStream, head: Buffer, size: number): Attachment {
  return {
    type: 'attachment',
    contentType: attachment.contentType,
    partId: attachment.partId,
    contentDisposition: attachment.contentDisposition,
    filename: attachment.filename,
    headers: attachment.headers,
    contentId: attachment.contentId,
    cid: attachment.cid,
    related: attachment.related,
    content: head,
    release: null,
    checksum: '',
    size,
  } as Attachment
}

/** The message cannot be parsed as MIME at all: retrying will not help. */
export class MalformedMailError extends Error {
  override readonly name = 'MalformedMailError'
}

/**
 * Reads a raw message as a stream: headers and text in memory (text from HTML when there is no text
 * part, converted by mailparser's html-to-text, never kept as markup), every attachment streamed into
 * storage while it is decoded. Attached emails are attachments (`ignoreEmbedded`), not parsed inline.
 * Images embedded in the HTML (logos, signatures) and types the service does not read are not kept;
 * beyond `maxAttachments` or `maxAttachmentBytes` parts are drained and noted. Outlook's TNEF
 * wrapper (winmail.dat) is unpacked: the files inside are attachments like the others (and count
 * against the same limits); a damaged one is noted. On failure, whatever was staged is discarded.
 */
export async function readMail(source: Readable, storage: DocumentStorage, limits: ReadLimits): Promise<ReadMail> {
  // Loaded on first use: the API process stores raw mail and never parses it.
  const { MailParser } = await import('mailparser')
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
  /** Keeps a file if it is a type the service reads and the message has room for it; notes what became of it. */
  const keepFile = async (data: Buffer, filename: string, from: string): Promise<void> => {
    if (kept >= limits.maxAttachments) {
      notes.push(`${filename} (${from}): not kept, past the limit of ${limits.maxAttachments} attachments per message`)
      return
    }
    let type: FileType | null = null
    const file = await storage.stage(Readable.from([data]), {
      maxBytes: Number.MAX_SAFE_INTEGER,
      inspectBytes: SNIFF_BYTES,
      inspect(bytes) {
        type = bytes.length > 0 ? detectFileType(bytes) : null
      },
    })
    if (type === null) {
      await file.discard()
      notes.push(`${filename} (${from}, ${data.length} bytes): not kept, not a type this service reads`)
      return
    }
    kept += 1
    staged.push({ file, filename, type })
    notes.push(`${filename} (${FILE_TYPES[type as FileType].mimeType}, ${data.length} bytes, ${from}): kept as a document`)
  }
  /** The files inside Outlook's TNEF wrapper, each kept or noted like an attachment of its own; answers the wrapper's size. */
  const unpackTnef = async (attachment: AttachmentStream, filename: string): Promise<number> => {
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of attachment.content as AsyncIterable<Buffer>) {
        size += chunk.length
        // Past the limit the rest is still drained, so the parser goes on to the next part.
        if (size <= limits.maxAttachmentBytes) chunks.push(chunk)
        else chunks.length = 0
      }
    } finally {
      attachment.release?.()
    }
    const wrapper = `${filename} (${attachment.contentType}, ${size} bytes)`
    if (size > limits.maxAttachmentBytes) {
      notes.push(`${wrapper}: not unpacked, larger than ${limits.maxAttachmentBytes} bytes`)
      return size
    }
    let contents: ReturnType<typeof readTnef>
    try {
      contents = readTnef(Buffer.concat(chunks))
    } catch (error) {
      if (!(error instanceof TnefError)) throw error
      notes.push(`${wrapper}: not unpacked, the Outlook (TNEF) wrapper cannot be read: ${error.message}`)
      return size
    }
    const from = `inside ${filename}`
    for (const [index, inner] of contents.attachments.entries())
      await keepFile(inner.data, cleanFilename(inner.filename ?? `${filename}-${index + 1}`), from)
    for (const name of contents.skipped)
      notes.push(`${cleanFilename(name)} (${from}): not kept, an embedded Outlook item rather than a file`)
    if (contents.attachments.length === 0 && contents.skipped.length === 0)
      notes.push(`${wrapper}: an Outlook (TNEF) wrapper with no files inside`)
    return size
  }
  const consume = async (attachment: AttachmentStream, number: number): Promise<void> => {
    const filename = cleanFilename(attachment.filename || `attachment-${number}`)
    if (!attachment.related && isTnefPart(attachment, filename)) {
      const size = await unpackTnef(attachment, filename)
      attachments.push(attachmentOf(attachment, Buffer.alloc(0), size))
      return
    }
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
    attachments.push(attachmentOf(attachment, Buffer.concat(head), size))
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
