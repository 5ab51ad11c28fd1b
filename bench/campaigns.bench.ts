// Campaigns at full size: creating one over all 1,498 Ring partners (every draft rendered and
// stored) against rendering the same letters alone in the same process; and GET /v1/campaigns/{id}
// with 1,498 targets in a realistic spread of statuses, p95 latency under 10 connections against a
// bare Fastify route running the same SQL through postgres.js. Targets: create <= 10 s; p95 <= 50 ms.
import Fastify from 'fastify'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { listAgencies } from '../src/modules/agencies/agencies.repository.js'
import { findJurisdictions } from '../src/modules/jurisdictions/jurisdictions.repository.js'
import { renderLetterFor } from '../src/modules/requests/request-letters.js'
import { createBenchDatabase } from './lib/bench-database.js'

const CONNECTIONS = 10
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CREATE_ROUNDS = 2

const database = await createBenchDatabase()
const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' })
const ctx = await createContext(config, { logger: pino({ level: 'silent' }) })
await prepareDatabase(ctx)
const app = await buildApp(ctx)
await app.listen({ host: '127.0.0.1', port: 0 })
const ours = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

// The first account is the administrator: no daily allowances get in the way.
const signUp = (await (
  await fetch(`${ours}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'organizer@example.org', name: 'Bench Organizer', mailingAddress: '1 Main St\nSpokane, WA 99201' }),
  })
).json()) as { token: string; user: { id: string; name: string; email: string } }
const headers = { authorization: `Bearer ${signUp.token}`, 'content-type': 'application/json' }

// 1. The letters alone: the same template and renderer, every Ring partner, nothing stored.
const partners = await listAgencies(ctx.db, { ringPartner: true, limit: 5_000 })
const laws = await findJurisdictions(ctx.db, [...new Set(partners.map((agency) => agency.state))])
const template = ctx.templates.get('ring-partnership')!
const requester = { name: 'Bench Organizer', email: 'organizer@example.org', mailingAddress: '1 Main St\nSpokane, WA 99201' }
function renderAll(): number {
  const started = performance.now()
  for (const agency of partners) {
    renderLetterFor(ctx, {
      template,
      agency,
      jurisdiction: laws.get(agency.state)!,
      requester: { ...requester, replyTo: 'request-bench@replies.localhost' },
      variables: {},
      request: null,
    })
  }
  return (performance.now() - started) / 1000
}

async function createCampaign(title: string): Promise<{ seconds: number; id: string; targetCount: number }> {
  const started = performance.now()
  const response = await fetch(`${ours}/v1/campaigns`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ title, templateSlug: 'ring-partnership', targets: { ringPartner: true } }),
  })
  const seconds = (performance.now() - started) / 1000
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as { id: string; targetCount: number }
  return { seconds, ...body }
}

renderAll() // warm-up
const renderSeconds: number[] = []
const createSeconds: number[] = []
let campaign = { id: '', targetCount: 0 }
for (let round = 0; round < CREATE_ROUNDS; round += 1) {
  renderSeconds.push(renderAll())
  const created = await createCampaign(`Ring partnership records — everywhere (${round + 1})`)
  createSeconds.push(created.seconds)
  campaign = created
}
if (campaign.targetCount !== partners.length) throw new Error(`expected ${partners.length} targets, got ${campaign.targetCount}`)
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length

// 2. A realistic spread, as weeks into a campaign: set directly on the last campaign's requests.
const sql = ctx.database.sql
await sql`
  with spread as (
    select r.id, row_number() over (order by r.id) % 100 as slot
    from requests r join campaign_targets t on t.request_id = r.id where t.campaign_id = ${campaign.id}
  )
  update requests set
    status = case
      when slot < 15 then 'draft' when slot < 45 then 'submitted' when slot < 55 then 'acknowledged'
      when slot < 60 then 'awaiting_fee' when slot < 63 then 'awaiting_clarification' when slot < 68 then 'partially_fulfilled'
      when slot < 82 then 'fulfilled' when slot < 89 then 'no_records' when slot < 95 then 'rejected'
      when slot < 97 then 'appealed' else 'withdrawn' end,
    submitted_at = case when slot < 15 then null else now() - interval '40 days' end,
    submitted_via = case when slot < 15 then null else 'email' end,
    -- Half the open ones are past their due date.
    due_date = case when slot < 15 then null when slot % 2 = 0 then (now() - interval '10 days')::date else (now() + interval '10 days')::date end
  from spread where spread.id = requests.id`
// What autovacuum does to tables this size soon after: the planner sees 3,000 requests, not an empty table.
await sql`analyze`

const campaignUrl = `${ours}/v1/campaigns/${campaign.id}`
// The first read counts the targets; later ones reuse those counts while no transaction has changed them.
const firstRead = performance.now()
await (await fetch(campaignUrl)).arrayBuffer()
console.log(`GET /v1/campaigns/{id}, first read after the statuses changed (counted): ${(performance.now() - firstRead).toFixed(1)} ms`)
// Capture the statements a later read sends (anonymous: no token lookup) to run them bare.
const unsafe = sql.unsafe.bind(sql)
const statements: { query: string; params: unknown[] }[] = []
sql.unsafe = ((query: string, params: unknown[] = [], ...rest: unknown[]) => {
  statements.push({ query, params })
  return (unsafe as (...args: unknown[]) => unknown)(query, params, ...rest)
}) as typeof sql.unsafe
const check = (await (await fetch(campaignUrl)).json()) as { targetCount: number; coverage: Record<string, number> }
sql.unsafe = unsafe
if (check.targetCount !== partners.length) throw new Error(`GET shows ${check.targetCount} targets`)

const bare = Fastify({ logger: false })
bare.get('/bare/campaign', async () => {
  const results = []
  for (const statement of statements) results.push(await sql.unsafe(statement.query, statement.params as never[], { prepare: true }))
  return results
})
await bare.listen({ host: '127.0.0.1', port: 0 })
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare/campaign`

/** CONNECTIONS loops, each one request after another for SECONDS; every latency in ms. */
async function latencies(url: string): Promise<number[]> {
  const all: number[] = []
  const until = performance.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const started = performance.now()
        const response = await fetch(url)
        await response.arrayBuffer()
        if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
        all.push(performance.now() - started)
      }
    }),
  )
  return all.sort((a, b) => a - b)
}
const p95 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!

