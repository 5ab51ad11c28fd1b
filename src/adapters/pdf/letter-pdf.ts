import { type LetterBlock, parseLetterBody } from './letter-body.js'
import { letterFonts } from './letter-fonts.js'
import { loadPdfKit } from './pdfkit.js'

export interface LetterDocument {
  /** Return-address block: the name, then address lines and email. */
  requester: { name: string; lines: string[] }
  /** Already formatted, e.g. "November 22, 2026". */
  date: string
  /** Recipient block, e.g. "Public Records Officer", then the agency name and address lines. */
  agency: { name: string; lines: string[] }
  subject: string
  /** Plain text in the conventions of parseLetterBody: salutation first, signature block last. */
  body: string
  /** PDF metadata title; the subject when absent. */
  title?: string
}

export interface RenderLetterOptions {
  /** Stamped as the PDF creation date; fixing it makes the output byte-for-byte repeatable. */
  createdAt?: Date
}

// A block-format US business letter on Letter paper with one-inch margins.
export const LETTER_LAYOUT = {
  size: 'LETTER',
  margin: 72,
  fontSize: 11,
  lineGap: 2,
  /** The space between blocks, a little under one line. */
  blockGap: 10,
  bulletIndent: 12,
  bulletTextIndent: 28,
  bulletGap: 4,
  footerSize: 9,
} as const

const REGULAR = 'letter-regular'
const BOLD = 'letter-bold'
const CREATOR = 'ring-records'

type Doc = PDFKit.PDFDocument

/** Lays the letter out as a PDF with embedded DejaVu Serif; "Page N of M" footers only when it runs past one page. */
export async function renderLetterPdf(letter: LetterDocument, options: RenderLetterOptions = {}): Promise<Buffer> {
  const fonts = await letterFonts()
  const PDFDocument = await loadPdfKit()
  const doc = new PDFDocument({
    size: LETTER_LAYOUT.size,
    margin: LETTER_LAYOUT.margin,
    bufferPages: true, // footers need the page count, known only at the end
    lang: 'en-US',
    displayTitle: true,
    info: {
      Title: letter.title ?? letter.subject,
      Author: letter.requester.name,
      Subject: letter.subject,
      Creator: CREATOR,
      CreationDate: options.createdAt ?? new Date(),
    },
  })
  const pdf = collect(doc)
  doc.registerFont(REGULAR, fonts.regular).registerFont(BOLD, fonts.bold)
  doc.font(REGULAR).fontSize(LETTER_LAYOUT.fontSize).lineGap(LETTER_LAYOUT.lineGap)

  writeHeading(doc, letter)
  writeBody(doc, parseLetterBody(breakLongRuns(letter.body)))
  numberPages(doc)
  doc.end()
  return pdf
}

const LONG_RUN = /\S{41,}/g
const RUN_PIECE = /[\s\S]{1,40}/gu

/**
 * pdfkit wraps a word wider than the line in time that grows with the square of its length (a
 * 50,000-character "word" took most of a minute), so runs of more than 40 characters without a
 * space get a zero-width space every 40 characters: a break opportunity that prints nothing.
 */
export function breakLongRuns(text: string): string {
  return text.replace(LONG_RUN, (run) => run.match(RUN_PIECE)!.join('\u200B'))
}

function writeHeading(doc: Doc, letter: LetterDocument): void {
  const width = contentWidth(doc)
  doc.text(cleanLines([letter.requester.name, ...letter.requester.lines]).join('\n'), { width })
  blankLine(doc)
  doc.text(letter.date.trim(), { width })
  blankLine(doc)
  doc.text(cleanLines([letter.agency.name, ...letter.agency.lines]).join('\n'), { width })
  blankLine(doc)
  doc
    .font(BOLD)
    .text(breakLongRuns(subjectLine(letter.subject)), { width })
    .font(REGULAR)
  blankLine(doc)
}

