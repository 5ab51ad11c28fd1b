// Mail in: BENCH_MESSAGES (1,000) replies, each with a 200 KB PDF, through AcceptInbound (stored
// content-addressed, recorded, queued) and the ingest job (parsed as a stream, authenticated,
// matched, message and document recorded, the requester's notice queued), against bare mailparser
// simpleParser parsing the same messages in the same run. Target: ours >= 0.5 x bare, in messages/s.
// Then one 50 MB message through the same two steps: peak RSS growth, target <= 64 MB (streamed,
// never buffered whole).

import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { simpleParser } from 'mailparser'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { prepareDatabase } from '../src/db/prepare.js'
import { signUp } from '../src/modules/accounts/accounts.service.js'
import { createInboundAcceptor } from '../src/modules/correspondence/inbound-acceptor.js'
import { createInboundHandlers } from '../src/modules/correspondence/ingest.service.js'
import { createBenchDatabase } from './lib/bench-database.js'

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000)
const PDF_BYTES = 200 * 1024
const BIG_BYTES = 50 * 1024 * 1024
const TARGET_RATIO = 0.5
const TARGET_RSS_MB = 64

const work = await mkdtemp(join(tmpdir(), 'rr-ingest-bench-'))
const database = await createBenchDatabase()
const config = loadConfig({
  DATABASE_URL: database.url,
  LOG_LEVEL: 'silent',
  STORAGE_DIR: join(work, 'storage'),
  QUEUE_PREFIX: `bench-ingest-${process.pid}`,
  REPLY_DOMAIN: 'replies.bench.test',
  INBOUND_MAX_BYTES: String(BIG_BYTES + 1024 * 1024),
})
// DNS answers nothing: the bench measures the pipeline, not a resolver on the network.
const offline = async (name: string) => {
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
}
const ctx = await createContext(config, { logger: pino({ level: 'silent' }), dnsResolver: offline })
await prepareDatabase(ctx)
const sql = ctx.database.sql
const signedUp = await signUp({ ...ctx, signup: 'open' }, null, { email: 'bench@example.org', name: 'Bench' })
if (signedUp.status !== 'created') throw new Error('the bench database already has users')
const [agency] = await sql`select id from agencies where name = 'Spokane Police Department'`
// Replies spread over requests as they do in use (one per ten messages): replies to one request are
// recorded one at a time, under its lock.
const REQUESTS = Math.max(1, Math.ceil(MESSAGES / 10))
await sql`
  insert into requests (user_id, agency_id, template_slug, subject, body, reply_key, status, submitted_at, submitted_via)
  select ${signedUp.user.id}, ${agency!.id}, 'ring-partnership', 'Ring', 'Letter', 'request-bench-' || n, 'submitted', now(), 'email'
  from generate_series(0, ${REQUESTS}::int) as n`

const compose = (index: number, pdf: Buffer) =>
  new MailComposer({
    from: 'Records Clerk <clerk@spokane.example>',
    to: `request-bench-${index % REQUESTS}@replies.bench.test`,
    subject: `Re: Public records request (${index})`,
    messageId: `<bench-${index}-${process.pid}@spokane.example>`,
    text: 'Please find the responsive records attached. The fee is waived.',
    attachments: [{ filename: `records-${index}.pdf`, content: pdf, contentType: 'application/pdf' }],
  })
    .compile()
    .build()

const accept = createInboundAcceptor(ctx)
const handlers = createInboundHandlers(ctx)
const envelope = { via: 'http' as const, mailFrom: 'clerk@spokane.example', rcptTo: [], remoteAddress: null }

// First, while the process holds nothing else: one 50 MB message, written to disk first so the bench itself never holds it.
const bigPath = join(work, 'big.eml')
const header = [
  'From: clerk@spokane.example',
  'To: request-bench-0@replies.bench.test',
  'Subject: The whole archive',
  `Message-ID: <bench-big-${process.pid}@spokane.example>`,
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="big"',
  '',
  '--big',
  'Content-Type: text/plain',
  '',
  'The archive is attached.',
  '--big',
  'Content-Type: application/pdf; name="archive.pdf"',
  'Content-Disposition: attachment; filename="archive.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  '',
].join('\r\n')
async function* bigMessage() {
  yield Buffer.from(header)
  let written = header.length
  let first = true
  while (written < BIG_BYTES - 1024) {
    const chunk = first ? Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(57 * 1024 - 9)]) : randomBytes(57 * 1024)
    first = false
    const lines = chunk.toString('base64').replace(/.{76}/g, '$&\r\n')
    written += lines.length + 2
    yield Buffer.from(`${lines}\r\n`)
  }
  yield Buffer.from('--big--\r\n')
}
await pipeline(Readable.from(bigMessage()), createWriteStream(bigPath))

