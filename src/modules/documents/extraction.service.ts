import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser'
import { docxText, readOutlookMessage, type StoppedAt, xlsxSheets } from '../../adapters/office/office-readers.js'
import { checkOfficeZip, OfficeFileError } from '../../adapters/office/office-zip.js'
import { openIsolatedPdf } from '../../adapters/pdf/isolated-pdf.js'
import { PdfUnreadableError } from '../../adapters/pdf/pdf-reader.js'
import { ReadingLimitError } from '../../adapters/reading-limits.js'
import type { AppContext } from '../../context.js'
import type { ExtractionHandlers } from '../../jobs/runner.js'
import type { PageFingerprint } from '../near-copies/near-copies.repository.js'
import { fingerprintedCopyOf, fingerprintPage, recordNearCopies } from '../near-copies/near-copies.service.js'
import * as repository from './documents.repository.js'
import { withCleanupOnFailure } from './documents.service.js'
import { csvDelimiterOf, detectFileType, FILE_TYPES, type FileType, fileTypeOf, SNIFF_BYTES } from './file-types.js'
import { cleanFilename } from './filenames.js'
import { imageSize } from './image-size.js'
import { cleanPageText, OFFICE_PAGE_CHARS, paginateText } from './page-text.js'
import { csvPages, csvRows, sheetPages } from './spreadsheet-text.js'

export type ExtractionDeps = Pick<AppContext, 'db' | 'storage' | 'ocr' | 'extractions' | 'logger' | 'config'>

const RECONCILE_PAGE = 1_000
const PAGE_BATCH = 25
const PROGRESS_EVERY_MS = 500
// OCR reads no better above about 300 dpi (a letter page is 8 megapixels there), while its memory grows with every pixel.
const OCR_PIXELS = 12_000_000
// An attempt that began longer ago than its time budget and this is over, whatever became of its worker.
const LEASE_GRACE_SECONDS = 60
// An attachment of an attachment of an attachment is still taken out; deeper ones are only named, so
// emails or Outlook messages nested without end cannot make documents without end.
export const MAX_ATTACHMENT_NESTING = 3

/** The file cannot be read as what it claims to be, or not within the limits; retrying will not help. */
class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError'
}

/** One attempt at a document: its budgets, and what was left unread when one ran out. */
interface Reading {
  deadline: number
  maxPages: number
  pagesTotal: number | null
  leftUnread: string | null
}

const leaseSeconds = (deps: ExtractionDeps) => deps.config.extraction.timeoutSeconds + LEASE_GRACE_SECONDS

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
      const spent = await repository.failSpentAttempts(deps.db, deps.config.extraction.maxAttempts, leaseSeconds(deps))
      if (spent.length > 0) deps.logger.warn({ documents: spent }, 'documents failed: extraction attempts spent')
      let queued = 0
      let after: [Date, string] | null = null
      for (;;) {
        const page = await repository.processingPage(deps.db, after, RECONCILE_PAGE, leaseSeconds(deps))
        if (page.length === 0) return queued
        await deps.extractions.enqueue(page.filter((row) => !row.interrupted).map((row) => row.id))
        await deps.extractions.requeue(page.filter((row) => row.interrupted).map((row) => row.id))
        queued += page.length
        const last = page.at(-1)!
        after = [last.createdAt, last.id]
      }
    },
  }
}

/**
 * Reads a document's text into its pages and marks it ready. A file that cannot be read (damaged,
 * encrypted, an image too large) or that needs more memory than allowed ends failed with the reason
 * at once; one that runs out of pages or time keeps what was read, and says what was not. Other
 * errors are thrown to be retried, until the attempts the database counted are spent.
 */
