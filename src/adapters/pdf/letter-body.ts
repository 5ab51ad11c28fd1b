// How a plain-text letter body is divided into blocks for layout. Pure: no PDF knowledge here.
//
// Rules, applied in order:
// 1. Line endings are normalised (CRLF and CR become LF), tabs become spaces, lines are trimmed
//    and runs of spaces inside them become one.
// 2. Blocks are separated by one or more blank lines.
// 3. Inside a block, a line starting with "- ", "• " or "* " starts a bullet item; an indented
//    line right after an item continues it. Any other line ends the list, so a lead-in line and
//    its list may share a block ("I ask that you:\n- …\n- …").
// 4. The remaining text lines keep their line breaks where the line before is short (under
//    SHORT_LINE characters) or the next line starts a numbered item ("1. ", "2) ", "(a) ");
//    other breaks are where someone wrapped a long line, and become spaces.
// 5. Text that ends up as one line is a paragraph; several lines are a `lines` block, laid out
//    line by line (a signature, an address, a numbered list).

export type LetterBlock = { kind: 'paragraph'; text: string } | { kind: 'bullets'; items: string[] } | { kind: 'lines'; lines: string[] }

/** Lines shorter than this are taken as deliberately short (an address, a closing), not wrapped. */
export const SHORT_LINE = 60

const BULLET = /^\s*[-•*]\s+(.*)$/
const NUMBERED_ITEM = /^(\d{1,3}[.)]|\(\w{1,4}\))\s/

export function parseLetterBody(body: string): LetterBlock[] {
  const lines = body
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .split('\n')
    .map((line) => line.trimEnd())
  const blocks: LetterBlock[] = []
  let group: string[] = []
  for (const line of [...lines, '']) {
    if (line.trim() !== '') {
      group.push(line)
      continue
    }
    if (group.length > 0) blocks.push(...blocksOf(group))
    group = []
  }
  return blocks
}

function blocksOf(group: string[]): LetterBlock[] {
  const blocks: LetterBlock[] = []
  let text: string[] = []
  let items: string[] | undefined
  for (const line of group) {
    const bullet = BULLET.exec(line)
    if (bullet) {
      if (text.length > 0) blocks.push(textBlock(text))
      text = []
      if (!items) {
        items = []
        blocks.push({ kind: 'bullets', items })
      }
      items.push(collapse(bullet[1] ?? ''))
    } else if (items && /^\s/.test(line)) {
      items[items.length - 1] = collapse(`${items.at(-1) ?? ''} ${line}`)
    } else {
      items = undefined
      text.push(line.trim())
    }
  }
  if (text.length > 0) blocks.push(textBlock(text))
  return blocks
}

function textBlock(lines: string[]): LetterBlock {
  const kept: string[] = []
  lines.forEach((line, index) => {
    const before = lines[index - 1]
    if (before !== undefined && before.length >= SHORT_LINE && !NUMBERED_ITEM.test(line)) {
      kept[kept.length - 1] = `${kept.at(-1) ?? ''} ${line}`
    } else {
      kept.push(line)
    }
  })
  const [first = '', ...rest] = kept.map(collapse)
  return rest.length === 0 ? { kind: 'paragraph', text: first } : { kind: 'lines', lines: [first, ...rest] }
}

function collapse(text: string): string {
  return text.replace(/ {2,}/g, ' ').trim()
}
