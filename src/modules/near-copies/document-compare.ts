/**
 * Two documents compared word by word, as a reader lays them side by side.
 *
 * - Pages are paired as near copies pair them (page-alignment.ts): in order, by signature.
 * - Paired pages are compared word by word (word-diff.ts); a page only one document has is one
 *   deletion (only the first has it) or insertion (only the other has it).
 * - Each change names the page of the first document it is on (`page`, null for a page only the
 *   other has) and the other document's page (`otherPage`, null for a page only the first has),
 *   in reading order.
 */

import { pageSignature, toStoredSignature } from './minhash.js'
import { alignPages, type SignedPage } from './page-alignment.js'
import { type DiffOp, diffWords } from './word-diff.js'

export interface PageText {
  page: number
  text: string
}

export interface DocumentChange {
  page: number | null
  otherPage: number | null
  op: DiffOp
  text: string
}

const signed = (pages: readonly PageText[]): SignedPage[] =>
  pages.flatMap(({ page, text }) => {
    const signature = pageSignature(text)
    return signature ? [{ page, signature: toStoredSignature(signature) }] : []
  })

const wholePage = (text: string) => text.split(/\s+/).filter(Boolean).join(' ')

export function compareDocuments(
  pages: readonly PageText[],
  others: readonly PageText[],
): { similarity: number; changes: DocumentChange[] } {
  const alignment = alignPages(signed(pages), signed(others))
  const changes: DocumentChange[] = []
  let i = 0
  let j = 0
  const onlyFirstUntil = (page: number) => {
    for (; i < pages.length && pages[i]!.page < page; i++) {
      const text = wholePage(pages[i]!.text)
      if (text) changes.push({ page: pages[i]!.page, otherPage: null, op: 'delete', text })
    }
  }
  const onlyOtherUntil = (page: number) => {
    for (; j < others.length && others[j]!.page < page; j++) {
      const text = wholePage(others[j]!.text)
      if (text) changes.push({ page: null, otherPage: others[j]!.page, op: 'insert', text })
    }
  }
  for (const pair of alignment.pairs) {
    onlyFirstUntil(pair.page)
    onlyOtherUntil(pair.otherPage)
    // Pages come in order, so both indexes are now at the pair's pages.
    for (const change of diffWords(pages[i]!.text, others[j]!.text)) changes.push({ page: pair.page, otherPage: pair.otherPage, ...change })
    i += 1
    j += 1
  }
  onlyFirstUntil(Number.POSITIVE_INFINITY)
  onlyOtherUntil(Number.POSITIVE_INFINITY)
  return { similarity: alignment.similarity, changes }
}
