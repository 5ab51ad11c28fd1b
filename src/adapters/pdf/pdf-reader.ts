// Reads PDFs with pdf.js (the legacy build is the one that runs on Node 20): the text of each page
// in reading order, and the images drawn on a page, for OCR of pages that have no text layer.
import { getDocument, OPS, type PDFDocumentProxy, type PDFPageProxy, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'
import type { RasterImage } from '../ocr/ocr.js'

export class PdfUnreadableError extends Error {
  override name = 'PdfUnreadableError'
}

export interface PdfReader {
  pageCount: number
  /** The page's text layer, lines separated by "\n"; '' when it has none. */
  text(page: number): Promise<string>
  /** The raster images the page draws, largest first. */
  images(page: number): Promise<RasterImage[]>
  close(): Promise<void>
}

// pdf.js ImageKind: how the decoded pixels of an image are laid out.
const GRAYSCALE_1BPP = 1
const RGB_24BPP = 2
const RGBA_32BPP = 3

/**
 * Opens a PDF; throws PdfUnreadableError, with a reason a person can act on, when it cannot be read.
 * Images of more than `maxImagePixels` are not decoded: pdf.js drops them, saying so only in a
 * warning on console.log, printed when `warnings` is set.
 */
export async function openPdf(data: Uint8Array, options: { maxImagePixels?: number; warnings?: boolean } = {}): Promise<PdfReader> {
  const maxImagePixels = options.maxImagePixels ?? -1
  const task = getDocument({
    data,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: options.warnings ? VerbosityLevel.WARNINGS : VerbosityLevel.ERRORS,
    maxImageSize: maxImagePixels,
    canvasMaxAreaInBytes: maxImagePixels === -1 ? -1 : maxImagePixels * 4,
  })
  let document: PDFDocumentProxy
  try {
    document = await task.promise
  } catch (error) {
    await task.destroy()
    if ((error as { name?: string }).name === 'PasswordException')
      throw new PdfUnreadableError('The PDF is encrypted with a password; upload a copy without one.')
    const reason = error instanceof Error ? error.message : String(error)
    throw new PdfUnreadableError(`The PDF cannot be read (${reason}); it may be damaged or cut short.`)
  }
  const withPage = async <T>(number: number, read: (page: PDFPageProxy) => Promise<T>): Promise<T> => {
    const page = await document.getPage(number)
    try {
      return await read(page)
    } finally {
      page.cleanup()
    }
  }
  return {
    pageCount: document.numPages,
    text: (number) =>
      withPage(number, async (page) => joinItems((await page.getTextContent()).items.filter((item): item is TextItem => 'str' in item))),
    images: (number) =>
      withPage(number, async (page) => {
        const operators = await page.getOperatorList()
        const images: RasterImage[] = []
        for (let index = 0; index < operators.fnArray.length; index++) {
          if (operators.fnArray[index] !== OPS.paintImageXObject) continue
          const objectId = operators.argsArray[index][0] as string
          const image = await new Promise<PdfImage>((resolve) => page.objs.get(objectId, resolve))
          const raster = toRaster(image)
          if (raster) images.push(raster)
        }
        return images.sort((a, b) => b.width * b.height - a.width * a.height)
      }),
    close: () => task.destroy(),
  }
}

interface PdfImage {
  width: number
  height: number
  kind?: number
  data?: Uint8Array | Uint8ClampedArray
}

function toRaster(image: PdfImage): RasterImage | null {
  const { width, height, kind, data } = image
  if (!data || !width || !height) return null
  if (kind === RGB_24BPP) return { width, height, channels: 3, data: Uint8Array.from(data) }
  if (kind === RGBA_32BPP) return { width, height, channels: 4, data: Uint8Array.from(data) }
  if (kind === GRAYSCALE_1BPP) {
    // Rows are padded to whole bytes; a set bit is white.
    const rowBytes = Math.ceil(width / 8)
    const gray = new Uint8Array(width * height)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) gray[y * width + x] = data[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0
    }
    return { width, height, channels: 1, data: gray }
  }
  return null
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
    } else if (
      !atLineStart &&
      lastEnd !== undefined &&
      x - lastEnd > item.height * 0.15 &&
      !/\s/.test(text.at(-1)!) &&
      !/^\s/.test(item.str)
    ) {
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
