import { Readable } from 'node:stream'
import { ReadingLimitError } from '../../adapters/reading-limits.js'
import { buildRedactedPdf, imageAsPdf, textAsPdf } from '../../adapters/redaction/redacted-pdf.js'
import type { AppContext } from '../../context.js'
import { ConflictError, type FieldError, NotFoundError, RuleViolationError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import type { DocumentRow } from '../documents/documents.repository.js'
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

export type PrivacyDeps = DocumentDeps & Pick<AppContext, 'ocr'>

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
 * Adds redactions (each: every occurrence of a text on a page) and rebuilds the public text and
 * file. Each text must occur on its page; one that does not is refused with the rest (422).
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
  await rebuild(deps, row, { add: items, by: user.id })
  return listRedactions(deps, user, id)
}

export async function removeRedaction(deps: PrivacyDeps, user: AuthUser, id: string, redactionId: string): Promise<void> {
  const { row } = await findChangeableDocument(deps, user, id)
  const current = await repository.listRedactions(deps.db, id)
  if (!current.some((redaction) => redaction.id === redactionId)) throw new NotFoundError('Redaction', redactionId)
  await rebuild(deps, row, { remove: redactionId })
}

type Change = { add: readonly { page: number; text: string }[]; by: string } | { remove: string }

/**
 * Makes the public text and the public file agree with the redactions now recorded. The file is
 * built first; then, in one transaction, the page texts, the file and the counts change together,
 * so the public never sees redacted text beside an unredacted file, or the reverse.
 */
async function rebuild(deps: PrivacyDeps, row: DocumentRow, change: Change) {
  const current = await repository.listRedactions(deps.db, row.id)
  const redactions = 'remove' in change ? current.filter((redaction) => redaction.id !== change.remove) : [...current, ...change.add]
  const originals = await repository.originalPages(deps.db, row.id)
  const needles = new Map<number, string[]>()
  for (const redaction of redactions) needles.set(redaction.page, [...new Set([...(needles.get(redaction.page) ?? []), redaction.text])])
  const pages = originals.map((page) => ({
    page: page.page,
    original: page.text,
    public: redactText(page.text, needles.get(page.page) ?? []).text,
  }))
  const rendition =
    redactions.length === 0
      ? null
      : await renditionOf(
          deps,
          row,
          needles,
          pages.map((page) => page.public),
        )
  const staged = rendition ? await deps.storage.stage(Readable.from([rendition]), { maxBytes: Number.MAX_SAFE_INTEGER }) : null
  try {
    const keys = staged ? [staged.sha256] : []
    const replaced = await withCleanupOnFailure(deps, keys, async (tx) => {
      await repository.lockDocumentRedactions(tx, row.id)
      await staged?.commit()
      if ('remove' in change) await repository.deleteRedaction(tx, row.id, change.remove)
      else await repository.insertRedactions(tx, row.id, change.by, change.add)
      await repository.setPublicTexts(tx, row.id, pages)
      const previous = await repository.setRendition(
        tx,
        row.id,
        staged ? { sha256: staged.sha256, size: staged.size } : null,
        new Set(redactions.map((redaction) => `${redaction.page}\u0000${redaction.text}`)).size,
        [...needles.keys()].sort((a, b) => a - b),
      )
      if (previous && previous !== staged?.sha256) {
        await lockStoredFiles(tx, [previous])
        await removeUnreferencedFiles(tx, deps.storage, [previous])
      }
      return previous
    })
    return replaced
  } finally {
    await staged?.discard()
  }
}

/** The public file of a redacted document: its pages as images with the boxes burned in, or for text, a PDF of the public text. */
async function renditionOf(deps: PrivacyDeps, row: DocumentRow, needles: Map<number, string[]>, publicPages: string[]): Promise<Buffer> {
  const type = fileTypeOf(row.mimeType)
  if (type !== 'pdf' && type !== 'png' && type !== 'jpeg') {
    if (type === 'tiff') throw new RuleViolationError('TIFF images cannot be redacted yet; upload the pages as a PDF or PNG images.')
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
      const list = notFound.map((missing) => `"${missing.text}" on page ${missing.page}`).join(', ')
      throw new RuleViolationError(
        `The text is on its page but could not be located in the page image, so it cannot be blacked out there: ${list}. Try a shorter part of it (a single word).`,
      )
    }
    return redacted
  } catch (error) {
    if (error instanceof ReadingLimitError) throw new RuleViolationError(`The redacted copy could not be made: ${error.message}`)
    throw error
  }
}
