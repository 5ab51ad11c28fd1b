/**
 * ts_headline marks matches with these two control characters, which stored page text never
 * contains (cleanPageText removes them). The snippet is then escaped as a whole and only the
 * markers become <mark> tags, so a page's own text can never turn into markup.
 */
export const MATCH_START = '\u0002'
export const MATCH_END = '\u0003'
/**
 * Put after every "<" of a page's text before PostgreSQL parses it (for the index and for
 * ts_headline): otherwise the parser drops anything that looks like a tag, and all text inside
 * <script> or <style>, so those words could be neither found nor shown. Removed from snippets.
 */
export const TAG_GUARD = '\u0004'

/** SQL for a text column with TAG_GUARD put after every "<": the one spelling of it, for the index and for snippets. */
export function guardTags(column: string): string {
  return `replace(${column}, '<', '<' || chr(${TAG_GUARD.codePointAt(0)}))`
}

export const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`

/** The same markers over a whole page's text (the document viewer), every match marked. */
export const WHOLE_TEXT_HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)
}

/** A ts_headline result as safe HTML: everything escaped, matched terms in <mark>…</mark>. */
export function toSnippetHtml(headline: string): string {
  let html = ''
  let open = false
  for (const part of headline.replaceAll(TAG_GUARD, '').split(/([\u0002\u0003])/)) {
    if (part === MATCH_START) {
      if (!open) html += '<mark>'
      open = true
    } else if (part === MATCH_END) {
      if (open) html += '</mark>'
      open = false
    } else html += escapeHtml(part)
  }
  return open ? `${html}</mark>` : html
}
