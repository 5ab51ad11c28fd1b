/**
 * A word diff of two texts, as a reader compares two versions of an agreement.
 *
 * - Words are the texts' runs of non-space characters (punctuation stays with its word), so a
 *   changed word shows as the word, and re-wrapped lines are no change.
 * - The diff is a shortest one (Myers' O(ND) algorithm): the fewest words deleted and inserted.
 *   Near copies differ in a few words, so it costs little; when the texts differ in more than
 *   MAX_EDITS words it is not worth finding the shortest, and the first text is shown deleted and
 *   the second inserted.
 * - Runs of words with the same operation are one change, their words joined by single spaces;
 *   in a replacement the deletion comes before the insertion.
 */

export type DiffOp = 'equal' | 'insert' | 'delete'

export interface WordChange {
  op: DiffOp
  text: string
}

export const MAX_EDITS = 1_000

export const diffWordsOf = (text: string): string[] => text.split(/\s+/).filter(Boolean)

export function diffWords(before: string, after: string): WordChange[] {
  return joinRuns(diffSequences(diffWordsOf(before), diffWordsOf(after)))
}

/** One operation per word, in order. */
export function diffSequences(a: readonly string[], b: readonly string[]): { op: DiffOp; word: string }[] {
  let prefix = 0
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1
  let suffix = 0
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1
  const middle = myers(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix))
  return [
    ...a.slice(0, prefix).map((word) => ({ op: 'equal' as const, word })),
    ...middle,
    ...a.slice(a.length - suffix).map((word) => ({ op: 'equal' as const, word })),
  ]
}

function myers(a: readonly string[], b: readonly string[]): { op: DiffOp; word: string }[] {
  const n = a.length
  const m = b.length
  const limit = Math.min(n + m, MAX_EDITS)
  const offset = limit + 1
  // v[offset + k]: the furthest x reached on diagonal k (x - y = k).
  const v = new Int32Array(2 * limit + 3)
  // trace[d]: v on diagonals -(d + 1)..d + 1 before step d, for walking back the path.
  const trace: Int32Array[] = []
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x += 1
        y += 1
      }
      v[offset + k] = x
      if (x >= n && y >= m) return walkBack(a, b, trace, x, y)
    }
  }
  return [...a.map((word) => ({ op: 'delete' as const, word })), ...b.map((word) => ({ op: 'insert' as const, word }))]
}

function walkBack(a: readonly string[], b: readonly string[], trace: Int32Array[], endX: number, endY: number) {
  const operations: { op: DiffOp; word: string }[] = []
  let x = endX
  let y = endY
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d]!
    const at = (k: number) => before[k + d + 1]!
    const k = x - y
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1
    const previousX = d === 0 ? 0 : at(previousK)
    const previousY = d === 0 ? 0 : previousX - previousK
    while (x > previousX && y > previousY) {
      x -= 1
      y -= 1
      operations.push({ op: 'equal', word: a[x]! })
    }
    if (d === 0) break
    if (x === previousX) operations.push({ op: 'insert', word: b[previousY]! })
    else operations.push({ op: 'delete', word: a[previousX]! })
    x = previousX
    y = previousY
  }
  return operations.reverse()
}

/** Consecutive words with the same operation as one change; a deletion before the insertion it pairs with. */
function joinRuns(operations: readonly { op: DiffOp; word: string }[]): WordChange[] {
  const changes: WordChange[] = []
  let index = 0
  while (index < operations.length) {
    if (operations[index]!.op === 'equal') {
      const words: string[] = []
      while (index < operations.length && operations[index]!.op === 'equal') words.push(operations[index++]!.word)
      changes.push({ op: 'equal', text: words.join(' ') })
      continue
    }
    const deleted: string[] = []
    const inserted: string[] = []
    while (index < operations.length && operations[index]!.op !== 'equal') {
      const { op, word } = operations[index++]!
      ;(op === 'delete' ? deleted : inserted).push(word)
    }
    if (deleted.length > 0) changes.push({ op: 'delete', text: deleted.join(' ') })
    if (inserted.length > 0) changes.push({ op: 'insert', text: inserted.join(' ') })
  }
  return changes
}