global.gc?.()
const baseline = process.memoryUsage().rss
let peak = baseline
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 10)
const bigStart = performance.now()
const { id: bigId } = await accept(createReadStream(bigPath), envelope)
await handlers.ingest(bigId)
const bigSeconds = (performance.now() - bigStart) / 1000
clearInterval(sampler)
peak = Math.max(peak, process.memoryUsage().rss)
const [big] = await sql`select status, size from inbound_mail where id = ${bigId}`
if (big!.status !== 'ingested') throw new Error(`the 50 MB message ended ${big!.status}`)
const growthMb = (peak - baseline) / 1024 / 1024
console.log(`One ${(Number(big!.size) / 1024 / 1024).toFixed(0)} MB message accepted and ingested in ${bigSeconds.toFixed(1)} s:`)
console.log(
  `  peak RSS growth: ${growthMb.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB${global.gc ? '' : '; run with --expose-gc for a steadier baseline'})`,
)

// A "PDF" of random bytes behind a PDF header: typed as a PDF by its bytes; each one different.
const messages: Buffer[] = []
for (let index = 0; index < MESSAGES; index++) {
  messages.push(await compose(index, Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(PDF_BYTES - 9)])))
}

async function bare(): Promise<number> {
  let attachments = 0
  for (const raw of messages) attachments += (await simpleParser(raw)).attachments.length
  return attachments
}

// As deployed: several senders at once, and the worker ingesting WORKER_CONCURRENCY messages at a
// time. Most of a message's time is spent waiting on disk flushes and database commits, which
// overlap; bare parsing is all CPU on one thread, so more of it at once would gain nothing.
const CONCURRENCY = config.delivery.concurrency
const phases = { accept: 0, ingest: 0 }
async function ours(): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < messages.length) {
      const raw = messages[next++]!
      let start = performance.now()
      const { id } = await accept(Readable.from([raw]), envelope)
      phases.accept += performance.now() - start
      start = performance.now()
      await handlers.ingest(id)
      phases.ingest += performance.now() - start
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane))
}

const timed = async (run: () => Promise<unknown>) => {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}
const bareSeconds = await timed(bare)
const oursSeconds = await timed(ours)
const [counts] =
  await sql`select (select count(*)::int from messages) as messages, (select count(*)::int from documents where source = 'email') as documents`
// The 50 MB message is one more of each.
if (counts!.messages !== MESSAGES + 1 || counts!.documents !== MESSAGES + 1)
  throw new Error(`recorded ${JSON.stringify(counts)} for ${MESSAGES} messages`)
const oursRate = MESSAGES / oursSeconds
const bareRate = MESSAGES / bareSeconds
const megabytes = (MESSAGES * messages[0]!.length) / 1024 / 1024
console.log(
  `${MESSAGES} replies with a ${PDF_BYTES / 1024} KB PDF each (${megabytes.toFixed(0)} MB of mail); ours ${CONCURRENCY} at a time, bare one at a time:`,
)
console.log(
  `  ours (stored, recorded, parsed, authenticated, matched, message + document + notice recorded): ${oursRate.toFixed(1)} messages/s`,
)
console.log(
  `    each message spent ${(phases.accept / MESSAGES).toFixed(1)} ms being accepted and ${(phases.ingest / MESSAGES).toFixed(1)} ms being ingested`,
)
console.log(`  bare mailparser simpleParser: ${bareRate.toFixed(1)} messages/s`)
console.log(`  ratio ours/bare: ${(oursRate / bareRate).toFixed(2)} (target >= ${TARGET_RATIO})`)

console.log(
  JSON.stringify({
    bench: 'ingest',
    messages: MESSAGES,
    oursMessagesPerSecond: Number(oursRate.toFixed(1)),
    bareMessagesPerSecond: Number(bareRate.toFixed(1)),
    ratio: Number((oursRate / bareRate).toFixed(3)),
    bigMessagePeakRssGrowthMb: Math.round(growthMb),
  }),
)

await ctx.ingests.queue.obliterate({ force: true }).catch(() => {})
await ctx.deliveries.queue.obliterate({ force: true }).catch(() => {})
await ctx.extractions.queue.obliterate({ force: true }).catch(() => {})
await ctx.close()
await database.drop()
await rm(work, { recursive: true, force: true })