async function extract(deps: ExtractionDeps, id: string): Promise<void> {
  const document = await repository.findDocument(deps.db, id)
  if (document?.status !== 'processing') return
  const attempt = await repository.beginAttempt(deps.db, id)
  if (attempt === null) return
  const { maxAttempts, maxPages, timeoutSeconds } = deps.config.extraction
  if (attempt > maxAttempts) {
    const reason = `Text extraction was begun ${maxAttempts} times and never finished (the worker stopped while reading it).`
    await repository.markFailed(deps.db, id, reason)
    deps.logger.warn({ document: id, attempts: attempt - 1 }, 'document failed: extraction attempts spent')
    return
  }
  const reading: Reading = { deadline: Date.now() + timeoutSeconds * 1000, maxPages, pagesTotal: null, leftUnread: null }
  // The same bytes read before give the same pages: their fingerprints are copied, not computed.
  const copyOf = await fingerprintedCopyOf(deps.db, document)
  try {
    const pages = await deps.db.transaction(async (tx) => {
      // Pages are written in batches while the next ones are read, so the database's indexing
      // runs beside pdf.js instead of after it; the transaction keeps the document all or nothing.
      await repository.removePages(tx, id)
      let batch: repository.PageText[] = []
      let writing = Promise.resolve()
      let count = 0
      let needOcr = 0
      let progressAt = Date.now()
      const fingerprints: PageFingerprint[] = []
      for await (const page of readPages(deps, document, reading)) {
        batch.push(page)
        const fingerprint = copyOf ? null : fingerprintPage(page.page, page.text)
        if (fingerprint) fingerprints.push(fingerprint)
        count += 1
        if (page.needsOcr) needOcr += 1
        if (batch.length === PAGE_BATCH) {
          await writing
          writing = repository.insertPages(tx, id, batch)
          batch = []
          if (Date.now() - progressAt >= PROGRESS_EVERY_MS) {
            progressAt = Date.now()
            await repository.recordProgress(deps.db, id, count, reading.pagesTotal)
          }
        }
      }
      await writing
      await repository.insertPages(tx, id, batch)
      await recordNearCopies(tx, document, copyOf ? { copyOf } : fingerprints)
      await repository.markReady(tx, id, count, reading.leftUnread)
      return { count, needOcr }
    })
    deps.logger.info(
      { document: id, pages: pages.count, needOcr: pages.needOcr, leftUnread: reading.leftUnread },
      'document text extracted',
    )
  } catch (error) {
    if (
      !(
        error instanceof PdfUnreadableError ||
        error instanceof UnreadableDocumentError ||
        error instanceof ReadingLimitError ||
        error instanceof OfficeFileError
      )
    )
      throw error
    await repository.markFailed(deps.db, id, error.message)
    deps.logger.warn({ document: id, reason: error.message }, 'document cannot be read')
  }
}

/** The document's pages, at most the page budget of them, until the time budget runs out. */
async function* readPages(deps: ExtractionDeps, document: repository.DocumentRow, reading: Reading): AsyncGenerator<repository.PageText> {
  let count = 0
  for await (const page of pagesOf(deps, document, reading)) {
    if (count === reading.maxPages) {
      reading.leftUnread = `Only the first ${reading.maxPages} pages were read (the limit per document).`
      return
    }
    count += 1
    yield page
  }
}

async function* pagesOf(deps: ExtractionDeps, document: repository.DocumentRow, reading: Reading): AsyncGenerator<repository.PageText> {
  switch (fileTypeOf(document.mimeType)) {
    case 'pdf':
      return yield* readPdfPages(deps, document, reading)
    case 'png':
    case 'jpeg':
    case 'tiff':
      return yield* await readImagePages(deps, document, reading)
    case 'text':
      return yield* textPages(decodeText(await readAll(await deps.storage.open(document.sha256))))
    case 'email':
      return yield* await readEmail(deps, document)
    case 'csv':
      return yield* await readCsv(deps, document, reading)
    case 'docx':
      return yield* await readDocx(deps, document)
    case 'xlsx':
      return yield* await readXlsx(deps, document, reading)
    case 'msg':
      return yield* await readMsg(deps, document)
    default:
      throw new UnreadableDocumentError(`Documents of type ${document.mimeType} cannot be read.`)
  }
}

function textPages(text: string, pageChars?: number): repository.PageText[] {
  return asPages(paginateText(text, pageChars))
}

function asPages(texts: string[]): repository.PageText[] {
  return texts.map((text, index) => ({ page: index + 1, text, needsOcr: false }))
}

