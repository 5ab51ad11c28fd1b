import type { Readable } from 'node:stream'
import type { Multipart } from '@fastify/multipart'
import { z } from 'zod'
import { type DocumentStorage, FileTooLargeError, type StagedFile } from '../../adapters/storage/storage.js'
import type { AppContext } from '../../context.js'
import type { Transaction } from '../../db/client.js'
import type { RENDITION_STATUSES } from '../../db/schema/documents.js'
import {
  ConflictError,
  DomainError,
  type FieldError,
  InvalidInputError,
  NotAllowedError,
  NotFoundError,
  RuleViolationError,
  TooLargeError,
  UnsupportedTypeError,
} from '../../errors.js'
import { ifNoneMatchHolds } from '../../http/conditional.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { canChange, canSeeDocument, findChangeableRequest, findVisibleRequest } from '../requests/request-access.js'
import { findRequest } from '../requests/requests.repository.js'
import * as repository from './documents.repository.js'
import { MAX_FILES_PER_UPLOAD, uploadFields } from './documents.schemas.js'
import { detectFileType, emailSentAt, FILE_TYPES, type FileType, SNIFF_BYTES } from './file-types.js'
import { cleanFilename } from './filenames.js'

export type DocumentDeps = Pick<AppContext, 'db' | 'storage' | 'extractions' | 'clock' | 'config'>

// A client clock a little ahead of ours is not a date "in the future".
const CLOCK_SKEW_MS = 5 * 60 * 1000

export function toDocument(row: repository.DocumentRow) {
  return {
    id: row.id,
    requestId: row.requestId,
    parentId: row.parentId,
    title: row.title,
    kind: row.kind,
    source: row.source,
    messageId: row.messageId,
    filename: row.filename,
    mimeType: row.mimeType as (typeof FILE_TYPES)[FileType]['mimeType'],
    size: row.size,
    sha256: row.sha256,
    receivedAt: row.receivedAt.toISOString(),
    status: row.status,
    pageCount: row.pageCount,
    pagesRead: row.pagesRead,
    pagesTotal: row.pagesTotal,
    error: row.error,
    published: row.publishedAt !== null,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    redactionCount: row.redactionCount,
    redactedPages: row.redactedPages,
    renditionStatus: renditionStatusOf(row),
    renditionError: row.renditionStatus === 'failed' ? row.renditionError : null,
    createdAt: row.createdAt.toISOString(),
  }
}

export type DocumentView = ReturnType<typeof toDocument>

/** none: no redactions, the original is the public file; else the redacted rendition's state. */
function renditionStatusOf(row: repository.DocumentRow): 'none' | (typeof RENDITION_STATUSES)[number] {
  return row.renditionStatus === 'ready' && row.redactionCount === 0 ? 'none' : row.renditionStatus
}

/** Whether setPublished would publish the document now: its text read, its public copy that of the latest redactions. Pages offer Publish only then. */
export function readyToPublish(document: Pick<DocumentView, 'status' | 'renditionStatus'>): boolean {
  return document.status !== 'processing' && (document.renditionStatus === 'ready' || document.renditionStatus === 'none')
}

/** A document whose public file is not the one its redactions call for yet (being made, or failed). */
function requireCurrentRendition(row: repository.DocumentRow, what: string): void {
  if (row.renditionStatus === 'pending')
    throw new ConflictError(
      'rendition-pending',
      `The redacted copy is being prepared with the latest redactions; ${what} once it is ready (renditionStatus "ready"), usually within a minute.`,
    )
  if (row.renditionStatus === 'failed')
    throw new ConflictError('rendition-failed', `The redacted copy could not be made: ${row.renditionError ?? 'unknown reason'}`)
}

interface StagedUpload {
  file: StagedFile
  filename: string
  type: FileType
  /** For an email: when it says it was sent (its Date header), the default for receivedAt. */
  sentAt: Date | null
}

/** The form fields of an upload; `kind` may come once (every file) or once per file, in order. */
interface UploadForm {
  fields: Record<string, string>
  kinds: string[]
}

