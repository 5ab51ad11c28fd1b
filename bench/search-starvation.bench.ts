// Can costly searches starve the rest of the API? 16 clients send a query of only exclusions (it
// matches nearly every page, so PostgreSQL reads them all) without pause for 10 s, while one
// client reads GET /v1/agencies; its p50/p95 are printed next to the same reads on an idle API.
//   shared   search on the main pool without a statement timeout, as before search had its own
//   own      as configured by default: search's own pool (SEARCH_POOL_SIZE) and statement timeout
// Search rate limits and the cache are off here, so every hostile request reaches PostgreSQL.
// The 40-exclusion query of the audit is now refused (at most 20 terms), so 20 are sent.
import autocannon from 'autocannon'
import { buildApp } from '../src/app.js'
import type { AppContext } from '../src/context.js'
import { loadSearchCorpus, openSearchBench } from './lib/search-corpus.js'

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 4_000)
const HOSTILE_CLIENTS = 16
const SECONDS = 10

const bench = await openSearchBench('starve', { SEARCH_CACHE_SECONDS: '0' })
const { ctx, sql, user, agencies } = bench
const { pages } = await loadSearchCorpus(sql, user.id, agencies, DOCUMENTS, 7)

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

await bench.close()