function tableLeftUnread(stopped: StoppedAt, maxCells: number): string | null {
  if (stopped === 'cells') return `Only the first ${maxCells} cells were read (the limit per spreadsheet).`
  if (stopped === 'time') return 'Only the first rows were read: reading took longer than the time allowed per document.'
  return null
}

async function readCsv(deps: ExtractionDeps, document: repository.DocumentRow, reading: Reading): Promise<repository.PageText[]> {
  const text = decodeText(await readAll(await deps.storage.open(document.sha256)))
  const { maxCells } = deps.config.extraction
  const { rows, stopped } = await csvRows(text, csvDelimiterOf(text, false) ?? ',', { maxCells, deadline: reading.deadline })
  reading.leftUnread = tableLeftUnread(stopped, maxCells)
  return asPages(csvPages(rows))
}

/** A Word document's text, in pieces of about a printed page (it has no pages of its own until printed). */
async function readDocx(deps: ExtractionDeps, document: repository.DocumentRow): Promise<repository.PageText[]> {
  const bytes = await readAll(await deps.storage.open(document.sha256))
  await checkOfficeZip(bytes, 'Word document', { maxUnzippedBytes: deps.config.extraction.maxUnzippedBytes })
  return textPages(await docxText(bytes), OFFICE_PAGE_CHARS)
}

/** An Excel workbook: a page per sheet (more for a long one), up to the cell limit. */
async function readXlsx(deps: ExtractionDeps, document: repository.DocumentRow, reading: Reading): Promise<repository.PageText[]> {
  const bytes = await readAll(await deps.storage.open(document.sha256))
  const { maxUnzippedBytes, maxCells } = deps.config.extraction
  await checkOfficeZip(bytes, 'Excel workbook', { maxUnzippedBytes })
  const { sheets, stopped } = await xlsxSheets(bytes, { maxCells, deadline: reading.deadline })
  reading.leftUnread = tableLeftUnread(stopped, maxCells)
  const pages = asPages(sheets.flatMap((sheet) => sheetPages(sheet.name, sheet.rows)))
  return pages.length > 0 ? pages : asPages([''])
}

/** An Outlook message, read like an exported email: headers, body, and its attachments as documents of their own. */
async function readMsg(deps: ExtractionDeps, message: repository.DocumentRow): Promise<repository.PageText[]> {
  const parsed = readOutlookMessage(await readAll(await deps.storage.open(message.sha256)))
  const notes = await keepAttachments(
    deps,
    message,
    parsed.attachments.map((attachment) => ({
      filename: cleanFilename(attachment.filename),
      content: attachment.content,
      declaredType: attachment.embedded ? 'an attached Outlook item' : 'an attachment',
    })),
  )
  const header: [string, string][] = [
    ['From', parsed.from],
    ['To', parsed.to],
    ['Cc', parsed.cc],
    ['Date', parsed.date],
    ['Subject', parsed.subject],
    ['Attachments', notes.join('; ')],
  ]
  return textPages(messageText(header, parsed.body), OFFICE_PAGE_CHARS)
}

const remainingMs = (reading: Reading) => Math.max(0, reading.deadline - Date.now())

/**
 * A PDF, read in a child process (src/adapters/pdf/isolated-pdf.ts) under the memory and time
 * budgets. Out of time, it stops and keeps the pages read so far.
 */