/**
 * Stores the files of a multipart upload against a request and queues their text extraction.
 * Each file streams to storage while it is hashed, so memory stays flat whatever its size; its
 * type comes from its first bytes. Nothing is kept unless the whole upload is good: a refused or
 * interrupted upload leaves no document and no file. The same bytes twice are one document.
 */
export async function uploadDocuments(
  deps: DocumentDeps,
  user: AuthUser,
  requestId: string,
  parts: AsyncIterable<Multipart>,
): Promise<DocumentView[]> {
  await findChangeableRequest(deps.db, user, requestId)
  const staged: StagedUpload[] = []
  const form: UploadForm = { fields: {}, kinds: [] }
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        readField(part, form)
        continue
      }
      if (part.fieldname !== 'file') {
        throw new InvalidInputError(`Files go in parts named "file", not "${part.fieldname}".`, [
          { path: `body.${part.fieldname}`, message: 'is not a known field' },
        ])
      }
      staged.push(await stageFile(deps, part.file, cleanFilename(part.filename), staged.length))
    }
  } catch (error) {
    await Promise.all(staged.map(({ file }) => file.discard()))
    throw uploadProblem(error, deps.config.maxUploadBytes)
  }
  try {
    if (staged.length === 0)
      throw new InvalidInputError('Send at least one file, in a part named "file".', [{ path: 'body.file', message: 'is required' }])
    const options = parseFields(deps, form, staged.length)
    const stored = await withCleanupOnFailure(
      deps,
      staged.map(({ file }) => file.sha256),
      async (tx) => {
        const rows: { row: repository.DocumentRow; created: boolean }[] = []
        for (const [index, { file, filename, type, sentAt }] of staged.entries()) {
          await file.commit()
          rows.push(
            await repository.insertOrFindDocument(tx, {
              requestId,
              uploadedBy: user.id,
              title: titleFor(options.title, filename, staged.length),
              kind: options.kindOf(index) ?? (type === 'email' || type === 'msg' ? 'correspondence' : 'other'),
              filename,
              mimeType: FILE_TYPES[type].mimeType,
              size: file.size,
              sha256: file.sha256,
              receivedAt: options.receivedAt ?? sentAt ?? deps.clock.now(),
            }),
          )
        }
        return rows
      },
    )
    await deps.extractions.enqueue(stored.filter(({ created }) => created).map(({ row }) => row.id))
    return stored.map(({ row }) => toDocument(row))
  } finally {
    await Promise.all(staged.map(({ file }) => file.discard()))
  }
}

const ALLOWED_FIELDS = new Set(Object.keys(uploadFields.shape))

function readField(part: Extract<Multipart, { type: 'field' }>, { fields, kinds }: UploadForm): void {
  const path = `body.${part.fieldname}`
  if (!ALLOWED_FIELDS.has(part.fieldname))
    throw new InvalidInputError(`"${part.fieldname}" is not a field an upload takes.`, [{ path, message: 'is not a known field' }])
  if (part.fieldname in fields)
    throw new InvalidInputError(`"${part.fieldname}" is given twice.`, [{ path, message: 'must be given once' }])
  if (part.valueTruncated) throw new InvalidInputError(`"${part.fieldname}" is too long.`, [{ path, message: 'is too long' }])
  const value = String(part.value)
  if (value.includes('\u0000'))
    throw new InvalidInputError('Text may not contain NUL characters.', [{ path, message: 'must not contain the NUL character (\\u0000)' }])
  if (part.fieldname === 'kind') kinds.push(value)
  else fields[part.fieldname] = value
}

