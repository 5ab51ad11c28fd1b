import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser'
import { openPdf, PdfUnreadableError } from '../../adapters/pdf/pdf-reader.js'
import type { AppContext } from '../../context.js'
import type { ExtractionHandlers } from '../../jobs/runner.js'
import { withCleanupOnFailure } from './documents.service.js'
import { detectFileType, FILE_TYPES, fileTypeOf, SNIFF_BYTES } from './file-types.js'
import { cleanPageText, paginateText } from './page-text.js'
import * as repository from './documents.repository.js'

export type ExtractionDeps = Pick<AppContext, 'db' | 'storage' | 'ocr' | 'extractions' | 'logger' | 'config'>

const RECONCILE_PAGE = 1_000
const PAGE_BATCH = 25
// A scanned page's image is drawn once; a page with many images is a layout, not a scan.
const MAX_IMAGES_PER_PAGE = 4

/** The file cannot be read as what it claims to be; retrying will not help. */
class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError'
}

export function createExtractionHandlers(deps: ExtractionDeps): ExtractionHandlers {
  return {
    extract: (id) => extract(deps, id),
    giveUp: (id, reason) => repository.markFailed(deps.db, id, `Text extraction failed: ${reason}`),
    async readWaitingForOcr() {
      if (!(await deps.ocr.available())) return 0
      const ids = await repository.reopenForOcr(deps.db)
      await deps.extractions.enqueue(ids)
      return ids.length
    },
    async reconcile() {
      let queued = 0
      let after: [Date, string] | null = null
      for (;;) {
        const page: { id: string; createdAt: Date }[] = await repository.processingPage(deps.db, after, RECONCILE_PAGE)
        if (page.length === 0) return queued
        await deps.extractions.enqueue(page.map((row) => row.id))
        queued += page.length
        const last = page.at(-1)!
        after = [last.createdAt, last.id]
      }
    },
  }
}

/**
 * Reads a document's text into its pages and marks it ready. A file that cannot be read (damaged,
 * encrypted) ends failed with the reason at once; other errors are thrown to be retried.
 */
async function extract(deps: ExtractionDeps, id: string): Promise<void> {
  const document = await repository.findDocument(deps.db, id)
  if (!document || document.status !== 'processing') return
  try {
    const pages = await deps.db.transaction(async (tx) => {
      // Pages are written in batches while the next ones are read, so the database's indexing
      // runs beside pdf.js instead of after it; the transaction keeps the document all or nothing.
      await repository.removePages(tx, id)
      let batch: repository.PageText[] = []
      let writing = Promise.resolve()
      let count = 0
      let needOcr = 0
      for await (const page of readPages(deps, document)) {
        batch.push(page)
        count += 1
        if (page.needsOcr) needOcr += 1
        if (batch.length === PAGE_BATCH) {
          await writing
          writing = repository.insertPages(tx, id, batch)
          batch = []
        }
      }
      await writing
      await repository.insertPages(tx, id, batch)
      await repository.markReady(tx, id, count)
      return { count, needOcr }
    })
    deps.logger.info({ document: id, pages: pages.count, needOcr: pages.needOcr }, 'document text extracted')
  } catch (error) {
    if (!(error instanceof PdfUnreadableError || error instanceof UnreadableDocumentError)) throw error
    await repository.markFailed(deps.db, id, error.message)
    deps.logger.warn({ document: id, reason: error.message }, 'document cannot be read')
  }
}

async function* readPages(deps: ExtractionDeps, document: repository.DocumentRow): AsyncGenerator<repository.PageText> {
  switch (fileTypeOf(document.mimeType)) {
    case 'pdf':
      return yield* readPdfPages(deps, await readAll(await deps.storage.open(document.sha256)))
    case 'png':
    case 'jpeg':
    case 'tiff':
      return yield* await readImagePages(deps, document)
    case 'text':
      return yield* textPages(decodeText(await readAll(await deps.storage.open(document.sha256))))
    case 'email':
      return yield* await readEmail(deps, document)
    default:
      throw new UnreadableDocumentError(`Documents of type ${document.mimeType} cannot be read.`)
  }
}

function textPages(text: string): repository.PageText[] {
  return paginateText(text).map((page, index) => ({ page: index + 1, text: page, needsOcr: false }))
}