async function* readPdfPages(
  deps: ExtractionDeps,
  document: repository.DocumentRow,
  reading: Reading,
): AsyncGenerator<repository.PageText> {
  const { memoryMb, maxImagePixels } = deps.config.extraction
  const ocr = await deps.ocr.available()
  let number = 0
  try {
    yield* await withLocalCopy(deps, document, async function* (path) {
      const reader = await openIsolatedPdf(path, {
        memoryMb,
        maxImagePixels,
        ocrPixels: OCR_PIXELS,
        withPixels: ocr,
        maxPages: reading.maxPages,
        deadline: reading.deadline,
      })
      try {
        reading.pagesTotal = reader.pageCount
        for (number = 1; number <= Math.min(reader.pageCount, reading.maxPages); number++) {
          const page = await reader.page(number)
          if (page.oversizedImage) {
            throw new UnreadableDocumentError(
              `Page ${number} of the PDF draws an image of more than ${megapixels(maxImagePixels)} megapixels, larger than any scan this service reads.`,
            )
          }
          const text = cleanPageText(page.text)
          if (text !== '' || page.imageCount === 0) yield { page: number, text, needsOcr: false }
          else if (!ocr) yield { page: number, text: '', needsOcr: true }
          else {
            const recognized: string[] = []
            for (const image of page.images) recognized.push(await deps.ocr.recognizeImage(image, remainingMs(reading)))
            yield { page: number, text: cleanPageText(recognized.join('\n\n')), needsOcr: false }
          }
        }
        if (reader.pageCount > reading.maxPages)
          reading.leftUnread = `Only the first ${reading.maxPages} of its ${reader.pageCount} pages were read (the limit per document).`
      } finally {
        reader.close()
      }
    })
  } catch (error) {
    if (!(error instanceof ReadingLimitError)) throw error
    if (error.limit === 'memory') throw new UnreadableDocumentError(`Page ${number || 1} of the PDF cannot be read: ${error.message}`)
    if (number <= 1) throw error
    reading.leftUnread = `Only the first ${number - 1} of its ${reading.pagesTotal} pages were read: ${error.message}`
  }
}

const megapixels = (pixels: number) => Math.round(pixels / 1_000_000)

/** The stored bytes as a temporary file, for the child processes that read files (pdf.js, tesseract). */
async function* withLocalCopy<T>(
  deps: ExtractionDeps,
  document: repository.DocumentRow,
  read: (path: string) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const path = join(tmpdir(), `document-${randomUUID()}.${FILE_TYPES[fileTypeOf(document.mimeType)!].extension}`)
  try {
    await pipeline(await deps.storage.open(document.sha256), createWriteStream(path))
    yield* read(path)
  } finally {
    await rm(path, { force: true })
  }
}

/**
 * Images are OCRed from a temporary copy (tesseract reads files); each page of a TIFF is a page.
 * One larger than the pixel limit is refused from its headers, before anything decodes it.
 */
async function readImagePages(deps: ExtractionDeps, document: repository.DocumentRow, reading: Reading): Promise<repository.PageText[]> {
  if (!(await deps.ocr.available())) return [{ page: 1, text: '', needsOcr: true }]
  const pages: repository.PageText[] = []
  for await (const page of withLocalCopy(deps, document, (path) =>
    recognizeImageFile(deps, fileTypeOf(document.mimeType) as 'png' | 'jpeg' | 'tiff', path, reading),
  ))
    pages.push(page)
  return pages
}

async function* recognizeImageFile(
  deps: ExtractionDeps,
  type: 'png' | 'jpeg' | 'tiff',
  path: string,
  reading: Reading,
): AsyncGenerator<repository.PageText> {
  const { maxImagePixels } = deps.config.extraction
  const file = await open(path)
  let size: Awaited<ReturnType<typeof imageSize>>
  try {
    size = await imageSize(type, async (offset, length) => {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await file.read(buffer, 0, length, offset)
      return buffer.subarray(0, bytesRead)
    })
  } finally {
    await file.close()
  }
  if (size && size.width * size.height > maxImagePixels) {
    throw new UnreadableDocumentError(
      `The image is ${size.width}×${size.height} pixels (${megapixels(size.width * size.height)} megapixels); images of at most ${megapixels(maxImagePixels)} megapixels are read.`,
    )
  }
  let texts: string[]
  try {
    texts = await deps.ocr.recognizeFile(path, remainingMs(reading))
  } catch (error) {
    if (error instanceof ReadingLimitError) throw error
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new UnreadableDocumentError(`The image cannot be read (${reason}); it may be damaged.`)
  }
  yield* texts.map((text, index) => ({ page: index + 1, text: cleanPageText(text), needsOcr: false }))
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
  // Images embedded in the HTML body (logos, signatures) are part of the message, not records.
  const files = parsed.attachments.flatMap((attachment, index) =>
    attachment.related
      ? []
      : [
          {
            filename: cleanFilename(attachment.filename || `attachment-${index + 1}`),
            content: attachment.content,
            declaredType: attachment.contentType,
          },
        ],
  )
  return textPages(emailText(parsed, await keepAttachments(deps, email, files)))
}

