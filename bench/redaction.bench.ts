// Redacting 10 spans over a 40-page text PDF (the 10 redacted pages rendered by pdftoppm and
// painted, the other 30 copied as they are, all put together by pdfunite) against pdftoppm alone
// rendering the same 40 pages at the same resolution, in the same run. Target: ours ≤ 1.5 × bare.
// Run: npm run bench -- redaction
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import PDFDocument from 'pdfkit'
import { buildRedactedPdf } from '../src/adapters/redaction/redacted-pdf.js'

const run = promisify(execFile)
const PAGES = 40
const SPANS = 10
const DPI = 150
const ROUNDS = 3
const TARGET_RATIO = 1.5

/** A 40-page footage-request log: 30 lines a page; every fourth page names a resident to redact. */
async function sampleRelease(): Promise<{ pdf: Buffer; needles: Map<number, string[]> }> {
  const document = new PDFDocument({ autoFirstPage: false })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  const needles = new Map<number, string[]>()
  for (let page = 1; page <= PAGES; page++) {
    document.addPage()
    const lines = Array.from(
      { length: 30 },
      (_, line) =>
        `NR-${88000 + page * 30 + line} | 2021-07-${String((line % 28) + 1).padStart(2, '0')} | Ofc. J. Patel | Shared | video of the driveway`,
    )
    if (page % (PAGES / SPANS) === 0) {
      const resident = `Resident ${page} Okafor-Lindqvist`
      lines[12] = `Resident contact: ${resident}, footage shared on request`
      needles.set(page, [resident])
    }
    document.fontSize(10).text(lines.join('\n'))
  }
  document.end()
  await ended
  return { pdf: Buffer.concat(chunks), needles }
}

async function bare(pdf: Buffer): Promise<number> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-raster-'))
  try {
    await writeFile(join(directory, 'in.pdf'), pdf)
    const started = performance.now()
    await run('pdftoppm', ['-r', String(DPI), join(directory, 'in.pdf'), join(directory, 'page')])
    return performance.now() - started
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

async function ours(pdf: Buffer, needles: Map<number, string[]>): Promise<number> {
  const started = performance.now()
  const { notFound } = await buildRedactedPdf(pdf, needles, {
    dpi: DPI,
    maxPagePixels: 12_000_000,
    maxPages: 2_000,
    memoryMb: 2_048,
    deadline: Date.now() + 600_000,
    ocr: null,
  })
  if (notFound.length > 0) throw new Error(`spans not located: ${JSON.stringify(notFound)}`)
  return performance.now() - started
}

const { pdf, needles } = await sampleRelease()
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const bareTimes: number[] = []
const ourTimes: number[] = []
await ours(pdf, needles) // warm-up: pdf.js and the font tables load once per process
for (let round = 0; round < ROUNDS; round++) {
  bareTimes.push(await bare(pdf))
  ourTimes.push(await ours(pdf, needles))
}
const ratio = median(ourTimes) / median(bareTimes)
console.log(`${PAGES}-page text PDF, ${SPANS} spans on ${needles.size} pages, ${DPI} dpi, median of ${ROUNDS} rounds`)
console.log(
  `bare pdftoppm (PPM, all pages):       ${(median(bareTimes) / 1000).toFixed(2)} s  [${bareTimes.map((ms) => (ms / 1000).toFixed(2)).join(', ')}]`,
)
console.log(
  `redacted copy (ours):                 ${(median(ourTimes) / 1000).toFixed(2)} s  [${ourTimes.map((ms) => (ms / 1000).toFixed(2)).join(', ')}]`,
)
console.log(`ratio: ${ratio.toFixed(2)} × (target ≤ ${TARGET_RATIO} ×)`)
if (ratio > TARGET_RATIO) process.exitCode = 1
