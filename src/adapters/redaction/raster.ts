// Page images for redacted renditions: poppler's `pdftoppm` renders PDF pages as PPM; boxes are
// painted black into the pixels, which then go into the new PDF as they are (gray when no pixel has
// colour), deflated.
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { constants, deflate } from 'node:zlib'
import { ReadingLimitError } from '../reading-limits.js'

const run = promisify(execFile)
const deflateAsync = promisify(deflate)

/** A box on a page as fractions of its width and height, from the top left corner. */
export interface PageBox {
  left: number
  top: number
  right: number
  bottom: number
}

/** 8-bit pixels, row by row: RGB (3 channels) or gray (1). */
export interface PageImage {
  width: number
  height: number
  channels: 1 | 3
  data: Buffer
}

export interface RasterLimits {
  /** Memory pdftoppm may take (util-linux prlimit where installed). */
  memoryMb: number
  timeoutMs: number
}

/**
 * Renders pages `first`..`last` of a PDF at `dpi` into `directory` as PPM files, in one run (each
 * run of pdftoppm spends a third of a second starting up); answers their paths in page order.
 * Killed at the time limit, and at the memory limit where prlimit is there.
 */
export async function renderPages(
  pdfPath: string,
  pages: { first: number; last: number; dpi: number },
  directory: string,
  limits: RasterLimits,
): Promise<string[]> {
  const prefix = join(directory, `p${pages.first}`)
  const args = ['-r', String(pages.dpi), '-f', String(pages.first), '-l', String(pages.last), pdfPath, prefix]
  const [command, commandArgs] = (await hasPrlimit())
    ? ['prlimit', [`--as=${limits.memoryMb * 1024 * 1024}`, '--', 'pdftoppm', ...args]]
    : ['pdftoppm', args]
  try {
    await run(command, commandArgs, { timeout: Math.max(1, limits.timeoutMs), killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 })
  } catch (error) {
    const failure = error as { killed?: boolean; signal?: string | null; stderr?: string }
    if (failure.killed || failure.signal === 'SIGKILL') throw new ReadingLimitError('time', 'Rendering the pages took longer than allowed.')
    if (/alloc|memory/i.test(failure.stderr ?? '') || failure.signal === 'SIGABRT' || failure.signal === 'SIGSEGV')
      throw new ReadingLimitError('memory', `Rendering a page needed more than ${limits.memoryMb} MB of memory.`)
    throw error
  }
  const base = `p${pages.first}-`
  const files = (await readdir(directory)).filter((name) => name.startsWith(base))
  // pdftoppm pads page numbers to the width of the last one: sort by the number, not the name.
  return files.sort((a, b) => pageOf(a) - pageOf(b)).map((name) => join(directory, name))
}

const pageOf = (name: string) => Number(/-(\d+)\.\w+$/.exec(name)?.[1] ?? 0)

let prlimit: Promise<boolean> | undefined
const hasPrlimit = () =>
  (prlimit ??= run('prlimit', ['--version'], { timeout: 10_000 }).then(
    () => true,
    () => false,
  ))

/** A binary PPM (P6, 8-bit) as pdftoppm writes it. */
export async function readPpm(path: string): Promise<PageImage> {
  const bytes = await readFile(path)
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'))
  if (header?.[3] !== '255') throw new Error(`${path} is not an 8-bit binary PPM`)
  const width = Number(header[1])
  const height = Number(header[2])
  return { width, height, channels: 3, data: bytes.subarray(header[0].length, header[0].length + width * height * 3) }
}

/**
 * The image in one channel when every pixel is a gray (text pages, most scans): a third of the
 * bytes to deflate, which is most of the time a page takes. A page with any colour stays RGB.
 */
export function grayIfNeutral(image: PageImage): PageImage {
  if (image.channels === 1) return image
  const { data } = image
  for (let at = 0; at < data.length; at += 3) if (data[at] !== data[at + 1] || data[at] !== data[at + 2]) return image
  const gray = Buffer.allocUnsafe(data.length / 3)
  for (let at = 0, out = 0; at < data.length; at += 3, out++) gray[out] = data[at]!
  return { width: image.width, height: image.height, channels: 1, data: gray }
}

/** Paints each box solid black, grown by `padPixels` on every side. */
export function paintBoxes(image: PageImage, boxes: readonly PageBox[], padPixels: number): void {
  for (const box of boxes) {
    const left = clamp(Math.floor(box.left * image.width) - padPixels, image.width)
    const right = clamp(Math.ceil(box.right * image.width) + padPixels, image.width)
    const top = clamp(Math.floor(box.top * image.height) - padPixels, image.height)
    const bottom = clamp(Math.ceil(box.bottom * image.height) + padPixels, image.height)
    const { width, channels } = image
    for (let y = top; y < bottom; y++) image.data.fill(0, (y * width + left) * channels, (y * width + right) * channels)
  }
}

const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value))

/**
 * The pixels deflated, as a PDF image's FlateDecode stream: deflate's run-length strategy at its
 * fastest level (pages are large and mostly white), in zlib's thread pool, off the main thread.
 */
export function deflatePixels(image: PageImage): Promise<Buffer> {
  return deflateAsync(image.data, { level: 1, strategy: constants.Z_RLE })
}