async function stageFile(deps: DocumentDeps, source: Readable, filename: string, index: number): Promise<StagedUpload> {
  const path = `body.file.${index}`
  let type: FileType | null = null
  let sentAt: Date | null = null
  const file = await deps.storage.stage(source, {
    maxBytes: deps.config.maxUploadBytes,
    inspectBytes: SNIFF_BYTES,
    inspect(head) {
      if (head.length === 0) throw new InvalidInputError(`${filename} is empty.`, [{ path, message: 'is an empty file' }])
      type = detectFileType(head)
      if (!type) {
        throw new UnsupportedTypeError(
          `${filename} is not a PDF, PNG, JPEG or TIFF image, plain-text or CSV file, exported email (.eml or Outlook .msg), Word (.docx) or Excel (.xlsx) file.`,
          [{ path, message: 'unsupported file type' }],
        )
      }
      if (type === 'email') sentAt = emailSentAt(head, deps.clock.now())
    },
  })
  return { file, filename, type: type!, sentAt }
}

function parseFields(deps: DocumentDeps, { fields, kinds }: UploadForm, fileCount: number) {
  const parsed = uploadFields.safeParse({ ...fields, ...(kinds.length > 0 ? { kind: kinds } : {}) })
  if (!parsed.success) {
    const errors: FieldError[] = parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path].join('.'), message: issue.message }))
    throw new InvalidInputError('The upload’s fields are invalid.', errors)
  }
  const { receivedAt, kind = [], title } = parsed.data
  if (kind.length > 1 && kind.length !== fileCount) {
    throw new InvalidInputError(
      `Give one kind for every file, or one per file in the order of the files: ${kind.length} kinds for ${fileCount} files.`,
      [{ path: 'body.kind', message: `expected 1 or ${fileCount} values` }],
    )
  }
  const now = deps.clock.now()
  // A bare date is taken as noon UTC; today's date is fine before noon too (then it means now).
  const today = /^\d{4}-\d{2}-\d{2}$/.test(fields.receivedAt ?? '') && fields.receivedAt === now.toISOString().slice(0, 10)
  if (receivedAt && !today && receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new RuleViolationError('That time is in the future.', [{ path: 'body.receivedAt', message: 'must not be in the future' }])
  }
  return {
    title,
    receivedAt: receivedAt && today && receivedAt > now ? now : receivedAt,
    kindOf: (index: number) => (kind.length > 1 ? kind[index] : kind[0]),
  }
}

/** The multipart plugin's and storage's errors as problems a client can act on. */
function uploadProblem(error: unknown, maxBytes: number): unknown {
  if (error instanceof DomainError) return error
  const code = (error as { code?: string }).code
  if (error instanceof FileTooLargeError || code === 'FST_REQ_FILE_TOO_LARGE') {
    return new TooLargeError(`A file is larger than the ${maxBytes} bytes this server accepts; nothing was kept.`)
  }
  if (code === 'FST_FILES_LIMIT') return new TooLargeError(`An upload may carry at most ${MAX_FILES_PER_UPLOAD} files.`)
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new TooLargeError('The upload has too many parts.')
  if (code === 'FST_PROTO_VIOLATION') return new InvalidInputError('A field name is not allowed.')
  // busboy's words for a body that stops inside a part.
  if (
    code === 'FST_MP_PREMATURE_CLOSE' ||
    /^Unexpected end of (form|multipart data)$/.test((error as { message?: string }).message ?? '')
  ) {
    return new InvalidInputError('The upload ended before it was complete; nothing was kept.')
  }
  return error
}

function titleFor(title: string | undefined, filename: string, count: number): string {
  if (!title) return filename
  return count === 1 ? title : `${title} (${filename})`
}

/** The document if the caller may see it; otherwise 404, so unpublished documents do not reveal that they exist. */
export async function findVisibleDocument(deps: Pick<DocumentDeps, 'db'>, user: AuthUser | null, id: string) {
  const row = await repository.findDocument(deps.db, id)
  const found = row ? await findRequest(deps.db, row.requestId) : null
  if (!row || !found || !canSeeDocument(user, found.request, row)) throw new NotFoundError('Document', id)
  return { row, request: found.request }
}

