// A child process that reads PDFs, one at a time, with pdf.js for src/adapters/pdf/isolated-pdf.ts, so that a
// PDF that takes too much memory or time kills this process, never the worker. Pages are read in
// the order they are asked for; a page without text brings back its images, in gray and no larger
// than OCR needs.
import { readFile } from 'node:fs/promises'
import { grayWithin } from '../ocr/raster.js'
import type { ChildReply, ChildRequest } from './isolated-pdf.js'
import { openPdf, type PdfReader, PdfUnreadableError } from './pdf-reader.js'

// A scanned page's image is drawn once; a page with many images is a layout, not a scan.
const MAX_IMAGES_PER_PAGE = 4
const OVERSIZED_IMAGE_WARNING = 'Image exceeded maximum allowed size'

// pdf.js tells of an image it would not decode only by a warning on console.log.
let oversizedImage = false
console.log = (...args: unknown[]) => {
  if (String(args[0]).includes(OVERSIZED_IMAGE_WARNING)) oversizedImage = true
}

// The worker went away (killed, or closed the channel): nothing is left to read for.
process.on('disconnect', () => process.exit(0))

let reader: PdfReader | undefined
let options: Extract<ChildRequest, { type: 'open' }> | undefined
let work = Promise.resolve()

process.on('message', (request: ChildRequest) => {
  work = work
    .then(() => handle(request))
    .catch((error: unknown) =>
      reply({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        unreadable: error instanceof PdfUnreadableError,
      }),
    )
})

function reply(message: ChildReply): void {
  process.send!(message)
}

async function handle(request: ChildRequest): Promise<void> {
  if (request.type === 'close') {
    await reader?.close()
    reader = undefined
    return
  }
  if (request.type === 'open') {
    await reader?.close()
    options = request
    const bytes = await readFile(request.path)
    reader = await openPdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      maxImagePixels: request.maxImagePixels,
      warnings: true,
    })
    reply({ type: 'opened', pageCount: reader.pageCount })
    return
  }
  const number = request.number
  oversizedImage = false
  const text = await readingPage(number, () => reader!.text(number))
  if (text.trim() !== '') return reply({ type: 'page', number, text, imageCount: 0, images: [], oversizedImage: false })
  const images = (await readingPage(number, () => reader!.images(number))).slice(0, MAX_IMAGES_PER_PAGE)
  reply({
    type: 'page',
    number,
    text,
    imageCount: images.length,
    images: options!.withPixels ? images.map((image) => grayWithin(image, options!.ocrPixels)) : [],
    oversizedImage,
  })
}

async function readingPage<T>(number: number, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new PdfUnreadableError(`Page ${number} of the PDF cannot be read (${reason}); the file may be damaged or cut short.`)
  }
}
