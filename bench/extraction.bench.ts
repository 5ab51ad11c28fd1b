// Text extraction of a 200-page PDF (text pages, as most agreements are): the worker's extraction
// job (read from storage, pdf.js per page in its child process under the memory and time limits,
// clean up, store the pages with their search index), against bare pdfjs-dist reading every page's
// text from the same bytes in the same run. The warm-up round starts the child, which is then reused.
// Target: ours >= 0.8 x bare, in pages per second.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import PDFDocument from 'pdfkit'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { signUp } from '../src/modules/accounts/accounts.service.js'
import { createExtractionHandlers } from '../src/modules/documents/extraction.service.js'
import { createBenchDatabase } from './lib/bench-database.js'
import { generateCorpus } from './lib/corpus.js'

const PAGES = Number(process.env.BENCH_PAGES ?? 200)
const ROUNDS = 5
const TARGET_RATIO = 0.8

const work = await mkdtemp(join(tmpdir(), 'rr-extraction-bench-'))
const database = await createBenchDatabase()
const config = loadConfig({
  DATABASE_URL: database.url,
  LOG_LEVEL: 'silent',
  STORAGE_DIR: work,
  QUEUE_PREFIX: `bench-extraction-${process.pid}`,
})
const ctx = await createContext(config, { logger: pino({ level: 'silent' }) })
await prepareDatabase(ctx)
const sql = ctx.database.sql

// The agreement pages of the seeded corpus, set in a PDF by pdfkit.
const agencies = [{ name: 'Spokane Police Department', city: 'Spokane', state: 'WA' }]
const texts = generateCorpus({ seed: 7, documents: 200, agencies, laws: { WA: 'Public Records Act (RCW 42.56)' } })
  .filter((document) => document.kind === 'agreement')
  .flatMap((document) => document.pages)
  .slice(0, PAGES)
const pdf = await new Promise<Buffer>((resolve) => {
  const document = new PDFDocument({ autoFirstPage: false })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  document.on('end', () => resolve(Buffer.concat(chunks)))
  for (const text of texts) document.addPage().fontSize(10).text(text)
  document.end()
})

async function bare(): Promise<number> {
  const task = getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  const document = await task.promise
  let characters = 0
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    const content = await page.getTextContent()
    for (const item of content.items) if ('str' in item) characters += item.str.length
    page.cleanup()
  }
  await task.destroy()
  return characters
}

const signedUp = await signUp({ ...ctx, signup: 'open' }, null, { email: 'bench@example.org', name: 'Bench' })
if (signedUp.status !== 'created') throw new Error('the bench database already has users')
const { user } = signedUp
const [agency] = await sql`select id from agencies where name = 'Spokane Police Department'`
const [request] = await sql`
  insert into requests (user_id, agency_id, template_slug, subject, body, reply_key, status, submitted_at, submitted_via)
  values (${user.id}, ${agency!.id}, 'ring-partnership', 'Ring', 'Letter', 'bench-extraction', 'submitted', now(), 'portal') returning id`
const staged = await ctx.storage.stage(Readable.from([pdf]), { maxBytes: config.maxUploadBytes })
await staged.commit()
const handlers = createExtractionHandlers(ctx)

/** One extraction job on a fresh document row holding the same bytes. */
async function ours(round: number): Promise<number> {
  const [document] = await sql`
    insert into documents (request_id, title, kind, filename, mime_type, size, sha256, received_at)
    values (${request!.id}, ${`Agreement ${round}`}, 'agreement', 'mou.pdf', 'application/pdf', ${pdf.length}, ${staged.sha256}, now())
    on conflict (request_id, sha256) do update set status = 'processing', page_count = null, extraction_attempts = 0
    returning id`
  await handlers.extract(document!.id as string)
  const [row] = await sql`select status, page_count from documents where id = ${document!.id}`
  if (row!.status !== 'ready' || row!.page_count !== PAGES) throw new Error(`extraction ended ${row!.status} with ${row!.page_count} pages`)
  return row!.page_count as number
}

const timed = async (run: () => Promise<unknown>) => {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}
await bare()
await ours(-1)
const seconds = { bare: [] as number[], ours: [] as number[] }
for (let round = 0; round < ROUNDS; round++) {
  seconds.bare.push(await timed(bare))
  seconds.ours.push(await timed(() => ours(round)))
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const oursRate = PAGES / median(seconds.ours)
const bareRate = PAGES / median(seconds.bare)
console.log(`Extracting a ${PAGES}-page PDF (${(pdf.length / 1024).toFixed(0)} KB), median of ${ROUNDS} rounds:`)
console.log(`  ours (storage, pdf.js, clean-up, pages and search index stored): ${oursRate.toFixed(0)} pages/s`)
console.log(`  bare pdfjs-dist getTextContent on every page: ${bareRate.toFixed(0)} pages/s`)
console.log(`  ratio ours/bare: ${(oursRate / bareRate).toFixed(2)} (target >= ${TARGET_RATIO})`)
console.log(
  JSON.stringify({
    bench: 'extraction',
    pages: PAGES,
    oursPagesPerSecond: Math.round(oursRate),
    barePagesPerSecond: Math.round(bareRate),
    ratio: Number((oursRate / bareRate).toFixed(3)),
  }),
)

await ctx.close()
await database.drop()
await rm(work, { recursive: true, force: true })
