// The bystanders' story: a release full of residents' data is uploaded, its suggested redactions
// accepted and one added by hand, then published. The public file is read back with pdftotext and
// its pixels with tesseract: none of the redacted strings is anywhere. The original keeps them,
// for the requester and admins only, and every opening of it is logged.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildTestApp, fileRequest, signUp, type TestUser } from '../helpers/app.js'
import { file, makePdf, redactedCopyReady, scannedPage, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const run = promisify(execFile)

const EMAIL = 'jane.roe77@gmail.com'
const PHONE = '(509) 555-0142'
const ADDRESS = '4415 N Monroe St'
const NAME = 'Jane Roe'
const SCANNED_PHONE = '509-555-0199'

/** What pdftotext reads in a PDF's text layer, and what tesseract reads in its pixels. */
async function readBack(pdf: Buffer): Promise<{ text: string; ocr: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'rr-redaction-test-'))
  try {
    await writeFile(join(directory, 'file.pdf'), pdf)
    const { stdout: text } = await run('pdftotext', [join(directory, 'file.pdf'), '-'])
    await run('pdftoppm', ['-r', '200', '-png', join(directory, 'file.pdf'), join(directory, 'page')])
    let ocr = ''
    for (const image of (await readdir(directory)).filter((name) => name.endsWith('.png')).sort()) {
      ocr += (await run('tesseract', [join(directory, image), 'stdout', '-l', 'eng'])).stdout
    }
    return { text, ocr }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

/** Letters and digits only, lower case: OCR reads "(509) 555-0142" in more than one way. */
const squeeze = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

t.test('suggested redactions, burned in, published', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', SEARCH_CACHE_MIN_MS: '0' } })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const admin = await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const { id: requestId } = await fileRequest(app, owner)
  const get = (url: string, user?: TestUser) => app.inject({ method: 'GET', url, headers: user?.headers })

  const release = await makePdf([
    `Neighbors post. Posted by ${NAME} near ${ADDRESS}.\nCall me at ${PHONE} or write to ${EMAIL} about the quokkavan.\nOfficer Daniel Kim took the report.`,
    { scan: scannedPage(['Resident contact sheet', `Phone ${SCANNED_PHONE}`, 'Video shared']) },
  ])
  const [uploaded] = (await upload(app, requestId, owner.headers, [file(release, 'release.pdf')])).json().items
  const id = uploaded.id as string
  t.equal(uploaded.published, false)
  await eventually(async () => (await get(`/v1/documents/${id}`, owner)).json().status === 'ready', 90_000, 'extraction')
  t.equal((await get(`/v1/documents/${id}`)).statusCode, 404, 'not public before review')

  await t.test('suggestions: for the requester and admins, with page and context, never applied by themselves', async (t) => {
    t.equal((await get(`/v1/documents/${id}/pii`)).statusCode, 401)
    t.equal((await get(`/v1/documents/${id}/pii`, other)).statusCode, 404)
    t.equal((await get('/v1/documents/00000000-0000-4000-8000-000000000000/pii', owner)).statusCode, 404)
    t.equal((await get('/v1/documents/nope/pii', owner)).statusCode, 400)
    const response = await get(`/v1/documents/${id}/pii`, owner)
    t.equal(response.statusCode, 200)
    const items = response.json().items as { page: number; kind: string; text: string; start: number; end: number; context: string }[]
    for (const [kind, text] of [
      ['email', EMAIL],
      ['phone', PHONE],
      ['address', ADDRESS],
      ['person', NAME],
    ] as const) {
      // An address may take its abbreviation's full stop ("St.") with it.
      const found = items.find((item) => item.kind === kind && item.text.replace(/\.$/, '') === text)
      t.ok(found, `suggests the ${kind}`)
      t.equal(found?.page, 1)
      t.ok(found?.context.includes(text))
    }
    t.ok(
      items.some((item) => item.kind === 'phone' && item.page === 2 && squeeze(item.text) === squeeze(SCANNED_PHONE)),
      'the OCRed page too',
    )
    t.notOk(
      items.some((item) => item.text.includes('Daniel Kim')),
      'the officer is not a bystander',
    )
    t.equal((await get(`/v1/documents/${id}`, owner)).json().redactionCount, 0, 'nothing applied')
  })

  await t.test('redactions: bad input is refused, whole', async (t) => {
    const post = (payload: unknown, user: TestUser = owner) =>
      app.inject({ method: 'POST', url: `/v1/documents/${id}/redactions`, headers: user.headers, payload: payload as object })
    t.equal((await post({ items: [{ page: 1, text: EMAIL }] }, other)).statusCode, 404)
    t.equal((await post({ items: [] })).statusCode, 400)
    t.equal((await post({ items: [{ page: 'one', text: 5 }] })).statusCode, 400)
    t.equal((await post({ items: [{ page: 1, text: 'x'.repeat(501) }] })).statusCode, 400)
    t.equal((await post({ items: Array.from({ length: 501 }, () => ({ page: 1, text: 'Neighbors' })) })).statusCode, 400)
    const missing = await post({
      items: [
        { page: 1, text: EMAIL },
        { page: 1, text: 'not in this document' },
        { page: 9, text: EMAIL },
      ],
    })
    t.equal(missing.statusCode, 422)
    t.same(
      missing.json().errors.map((error: { path: string }) => error.path),
      ['body.items.1.text', 'body.items.2.page'],
    )
    t.same((await get(`/v1/documents/${id}/redactions`, owner)).json().items, [], 'nothing was kept')
  })

  await t.test('accepted suggestions and one added by hand are burned in; the public sees none of them', async (t) => {
    const suggestions = (await get(`/v1/documents/${id}/pii`, owner)).json().items as { page: number; text: string }[]
    const accepted = await app.inject({
      method: 'POST',
      url: `/v1/documents/${id}/redactions`,
      headers: owner.headers,
      payload: { items: [...suggestions.map(({ page, text }) => ({ page, text })), { page: 1, text: 'quokkavan' }] },
    })
    t.equal(accepted.statusCode, 201, accepted.body)
    t.ok(accepted.json().items.length >= 5)
    await redactedCopyReady(app, id, owner.headers)
    t.equal((await app.inject({ method: 'POST', url: `/v1/documents/${id}/publish`, headers: owner.headers })).statusCode, 200)

    const document = (await get(`/v1/documents/${id}`)).json()
    t.match(document, { published: true, redactionCount: accepted.json().items.length, redactedPages: [1, 2] })
    t.equal((await get(`/v1/documents/${id}/redactions`)).statusCode, 401, 'what was redacted is not public')

    const publicFile = await get(`/v1/documents/${id}/file`)
    t.equal(publicFile.statusCode, 200)
    t.equal(publicFile.headers['content-type'], 'application/pdf')
    t.match(publicFile.headers['content-disposition'], /release-redacted\.pdf/)
    const { text, ocr } = await readBack(publicFile.rawPayload)
    t.equal(text.trim(), '', 'no text layer at all')
    t.match(ocr, /Officer/, 'the page is there to read')
    for (const secret of [EMAIL, PHONE, ADDRESS, NAME, SCANNED_PHONE, 'quokkavan']) {
      t.notOk(squeeze(ocr).includes(squeeze(secret)), `pixels: no ${secret}`)
    }
    t.notOk(/Monroe|gmail|Roe\b|0142|0199|quokka/i.test(ocr), 'not even a part of one')

    const pages = (await get(`/v1/documents/${id}/text`)).json().pages as { text: string }[]
    const publicText = pages.map((page) => page.text).join('\n')
    t.match(publicText, /\[redacted\]/)
    for (const secret of [EMAIL, PHONE, ADDRESS, NAME, 'quokkavan']) t.notOk(publicText.includes(secret), `public text: no ${secret}`)
    t.equal((await get('/v1/search?q=quokkavan')).json().total, 0, 'search does not find a redacted word')
    t.equal((await get('/v1/search?q=quokkavan', owner)).json().total, 0, 'not even for the owner: search holds the public text')
    t.equal((await get('/v1/search?q=officer%20kim')).json().total, 1, 'the rest of the page is found')
  })

  await t.test('the original: requester and admins only, every access logged', async (t) => {
    t.equal((await get(`/v1/documents/${id}/original`)).statusCode, 401)
    t.equal((await get(`/v1/documents/${id}/original`, other)).statusCode, 404, 'another member: as if there were none')
    const original = await get(`/v1/documents/${id}/original`, owner)
    t.equal(original.statusCode, 200)
    t.equal(original.headers['cache-control'], 'private, no-store')
    t.ok(original.rawPayload.equals(release), 'byte for byte')
    const { text } = await readBack(original.rawPayload)
    for (const secret of [EMAIL, PHONE, ADDRESS, NAME]) t.ok(text.includes(secret), `the original still has ${secret}`)
    t.equal((await get(`/v1/documents/${id}/original`, admin)).statusCode, 200)

    t.equal((await get(`/v1/documents/${id}/original/accesses`, owner)).statusCode, 403, 'the log is for admins')
    const log = (await get(`/v1/documents/${id}/original/accesses`, admin)).json()
    t.same(
      log.items.map((entry: { user: { id: string } }) => entry.user.id),
      [admin.id, owner.id],
      'newest first',
    )
  })

  await t.test('undoing a redaction puts its text back; unpublishing hides the document again', async (t) => {
    const redactions = (await get(`/v1/documents/${id}/redactions`, owner)).json().items as { id: string; text: string }[]
    const manual = redactions.find((redaction) => redaction.text === 'quokkavan')!
    t.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/documents/${id}/redactions/${manual.id}`, headers: other.headers })).statusCode,
      403,
      'seeing a published document is not changing it',
    )
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/documents/${id}/redactions/${manual.id}`, headers: owner.headers })
    t.equal(deleted.statusCode, 204)
    t.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/documents/${id}/redactions/${manual.id}`, headers: owner.headers })).statusCode,
      404,
    )
    t.equal((await get('/v1/search?q=quokkavan')).json().total, 1, 'the public text changes at once')
    t.equal((await get(`/v1/documents/${id}`)).json().redactionCount, redactions.length - 1)
    await redactedCopyReady(app, id)
    t.equal((await get(`/v1/documents/${id}/file`)).statusCode, 200)

    t.equal((await app.inject({ method: 'POST', url: `/v1/documents/${id}/unpublish`, headers: owner.headers })).statusCode, 200)
    t.equal((await get(`/v1/documents/${id}/file`)).statusCode, 404)
    t.equal((await get('/v1/search?q=quokkavan')).json().total, 0)
  })
})
