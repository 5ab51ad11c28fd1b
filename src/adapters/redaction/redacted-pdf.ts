// The public rendition of a redacted document: every page rendered to an image by pdftoppm, the
// redacted ones with black boxes painted into their pixels, put together as a new PDF by pdfkit.
//
// Every page is an image, redacted or not: pdfkit writes new PDFs and cannot carry a page over from
// another one, and no text layer means nothing hidden under a box can be copied out. All pages are
// rendered in one pdftoppm run (each run costs a third of a second to start); their pixels are
// deflated side by side in zlib's thread pool and written as PDF image objects through pdfkit's
// object API (its PNG reader copies a page image byte by byte, slower than rendering it); the
// public text stays searchable through the page text.
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PDFDocument from 'pdfkit'
import type { Ocr } from '../ocr/ocr.js'
import { letterFonts } from '../pdf/letter-fonts.js'
import { ReadingLimitError } from '../reading-limits.js'
import { deflatePixels, type PageBox, paintBoxes, readPpm, renderPages } from './raster.js'
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

// Pages encoded at once: zlib's thread pool has four threads.
const ENCODERS = 4
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
    const plan: { page: number; dpi: number; size: { width: number; height: number } }[] = []
    for (let page = 1; page <= pages.pageCount; page++) {
      const size = await pages.size(page)
      const squareInches = (size.width / 72) * (size.height / 72)
      // A giant page is rendered coarser, never larger than maxPagePixels.
      const dpi = Math.max(1, Math.min(options.dpi, Math.floor(Math.sqrt(options.maxPagePixels / squareInches))))
      plan.push({ page, dpi, size })
    }
    const images = new Map<number, string>()
    for (const group of consecutiveGroups(plan)) {
      const remaining = options.deadline - Date.now()
      if (remaining <= 0) throw new ReadingLimitError('time', 'Making the redacted copy took longer than allowed.')
      const files = await renderPages(source, { first: group[0]!.page, last: group.at(-1)!.page, dpi: group[0]!.dpi }, directory, {
        memoryMb: options.memoryMb,
        timeoutMs: remaining,
      })
      for (const [index, entry] of group.entries()) images.set(entry.page, files[index]!)
    }
    const notFound: Rendition['notFound'] = []
    const encoded = await mapWithConcurrency(plan, ENCODERS, async (entry) => {
      const file = images.get(entry.page)
      if (!file) throw new Error(`pdftoppm rendered no image of page ${entry.page}`)
      const image = await readPpm(file)
      const wanted = needles.get(entry.page) ?? []
      if (wanted.length > 0) paintBoxes(image, await boxesFor(pages, entry.page, file, wanted, options, notFound), PAD_PIXELS)
      return { width: image.width, height: image.height, pixels: await deflatePixels(image) }
    })
    const document = new PDFDocument({ autoFirstPage: false, info: { Title: 'Redacted copy', Producer: 'Ring Records' } })
    const chunks: Buffer[] = []
    document.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = new Promise((resolve) => document.on('end', resolve))
    for (const [index, entry] of plan.entries()) {
      document.addPage({ size: [entry.size.width, entry.size.height], margin: 0 })
      placeImage(document, `Page${entry.page}`, encoded[index]!, entry.size)
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

/** Runs of consecutive pages at one resolution: one pdftoppm run each (one in all, unless a page is giant). */
function consecutiveGroups<T extends { page: number; dpi: number }>(plan: T[]): T[][] {
  const groups: T[][] = []
  for (const entry of plan) {
    const last = groups.at(-1)?.at(-1)
    if (last && last.page === entry.page - 1 && last.dpi === entry.dpi) groups.at(-1)!.push(entry)
    else groups.push([entry])
  }
  return groups
}

interface PdfKitObjects {
  ref(data: Record<string, unknown>): { end(chunk: Buffer): void }
  page: { xobjects: Record<string, unknown> }
  addContent(operators: string): void
}

/** Deflated RGB pixels as an image object covering the whole page (pdfkit's own page coordinates run top down). */
function placeImage(
  document: PDFKit.PDFDocument,
  label: string,
  image: { width: number; height: number; pixels: Buffer },
  size: { width: number; height: number },
): void {
  const objects = document as unknown as PdfKitObjects
  const object = objects.ref({
    Type: 'XObject',
    Subtype: 'Image',
    Width: image.width,
    Height: image.height,
    ColorSpace: 'DeviceRGB',
    BitsPerComponent: 8,
    Filter: 'FlateDecode',
  })
  object.end(image.pixels)
  objects.page.xobjects[label] = object
  document.save().transform(size.width, 0, 0, -size.height, 0, size.height)
  objects.addContent(`/${label} Do`)
  document.restore()
}

/** `work` over the items, at most `limit` at a time, answers in the items' order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
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