await latencies(campaignUrl) // warm-up
const oursLatencies = await latencies(campaignUrl)
const bareLatencies = await latencies(bareUrl)

console.log(`Creating a campaign over all ${partners.length} Ring partners (drafts rendered and stored), ${CREATE_ROUNDS} rounds:`)
console.log(`  POST /v1/campaigns: ${mean(createSeconds).toFixed(2)} s (target <= 10 s)`)
console.log(`  rendering the same letters alone: ${mean(renderSeconds).toFixed(2)} s`)
console.log(`  ratio create/render: ${(mean(createSeconds) / mean(renderSeconds)).toFixed(2)}`)
console.log(`GET /v1/campaigns/{id}, ${partners.length} targets, ${CONNECTIONS} connections, ${SECONDS}s each:`)
console.log(`  ours: p95 ${p95(oursLatencies).toFixed(1)} ms, ${(oursLatencies.length / SECONDS).toFixed(0)} req/s (target p95 <= 50 ms)`)
console.log(`  bare Fastify + postgres.js, same ${statements.length} statements: p95 ${p95(bareLatencies).toFixed(1)} ms`)
console.log(`  ratio ours/bare p95: ${(p95(oursLatencies) / p95(bareLatencies)).toFixed(2)}`)
console.log(
  JSON.stringify({
    bench: 'campaigns',
    targets: partners.length,
    createSeconds: Number(mean(createSeconds).toFixed(3)),
    renderSeconds: Number(mean(renderSeconds).toFixed(3)),
    getP95Ms: Number(p95(oursLatencies).toFixed(2)),
    bareP95Ms: Number(p95(bareLatencies).toFixed(2)),
  }),
)

await bare.close()
await app.close()
await ctx.close()
await database.drop()
