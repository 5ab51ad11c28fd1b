// Uploading a 100 MB PDF to the API running as its own process (`node --import tsx src/server.ts`,
// as `npm start` runs it): the growth of that process's resident memory while it streams the file
// to storage, sampled from /proc every 10 ms. Target: peak RSS growth <= 64 MB.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBenchDatabase } from './lib/bench-database.js'

const FILE_MB = Number(process.env.BENCH_UPLOAD_MB ?? 100)
const TARGET_GROWTH_MB = 64
const ROOT = new URL('../', import.meta.url).pathname

const work = await mkdtemp(join(tmpdir(), 'rr-upload-bench-'))
const database = await createBenchDatabase()
const port = 30_000 + Math.floor(Math.random() * 20_000)
const api = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    PORT: String(port),
    STORAGE_DIR: join(work, 'storage'),
    MAX_UPLOAD_BYTES: String((FILE_MB + 10) * 1024 * 1024),
    QUEUE_PREFIX: `bench-upload-${process.pid}`,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})
const base = `http://127.0.0.1:${port}`
for (let attempt = 0; ; attempt++) {
  if ((await fetch(`${base}/health`).catch(() => null))?.ok) break
  if (attempt > 600) throw new Error('the API did not start')
  await new Promise((resolve) => setTimeout(resolve, 100))
}

/** A PDF of about `megabytes`: one page drawing one big image stream of incompressible bytes, like a high-resolution scan. */
async function writeLargePdf(path: string, megabytes: number): Promise<void> {
  const out = createWriteStream(path)
  const write = async (chunk: Buffer | string) => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  const length = megabytes * 1024 * 1024
  await write(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n`)
  await write(`3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 4 0 R >> >> >>\nendobj\n`)
  await write(
    `4 0 obj\n<< /Type /XObject /Subtype /Image /Width 8192 /Height ${Math.floor(length / 8192)} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${length} >>\nstream\n`,
  )
  for (let written = 0; written < length; written += 1024 * 1024) await write(randomBytes(1024 * 1024))
  await write('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n')
  out.end()
  await once(out, 'finish')
}

async function json(path: string, init: RequestInit & { token?: string } = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
  })
  return response.json() as Promise<Record<string, unknown>>
}

/** Streams a multipart upload of one file from disk, as a browser would send it. */
async function uploadFile(requestId: string, token: string, path: string, filename: string): Promise<number> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const size = (await stat(path)).size
  return new Promise((resolve, reject) => {
    const upload = httpRequest(`${base}/v1/requests/${requestId}/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + size + tail.length,
      },
    })
    upload.on('response', (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    upload.on('error', reject)
    upload.write(head)
    const file = createReadStream(path)
    file.pipe(upload, { end: false })
    file.on('end', () => upload.end(tail))
  })
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024
}

const { token } = (await json('/v1/users', { method: 'POST', body: JSON.stringify({ email: 'bench@example.org', name: 'Bench' }) })) as {
  token: string
}
const agency = ((await json('/v1/agencies?state=WA&q=spokane%20police')).items as { id: string }[])[0]!
const request = (await json('/v1/requests', {
  method: 'POST',
  token,
  body: JSON.stringify({ agencyId: agency.id, templateSlug: 'ring-partnership' }),
})) as { id: string }

const big = join(work, 'big.pdf')
await writeLargePdf(big, FILE_MB)
const small = join(work, 'small.pdf')
await writeLargePdf(small, 1)
// Warm up the upload path (code loaded, JIT, pools), then let the heap settle.
for (let round = 0; round < 3; round++) await uploadFile(request.id, token, small, `warm-${round}.pdf`)
await new Promise((resolve) => setTimeout(resolve, 1_000))

const before = await residentBytes(api.pid!)
let peak = before
const sampler = setInterval(() => {
  residentBytes(api.pid!).then(
    (bytes) => {
      peak = Math.max(peak, bytes)
    },
    () => {},
  )
}, 10)
const started = performance.now()
const status = await uploadFile(request.id, token, big, 'agreement-scan.pdf')
const seconds = (performance.now() - started) / 1000
clearInterval(sampler)
peak = Math.max(peak, await residentBytes(api.pid!))
if (status !== 201) throw new Error(`upload answered ${status}`)

const growth = (peak - before) / 1024 / 1024
console.log(`Uploading a ${FILE_MB} MB PDF to the API process (streamed, hashed, stored):`)
console.log(`  ${seconds.toFixed(2)} s, ${(FILE_MB / seconds).toFixed(0)} MB/s`)
console.log(
  `  RSS before ${(before / 1024 / 1024).toFixed(0)} MB, peak ${(peak / 1024 / 1024).toFixed(0)} MB: growth ${growth.toFixed(1)} MB (target <= ${TARGET_GROWTH_MB} MB)`,
)
console.log(
  JSON.stringify({ bench: 'upload', megabytes: FILE_MB, seconds: Number(seconds.toFixed(2)), rssGrowthMb: Number(growth.toFixed(1)) }),
)

api.kill('SIGTERM')
await once(api, 'exit')
await database.drop()
await rm(work, { recursive: true, force: true })
