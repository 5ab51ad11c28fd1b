// The public rendition of a redacted document: the pages that carry redactions rendered to images
// by pdftoppm with black boxes painted into their pixels, the others copied as they are (vector,
// text and all: nothing on them is redacted), put back together in order by poppler's pdfunite.
//
// pdfseparate splits the PDF into one file per page in one run; the redacted pages are united into
// a small PDF that pdftoppm renders in one run (each run costs a third of a second to start, more
// than a page takes to render); their pixels are deflated side by side in zlib's thread pool and
// written as PDF image objects through pdfkit's object API (its PNG reader copies a page image byte
// by byte, slower than rendering it), one image-only PDF a page, with no text layer under any box.
// pdfunite keeps the pages only: not the original's metadata, outline or attachments.

import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Ocr } from '../ocr/ocr.js'
import { letterFonts } from '../pdf/letter-fonts.js'
import { loadPdfKit } from '../pdf/pdfkit.js'
import { ReadingLimitError } from '../reading-limits.js'
import { deflatePixels, grayIfNeutral, type PageBox, paintBoxes, readPpm, renderPages } from './raster.js'
import { boxesOf, openPdfPages, type PdfPages, type PlacedRun, runsFromTesseractTsv } from './text-boxes.js'

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

const run = promisify(execFile)

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
    const redacted = [...needles.keys()].filter((page) => page >= 1 && page <= pages.pageCount).sort((a, b) => a - b)
    const timeoutMs = () => {
      const remaining = options.deadline - Date.now()
      if (remaining <= 0) throw new ReadingLimitError('time', 'Making the redacted copy took longer than allowed.')
      return remaining
    }
    const pageFile = (page: number) => join(directory, `page-${page}.pdf`)
    // The redacted pages alone, so one pdftoppm run renders them and no other.
    const subset = join(directory, 'redacted.pdf')
    const split = (async () => {
      await runPoppler('pdfseparate', [source, join(directory, 'page-%d.pdf')], timeoutMs())
      if (redacted.length === 1) await writeFile(subset, await readFile(pageFile(redacted[0]!)))
      else if (redacted.length > 1) await runPoppler('pdfunite', [...redacted.map(pageFile), subset], timeoutMs())
    })()
    // Placing the text (pdf.js, this thread) while poppler splits the file (its own processes).
    const layers = new Map<number, { boxes: PageBox[]; missing: string[] }>()
    try {
      for (const page of redacted) layers.set(page, await textLayerBoxes(pages, page, needles.get(page) ?? []))
    } finally {
      await split
    }
    const plan: { page: number; index: number; dpi: number; size: { width: number; height: number } }[] = []
    for (const [index, page] of redacted.entries()) {
      const size = await pages.size(page)
      const squareInches = (size.width / 72) * (size.height / 72)
      // A giant page is rendered coarser, never larger than maxPagePixels.
      const dpi = Math.max(1, Math.min(options.dpi, Math.floor(Math.sqrt(options.maxPagePixels / squareInches))))
      plan.push({ page, index: index + 1, dpi, size })
    }
    const images = new Map<number, string>()
    for (const group of consecutiveGroups(plan)) {
      const files = await renderPages(subset, { first: group[0]!.index, last: group.at(-1)!.index, dpi: group[0]!.dpi }, directory, {
        memoryMb: options.memoryMb,
        timeoutMs: timeoutMs(),
      })
      for (const [index, entry] of group.entries()) images.set(entry.page, files[index]!)
    }
    const notFound: Rendition['notFound'] = []
    await mapWithConcurrency(plan, ENCODERS, async (entry) => {
      const file = images.get(entry.page)
      if (!file) throw new Error(`pdftoppm rendered no image of page ${entry.page}`)
      const layer = layers.get(entry.page)!
      const boxes = [...layer.boxes, ...(await ocrBoxes(entry.page, file, layer.missing, options, notFound))]
      const image = grayIfNeutral(await readPpm(file))
      paintBoxes(image, boxes, PAD_PIXELS)
      const encoded = { width: image.width, height: image.height, channels: image.channels, pixels: await deflatePixels(image) }
      await rm(file)
      await writeFile(pageFile(entry.page), await imagePagePdf(`Page${entry.page}`, encoded, entry.size))
    })
    const output = join(directory, 'redacted-copy.pdf')
    const all = Array.from({ length: pages.pageCount }, (_, index) => pageFile(index + 1))
    if (all.length === 1) await writeFile(output, await readFile(all[0]!))
    else await runPoppler('pdfunite', [...all, output], timeoutMs())
    return { pdf: await readFile(output), notFound }
  } finally {
    await pages.close()
    await rm(directory, { recursive: true, force: true })
  }
}

