// Every document reaches "ready" or "failed": a worker killed twice while reading one, an email
// whose attachment names are hostile, a PDF longer than the page budget (its progress visible).

import PDFDocument from 'pdfkit'
import t, { type Test } from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, makeEml, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'
import { spawnWorkerProcess } from '../helpers/worker-process.js'

// Worker processes started under tsx, one after another, on a shared, busy machine.
t.setTimeout(300_000)

async function setUp(t: Test, env: Record<string, string> = {}) {
  const built = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here', ...env } })
  const owner = await signUp(built.app)
  const request = await fileRequest(built.app, owner)
  const documentOf = async (id: string) =>
    (await built.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers })).json()
  const settled = (id: string) =>
    eventually(
      async () => {
        const document = await documentOf(id)
        return document.status === 'processing' ? null : document
      },
      120_000,
      `document ${id} to be read`,
    )
  const uploadOne = async (bytes: Buffer, name: string) => {
    const response = await upload(built.app, request.id, owner.headers, [file(bytes, name)])
    t.equal(response.statusCode, 201, 'uploaded')
    return response.json().items[0] as { id: string }
  }
  return { ...built, owner, request, documentOf, settled, uploadOne }
}

/** A PDF of text pages, as long as asked. */
async function longPdf(pages: number): Promise<Buffer> {
  const document = new PDFDocument({ autoFirstPage: false })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  for (let page = 1; page <= pages; page++)
    document.addPage().fontSize(10).text(`Page ${page} of the Neighbors Portal usage log. `.repeat(20))
  document.end()
  await ended
  return Buffer.concat(chunks)
}

t.test('a worker killed twice during one extraction: the document fails with the reason once its attempts are spent', async (t) => {
  const { ctx, app, config, owner, settled, uploadOne } = await setUp(t)
  const env = {
    SWEEP_INTERVAL_SECONDS: '1',
    SMTP_URL: 'smtp://127.0.0.1:1',
    OCR_COMMAND: 'tesseract-not-installed-here',
    EXTRACTION_MAX_ATTEMPTS: '2',
  }
  const document = await uploadOne(await longPdf(3000), 'long.pdf')
  const attempts = async () =>
    (
      (await ctx.database.sql`select extraction_attempts from documents where id = ${document.id}`) as unknown as [
        { extraction_attempts: number },
      ]
    )[0].extraction_attempts
  for (const attempt of [1, 2]) {
    const worker = await spawnWorkerProcess(t, config, env)
    await eventually(async () => (await attempts()) === attempt, 90_000, `attempt ${attempt} to begin`)
    worker.child.kill('SIGKILL')
    t.same(await worker.exited, { code: null, signal: 'SIGKILL' }, `worker killed during attempt ${attempt}`)
  }
  await spawnWorkerProcess(t, config, env)
  const done = await settled(document.id)
  t.match(done, { status: 'failed', error: 'Text extraction was begun 2 times and never finished (the worker stopped while reading it).' })
  const text = await app.inject({ method: 'GET', url: `/v1/documents/${document.id}/text`, headers: owner.headers })
  t.equal(text.statusCode, 200, '/text no longer answers 409 "try again"')
})

t.test(
  'an email whose attachments are named with a NUL, a path with CRLF, and 5,000 characters: all end ready, names cleaned',
  async (t) => {
    const { ctx, app, owner, request, settled, uploadOne } = await setUp(t)
    await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
    const eml = await makeEml({
      from: 'records@spokanepolice.example',
      to: 'requester@example.org',
      // Encoded words that decode to a NUL: the file itself holds none, so it is taken as an email.
      subject: '=?UTF-8?Q?Records_=00_attached?=',
      text: 'Attached.',
      attachments: [
        { filename: '=?UTF-8?Q?=00?=', content: 'The first attachment.', contentType: 'text/plain' },
        {
          filename: '=?UTF-8?Q?..=2F..=2Fetc=2Fpasswd=0D=0AX-Injected=3A_yes.txt?=',
          content: 'The second attachment.',
          contentType: 'text/plain',
        },
        { filename: `${'a'.repeat(5_000)}.txt`, content: 'The third attachment.', contentType: 'text/plain' },
      ],
    })
    const email = await uploadOne(eml, 'response.eml')
    t.match(await settled(email.id), { status: 'ready' })
    const children = await eventually(
      async () => {
        const items = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}/documents`, headers: owner.headers })).json()
          .items as {
          id: string
          parentId: string | null
        }[]
        const found = items.filter((item) => item.parentId === email.id)
        return found.length === 3 ? found : null
      },
      60_000,
      'three attachments',
    )
    const names: string[] = []
    for (const child of children) {
      const done = await settled(child.id)
      t.equal(done.status, 'ready', `${JSON.stringify(done.filename.slice(0, 20))} is read`)
      names.push(done.filename, done.title)
    }
    for (const name of names) {
      t.notMatch(name, /[\u0000-\u001f\u007f/\\]/, 'no control characters or path separators')
      t.ok(name.length <= 255, 'at most 255 characters')
    }
    t.ok(
      names.some((name) => /^passwd ?X-Injected: yes\.txt$/.test(name)),
      `the path is dropped, the line break removed (${names.filter((name) => name.length < 100).join(' | ')})`,
    )
    const [page] = (await app.inject({ method: 'GET', url: `/v1/documents/${email.id}/text`, headers: owner.headers })).json().pages
    t.match(page.text, /Subject: Records/)
  },
)

t.test('a PDF longer than the page budget: the first pages are read, progress shows while it runs, the rest is named', async (t) => {
  const { ctx, documentOf, settled, uploadOne } = await setUp(t, { EXTRACTION_MAX_PAGES: '1200' })
  const pdf = await longPdf(1500)
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const document = await uploadOne(pdf, 'log.pdf')
  const seen = new Set<number>()
  await eventually(
    async () => {
      const current = await documentOf(document.id)
      if (current.status === 'processing' && current.pagesRead > 0) seen.add(current.pagesRead)
      return current.status !== 'processing'
    },
    120_000,
    'the PDF to be read',
  )
  t.ok(
    [...seen].some((read) => read > 0 && read < 1200),
    `progress showed while reading (pages read seen: ${[...seen].join(', ')})`,
  )
  t.match(await settled(document.id), {
    status: 'ready',
    pageCount: 1200,
    pagesRead: 1200,
    pagesTotal: 1500,
    error: 'Only the first 1200 of its 1500 pages were read (the limit per document).',
  })
})
