import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { OcrUnavailableError, type Ocr, type RasterImage } from './ocr.js'

const run = promisify(execFile)
// A scanned page takes seconds; two minutes means something is wrong with the image.
const RECOGNIZE_TIMEOUT_MS = 120_000
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024

/** OCR by the `tesseract` command (Debian's tesseract-ocr), with the language data installed beside it. */
export function createTesseractOcr(options: { command: string; language: string }): Ocr {
  let availability: Promise<boolean> | undefined
  const available = () =>
    (availability ??= run(options.command, ['--list-langs'], { timeout: 10_000 }).then(
      ({ stdout, stderr }) => options.language.split('+').every((language) => `${stdout}\n${stderr}`.split(/\s+/).includes(language)),
      () => false,
    ))

  async function recognizeFile(path: string): Promise<string[]> {
    if (!(await available())) throw new OcrUnavailableError(`OCR needs "${options.command}" with the "${options.language}" language data.`)
    const { stdout } = await run(options.command, [path, 'stdout', '-l', options.language], {
      timeout: RECOGNIZE_TIMEOUT_MS,
      maxBuffer: MAX_OUTPUT_BYTES,
      encoding: 'utf8',
    })
    // tesseract ends each page of a multi-page image with a form feed.
    const pages = stdout.split('\f')
    if (pages.length > 1 && pages.at(-1)!.trim() === '') pages.pop()
    return pages.map((page) => page.trim())
  }

  return {
    available,
    recognizeFile,
    async recognizeImage(image) {
      const path = join(tmpdir(), `ocr-${randomUUID()}.pnm`)
      await writeFile(path, toPnm(image))
      try {
        return (await recognizeFile(path)).join('\n\n')
      } finally {
        await rm(path, { force: true })
      }
    },
  }
}

/** Netpbm: P5 (gray) or P6 (RGB), which tesseract reads through Leptonica; transparency is laid on white paper. */
function toPnm(image: RasterImage): Buffer {
  const { width, height, channels, data } = image
  const header = Buffer.from(`${channels === 1 ? 'P5' : 'P6'}\n${width} ${height}\n255\n`, 'latin1')
  if (channels !== 4) return Buffer.concat([header, data])
  const rgb = Buffer.alloc(width * height * 3)
  for (let pixel = 0; pixel < width * height; pixel++) {
    const alpha = data[pixel * 4 + 3]! / 255
    for (let channel = 0; channel < 3; channel++) rgb[pixel * 3 + channel] = Math.round(data[pixel * 4 + channel]! * alpha + 255 * (1 - alpha))
  }
  return Buffer.concat([header, rgb])
}