/** The document if the caller may change it (its requester or an admin): 404 when they may not even see it, 403 when only see. */
export async function findChangeableDocument(deps: Pick<DocumentDeps, 'db'>, user: AuthUser, id: string) {
  const found = await findVisibleDocument(deps, user, id)
  if (!canChange(user, found.request)) throw new NotAllowedError('Only the requester or an administrator may review this document.')
  return found
}

/**
 * Makes a reviewed document public (it shows to everyone once its request is public and filed), or
 * takes it back. A document still being read, or whose redacted copy is still being made (or could
 * not be), cannot be published (409): its public text and rendition are not final yet. Publishing
 * is refused rather than deferred: the requester publishes what they previewed, not a later copy.
 */
export async function setPublished(deps: DocumentDeps, user: AuthUser, id: string, published: boolean): Promise<DocumentView> {
  const { row } = await findChangeableDocument(deps, user, id)
  if (published && row.status === 'processing')
    throw new ConflictError('not-ready', 'The document is still being read; publish it once its text is ready and reviewed.')
  if (published) requireCurrentRendition(row, 'publish it')
  const updated = await repository.setPublishedAt(deps.db, id, published ? deps.clock.now() : null)
  return toDocument(updated ?? row)
}

export async function listDocuments(
  deps: DocumentDeps,
  user: AuthUser | null,
  requestId: string,
  query: { limit: number; cursor?: string },
) {
  const { request } = await findVisibleRequest(deps.db, user, requestId)
  const after = query.cursor ? decodeCursor(query.cursor, z.tuple([z.iso.datetime(), z.uuid()])) : null
  const publishedOnly = user === null || !canChange(user, request)
  const rows = await repository.listDocuments(deps.db, requestId, after, query.limit, publishedOnly)
  return toPage(rows, query.limit, toDocument, (row) => [row.createdAt.toISOString(), row.id])
}

export async function getDocument(deps: DocumentDeps, user: AuthUser | null, id: string): Promise<DocumentView> {
  return toDocument((await findVisibleDocument(deps, user, id)).row)
}

export async function getDocumentText(deps: DocumentDeps, user: AuthUser | null, id: string, page?: number) {
  const { row } = await findVisibleDocument(deps, user, id)
  if (row.status === 'processing') throw new ConflictError('not-ready', 'The document’s text is still being read; try again in a minute.')
  const pages = await repository.listPages(deps.db, id, page)
  if (page !== undefined && pages.length === 0) {
    throw new DomainError('not_found', 'not-found', `Document ${id} has no page ${page}; it has ${row.pageCount ?? 0}.`)
  }
  return { pages }
}

/**
 * A visible document's public file: the redacted rendition (a PDF) when it has redactions, else the
 * original bytes. Visibility is checked on every call, revalidations included: the bytes are opened
 * only when the caller's copy (`ifNoneMatch`) is not the current one.
 */
export async function openDocumentFile(deps: DocumentDeps, user: AuthUser | null, id: string, ifNoneMatch?: string) {
  const { row, request } = await findVisibleDocument(deps, user, id)
  // A rendition older than the redactions would show what was just redacted: nothing is served until the new one is ready.
  requireCurrentRendition(row, 'open it')
  const file = publicFileOf(row)
  const etag = `"${file.sha256}"`
  const stream = ifNoneMatchHolds(ifNoneMatch, etag) ? null : await deps.storage.open(file.sha256)
  return { file, etag, stream, public: canSeeDocument(null, request, row) }
}

export interface ServedFile {
  sha256: string
  size: number
  mimeType: string
  filename: string
}

function publicFileOf(row: repository.DocumentRow): ServedFile {
  if (row.renditionSha256 === null) return { sha256: row.sha256, size: row.size, mimeType: row.mimeType, filename: row.filename }
  return {
    sha256: row.renditionSha256,
    size: row.renditionSize ?? 0,
    mimeType: 'application/pdf',
    filename: `${row.filename.replace(/\.[^.]*$/, '')}-redacted.pdf`,
  }
}

/**
 * The original bytes, for the requester and admins only (404 to anyone else, as if there were
 * none); every opening is logged before the bytes are read.
 */
