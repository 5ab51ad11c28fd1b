// The public rendition of a redacted document: every page rendered to an image by pdftoppm, the
// redacted ones with black boxes painted into their pixels, put together as a new PDF by pdfkit.
//
// Every page is an image, redacted or not: pdfkit writes new PDFs and cannot carry a page over from
// another one, and no text layer means nothing hidden under a box can be copied out. Pages without
// redactions go straight from pdftoppm as JPEG (no decoding, no painting); the public text stays
// searchable through the document's page text.
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PDFDocument from 'pdfkit'
import type { Ocr } from '../ocr/ocr.js'
import { letterFonts } from '../pdf/letter-fonts.js'
import { ReadingLimitError } from '../reading-limits.js'
import { encodePng, type PageBox, paintBoxes, readPpm, renderPages } from './raster.js'
import { boxesOf, openPdfPages, type PlacedRun, runsFromTesseractTsv } from './text-boxes.js'

export interface RenditionOptions {
  /** Resolution pages are rendered at, unless that would make a page larger than maxPagePixels. */
  dpi: number
  maxPagePixels: number
  maxPages: number
  memoryMb: number
  deadline: number
  /** For pages whose text layer does not hold a redaction's text (scans): tesseract's word boxes. */
  ocr: Ocr | null
}

export interface Rendition {
  pdf: Buffer
  /** Redactions whose text was found neither in a page's text layer nor by OCR of its pixels: nothing was painted for them. */
  notFound: { page: number; text: string }[]
}

// Boxes grow by this much (in pixels at the rendering resolution) so antialiased edges go too.
const PAD_PIXELS = 2

/** The PDF with each page's needles painted out. `needles` maps page numbers to the texts to take out there. */
export async function buildRedactedPdf(
  pdf: Buffer,
  needles: ReadonlyMap<number, readonly string[]>,
  options: RenditionOptions,
): Promise<Rendition> {
  const directory = join(tmpdir(), `redaction-${randomUUID()}`)
  await mkdir(directory, { recursive: true })
  const pages = await openPdfPages(new Uint8Array(pdf))
  try {
    if (pages.pageCount > options.maxPages)
      throw new ReadingLimitError(
        'time',
        `The PDF has ${pages.pageCount} pages; redacted copies are made of documents of at most ${options.maxPages}.`,
      )
    const source = join(directory, 'source.pdf')
    await writeFile(source, pdf)
    const plan: { page: number; dpi: number; format: 'ppm' | 'jpeg'; size: { width: number; height: number } }[] = []
    for (let page = 1; page <= pages.pageCount; page++) {
      const size = await pages.size(page)
      const squareInches = (size.width / 72) * (size.height / 72)
      // A giant page is rendered coarser, never larger than maxPagePixels.
      const dpi = Math.max(1, Math.min(options.dpi, Math.floor(Math.sqrt(options.maxPagePixels / squareInches))))
      plan.push({ page, dpi, format: needles.get(page)?.length ? 'ppm' : 'jpeg', size })
    }
    const images = new Map<number, string>()
    for (const group of consecutiveGroups(plan)) {
      const remaining = options.deadline - Date.now()
      if (remaining <= 0) throw new ReadingLimitError('time', 'Making the redacted copy took longer than allowed.')
      const files = await renderPages(
        source,
        { first: group[0]!.page, last: group.at(-1)!.page, dpi: group[0]!.dpi, format: group[0]!.format },
        directory,
        {
          memoryMb: options.memoryMb,
          timeoutMs: remaining,
        },
      )
      for (const [index, entry] of group.entries()) images.set(entry.page, files[index]!)
    }
    const notFound: Rendition['notFound'] = []
    const document = new PDFDocument({ autoFirstPage: false, info: { Title: 'Redacted copy', Producer: 'Ring Records' } })
    const chunks: Buffer[] = []
    document.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = new Promise((resolve) => document.on('end', resolve))
    for (const entry of plan) {
      const file = images.get(entry.page)
      if (!file) throw new Error(`pdftoppm rendered no image of page ${entry.page}`)
      document.addPage({ size: [entry.size.width, entry.size.height], margin: 0 })
      if (entry.format === 'jpeg') {
        document.image(file, 0, 0, { width: entry.size.width, height: entry.size.height })
        continue
      }
      const wanted = needles.get(entry.page) ?? []
      const boxes = await boxesFor(pages, entry.page, file, wanted, options, notFound)
      const image = await readPpm(file)
      paintBoxes(image, boxes, PAD_PIXELS)
      document.image(encodePng(image), 0, 0, { width: entry.size.width, height: entry.size.height })
    }
    document.end()
    await ended
    return { pdf: Buffer.concat(chunks), notFound }
  } finally {
    await pages.close()
    await rm(directory, { recursive: true, force: true })
  }
}

/** Boxes from the text layer; needles it does not hold are looked for in the pixels by OCR. */
async function boxesFor(
  pages: Awaited<ReturnType<typeof openPdfPages>>,
  page: number,
  imagePath: string,
  needles: readonly string[],
  options: RenditionOptions,
  notFound: Rendition['notFound'],
): Promise<PageBox[]> {
  const layer = await pages.runs(page)
  const boxes: PageBox[] = []
  const missing: string[] = []
  for (const needle of needles) {
    const found = boxesOf(layer, [needle])
    if (found.length > 0) boxes.push(...found)
    else missing.push(needle)
  }
  if (missing.length === 0) return boxes
  let words: PlacedRun[] = []
  if (options.ocr && (await options.ocr.available())) {
    words = runsFromTesseractTsv(await options.ocr.wordBoxes(imagePath, Math.max(1, options.deadline - Date.now())))
  }
  for (const needle of missing) {
    const found = boxesOf(words, [needle])
    if (found.length > 0) boxes.push(...found)
    else notFound.push({ page, text: needle })
  }
  return boxes
}

function consecutiveGroups<T extends { page: number; dpi: number; format: string }>(plan: T[]): T[][] {
  const groups: T[][] = []
  for (const entry of plan) {
    const last = groups.at(-1)?.at(-1)
    if (last && last.page === entry.page - 1 && last.dpi === entry.dpi && last.format === entry.format) groups.at(-1)!.push(entry)
    else groups.push([entry])
  }
  return groups
}

/** An image (PNG or JPEG) as a one-page PDF of its own size, one point a pixel, so it is redacted like any page. */
export async function imageAsPdf(image: Buffer): Promise<Buffer> {
  const document = new PDFDocument({ autoFirstPage: false })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  // @types/pdfkit leaves out openImage, which reads an image's size without placing it.
  const opened = (document as unknown as { openImage(source: Buffer): { width: number; height: number } }).openImage(image)
  document.addPage({ size: [opened.width, opened.height], margin: 0 })
  document.image(image, 0, 0, { width: opened.width, height: opened.height })
  document.end()
  await ended
  return Buffer.concat(chunks)
}

/**
 * A PDF of text pages (the public text of a document that is not a PDF or image: plain text, an
 * email, an office file), each starting a new page, in DejaVu Serif so any script prints.
 */
export async function textAsPdf(pages: readonly string[]): Promise<Buffer> {
  const fonts = await letterFonts()
  const document = new PDFDocument({
    autoFirstPage: false,
    size: 'LETTER',
    margin: 54,
    info: { Title: 'Redacted copy', Producer: 'Ring Records' },
  })
  document.registerFont('body', fonts.regular)
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  for (const text of pages) {
    document.addPage()
    document.font('body').fontSize(10).text(text)
  }
  if (pages.length === 0) document.addPage()
  document.end()
  await ended
  return Buffer.concat(chunks)
}
