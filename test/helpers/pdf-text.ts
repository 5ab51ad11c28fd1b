// Reads PDFs back for assertions, with pdf.js (the legacy build is the one that runs on Node 20).
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'

export interface PdfInfo {
  pages: number
  title?: string
  author?: string
  creator?: string
}

/** The text of each page, one string per page, lines separated by "\n" in reading order. */
export async function extractPdfText(pdf: Buffer | Uint8Array): Promise<string[]> {
  return withPdf(pdf, async (document) => {
    const pages: string[] = []
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number)
      const content = await page.getTextContent()
      pages.push(joinItems(content.items.filter((item): item is TextItem => 'str' in item)))
      page.cleanup()
    }
    return pages
  })
}

/** The page count and the document information dictionary. */
export async function readPdfInfo(pdf: Buffer | Uint8Array): Promise<PdfInfo> {
  return withPdf(pdf, async (document) => {
    const { info } = await document.getMetadata()
    const fields = info as Record<string, unknown>
    const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined)
    return { pages: document.numPages, title: text('Title'), author: text('Author'), creator: text('Creator') }
  })
}

type PdfDocument = Awaited<ReturnType<typeof getDocument>['promise']>

async function withPdf<T>(pdf: Buffer | Uint8Array, read: (document: PdfDocument) => Promise<T>): Promise<T> {
  // A copy: pdf.js wants a plain Uint8Array and may detach its buffer.
  const task = getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  const document = await task.promise
  try {
    return await read(document)
  } finally {
    await task.destroy()
  }
}

/**
 * Items on one baseline are one line. A new line starts where pdf.js marks an end of line or the
 * baseline moves; a visible gap between items on a line (a bullet and its text) becomes a space.
 */
function joinItems(items: TextItem[]): string {
  let text = ''
  let lastY: number | undefined
  let lastEnd: number | undefined
  for (const item of items) {
    const x = Number(item.transform[4])
    const y = Number(item.transform[5])
    const atLineStart = text === '' || text.endsWith('\n')
    if (item.str === '') {
      // pdf.js marks some line ends with an empty item.
      if (item.hasEOL && !atLineStart) text += '\n'
      continue
    }
    if (!atLineStart && lastY !== undefined && Math.abs(y - lastY) > 1) {
      text += '\n'
    } else if (!atLineStart && lastEnd !== undefined && x - lastEnd > item.height * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.str)) {
      text += ' '
    }
    text += item.str
    if (item.hasEOL) text += '\n'
    lastY = y
    lastEnd = x + item.width
  }
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim()
}
