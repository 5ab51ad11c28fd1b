// GET /v1/requests/{id} under load, against a bare Fastify route running the same SQL through
// postgres.js in the same process and run. Target: ours >= 0.6 x bare requests per second.
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { hashToken } from '../src/modules/accounts/tokens.js'
import { createBenchDatabase } from './lib/bench-database.js'

const CONNECTIONS = 10
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const ROUNDS = 2

const database = await createBenchDatabase()
const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' })
const ctx = await createContext(config, { logger: pino({ level: 'silent' }) })
await prepareDatabase(ctx)
const app = await buildApp(ctx)
await app.listen({ host: '127.0.0.1', port: 0 })
const ours = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

const signUp = (await (
  await fetch(`${ours}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.org', name: 'Bench User' }),
  })
).json()) as { token: string }
const headers = { authorization: `Bearer ${signUp.token}`, 'content-type': 'application/json' }
const agency: { id: string } = (
  (await (await fetch(`${ours}/v1/agencies?state=WA&q=spokane%20police`)).json()) as { items: { id: string }[] }
).items[0]!
const created = (await (
  await fetch(`${ours}/v1/requests`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ agencyId: agency.id, templateSlug: 'ring-partnership' }),
  })
).json()) as { id: string }
await fetch(`${ours}/v1/requests/${created.id}/submit`, { method: 'POST', headers, body: JSON.stringify({ via: 'portal' }) })

const oursUrl = `${ours}/v1/requests/${created.id}`

// Capture the exact SQL our handler sends (token lookup, then the request with its agency).
const sql = ctx.database.sql
const unsafe = sql.unsafe.bind(sql)
const statements: string[] = []
for (let call = 0; call < 2; call += 1) await fetch(oursUrl, { headers }) // first call also touches the token
sql.unsafe = ((query: string, ...rest: unknown[]) => {
  statements.push(query)
  return (unsafe as (...args: unknown[]) => unknown)(query, ...rest)
}) as typeof sql.unsafe
await fetch(oursUrl, { headers })
sql.unsafe = unsafe
const [tokenQuery, requestQuery] = statements
if (statements.length !== 2 || !tokenQuery || !requestQuery) throw new Error(`expected 2 statements, saw ${statements.length}`)

// The bare route: the same two statements through postgres.js, no framework layers beyond Fastify.
const bare = Fastify({ logger: false })
bare.get('/bare/requests/:id', async (request) => {
  const token = (request.headers.authorization ?? '').slice('Bearer '.length)
  const [user] = await sql.unsafe(tokenQuery, [hashToken(token)], { prepare: true })
  if (!user) throw new Error('unauthorised')
  const [row] = await sql.unsafe(requestQuery, [(request.params as { id: string }).id], { prepare: true })
  return row
})
await bare.listen({ host: '127.0.0.1', port: 0 })
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`

async function load(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { authorization: headers.authorization } })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

const bareRouteUrl = `${bareUrl}/bare/requests/${created.id}`
await load(oursUrl) // warm-up
await load(bareRouteUrl)
const figures = { ours: [] as number[], bare: [] as number[] }
for (let round = 0; round < ROUNDS; round += 1) {
  figures.ours.push(await load(oursUrl))
  figures.bare.push(await load(bareRouteUrl))
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
const oursRps = mean(figures.ours)
const bareRps = mean(figures.bare)
console.log(`GET /v1/requests/{id}: ${CONNECTIONS} connections, ${SECONDS}s x ${ROUNDS} rounds each`)
console.log(`  ours: ${oursRps.toFixed(0)} req/s`)
console.log(`  bare Fastify + postgres.js, same SQL: ${bareRps.toFixed(0)} req/s`)
console.log(`  ratio ours/bare: ${(oursRps / bareRps).toFixed(2)} (target >= 0.60)`)
console.log(
  JSON.stringify({
    bench: 'request-read',
    oursRps: Math.round(oursRps),
    bareRps: Math.round(bareRps),
    ratio: Number((oursRps / bareRps).toFixed(3)),
  }),
)

await bare.close()
await app.close()
await ctx.close()
await database.drop()
