/** How extracted text is stored and split into pages. Pure. */

/** A page's text is cut here: PostgreSQL's tsvector holds at most 1 MB, and no real page comes near it. */
export const MAX_PAGE_CHARS = 100_000
/** A plain-text file has no pages; it is split into pieces about this long, at line breaks. A long sheet of a spreadsheet too. */
export const TEXT_PAGE_CHARS = 20_000
/** Nor have Word documents, CSV tables and Outlook messages: theirs are pieces about this long, a printed page or so. */
export const OFFICE_PAGE_CHARS = 3_000

// Control characters other than tab and line feed. Search marks matches with \u0002 and \u0003,
// so those must never occur in stored text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g
// A UTF-16 surrogate without its pair: PostgreSQL's jsonb and text refuse it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Any string as PostgreSQL stores it: no NUL (text refuses it), lone surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replaceAll('\u0000', '')
}

/** Text as stored and indexed: no control characters but tabs and line breaks, no trailing spaces, no runs of blank lines. */
export function cleanPageText(text: string): string {
  const cleaned = storableText(text.replace(/\r\n?/g, '\n').replace(CONTROL, ' '))
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return cleaned.length > MAX_PAGE_CHARS ? cleaned.slice(0, MAX_PAGE_CHARS) : cleaned
}

/** A text's pages: its form feeds, if any, and pieces of at most about `pageChars` split at line breaks. */
export function paginateText(text: string, pageChars = TEXT_PAGE_CHARS): string[] {
  const pages: string[] = []
  for (const section of text.replace(/\r\n?/g, '\n').split('\f')) {
    let rest = section
    while (rest.length > pageChars) {
      const window = rest.slice(0, pageChars)
      // A line break, or else a space (a Word paragraph is one long line), or else anywhere.
      const lineBreak = window.lastIndexOf('\n')
      const space = window.lastIndexOf(' ')
      const cut = lineBreak > pageChars / 2 ? lineBreak + 1 : space > pageChars / 2 ? space + 1 : pageChars
      pages.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    pages.push(rest)
  }
  const cleaned = pages.map(cleanPageText).filter((page) => page !== '')
  return cleaned.length > 0 ? cleaned : ['']
}
