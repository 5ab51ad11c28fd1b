import type { AppContext } from '../../context.js'
import type { Executor } from '../../db/client.js'
import { ConflictError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { listPages } from '../documents/documents.repository.js'
import { findVisibleDocument } from '../documents/documents.service.js'
import { scopeOf } from '../search/search.service.js'
import { compareDocuments as compareTexts } from './document-compare.js'
import { bandKeys, documentSignature, pageSignature, toStoredSignature } from './minhash.js'
import * as repository from './near-copies.repository.js'
import { alignPages, isNearCopy, type SignedPage } from './page-alignment.js'

export type NearCopyDeps = Pick<AppContext, 'db'>

/** The most near copies a document's list shows; `total` counts them all. */
export const MAX_SIMILAR = 100

/** A page's signature, or null for a page with too few words to compare. */
export function fingerprintPage(page: number, text: string): repository.PageFingerprint | null {
  const signature = pageSignature(text)
  return signature ? { page, minhash: toStoredSignature(signature) } : null
}

/**
 * Inside the extraction's transaction, once the document's pages are written: stores their
 * fingerprints (or, for bytes another document already has, copies that one's: the same bytes are
 * the same pages) and records which documents are its near copies: those sharing an LSH key of the
 * document's signature, compared page by page.
 */
export async function recordNearCopies(
  tx: Executor,
  document: { id: string },
  fingerprints: readonly repository.PageFingerprint[] | { copyOf: string },
): Promise<void> {
  let own: SignedPage[]
  if ('copyOf' in fingerprints) {
    await repository.copyFingerprints(tx, fingerprints.copyOf, document.id)
    own = (await repository.signaturesOf(tx, [document.id])).get(document.id) ?? []
  } else {
    const signature = documentSignature(fingerprints.map((page) => page.minhash))
    await repository.storeFingerprints(tx, document.id, fingerprints, signature ? bandKeys(signature) : [])
    own = fingerprints.map((page) => ({ page: page.page, signature: page.minhash }))
  }
  const candidates = await repository.forgetCopiesAndFindCandidates(tx, document.id)
  const copies = [...candidates].flatMap(([copyId, pages]) => {
    const alignment = alignPages(own, pages)
    return isNearCopy(alignment) ? [{ copyId, similarity: alignment.similarity }] : []
  })
  await repository.storeNearCopies(tx, document.id, copies)
}

/** Another ready document with the same bytes whose fingerprints can be copied instead of computed. */
export const fingerprintedCopyOf = (db: Executor, document: { id: string; sha256: string }) =>
  repository.fingerprintedCopyOf(db, document.sha256, document.id)

/** Near copies of a document the caller may see, that the caller may see too (never counted otherwise). */
export async function similarDocuments(deps: NearCopyDeps, user: AuthUser | null, id: string) {
  // Both at once: the copies' own visibility is in the lookup, and they are only returned once the
  // document itself proves visible.
  const [{ request }, copies] = await Promise.all([
    findVisibleDocument(deps, user, id),
    repository.similarDocuments(deps.db, id, scopeOf(user)),
  ])
  const otherAgencies = new Set(copies.map((copy) => copy.agency.id).filter((agencyId) => agencyId !== request.agencyId))
  return { items: copies.slice(0, MAX_SIMILAR), total: copies.length, otherAgencies: otherAgencies.size }
}

/** Two documents the caller may see, compared word by word. */
export async function compareDocuments(deps: NearCopyDeps, user: AuthUser | null, id: string, otherId: string) {
  const [{ row }, { row: other }] = await Promise.all([findVisibleDocument(deps, user, id), findVisibleDocument(deps, user, otherId)])
  for (const document of [row, other]) {
    if (document.status === 'processing')
      throw new ConflictError('not-ready', `The text of document ${document.id} is still being read; try again in a minute.`)
  }
  const [pages, others] = await Promise.all([listPages(deps.db, row.id), listPages(deps.db, other.id)])
  return { document: row, other, ...compareTexts(pages, others) }
}
