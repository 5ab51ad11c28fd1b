import type { DocumentChange } from '../modules/near-copies/document-compare.js'

export interface CompareRow {
  page: number | null
  otherPage: number | null
  /** The first document's words: unchanged, or only in it (`changed`). */
  left: { text: string; changed: boolean }[]
  /** The other document's words: unchanged, or only in it (`changed`). */
  right: { text: string; changed: boolean }[]
}

/**
 * A comparison as rows of a side-by-side view, one per pair of pages (or page only one document
 * has): the words only the first document has are marked on the left, those only the other has on
 * the right, the words both have on both sides.
 */
export function sideBySide(changes: readonly DocumentChange[]): CompareRow[] {
  const rows: CompareRow[] = []
  for (const change of changes) {
    let row = rows.at(-1)
    if (!row || row.page !== change.page || row.otherPage !== change.otherPage) {
      row = { page: change.page, otherPage: change.otherPage, left: [], right: [] }
      rows.push(row)
    }
    if (change.op !== 'insert') row.left.push({ text: change.text, changed: change.op === 'delete' })
    if (change.op !== 'delete') row.right.push({ text: change.text, changed: change.op === 'insert' })
  }
  return rows
}
