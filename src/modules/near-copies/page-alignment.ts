/**
 * Whether two documents are near copies, from their pages' MinHash signatures.
 *
 * - Pages are paired in order: page i of one document with page j of the other, each page at most
 *   once, and a later page of one only with a later page of the other (a cover page added or a
 *   page dropped shifts the rest, it does not break the match). Of all such pairings the one with
 *   the largest sum of page similarities is taken.
 * - Only pages at least PAGE_PAIR_SIMILARITY alike are paired; the rest count as not matched.
 * - The documents' similarity is that sum over the page count of the longer one (pages without a
 *   signature, too few words to compare, count for neither), so a copy of half a document is not
 *   a near copy of it.
 * - Near copies are at least NEAR_COPY_SIMILARITY alike.
 * - At most MAX_ALIGNED_PAGES of each document are paired, later pages count as unmatched: every
 *   page is compared with every other page, and this bounds that work (300 × 300 pairs, a few ms).
 */

import { signatureSimilarity } from './minhash.js'

export const PAGE_PAIR_SIMILARITY = 0.5
export const NEAR_COPY_SIMILARITY = 0.8
export const MAX_ALIGNED_PAGES = 300

export interface SignedPage {
  page: number
  signature: ArrayLike<number>
}

export interface PagePair {
  page: number
  otherPage: number
  similarity: number
}

export interface Alignment {
  pairs: PagePair[]
  similarity: number
}

/** The best in-order pairing of two documents' pages, and the documents' similarity. */
export function alignPages(pages: readonly SignedPage[], others: readonly SignedPage[]): Alignment {
  const a = pages.slice(0, MAX_ALIGNED_PAGES)
  const b = others.slice(0, MAX_ALIGNED_PAGES)
  const longer = Math.max(pages.length, others.length)
  if (a.length === 0 || b.length === 0) return { pairs: [], similarity: 0 }
  const width = b.length + 1
  // best[i * width + j]: the largest sum pairing the first i pages with the first j others.
  const best = new Float64Array((a.length + 1) * width)
  const alike = new Float32Array(a.length * b.length)
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const similarity = signatureSimilarity(a[i - 1]!.signature, b[j - 1]!.signature)
      alike[(i - 1) * b.length + (j - 1)] = similarity
      const paired = similarity >= PAGE_PAIR_SIMILARITY ? best[(i - 1) * width + (j - 1)]! + similarity : -1
      best[i * width + j] = Math.max(best[(i - 1) * width + j]!, best[i * width + (j - 1)]!, paired)
    }
  }
  const pairs: PagePair[] = []
  let i = a.length
  let j = b.length
  while (i > 0 && j > 0) {
    const here = best[i * width + j]!
    if (here === best[(i - 1) * width + j]) i -= 1
    else if (here === best[i * width + (j - 1)]) j -= 1
    else {
      pairs.push({ page: a[i - 1]!.page, otherPage: b[j - 1]!.page, similarity: alike[(i - 1) * b.length + (j - 1)]! })
      i -= 1
      j -= 1
    }
  }
  pairs.reverse()
  return { pairs, similarity: best[a.length * width + b.length]! / longer }
}

export const isNearCopy = (alignment: Alignment) => alignment.similarity >= NEAR_COPY_SIMILARITY