export async function openOriginalFile(deps: DocumentDeps, user: AuthUser, id: string) {
  const { row, request } = await findVisibleDocument(deps, user, id)
  if (!canChange(user, request)) throw new NotFoundError('Document', id)
  await repository.logOriginalAccess(deps.db, id, user.id)
  const file: ServedFile = { sha256: row.sha256, size: row.size, mimeType: row.mimeType, filename: row.filename }
  return { file, etag: `"${row.sha256}"`, stream: await deps.storage.open(row.sha256) }
}

/** Who opened a document's original, newest first (admins only). */
export async function listOriginalAccesses(deps: DocumentDeps, user: AuthUser, id: string, query: { limit: number; cursor?: string }) {
  if (user.role !== 'admin') throw new NotAllowedError('Only administrators may read the access log of originals.')
  await findVisibleDocument(deps, user, id)
  const before = query.cursor ? decodeCursor(query.cursor, z.tuple([z.iso.datetime(), z.uuid()])) : null
  const rows = await repository.listOriginalAccesses(deps.db, id, before, query.limit)
  return toPage(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      user: row.userId ? { id: row.userId, name: row.userName ?? '' } : null,
      accessedAt: row.accessedAt.toISOString(),
    }),
    (row) => [row.accessedAt.toISOString(), row.id],
  )
}

/**
 * Deletes a document, its attachments (for an email) and their text; bytes no other document
 * shares are removed from storage in the same locked step as the rows, so an upload of the same
 * bytes at that moment either comes first (and keeps them) or puts them back.
 */
export async function deleteDocument(deps: DocumentDeps, user: AuthUser, id: string): Promise<void> {
  const { request } = await findVisibleDocument(deps, user, id)
  if (!canChange(user, request)) throw new NotAllowedError('Only the requester or an administrator may delete this document.')
  await deps.db.transaction(async (tx) => {
    const keys = (await repository.documentTree(tx, id)).flatMap((node) =>
      node.renditionSha256 ? [node.sha256, node.renditionSha256] : [node.sha256],
    )
    await lockStoredFiles(tx, keys)
    await repository.deleteDocument(tx, id)
    await removeUnreferencedFiles(tx, deps.storage, keys)
  })
}

/**
 * Inside the caller's transaction: locks the bytes of every document of a request, runs `remove`
 * (which deletes the rows, e.g. by deleting the request), then removes bytes no document holds any more.
 */
export async function removingRequestFiles(
  tx: Transaction,
  storage: DocumentStorage,
  requestId: string,
  remove: () => Promise<void>,
): Promise<void> {
  const keys = await repository.fileKeysOfRequest(tx, requestId)
  await lockStoredFiles(tx, keys)
  await remove()
  await removeUnreferencedFiles(tx, storage, keys)
}

/** Locks in a fixed order, so two writers of the same files never wait on each other in a cycle. */
export async function lockStoredFiles(tx: Transaction, keys: readonly string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) await repository.lockStoredFile(tx, key)
}

export async function removeUnreferencedFiles(tx: Transaction, storage: DocumentStorage, keys: readonly string[]): Promise<void> {
  for (const key of new Set(keys)) if (!(await repository.isReferenced(tx, key))) await storage.remove(key)
}

/**
 * Runs a transaction that commits files to storage before its rows commit. Should it fail, bytes
 * it put in place that no document holds are removed again, so a failed write leaves no stray file.
 */
export async function withCleanupOnFailure<T>(
  deps: Pick<DocumentDeps, 'db' | 'storage'>,
  keys: readonly string[],
  write: (tx: Transaction) => Promise<T>,
): Promise<T> {
  try {
    return await deps.db.transaction(async (tx) => {
      await lockStoredFiles(tx, keys)
      return write(tx)
    })
  } catch (error) {
    await deps.db
      .transaction(async (tx) => {
        await lockStoredFiles(tx, keys)
        await removeUnreferencedFiles(tx, deps.storage, keys)
      })
      .catch(() => {})
    throw error
  }
}
