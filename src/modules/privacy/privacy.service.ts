import { Readable } from 'node:stream'
import { ReadingLimitError } from '../../adapters/reading-limits.js'
import { buildRedactedPdf, imageAsPdf, textAsPdf } from '../../adapters/redaction/redacted-pdf.js'
import type { AppContext } from '../../context.js'
import type { Transaction } from '../../db/client.js'
import { ConflictError, type FieldError, NotFoundError, RuleViolationError } from '../../errors.js'
import type { RenditionHandlers } from '../../jobs/runner.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { type DocumentRow, findDocument } from '../documents/documents.repository.js'
import {
  type DocumentDeps,
  findChangeableDocument,
  lockStoredFiles,
  removeUnreferencedFiles,
  withCleanupOnFailure,
} from '../documents/documents.service.js'
import { fileTypeOf } from '../documents/file-types.js'
import { contextOf, detectPii } from './pii-detectors.js'
import * as repository from './privacy.repository.js'
import { needlePattern, redactText } from './redact-text.js'

export type PrivacyDeps = DocumentDeps & Pick<AppContext, 'ocr' | 'renditions'>

function toRedaction(row: repository.RedactionRow) {
  return { id: row.id, page: row.page, text: row.text, createdAt: row.createdAt.toISOString() }
}

function requireRead(row: DocumentRow): void {
  if (row.status === 'processing') throw new ConflictError('not-ready', 'The document’s text is still being read; try again in a minute.')
  if (row.status === 'failed')
    throw new ConflictError('not-readable', 'The document’s text could not be read, so nothing in it can be found or redacted.')
}

/**
 * Suggested redactions over the document's original text, page by page, leaving out what is
 * redacted already. Never applied by themselves: the requester accepts them as redactions.
 */
export async function suggestRedactions(deps: PrivacyDeps, user: AuthUser, id: string) {
  const { row } = await findChangeableDocument(deps, user, id)
  requireRead(row)
  const [pages, redactions] = await Promise.all([repository.originalPages(deps.db, id), repository.listRedactions(deps.db, id)])
  const items = pages.flatMap((page) => {
    const done = redactions.filter((redaction) => redaction.page === page.page).map((redaction) => needlePattern(redaction.text))
    return detectPii(page.text)
      .filter((span) => !done.some((pattern) => new RegExp(`^(?:${pattern.source})$`, 'iu').test(span.text)))
      .map((span) => ({ page: page.page, ...span, context: contextOf(page.text, span.start, span.end) }))
  })
  return { items }
}

export async function listRedactions(deps: PrivacyDeps, user: AuthUser, id: string) {
  await findChangeableDocument(deps, user, id)
  return { items: (await repository.listRedactions(deps.db, id)).map(toRedaction) }
}

/**
 * Adds redactions (each: every occurrence of a text on a page) and takes them out of the public
 * text at once; the worker then burns them into the public file (renditionStatus "pending" until
 * it is ready). Each text must occur on its page; one that does not is refused with the rest (422).
 */
export async function addRedactions(deps: PrivacyDeps, user: AuthUser, id: string, items: readonly { page: number; text: string }[]) {
  const { row } = await findChangeableDocument(deps, user, id)
  requireRead(row)
  const pages = new Map((await repository.originalPages(deps.db, id)).map((page) => [page.page, page.text]))
  const errors: FieldError[] = []
  items.forEach((item, index) => {
    const text = pages.get(item.page)
    if (text === undefined)
      errors.push({ path: `body.items.${index}.page`, message: `the document has no page ${item.page}; it has ${pages.size}` })
    else if (!needlePattern(item.text).test(text))
      errors.push({ path: `body.items.${index}.text`, message: `does not occur on page ${item.page}` })
  })
  if (errors.length > 0) throw new RuleViolationError('Some redactions name text that is not on their page.', errors)
  await changeRedactions(deps, row.id, (tx) => repository.insertRedactions(tx, row.id, user.id, items))
  return listRedactions(deps, user, id)
}

export async function removeRedaction(deps: PrivacyDeps, user: AuthUser, id: string, redactionId: string): Promise<void> {
  await findChangeableDocument(deps, user, id)
  await changeRedactions(deps, id, async (tx) => {
    if (!(await repository.deleteRedaction(tx, id, redactionId))) throw new NotFoundError('Redaction', redactionId)
  })
}

/** Each page's texts to take out, from the redactions. */
function needlesOf(redactions: readonly { page: number; text: string }[]): Map<number, string[]> {
  const needles = new Map<number, string[]>()
  for (const redaction of redactions) needles.set(redaction.page, [...new Set([...(needles.get(redaction.page) ?? []), redaction.text])])
  return needles
}

/** The pages' public texts under these needles. */
function publicPagesOf(originals: readonly { page: number; text: string }[], needles: ReadonlyMap<number, readonly string[]>) {
  return originals.map((page) => ({
    page: page.page,
    original: page.text,
    public: redactText(page.text, needles.get(page.page) ?? []).text,
  }))
}

/**
 * Changes the redactions and, in the same transaction, the public text, the public note and the
 * version the rendition must be built for; then asks the worker for it. With no redaction left the
 * original is the public file again, at once. Until the new rendition is ready the public file is
 * withheld (openDocumentFile), so no one gets a file older than the redactions.
 */