async function* readPdfPages(deps: ExtractionDeps, bytes: Buffer): AsyncGenerator<repository.PageText> {
  const reader = await openPdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  try {
    for (let number = 1; number <= reader.pageCount; number++) {
      // pdf.js works in this thread, through promise chains that starve socket I/O: without a turn
      // of the event loop between pages, each batch of pages took five times as long to be written.
      await new Promise((resolve) => setImmediate(resolve))
      const text = cleanPageText(await readingPage(number, () => reader.text(number)))
      if (text !== '') {
        yield { page: number, text, needsOcr: false }
        continue
      }
      // No text layer: a scan, or a blank page.
      const images = (await readingPage(number, () => reader.images(number))).slice(0, MAX_IMAGES_PER_PAGE)
      if (images.length === 0) yield { page: number, text: '', needsOcr: false }
      else if (!(await deps.ocr.available())) yield { page: number, text: '', needsOcr: true }
      else {
        const recognized: string[] = []
        for (const image of images) recognized.push(await deps.ocr.recognizeImage(image))
        yield { page: number, text: cleanPageText(recognized.join('\n\n')), needsOcr: false }
      }
    }
  } finally {
    await reader.close()
  }
}

async function readingPage<T>(number: number, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new PdfUnreadableError(`Page ${number} of the PDF cannot be read (${reason}); the file may be damaged or cut short.`)
  }
}

/** Images are OCRed from a temporary copy (tesseract reads files); each page of a TIFF is a page. */
async function readImagePages(deps: ExtractionDeps, document: repository.DocumentRow): Promise<repository.PageText[]> {
  if (!(await deps.ocr.available())) return [{ page: 1, text: '', needsOcr: true }]
  const path = join(tmpdir(), `document-${randomUUID()}.${FILE_TYPES[fileTypeOf(document.mimeType)!].extension}`)
  try {
    await pipeline(await deps.storage.open(document.sha256), createWriteStream(path))
    let texts: string[]
    try {
      texts = await deps.ocr.recognizeFile(path)
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
      throw new UnreadableDocumentError(`The image cannot be read (${reason}); it may be damaged.`)
    }
    return texts.map((text, index) => ({ page: index + 1, text: cleanPageText(text), needsOcr: false }))
  } finally {
    await rm(path, { force: true })
  }
}

/**
 * An exported email: its headers and body are its text, and each attachment becomes a document
 * of its own, linked to the email, in the same request (the same bytes there already are reused).
 */
async function readEmail(deps: ExtractionDeps, email: repository.DocumentRow): Promise<repository.PageText[]> {
  let parsed: ParsedMail
  try {
    parsed = await simpleParser(await deps.storage.open(email.sha256), { skipImageLinks: true })
  } catch (error) {
    throw new UnreadableDocumentError(`The email cannot be read (${error instanceof Error ? error.message : String(error)}).`)
  }
  const notes: string[] = []
  const children: string[] = []
  for (const [index, attachment] of parsed.attachments.entries()) {
    // Images embedded in the HTML body (logos, signatures) are part of the message, not records.
    if (attachment.related) continue
    const filename = attachment.filename ?? `attachment-${index + 1}`
    const type = detectFileType(attachment.content.subarray(0, SNIFF_BYTES))
    if (!type) {
      notes.push(`${filename} (${attachment.contentType}; not kept: not a type this service reads)`)
      continue
    }
    const child = await storeAttachment(deps, email, attachment, filename, type)
    if (child.created) children.push(child.row.id)
    notes.push(`${filename} (${FILE_TYPES[type].mimeType}, ${attachment.size} bytes)`)
  }
  await deps.extractions.enqueue(children)
  return textPages(emailText(parsed, notes))
}

async function storeAttachment(
  deps: ExtractionDeps,
  email: repository.DocumentRow,
  attachment: Attachment,
  filename: string,
  type: keyof typeof FILE_TYPES,
): Promise<{ row: repository.DocumentRow; created: boolean }> {
  const staged = await deps.storage.stage(Readable.from([attachment.content]), { maxBytes: deps.config.maxUploadBytes })
  try {
    return await withCleanupOnFailure(deps, [staged.sha256], async (tx) => {
      await staged.commit()
      return repository.insertOrFindDocument(tx, {
        requestId: email.requestId,
        parentId: email.id,
        uploadedBy: email.uploadedBy,
        title: filename,
        kind: email.kind,
        filename,
        mimeType: FILE_TYPES[type].mimeType,
        size: staged.size,
        sha256: staged.sha256,
        receivedAt: email.receivedAt,
      })
    })
  } finally {
    await staged.discard()
  }
}

function emailText(parsed: ParsedMail, attachments: string[]): string {
  const addresses = (value: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(value) ? value : value ? [value] : []).map((object) => object.text).join(', ')
  const header = [
    ['From', addresses(parsed.from)],
    ['To', addresses(parsed.to)],
    ['Cc', addresses(parsed.cc)],
    ['Date', parsed.date?.toISOString() ?? ''],
    ['Subject', parsed.subject ?? ''],
    ['Attachments', attachments.join('; ')],
  ]
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}`)
  return `${header.join('\n')}\n\n${parsed.text ?? ''}`
}

/** UTF-8, or Windows-1252 for the older files that are not (what "plain text" from an office usually is). */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
