// Can costly searches starve the rest of the API? 16 clients send a query of only exclusions (it
// matches nearly every page, so PostgreSQL reads them all) without pause for 10 s, while one
// client reads GET /v1/agencies; its p50/p95 are printed next to the same reads on an idle API.
//   shared   search on the main pool without a statement timeout, as before search had its own
//   own      as configured by default: search's own pool (SEARCH_POOL_SIZE) and statement timeout
// Search rate limits and the cache are off here, so every hostile request reaches PostgreSQL.
// The 40-exclusion query of the audit is now refused (at most 20 terms), so 20 are sent.
import autocannon from 'autocannon'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type AppContext, createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { signUp } from '../src/modules/accounts/accounts.service.js'
import { createBenchDatabase } from './lib/bench-database.js'
import { generateCorpus } from './lib/corpus.js'

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 4_000)
const HOSTILE_CLIENTS = 16
const SECONDS = 10

const database = await createBenchDatabase()
const config = loadConfig({
  DATABASE_URL: database.url,
  LOG_LEVEL: 'silent',
  QUEUE_PREFIX: `bench-starve-${process.pid}`,
  SEARCH_CACHE_SECONDS: '0',
  RATE_LIMIT_SEARCH_PER_IP: 'off',
  RATE_LIMIT_SEARCH_PER_USER: 'off',
})
const ctx = await createContext(config, { logger: pino({ level: 'silent' }) })
await prepareDatabase(ctx)
const sql = ctx.database.sql

const signedUp = await signUp({ ...ctx, signup: 'open' }, null, { email: 'bench@example.org', name: 'Bench' })
if (signedUp.status !== 'created') throw new Error('the bench database already has users')
const { user } = signedUp
const agencies = (await sql`select id, name, city, state from agencies order by name`) as unknown as {
  id: string
  name: string
  city: string | null
  state: string
}[]
const [request] = (await sql`
  insert into requests (user_id, agency_id, template_slug, subject, body, visibility, status, reply_key, submitted_at, submitted_via)
  values (${user.id}, ${agencies[0]!.id}, 'ring-partnership', 'Ring records', 'Letter', 'public', 'fulfilled', 'bench-starve', now(), 'portal')
  returning id`) as unknown as [{ id: string }]
const corpus = generateCorpus({
  seed: 7,
  documents: DOCUMENTS,
  agencies: agencies.map((a) => ({ name: a.name, city: a.city ?? a.name, state: a.state })),
  laws: {},
})
for (const [index, document] of corpus.entries()) {
  const [row] = (await sql`
    insert into documents (request_id, title, kind, filename, mime_type, size, sha256, received_at, status, page_count)
    values (${request.id}, ${document.title}, ${document.kind}, 'd.pdf', 'application/pdf', 1000, ${String(index).padStart(64, '0')}, now(), 'ready', ${document.pages.length})
    returning id`) as unknown as [{ id: string }]
  await sql`insert into document_pages ${sql(document.pages.map((text, page) => ({ document_id: row.id, page: page + 1, text })))}`
}
await sql`vacuum analyze document_pages`
const [{ pages }] = (await sql`select count(*)::int as pages from document_pages`) as unknown as [{ pages: number }]

const hostileQuery = Array.from({ length: 20 }, (_, n) => `-n${n + 1}`).join(' ')
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

async function measure(name: string, appCtx: AppContext, hostile: boolean) {
  const app = await buildApp(appCtx)
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const load = hostile
    ? autocannon({ url: `${base}/v1/search?q=${encodeURIComponent(hostileQuery)}`, connections: HOSTILE_CLIENTS, duration: SECONDS })
    : null
  const latencies: number[] = []
  const until = Date.now() + SECONDS * 1000
  while (Date.now() < until) {
    const started = performance.now()
    const response = await fetch(`${base}/v1/agencies?state=WA&limit=25`)
    await response.arrayBuffer()
    latencies.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const searches = load ? await load : null
  await app.close()
  latencies.sort((a, b) => a - b)
  const statuses = searches ? ` hostile searches: ${searches.requests.total} (2xx ${searches['2xx']}, non-2xx ${searches.non2xx})` : ''
  console.log(
    `  ${name.padEnd(8)} GET /v1/agencies p50 ${percentile(latencies, 50).toFixed(1)} ms  p95 ${percentile(latencies, 95).toFixed(1)} ms  max ${latencies.at(-1)!.toFixed(0)} ms (${latencies.length} reads)${statuses}`,
  )
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
}

console.log(
  `Corpus: ${DOCUMENTS} documents, ${pages} pages; ${HOSTILE_CLIENTS} clients searching "${hostileQuery.slice(0, 20)}…" for ${SECONDS} s`,
)
const idle = await measure('idle', ctx, false)
const shared = await measure('shared', { ...ctx, searchDatabase: ctx.database }, true)
const own = await measure('own', ctx, true)
console.log(`  ratio p95 own/idle ${(own.p95 / idle.p95).toFixed(2)}, shared/idle ${(shared.p95 / idle.p95).toFixed(2)}`)
console.log(
  JSON.stringify({
    bench: 'search-starvation',
    pages,
    idleP50: idle.p50,
    idleP95: idle.p95,
    sharedP50: shared.p50,
    sharedP95: shared.p95,
    ownP50: own.p50,
    ownP95: own.p95,
  }),
)

await ctx.close()
await database.drop()
