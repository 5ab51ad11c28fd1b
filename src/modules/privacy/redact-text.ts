/**
 * Where a redaction's text occurs in a page, and the page's public text without it. A redaction
 * takes out every occurrence, regardless of case and of how the whitespace inside it was laid out
 * (a name broken over two lines is still the name). Pure.
 */

/** What stands in the public text where a span was taken out. */
export const REDACTED_MARK = '[redacted]'

export interface TextRange {
  start: number
  end: number
}

/** A pattern matching `needle` anywhere, case-insensitively, with any run of whitespace for each of its own. */
export function needlePattern(needle: string): RegExp {
  const words = needle.trim().split(/\s+/).map(escapeRegExp)
  return new RegExp(words.join('\\s+'), 'giu')
}

/** Every range of `text` that one of `needles` covers, merged where they touch or overlap, in order. */
export function occurrences(text: string, needles: readonly string[]): TextRange[] {
  const ranges: TextRange[] = []
  for (const needle of needles) {
    if (needle.trim() === '') continue
    for (const match of text.matchAll(needlePattern(needle))) ranges.push({ start: match.index!, end: match.index! + match[0].length })
  }
  return merge(ranges)
}

/** The text with every occurrence of the needles replaced by REDACTED_MARK, and how many were. */
export function redactText(text: string, needles: readonly string[]): { text: string; count: number } {
  const ranges = occurrences(text, needles)
  let result = ''
  let last = 0
  for (const range of ranges) {
    result += text.slice(last, range.start) + REDACTED_MARK
    last = range.end
  }
  return { text: result + text.slice(last), count: ranges.length }
}

function merge(ranges: TextRange[]): TextRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: TextRange[] = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end)
    else merged.push({ ...range })
  }
  return merged
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
