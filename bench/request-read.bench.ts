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

const signUp = (await (await fetch(`${ours}/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.org', name: 'Bench User' }) })).json()) as { token: string }
const headers = { authorization: `Bearer ${signUp.token}`, 'content-type': 'application/json' }
const agency: { id: string } = (await (await fetch(`${ours}/v1/agencies?state=WA&q=spokane%20police`)).json() as { items: { id: string }[] }).items[0]!
const created = (await (await fetch(`${ours}/v1/requests`, { method: 'POST', headers, body: JSON.stringify({ agencyId: agency.id, templateSlug: 'ring-partnership' }) })).json()) as { id: string }
await fetch(`${ours}/v1/requests/${created.id}/submit`, { method: 'POST', headers, body: JSON.stringify({ via: 'portal' }) })

// The bare route: the same two statements our handler runs (token lookup, request with agency), no framework layers.
const sql = ctx.database.sql
const bare = Fastify({ logger: false })
bare.get('/bare/requests/:id', async (request) => {
  const token = (request.headers.authorization ?? '').slice('Bearer '.length)
  const [user] = await sql`select u.id, u.role, t.last_used_at from api_tokens t join users u on u.id = t.user_id where t.token_hash = ${hashToken(token)}`
  if (!user) throw new Error('unauthorised')
  const [row] = await sql`
    select r.*, a.id as agency_id, a.name, a.state, a.city, a.kind, a.email, a.portal_url, a.mailing_address, j.timezone
    from requests r join agencies a on a.id = r.agency_id join jurisdictions j on j.code = a.state
    where r.id = ${(request.params as { id: string }).id}`
  return row
})
await bare.listen({ host: '127.0.0.1', port: 0 })
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`

async function load(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { authorization: headers.authorization } })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

const oursUrl = `${ours}/v1/requests/${created.id}`
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
console.log(JSON.stringify({ bench: 'request-read', oursRps: Math.round(oursRps), bareRps: Math.round(bareRps), ratio: Number((oursRps / bareRps).toFixed(3)) }))

await bare.close()
await app.close()
await ctx.close()
await database.drop()