interface AttachedFile {
  filename: string
  content: Buffer
  /** What the message says it is (a MIME type), for the notes on a file that is not kept. */
  declaredType: string
}

/**
 * Keeps a message's attachments as documents of the same request, linked to it (the same bytes
 * there already are reused), and answers a note on each: kept, or why not — not a type this
 * service reads, past the attachments a message may have, or nested deeper than
 * MAX_ATTACHMENT_NESTING. The new documents are queued to be read in turn.
 */
async function keepAttachments(deps: ExtractionDeps, message: repository.DocumentRow, files: AttachedFile[]): Promise<string[]> {
  const depth = await nestingDepth(deps, message)
  const { maxAttachments } = deps.config.inbound
  const notes: string[] = []
  const children: string[] = []
  let kept = 0
  for (const file of files) {
    const type = detectFileType(file.content.subarray(0, SNIFF_BYTES))
    if (!type) {
      notes.push(`${file.filename} (${file.declaredType}; not kept: not a type this service reads)`)
      continue
    }
    const described = `${file.filename} (${FILE_TYPES[type].mimeType}, ${file.content.length} bytes`
    if (depth >= MAX_ATTACHMENT_NESTING) {
      notes.push(`${described}; not kept: attachments nested more than ${MAX_ATTACHMENT_NESTING} deep are not taken out)`)
      continue
    }
    if (kept >= maxAttachments) {
      notes.push(`${described}; not kept: past the limit of ${maxAttachments} attachments per message)`)
      continue
    }
    kept += 1
    const child = await storeAttachment(deps, message, file, type)
    if (child.created) children.push(child.row.id)
    notes.push(`${described})`)
  }
  await deps.extractions.enqueue(children)
  return notes
}

/** How many messages a document is attached inside: 0 for one uploaded or received as it is. */
async function nestingDepth(deps: ExtractionDeps, document: repository.DocumentRow): Promise<number> {
  let depth = 0
  let parentId = document.parentId
  while (parentId !== null && depth <= MAX_ATTACHMENT_NESTING) {
    depth += 1
    parentId = (await repository.findDocument(deps.db, parentId))?.parentId ?? null
  }
  return depth
}

async function storeAttachment(
  deps: ExtractionDeps,
  message: repository.DocumentRow,
  file: AttachedFile,
  type: FileType,
): Promise<{ row: repository.DocumentRow; created: boolean }> {
  const staged = await deps.storage.stage(Readable.from([file.content]), { maxBytes: deps.config.maxUploadBytes })
  try {
    return await withCleanupOnFailure(deps, [staged.sha256], async (tx) => {
      await staged.commit()
      return repository.insertOrFindDocument(tx, {
        requestId: message.requestId,
        parentId: message.id,
        source: message.source,
        messageId: message.messageId,
        uploadedBy: message.uploadedBy,
        title: file.filename,
        kind: message.kind,
        filename: file.filename,
        mimeType: FILE_TYPES[type].mimeType,
        size: staged.size,
        sha256: staged.sha256,
        receivedAt: message.receivedAt,
      })
    })
  } finally {
    await staged.discard()
  }
}

function emailText(parsed: ParsedMail, attachments: string[]): string {
  const addresses = (value: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(value) ? value : value ? [value] : []).map((object) => object.text).join(', ')
  const header: [string, string][] = [
    ['From', addresses(parsed.from)],
    ['To', addresses(parsed.to)],
    ['Cc', addresses(parsed.cc)],
    ['Date', parsed.date?.toISOString() ?? ''],
    ['Subject', parsed.subject ?? ''],
    ['Attachments', attachments.join('; ')],
  ]
  return messageText(header, parsed.text ?? '')
}

/** A message as text: its header fields that have a value, a blank line, its body. */
function messageText(header: [string, string][], body: string): string {
  const lines = header.filter(([, value]) => value !== '').map(([name, value]) => `${name}: ${value}`)
  return `${lines.join('\n')}\n\n${body}`
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
