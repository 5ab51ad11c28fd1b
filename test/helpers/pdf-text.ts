// Reads PDFs back for assertions, with pdf.js (the legacy build is the one that runs on Node 20).
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { openPdf } from '../../src/adapters/pdf/pdf-reader.js'

export interface PdfInfo {
  pages: number
  title?: string
  author?: string
  creator?: string
}

/** The text of each page, one string per page, lines separated by "\n" in reading order. */
export async function extractPdfText(pdf: Buffer | Uint8Array): Promise<string[]> {
  // A copy: pdf.js wants a plain Uint8Array and may detach its buffer.
  const reader = await openPdf(new Uint8Array(pdf))
  try {
    const pages: string[] = []
    for (let number = 1; number <= reader.pageCount; number++) pages.push(await reader.text(number))
    return pages
  } finally {
    await reader.close()
  }
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
