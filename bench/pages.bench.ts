// Web pages against the JSON API serving the same data, in the same process and run:
// /requests/{id} (HTML, session cookie) against GET /v1/requests/{id} (bearer token), and /me against
// GET /v1/requests (the signed-in member's list). Target: HTML >= 0.5 x JSON requests per second.
// Then the weight of /, /search?q=… and /requests/{id}: the HTML with every stylesheet, script and
// image it links, as transferred (the app does not compress; a proxy in front may). Target <= 100 KB.
import autocannon from 'autocannon'
import { createSmtpMailer } from '../src/adapters/mailer/smtp-mailer.js'
import { buildApp } from '../src/app.js'
import { createAccountHandlers } from '../src/modules/accounts/account-emails.service.js'
import { signUp } from '../src/modules/accounts/accounts.service.js'
import { createInboundHandlers } from '../src/modules/correspondence/ingest.service.js'
import { loadEmailTemplates } from '../src/modules/templates/email-templates.js'
import { startSmtpCapture } from '../test/helpers/smtp-capture.js'
import { loadSearchCorpus, openSearchBench } from './lib/search-corpus.js'

const CONNECTIONS = 10
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const ROUNDS = 2
const INBOUND_TOKEN = 'bench-inbound-token-0123456789'
const WEIGHT_LIMIT = 100 * 1024
/** Requests of the requester whose pages are read: one with a thread, the rest filed or drafts. */
const REQUESTS = 25

const smtp = await startSmtpCapture()
const bench = await openSearchBench('pages', { INBOUND_TOKEN, PUBLIC_URL: 'http://records.test' })
const { ctx, sql, user } = bench
const agencies = bench.agencies
await loadSearchCorpus(sql, user.id, agencies, 400, 12)
const app = await buildApp(ctx)
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
const mailer = createSmtpMailer(smtp.url)

// The corpus belongs to the admin; the pages are read by a requester with a typical load of requests.
const admin = {
  id: user.id,
  email: 'bench@example.org',
  name: 'Bench',
  mailingAddress: null,
  role: 'admin' as const,
  remindersMuted: false,
}
const requester = await signUp({ ...ctx, signup: 'open' }, admin, { email: 'requester@example.org', name: 'Ada Lopez' })
if (requester.status !== 'created') throw new Error('the requester was not created')
const bearer = `Bearer ${requester.token}`
const jsonHeaders = { authorization: bearer, 'content-type': 'application/json' }
const washington = (
  (await (await fetch(`${origin}/v1/agencies?state=WA&ringPartner=true&limit=${REQUESTS}`)).json()) as { items: { id: string }[] }
).items
async function fileRequest(agencyId: string, via: 'portal' | null): Promise<string> {
  const created = (await (
    await fetch(`${origin}/v1/requests`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ agencyId, templateSlug: 'ring-partnership' }),
    })
  ).json()) as { id: string }
  if (via)
    await fetch(`${origin}/v1/requests/${created.id}/submit`, { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ via }) })
  return created.id
}
const created = { id: await fileRequest(washington[0]!.id, 'portal') }
for (const [index, agency] of washington.slice(1).entries()) await fileRequest(agency.id, index % 4 === 0 ? null : 'portal')
const shown = (await (await fetch(`${origin}/v1/requests/${created.id}`, { headers: jsonHeaders })).json()) as {
  replyAddress: string
  subject: string
}

