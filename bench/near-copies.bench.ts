// Near copies at scale, on the search corpus (20,000 documents / 200,000 pages; BENCH_DATABASE keeps
// it between runs) plus families of copies: 10 agreements, each released again by 30 agencies with
// 8 words changed. Figures:
//   indexing  what extraction adds per document: signatures of every page, their LSH keys stored,
//             candidates looked up and compared, pairs stored (recordNearCopies, as the worker runs
//             it, EXTRACTION_CONCURRENCY documents at a time), in pages per second, against bare
//             pdfjs-dist reading the text of agreement pages in the same run (target: adds <= 20%).
//   similar   GET /v1/documents/{id}/similar, 8 clients, against the same lookup through postgres.js
//             (target p95 <= 50 ms).
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import PDFDocument from 'pdfkit'
import { buildApp } from '../src/app.js'
import { fingerprintPage, recordNearCopies } from '../src/modules/near-copies/near-copies.service.js'
import { seededRandom } from './lib/corpus.js'
import { loadSearchCorpus, openSearchBench } from './lib/search-corpus.js'

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 20_000)
const FAMILIES = 10
const COPIES_PER_FAMILY = 30
const CLIENTS = 8
const SIMILAR_REQUESTS_PER_CLIENT = 50
const PDF_PAGES = 200
const TARGET_OVERHEAD = 0.2
const TARGET_SIMILAR_P95_MS = 50

const bench = await openSearchBench('near-copies', { SEARCH_CACHE_SECONDS: '0' })
const { ctx, sql, user, agencies } = bench
const random = seededRandom(15)
await loadSearchCorpus(sql, user.id, agencies, DOCUMENTS, 20_261_201)

// --- Families of near copies (added once to a kept database) -------------------------------------
const [{ families }] = (await sql`select count(*)::int as families from documents where title like 'Family %'`) as unknown as [
  { families: number },
]
if (families === 0) {
  const bases = (await sql`
    select d.id, d.request_id from documents d where d.kind = 'agreement' order by d.id limit ${FAMILIES}`) as unknown as {
    id: string
    request_id: string
  }[]
  const requests = (await sql`select id from requests where visibility = 'public' order by id`) as unknown as { id: string }[]
  for (const [family, base] of bases.entries()) {
    const pages = (await sql`select page, text from document_pages where document_id = ${base.id} order by page`) as unknown as {
      page: number
      text: string
    }[]
    for (let copy = 0; copy < COPIES_PER_FAMILY; copy++) {
      const [document] = await sql`
        insert into documents (request_id, title, kind, filename, mime_type, size, sha256, received_at, status, page_count)
        values (${requests[(family * COPIES_PER_FAMILY + copy) % requests.length]!.id}, ${`Family ${family} copy ${copy}`}, 'agreement',
                'mou.pdf', 'application/pdf', 1000, encode(sha256(${`family-${family}-${copy}`}::bytea), 'hex'), now(), 'ready', ${pages.length})
        returning id`
      const changed = pages.map(({ page, text }) => ({ page, words: text.split(' ') }))
      for (let n = 0; n < 8; n++) {
        const { words } = changed[Math.floor(random() * changed.length)]!
        words[Math.floor(random() * words.length)] = `local${copy}x${n}`
      }
      await sql`
        insert into document_pages (document_id, page, text)
        select ${document!.id}::uuid, page, text
        from jsonb_to_recordset(${JSON.stringify(changed.map(({ page, words }) => ({ page, text: words.join(' ') })))}::jsonb) as p(page integer, text text)`
    }
  }
  await sql`vacuum analyze document_pages`
}

// --- Indexing: what extraction adds, document by document ---------------------------------------
await sql`delete from near_copies`
await sql`delete from page_signatures`
const documentIds = ((await sql`select id from documents order by created_at, id`) as unknown as { id: string }[]).map((row) => row.id)
const publicIds = (
  (await sql`select d.id from documents d join requests r on r.id = d.request_id where r.visibility = 'public' order by d.id`) as unknown as {
    id: string
  }[]
).map((row) => row.id)
let pagesIndexed = 0
let next = 0
const indexingStarted = performance.now()
await Promise.all(
  Array.from({ length: ctx.config.extraction.concurrency }, async () => {
    while (next < documentIds.length) {
      const id = documentIds[next++]!
      const pages = (await sql`select page, text from document_pages where document_id = ${id} order by page`) as unknown as {
        page: number
        text: string
      }[]
      // Timed from here: the pages are in hand at extraction time.
      await ctx.db.transaction(async (tx) => {
        const fingerprints = pages.flatMap(({ page, text }) => fingerprintPage(page, text) ?? [])
        await recordNearCopies(tx, { id }, fingerprints)
      })
      pagesIndexed += pages.length
    }
  }),
)
const indexingSeconds = (performance.now() - indexingStarted) / 1000
await sql`vacuum analyze page_signatures, page_bands, near_copies`