/** Runs one of poppler's page tools (pdfseparate, pdfunite), killed at the time limit. */
async function runPoppler(command: string, args: string[], timeoutMs: number): Promise<void> {
  try {
    await run(command, args, { timeout: Math.max(1, timeoutMs), killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 })
  } catch (error) {
    const failure = error as { killed?: boolean; signal?: string | null }
    if (failure.killed || failure.signal === 'SIGKILL')
      throw new ReadingLimitError('time', 'Making the redacted copy took longer than allowed.')
    throw error
  }
}

/** A one-page PDF of a page image, at the page's own size. */
async function imagePagePdf(label: string, image: EncodedImage, size: { width: number; height: number }): Promise<Buffer> {
  const PDFDocument = await loadPdfKit()
  const document = new PDFDocument({ autoFirstPage: false, info: { Title: 'Redacted copy', Producer: 'Ring Records' } })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  document.addPage({ size: [size.width, size.height], margin: 0 })
  placeImage(document, label, image, size)
  document.end()
  await ended
  return Buffer.concat(chunks)
}

/** Boxes from the text layer, and the needles it does not hold (scans): those are looked for by OCR. */
async function textLayerBoxes(pages: PdfPages, page: number, needles: readonly string[]) {
  const layer = await pages.runs(page)
  const boxes: PageBox[] = []
  const missing: string[] = []
  for (const needle of needles) {
    const found = boxesOf(layer, [needle])
    if (found.length > 0) boxes.push(...found)
    else missing.push(needle)
  }
  return { boxes, missing }
}

/** Boxes of needles in the page image, from tesseract's word boxes; the ones it does not find either go to notFound. */
async function ocrBoxes(
  page: number,
  imagePath: string,
  missing: readonly string[],
  options: RenditionOptions,
  notFound: Rendition['notFound'],
): Promise<PageBox[]> {
  if (missing.length === 0) return []
  let words: PlacedRun[] = []
  if (options.ocr && (await options.ocr.available())) {
    words = runsFromTesseractTsv(await options.ocr.wordBoxes(imagePath, Math.max(1, options.deadline - Date.now())))
  }
  const boxes: PageBox[] = []
  for (const needle of missing) {
    const found = boxesOf(words, [needle])
    if (found.length > 0) boxes.push(...found)
    else notFound.push({ page, text: needle })
  }
  return boxes
}

/** Runs of consecutive pages of the redacted subset at one resolution: one pdftoppm run each (one in all, unless a page is giant). */
function consecutiveGroups<T extends { index: number; dpi: number }>(plan: T[]): T[][] {
  const groups: T[][] = []
  for (const entry of plan) {
    const last = groups.at(-1)?.at(-1)
    if (last && last.index === entry.index - 1 && last.dpi === entry.dpi) groups.at(-1)!.push(entry)
    else groups.push([entry])
  }
  return groups
}

interface PdfKitObjects {
  ref(data: Record<string, unknown>): { end(chunk: Buffer): void }
  page: { xobjects: Record<string, unknown> }
  addContent(operators: string): void
}

/** A page image's pixels, deflated. */
interface EncodedImage {
  width: number
  height: number
  channels: 1 | 3
  pixels: Buffer
}

/** Deflated pixels as an image object covering the whole page (pdfkit's own page coordinates run top down). */
function placeImage(document: PDFKit.PDFDocument, label: string, image: EncodedImage, size: { width: number; height: number }): void {
  const objects = document as unknown as PdfKitObjects
  const object = objects.ref({
    Type: 'XObject',
    Subtype: 'Image',
    Width: image.width,
    Height: image.height,
    ColorSpace: image.channels === 1 ? 'DeviceGray' : 'DeviceRGB',
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
  const PDFDocument = await loadPdfKit()
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
  const PDFDocument = await loadPdfKit()
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
