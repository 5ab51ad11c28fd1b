/** A run of text, and whether it is a match to show marked. */
export interface TextPart {
  text: string
  marked: boolean
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/**
 * Search's snippet HTML (everything escaped, matches in `<mark>`…`</mark>`) back as plain text
 * runs, so a view can print them with its own escaping and its own `<mark>`: no string is ever
 * output unescaped.
 */
export function markedParts(html: string): TextPart[] {
  const parts: TextPart[] = []
  for (const [index, piece] of html.split(/<mark>|<\/mark>/).entries()) {
    if (piece === '') continue
    parts.push({ text: piece.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!), marked: index % 2 === 1 })
  }
  return parts
}