// Bare pdfjs-dist over agreement pages set in a PDF by pdfkit, as the extraction bench does.
const pdfTexts = (
  (await sql`select p.text from document_pages p join documents d on d.id = p.document_id
             where d.kind = 'agreement' order by p.document_id, p.page limit ${PDF_PAGES}`) as unknown as { text: string }[]
).map((row) => row.text)
const pdf = await new Promise<Buffer>((resolve) => {
  const document = new PDFDocument({ autoFirstPage: false })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  document.on('end', () => resolve(Buffer.concat(chunks)))
  for (const text of pdfTexts) document.addPage().fontSize(10).text(text)
  document.end()
})
async function readPdf() {
  const task = getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  const document = await task.promise
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    await page.getTextContent()
    page.cleanup()
  }
  await task.destroy()
}
await readPdf()
const pdfStarted = performance.now()
for (let round = 0; round < 3; round++) await readPdf()
const pdfPagesPerSecond = (3 * pdfTexts.length) / ((performance.now() - pdfStarted) / 1000)
const indexingPagesPerSecond = pagesIndexed / indexingSeconds

// --- GET /v1/documents/{id}/similar -------------------------------------------------------------
const app = await buildApp(ctx)
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const withCopies = (
  (await sql`select distinct n.document_id from near_copies n join documents d on d.id = n.document_id
             join requests r on r.id = d.request_id where r.visibility = 'public' order by n.document_id`) as unknown as {
    document_id: string
  }[]
).map((row) => row.document_id)
const [{ pairs }] = (await sql`select count(*)::int as pairs from near_copies`) as unknown as [{ pairs: number }]
// Half the lookups are of (public) documents with copies, half of any public document.
const targets = Array.from({ length: CLIENTS * SIMILAR_REQUESTS_PER_CLIENT }, (_, index) =>
  index % 2 === 0 && withCopies.length > 0
    ? withCopies[Math.floor(random() * withCopies.length)]!
    : publicIds[Math.floor(random() * publicIds.length)]!,
)
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
async function load(run: (id: string) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = []
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; n < SIMILAR_REQUESTS_PER_CLIENT; n++) {
        const started = performance.now()
        await run(targets[client * SIMILAR_REQUESTS_PER_CLIENT + n]!)
        latencies.push(performance.now() - started)
      }
    }),
  )
  return latencies.sort((a, b) => a - b)
}
const ours = async (id: string) => {
  const response = await fetch(`${address}/v1/documents/${id}/similar`)
  if (response.status !== 200) throw new Error(`${id}: ${response.status} ${await response.text()}`)
  return response.json()
}
const bare = (id: string) => sql`
  select n.copy_id, n.similarity, d.title from near_copies n join documents d on d.id = n.copy_id
  where n.document_id = ${id} order by n.similarity desc limit 100`
await load(ours)
const figures = { bare: await load(bare), ours: await load(ours) }
await app.close()

const overhead = pdfPagesPerSecond / indexingPagesPerSecond
console.log(`Near copies over ${documentIds.length} documents, ${pagesIndexed} pages (${pairs} pairs found):`)
console.log(`  indexing at extraction: ${indexingPagesPerSecond.toFixed(0)} pages/s (${indexingSeconds.toFixed(0)} s)`)
console.log(`  bare pdfjs-dist getTextContent: ${pdfPagesPerSecond.toFixed(0)} pages/s`)
console.log(`  adds ${(overhead * 100).toFixed(1)}% to reading the text alone (target <= ${TARGET_OVERHEAD * 100}%)`)
for (const [name, sorted] of Object.entries(figures))
  console.log(`  /similar ${name.padEnd(4)} p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms`)
console.log(
  `  /similar p95 target <= ${TARGET_SIMILAR_P95_MS} ms; ratio ours/bare p95 ${(percentile(figures.ours, 95) / percentile(figures.bare, 95)).toFixed(2)}`,
)
console.log(
  JSON.stringify({
    bench: 'near-copies',
    documents: documentIds.length,
    pages: pagesIndexed,
    pairs,
    indexingPagesPerSecond: Math.round(indexingPagesPerSecond),
    pdfPagesPerSecond: Math.round(pdfPagesPerSecond),
    overhead: Number(overhead.toFixed(3)),
    similarP50: Number(percentile(figures.ours, 50).toFixed(1)),
    similarP95: Number(percentile(figures.ours, 95).toFixed(1)),
    bareP95: Number(percentile(figures.bare, 95).toFixed(1)),
  }),
)
await bench.close()
