import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ReadingLimitError } from '../reading-limits.js'
import { type Ocr, OcrUnavailableError, type RasterImage } from './ocr.js'

const run = promisify(execFile)
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024

/**
 * OCR by the `tesseract` command (Debian's tesseract-ocr), with the language data installed beside it.
 * Each run gets an address-space limit of `memoryMb` and a CPU-time limit through util-linux's
 * `prlimit` where it is installed, and is killed at its timeout in any case: an image bomb ends
 * tesseract, not the machine. One thread per run: the worker already reads documents side by side.
 */
export function createTesseractOcr(options: { command: string; language: string; memoryMb: number }): Ocr {
  let availability: Promise<boolean> | undefined
  const available = () =>
    (availability ??= run(options.command, ['--list-langs'], { timeout: 10_000 }).then(
      ({ stdout, stderr }) => options.language.split('+').every((language) => `${stdout}\n${stderr}`.split(/\s+/).includes(language)),
      () => false,
    ))
  let prlimit: Promise<boolean> | undefined
  const hasPrlimit = () =>
    (prlimit ??= run('prlimit', ['--version'], { timeout: 10_000 }).then(
      () => true,
      () => false,
    ))

  async function runTesseract(path: string, timeoutMs: number, configs: string[] = []): Promise<string> {
    if (!(await available())) throw new OcrUnavailableError(`OCR needs "${options.command}" with the "${options.language}" language data.`)
    const args = [path, 'stdout', '-l', options.language, ...configs]
    const cpuSeconds = Math.max(1, Math.ceil(timeoutMs / 1000))
    const [command, commandArgs] = (await hasPrlimit())
      ? ['prlimit', [`--as=${options.memoryMb * 1024 * 1024}`, `--cpu=${cpuSeconds}`, '--', options.command, ...args]]
      : [options.command, args]
    let stdout: string
    try {
      ;({ stdout } = await run(command, commandArgs, {
        timeout: Math.max(1, timeoutMs),
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      }))
    } catch (error) {
      throw limitError(error, options.memoryMb) ?? error
    }
    return stdout
  }

  async function recognizeFile(path: string, timeoutMs: number): Promise<string[]> {
    const stdout = await runTesseract(path, timeoutMs)
    // tesseract ends each page of a multi-page image with a form feed.
    const pages = stdout.split('\f')
    if (pages.length > 1 && pages.at(-1)!.trim() === '') pages.pop()
    return pages.map((page) => page.trim())
  }

  return {
    available,
    recognizeFile,
    wordBoxes: (path, timeoutMs) => runTesseract(path, timeoutMs, ['tsv']),
    async recognizeImage(image, timeoutMs) {
      const path = join(tmpdir(), `ocr-${randomUUID()}.pnm`)
      await writeFile(path, toPnm(image))
      try {
        return (await recognizeFile(path, timeoutMs)).join('\n\n')
      } finally {
        await rm(path, { force: true })
      }
    },
  }
}

/** A run that ended at a limit: killed at its timeout or CPU limit, or out of its address space. */
function limitError(error: unknown, memoryMb: number): ReadingLimitError | null {
  const failure = error as { killed?: boolean; signal?: string | null; stderr?: string }
  if (failure.killed || failure.signal === 'SIGXCPU' || failure.signal === 'SIGKILL')
    return new ReadingLimitError('time', 'OCR took longer than the time allowed per document.')
  if (failure.signal === 'SIGABRT' || failure.signal === 'SIGSEGV' || /alloc|out of memory/i.test(failure.stderr ?? '')) {
    return new ReadingLimitError('memory', `OCR needed more than ${memoryMb} MB of memory.`)
  }
  return null
}

/** Netpbm: P5 (gray) or P6 (RGB), which tesseract reads through Leptonica; transparency is laid on white paper. */
function toPnm(image: RasterImage): Buffer {
  const { width, height, channels, data } = image
  const header = Buffer.from(`${channels === 1 ? 'P5' : 'P6'}\n${width} ${height}\n255\n`, 'latin1')
  if (channels !== 4) return Buffer.concat([header, data])
  const rgb = Buffer.alloc(width * height * 3)
  for (let pixel = 0; pixel < width * height; pixel++) {
    const alpha = data[pixel * 4 + 3]! / 255
    for (let channel = 0; channel < 3; channel++)
      rgb[pixel * 3 + channel] = Math.round(data[pixel * 4 + channel]! * alpha + 255 * (1 - alpha))
  }
  return Buffer.concat([header, rgb])
}