// A realistic thread: three replies through the HTTP door and the ingest job, and a logged fee.
const ingest = createInboundHandlers(ctx)
for (const [index, body] of [
  'We received your request and assigned it number 26-1042.',
  'A fee of $25.00 is required before we proceed with the search.',
  'Attached are the records responsive to your request. Some content was withheld under RCW 42.56.240.',
].entries()) {
  const raw = [
    'From: Records Clerk <clerk@spokanepolice.example.gov>',
    `To: ${shown.replyAddress}`,
    `Subject: Re: ${shown.subject}`,
    `Message-ID: <bench-reply-${index}@spokanepolice.example.gov>`,
    `Date: Tue, 0${index + 1} Dec 2026 10:00:00 +0000`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n')
  const accepted = await fetch(`${origin}/v1/inbound/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' },
    body: raw,
  })
  await ingest.ingest(((await accepted.json()) as { id: string }).id)
}
await fetch(`${origin}/v1/requests/${created.id}/events`, {
  method: 'POST',
  headers: jsonHeaders,
  body: JSON.stringify({ type: 'fee_requested', amount: 25 }),
})

// A browser session, signed in the way a person does: /login, the emailed link, its button.
const jar = new Map<string, string>()
const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
async function browse(path: string, form?: Record<string, string>): Promise<Response> {
  const response = await fetch(`${origin}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      cookie: cookieHeader(),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  })
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    const at = pair!.indexOf('=')
    jar.set(pair!.slice(0, at), pair!.slice(at + 1))
  }
  return response
}
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!
await browse('/login', { email: 'requester@example.org', _csrf: csrfIn(await (await browse('/login')).text()) })
const [link] = (await sql`select id from sign_in_links order by created_at desc limit 1`) as unknown as [{ id: string }]
await createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() }).emailSignInLink(link.id)
const linkPath = /http:\/\/records\.test(\/login\/\S+)/.exec(smtp.messages.at(-1)!.text ?? '')![1]!
const signedIn = await browse(linkPath, { _csrf: csrfIn(await (await browse(linkPath)).text()) })
if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`)
const session = cookieHeader()

/** Requests per second for one path; for several, complete rounds of all of them per second (a client needing them all). */
async function load(paths: readonly string[], headers: Record<string, string>): Promise<number> {
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${paths.join(', ')}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average / paths.length
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length

// The request page shows the request, its events, its thread and its documents: the JSON side is the
// four calls a client makes for the same, counted as one round.
const pairs = [
  {
    name: 'request',
    html: [`/requests/${created.id}`],
    json: ['', '/events', '/messages?limit=100', '/documents'].map((tail) => `/v1/requests/${created.id}${tail}`),
  },
  { name: 'dashboard', html: ['/me'], json: ['/v1/requests?limit=100'] },
]
const throughput: Record<string, { htmlRps: number; jsonRps: number; ratio: number }> = {}
console.log(`HTML pages against the JSON serving the same data: ${CONNECTIONS} connections, ${SECONDS}s x ${ROUNDS} rounds each`)
for (const pair of pairs) {
  const html = { cookie: session }
  const json = { authorization: bearer }
  await load(pair.html, html) // warm-up
  await load(pair.json, json)
  const figures = { html: [] as number[], json: [] as number[] }
  for (let round = 0; round < ROUNDS; round += 1) {
    figures.html.push(await load(pair.html, html))
    figures.json.push(await load(pair.json, json))
  }
  const htmlRps = mean(figures.html)
  const jsonRps = mean(figures.json)
  throughput[pair.name] = { htmlRps: Math.round(htmlRps), jsonRps: Math.round(jsonRps), ratio: Number((htmlRps / jsonRps).toFixed(3)) }
  console.log(
    `  ${pair.html[0]}: ${htmlRps.toFixed(0)} pages/s; ${pair.json.join(' + ')}: ${jsonRps.toFixed(0)} rounds/s; ratio ${(htmlRps / jsonRps).toFixed(2)} (target >= 0.50)`,
  )
}

/** The page and every stylesheet, script, image and icon it links, in bytes as sent. */
async function pageWeight(path: string, headers: Record<string, string>): Promise<{ html: number; assets: number; total: number }> {
  const page = await fetch(`${origin}${path}`, { headers })
  if (!page.ok)
    throw new Error(
      `${path}: ${page.status} ${(await page.text())
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 400)}`,
    )
  const html = Buffer.from(await page.arrayBuffer())
  const linked = new Set<string>()
  for (const match of html.toString('utf8').matchAll(/<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"/g)) {
    const tag = match[0]
    if (tag.startsWith('<link') && !/rel="(?:stylesheet|icon|preload|modulepreload)"/.test(tag)) continue
    linked.add(match[1]!)
  }
  let assets = 0
  for (const url of linked) {
    const response = await fetch(new URL(url, `${origin}${path}`), { headers })
    if (!response.ok) throw new Error(`${url} linked from ${path}: ${response.status}`)
    assets += (await response.arrayBuffer()).byteLength
  }
  return { html: html.byteLength, assets, total: html.byteLength + assets }
}

const weights: Record<string, number> = {}
console.log(`Page weight (HTML + linked CSS, scripts and images; target <= ${WEIGHT_LIMIT / 1024} KB)`)
for (const [path, headers] of [
  ['/', {}],
  ['/search?q=neighbors%20portal', {}],
  [`/requests/${created.id}`, { cookie: session }],
] as const) {
  const weight = await pageWeight(path, headers)
  weights[path.split('?')[0]!.replace(created.id, '{id}')] = weight.total
  console.log(
    `  ${path}: ${(weight.total / 1024).toFixed(1)} KB (HTML ${(weight.html / 1024).toFixed(1)} KB, assets ${(weight.assets / 1024).toFixed(1)} KB)`,
  )
}
console.log(JSON.stringify({ bench: 'pages', throughput, weights }))

await mailer.close()
await app.close()
await smtp.close()
await bench.close()