async function changeRedactions(deps: PrivacyDeps, documentId: string, change: (tx: Transaction) => Promise<void>) {
  const version = await deps.db.transaction(async (tx) => {
    await repository.lockDocumentRedactions(tx, documentId)
    await change(tx)
    const redactions = await repository.listRedactions(tx, documentId)
    const needles = needlesOf(redactions)
    await repository.setPublicTexts(tx, documentId, publicPagesOf(await repository.originalPages(tx, documentId), needles))
    const version = await repository.recordRedactionChange(
      tx,
      documentId,
      redactions.length,
      [...needles.keys()].sort((a, b) => a - b),
    )
    if (redactions.length === 0) await replaceRendition(deps, tx, documentId, null)
    return redactions.length === 0 ? null : version
  })
  if (version !== null) await deps.renditions.enqueue([{ documentId, version }])
}

/** Puts the new rendition in place and removes the previous one's bytes if nothing else holds them. */
async function replaceRendition(
  deps: PrivacyDeps,
  tx: Transaction,
  documentId: string,
  rendition: { sha256: string; size: number } | null,
) {
  const previous = (await repository.lockRendition(tx, documentId))?.sha256 ?? null
  await repository.setRendition(tx, documentId, rendition)
  if (previous && previous !== rendition?.sha256) {
    await lockStoredFiles(tx, [previous])
    await removeUnreferencedFiles(tx, deps.storage, [previous])
  }
}

/** Why a rendition cannot be made whatever the number of attempts: recorded on the document, not retried. */
class RenditionRefused extends Error {}

const RECONCILE_LIMIT = 1_000

export function createRenditionHandlers(deps: PrivacyDeps & Pick<AppContext, 'logger' | 'renditions'>): RenditionHandlers {
  return {
    render: (documentId, version) => render(deps, documentId, version),
    giveUp: (documentId, version, reason) =>
      repository.failRendition(deps.db, documentId, version, `The redacted copy could not be made: ${reason}`),
    async reconcile() {
      const pending = await repository.pendingRenditions(deps.db, RECONCILE_LIMIT)
      await deps.renditions.enqueue(pending)
      return pending.length
    },
  }
}

/**
 * Builds the public file for one version of the redactions and puts it in place, unless the
 * redactions changed meanwhile (that version's own job builds theirs). A reason the file cannot be
 * made (a text not found in the page image, a limit) is recorded on the document for its owner.
 */
async function render(deps: PrivacyDeps, documentId: string, version: number): Promise<void> {
  const row = await findDocument(deps.db, documentId)
  if (!row || row.redactionsVersion !== version || row.renditionStatus !== 'pending') return
  const redactions = await repository.listRedactions(deps.db, documentId)
  const needles = needlesOf(redactions)
  let rendition: Buffer
  try {
    const pages = publicPagesOf(await repository.originalPages(deps.db, documentId), needles)
    rendition = await renditionOf(
      deps,
      row,
      needles,
      pages.map((page) => page.public),
    )
  } catch (error) {
    if (!(error instanceof RenditionRefused)) throw error
    await repository.failRendition(deps.db, documentId, version, error.message)
    return
  }
  const staged = await deps.storage.stage(Readable.from([rendition]), { maxBytes: Number.MAX_SAFE_INTEGER })
  try {
    await withCleanupOnFailure(deps, [staged.sha256], async (tx) => {
      await repository.lockDocumentRedactions(tx, documentId)
      const current = await repository.lockRendition(tx, documentId)
      if (current?.version !== version || current.status !== 'pending') return
      await staged.commit()
      await replaceRendition(deps, tx, documentId, { sha256: staged.sha256, size: staged.size })
    })
  } finally {
    await staged.discard()
  }
}

/** The public file of a redacted document: its pages as images with the boxes burned in, or for text, a PDF of the public text. */
async function renditionOf(deps: PrivacyDeps, row: DocumentRow, needles: Map<number, string[]>, publicPages: string[]): Promise<Buffer> {
  const type = fileTypeOf(row.mimeType)
  if (type !== 'pdf' && type !== 'png' && type !== 'jpeg') {
    if (type === 'tiff') throw new RenditionRefused('TIFF images cannot be redacted yet; upload the pages as a PDF or PNG images.')
    return textAsPdf(publicPages)
  }
  const original = Buffer.concat(await (await deps.storage.open(row.sha256)).toArray())
  const pdf = type === 'pdf' ? original : await imageAsPdf(original)
  const { extraction, redaction } = deps.config
  try {
    const { pdf: redacted, notFound } = await buildRedactedPdf(pdf, needles, {
      // An image keeps its own pixels: one point a pixel, rendered at 72 dpi.
      dpi: type === 'pdf' ? redaction.dpi : 72,
      maxPagePixels: redaction.maxPagePixels,
      maxPages: extraction.maxPages,
      memoryMb: extraction.memoryMb,
      deadline: Date.now() + extraction.timeoutSeconds * 1000,
      ocr: deps.ocr,
    })
    if (notFound.length > 0) {
      // The reason shows wherever the document does: it names pages, never the redacted text.
      const pages = [...new Set(notFound.map((missing) => missing.page))].join(', ')
      throw new RenditionRefused(
        `A redacted text is on its page but could not be located in the page image, so it cannot be blacked out there (page ${pages}). Undo that redaction and add a shorter part of it (a single word).`,
      )
    }
    return redacted
  } catch (error) {
    if (error instanceof ReadingLimitError) throw new RenditionRefused(`The redacted copy could not be made: ${error.message}`)
    throw error
  }
}