/** "Re: …" unless the subject already says "Re:" or "Subject:". */
function subjectLine(subject: string): string {
  const trimmed = subject.trim()
  return /^(re|subject)\s*:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`
}

function writeBody(doc: Doc, blocks: LetterBlock[]): void {
  const width = contentWidth(doc)
  const closing = closingOf(doc, blocks)
  blocks.forEach((block, index) => {
    if (index > 0) doc.y += LETTER_LAYOUT.blockGap
    const next = blocks[index + 1]
    // A one-line block ("Dear …:", "Sincerely,") stays on the page with what follows it.
    const keepWithNext = next && isOneLine(doc, block) ? lineHeight(doc) + LETTER_LAYOUT.blockGap + roomFor(doc, next) : 0
    ensureRoom(doc, Math.max(keepWithNext, roomFor(doc, block), closing?.keepFrom === index ? closing.height : 0))
    if (closing?.signatureAt === index) {
      writeSignature(doc, block as Extract<LetterBlock, { kind: 'lines' }>)
      return
    }
    switch (block.kind) {
      case 'paragraph':
        doc.text(block.text, { width })
        break
      case 'lines':
        doc.text(block.lines.join('\n'), { width })
        break
      case 'bullets':
        writeBullets(doc, block.items)
        break
    }
  })
}

/**
 * The letter's end: its last paragraph, any short lines after it, the complimentary close
 * ("Sincerely,") and the signature block, kept on one page (a last page holding only the closing
 * lines reads as an afterthought),
 * with room under the close for a handwritten signature. Null when the letter has no such ending.
 */
function closingOf(doc: Doc, blocks: LetterBlock[]): { keepFrom: number; signatureAt: number; height: number } | null {
  const signatureAt = blocks.length - 1
  const signature = blocks[signatureAt]
  if (signature?.kind !== 'lines' && signature?.kind !== 'paragraph') return null
  // The close and the name are one block ("Sincerely,\nName…") or a one-line block before it.
  const closeInBlock = signature.kind === 'lines' && /,$/.test(signature.lines[0] ?? '')
  const closeBefore = blocks[signatureAt - 1]
  const closeAlone = !closeInBlock && closeBefore?.kind === 'paragraph' && /,$/.test(closeBefore.text) && isOneLine(doc, closeBefore)
  if (!closeInBlock && !closeAlone) return null
  const closeAt = closeAlone ? signatureAt - 1 : signatureAt
  const heightFrom = (from: number) => {
    let height = signatureSpace(doc)
    for (let index = from; index <= signatureAt; index++) {
      if (index > from) height += LETTER_LAYOUT.blockGap
      height += doc.heightOfString(textOf(blocks[index]!), { width: contentWidth(doc) })
    }
    return height
  }
  // Back over one-line paragraphs ("Thank you for your help."), then one more block, so the last
  // page carries a paragraph of the letter itself; when that much does not fit on a page, only the
  // close and the signature are kept together.
  let keepFrom = closeAt - 1
  while (keepFrom > 0 && isOneLine(doc, blocks[keepFrom]!)) keepFrom--
  if (keepFrom >= 0 && heightFrom(keepFrom) <= pageBodyHeight(doc)) return { keepFrom, signatureAt, height: heightFrom(keepFrom) }
  return { keepFrom: closeAt, signatureAt, height: heightFrom(closeAt) }
}

/** The signature block, with room to sign between the close and the name when they share it. */
function writeSignature(doc: Doc, block: Extract<LetterBlock, { kind: 'lines' | 'paragraph' }>): void {
  const width = contentWidth(doc)
  const lines = block.kind === 'lines' ? block.lines : [block.text]
  if (block.kind === 'lines' && /,$/.test(lines[0] ?? '')) {
    doc.text(lines[0]!, { width })
    doc.y += signatureSpace(doc)
    doc.text(lines.slice(1).join('\n'), { width })
    return
  }
  doc.y += signatureSpace(doc)
  doc.text(lines.join('\n'), { width })
}

/** About three lines: room for a pen. */
function signatureSpace(doc: Doc): number {
  return 3 * lineHeight(doc)
}

function textOf(block: LetterBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text
    case 'lines':
      return block.lines.join('\n')
    case 'bullets':
      return block.items.join('\n')
  }
}

/** Bullets with a hanging indent: wrapped lines align with the item's text, not the bullet. */
function writeBullets(doc: Doc, items: string[]): void {
  const left = doc.page.margins.left
  const textWidth = contentWidth(doc) - LETTER_LAYOUT.bulletTextIndent
  items.forEach((item, index) => {
    if (index > 0) {
      doc.y += LETTER_LAYOUT.bulletGap
      ensureRoom(doc, firstLinesHeight(doc, item, textWidth))
    }
    const y = doc.y
    doc.text('•', left + LETTER_LAYOUT.bulletIndent, y, { lineBreak: false })
    doc.text(item, left + LETTER_LAYOUT.bulletTextIndent, y, { width: textWidth })
  })
  doc.x = left
}

/** The height a block needs on the current page before it may start there. */
function roomFor(doc: Doc, block: LetterBlock): number {
  const width = contentWidth(doc)
  switch (block.kind) {
    case 'paragraph':
      return firstLinesHeight(doc, block.text, width)
    case 'bullets':
      return firstLinesHeight(doc, block.items[0] ?? '', width - LETTER_LAYOUT.bulletTextIndent)
    case 'lines': {
      // Kept whole (a signature or an address) unless it could never fit on one page.
      const whole = doc.heightOfString(block.lines.join('\n'), { width })
      return whole <= pageBodyHeight(doc) ? whole : 2 * lineHeight(doc)
    }
  }
}

/** Two lines, so a paragraph never leaves its first line alone at the foot of a page; one if that is all it has. */
function firstLinesHeight(doc: Doc, text: string, width: number): number {
  return (doc.widthOfString(text) <= width ? 1 : 2) * lineHeight(doc)
}

function isOneLine(doc: Doc, block: LetterBlock): boolean {
  return block.kind === 'paragraph' && doc.widthOfString(block.text) <= contentWidth(doc)
}

function ensureRoom(doc: Doc, height: number): void {
  const bottom = doc.page.height - doc.page.margins.bottom
  if (doc.y + height > bottom && doc.y > doc.page.margins.top) doc.addPage()
}

function numberPages(doc: Doc): void {
  const { start, count } = doc.bufferedPageRange()
  if (count < 2) return
  doc.font(REGULAR).fontSize(LETTER_LAYOUT.footerSize)
  for (let page = 0; page < count; page++) {
    doc.switchToPage(start + page)
    const label = `Page ${page + 1} of ${count}`
    // Halfway into the bottom margin. Without lineBreak the text is placed, never flowed onto a new page.
    const y = doc.page.height - doc.page.margins.bottom / 2 - doc.currentLineHeight() / 2
    doc.text(label, (doc.page.width - doc.widthOfString(label)) / 2, y, { lineBreak: false })
  }
}

function blankLine(doc: Doc): void {
  doc.y += lineHeight(doc)
}

function lineHeight(doc: Doc): number {
  return doc.currentLineHeight(true) + LETTER_LAYOUT.lineGap
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right
}

function pageBodyHeight(doc: Doc): number {
  return doc.page.height - doc.page.margins.top - doc.page.margins.bottom
}

function cleanLines(lines: string[]): string[] {
  return lines.map((line) => line.trim()).filter((line) => line !== '')
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
}
