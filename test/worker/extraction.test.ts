// Uploads over HTTP, text extraction by the worker's jobs (real Redis, real tesseract where installed).
import { execFileSync } from 'node:child_process'
import t, { type Test } from 'tap'
import { createTesseractOcr } from '../../src/adapters/ocr/tesseract.js'
import { buildTestApp, fileRequest, signUp, type TestUser } from '../helpers/app.js'
import { file, makeEml, makePdf, scannedPage, upload } from '../helpers/documents.js'
import { encodePng, encodeTiff, renderText } from '../helpers/images.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const hasTesseract = (() => {
  try {
    return /\beng\b/.test(execFileSync('tesseract', ['--list-langs'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString())
  } catch {
    return false
  }
})()
t.setTimeout(300_000)

const ocrSkip = hasTesseract
  ? false
  : 'tesseract with English data is not installed here (Debian: apt-get install tesseract-ocr); .ci/run installs it'
// No OCR would ever find a command by this name.
const NO_OCR = { OCR_COMMAND: 'tesseract-not-installed-here' }

async function setUp(t: Test, env: Record<string, string> = {}) {
  const built = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', ...env } })
  const worker = await startTestWorker(t, built.ctx, 'smtp://127.0.0.1:1')
  const owner = await signUp(built.app)
  const request = await fileRequest(built.app, owner)
  const documentOf = (id: string) =>
    built.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers }).then((response) => response.json())
  const settled = (id: string) =>
    eventually(
      async () => {
        const document = await documentOf(id)
        return document.status === 'processing' ? null : document
      },
      60_000,
      `document ${id} to be read`,
    )
  const textOf = async (id: string) =>
    (await built.app.inject({ method: 'GET', url: `/v1/documents/${id}/text`, headers: owner.headers })).json().pages as {
      page: number
      text: string
      needsOcr: boolean
    }[]
  const uploadAs = (user: TestUser, parts: Parameters<typeof upload>[3]) => upload(built.app, request.id, user.headers, parts)
  return { ...built, worker, owner, request, settled, textOf, uploadAs, documentOf }
}

t.test('a multi-page PDF with a scanned page: text per page, the scan OCRed', { skip: ocrSkip }, async (t) => {
  const { owner, uploadAs, settled, textOf } = await setUp(t)
  const pdf = await makePdf([
    'Memorandum of Understanding between Ring LLC and the Spokane Police Department.',
    'The Department agrees to use the Neighbors Portal for video requests.',
    { scan: scannedPage(['SIGNATURE PAGE', 'Approved by the City Council of Spokane']) },
  ])
  const uploaded = await uploadAs(owner, [file(pdf, 'ring-mou.pdf', 'application/octet-stream')])
  t.equal(uploaded.statusCode, 201)
  const [document] = uploaded.json().items
  t.match(document, { status: 'processing', mimeType: 'application/pdf', filename: 'ring-mou.pdf', kind: 'other', size: pdf.length })
  const ready = await settled(document.id)
  t.match(ready, { status: 'ready', pageCount: 3, error: null })
  const pages = await textOf(document.id)
  t.same(
    pages.map((page) => page.page),
    [1, 2, 3],
  )
  t.match(pages[0]!.text, /Memorandum of Understanding between Ring LLC/)
  t.match(pages[1]!.text, /Neighbors Portal/)
  t.match(pages[2]!.text, /SIGNATURE PAGE/i, 'the image-only page was OCRed')
  t.match(pages[2]!.text, /City Council/i)
  t.notOk(pages.some((page) => page.needsOcr))
})

t.test('without OCR, a scanned page is kept and marked as needing OCR, and /health says so', async (t) => {
  const { app, owner, uploadAs, settled, textOf } = await setUp(t, NO_OCR)
  const pdf = await makePdf(['A page with text about the Neighbors Portal.', { scan: scannedPage(['SCANNED']) }])
  const png = encodePng(renderText(['A photographed page']))
  const uploaded = await uploadAs(owner, [file(pdf, 'mixed.pdf'), file(png, 'photo.png')])
  const [pdfDocument, pngDocument] = uploaded.json().items
  t.match(await settled(pdfDocument.id), { status: 'ready', pageCount: 2 })
  t.match(await textOf(pdfDocument.id), [
    { page: 1, needsOcr: false, text: /Neighbors Portal/ },
    { page: 2, needsOcr: true, text: '' },
  ])
  t.match(await settled(pngDocument.id), { status: 'ready', pageCount: 1, mimeType: 'image/png' })
  t.match(await textOf(pngDocument.id), [{ page: 1, needsOcr: true, text: '' }])
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200, 'the service is up without OCR')
  t.equal(health.json().checks.ocr, 'unavailable')
})

t.test('pages that waited for OCR are read when a worker with OCR starts', { skip: ocrSkip }, async (t) => {
  const { ctx, worker, owner, uploadAs, settled, textOf } = await setUp(t, NO_OCR)
  const pdf = await makePdf(['Text layer: the Neighbors Portal agreement.', { scan: scannedPage(['COUNCIL RESOLUTION 2019-42']) }])
  const [waiting, plain] = (await uploadAs(owner, [file(pdf, 'resolution.pdf'), file('Nothing to OCR here.', 'notes.txt')])).json().items
  await settled(waiting.id)
  await settled(plain.id)
  t.match(await textOf(waiting.id), [{ needsOcr: false }, { needsOcr: true, text: '' }])
  await worker.close()
  const lastChange = async () =>
    ((await ctx.database.sql`select updated_at::text as at from documents where id = ${plain.id}`) as unknown as [{ at: string }])[0].at
  const plainChanged = await lastChange()

  await startTestWorker(
    t,
    { ...ctx, ocr: createTesseractOcr({ command: 'tesseract', language: 'eng', memoryMb: 1024 }) },
    'smtp://127.0.0.1:1',
  )
  const reread = await eventually(
    async () => {
      const pages = await textOf(waiting.id)
      return pages && !pages.some((page) => page.needsOcr) ? pages : null
    },
    60_000,
    'the scanned page to be OCRed',
  )
  t.match(reread, [
    { page: 1, text: /Neighbors Portal agreement/ },
    { page: 2, needsOcr: false, text: /COUNCIL RESOLUTION/i },
  ])
  t.match(await settled(waiting.id), { status: 'ready', pageCount: 2, error: null })
  t.equal(await lastChange(), plainChanged, 'documents with nothing waiting for OCR are not read again')
})

t.test('images are OCRed, a multi-page TIFF page by page', { skip: ocrSkip }, async (t) => {
  const { app, owner, uploadAs, settled, textOf } = await setUp(t)
  t.equal((await app.inject({ method: 'GET', url: '/health' })).json().checks.ocr, 'ok')
  const png = encodePng(renderText(['Ring camera giveaway invoice', 'Total due 4800 dollars']))
  const tiff = encodeTiff(renderText(['Neighbors Portal training roster']), renderText(['Second page: camera donation list']))
  const [pngDocument, tiffDocument] = (await uploadAs(owner, [file(png, 'invoice.png'), file(tiff, 'roster.tiff')])).json().items
  t.match(await settled(pngDocument.id), { status: 'ready', mimeType: 'image/png' })
  t.match((await textOf(pngDocument.id))[0]!.text, /camera giveaway invoice/i)
  t.match(await settled(tiffDocument.id), { status: 'ready', mimeType: 'image/tiff', pageCount: 2 })
  t.match(await textOf(tiffDocument.id), [
    { page: 1, text: /training roster/i },
    { page: 2, text: /camera donation list/i },
  ])
})

t.test('an exported email: headers and body become its text, its two attachments documents of their own', async (t) => {
  const { app, owner, uploadAs, settled, textOf, request } = await setUp(t, NO_OCR)
  const attachment = await makePdf(['Neighbors Portal usage report for the third quarter.'])
  const eml = await makeEml({
    from: 'Pat Records <records@spokanepolice.example>',
    to: 'requester@example.org',
    subject: 'Your public records request P012345',
    text: 'Please find attached the responsive records regarding Ring.\n\nRegards,\nRecords Unit',
    attachments: [
      { filename: 'usage-report.pdf', content: attachment, contentType: 'application/pdf' },
      { filename: 'cover-letter.txt', content: 'Cover letter: the department withheld nothing.', contentType: 'text/plain' },
      { filename: 'archive.zip', content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), contentType: 'application/zip' },
    ],
  })
  const [email] = (await uploadAs(owner, [file(eml, 'response.eml', 'message/rfc822')])).json().items
  t.match(email, { mimeType: 'message/rfc822', kind: 'correspondence' })
  t.match(await settled(email.id), { status: 'ready' })
  const [page] = await textOf(email.id)
  t.match(page!.text, /^From: "?Pat Records"? <records@spokanepolice\.example>/)
  t.match(page!.text, /Subject: Your public records request P012345/)
  t.match(page!.text, /responsive records regarding Ring/)
  t.match(page!.text, /usage-report\.pdf \(application\/pdf/)
  t.match(page!.text, /archive\.zip \(application\/zip; not kept/)

  const listed = await eventually(async () => {
    const items = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}/documents`, headers: owner.headers })).json()
      .items as {
      id: string
      parentId: string | null
    }[]
    return items.length === 3 ? items : null
  })
  const children = listed.filter((item) => item.parentId === email.id)
  t.equal(children.length, 2, 'two attachments, linked to the email; the zip is not kept')
  const byName = Object.fromEntries(await Promise.all(children.map(async (child) => [(await settled(child.id)).filename, child.id])))
  t.match((await textOf(byName['usage-report.pdf']))[0]!.text, /usage report for the third quarter/)
  t.match((await textOf(byName['cover-letter.txt']))[0]!.text, /withheld nothing/)
})

t.test('a damaged or encrypted file ends failed with a reason; the others are read', async (t) => {
  const { owner, uploadAs, settled, textOf } = await setUp(t, NO_OCR)
  const whole = await makePdf(['Page one of a long agreement.', 'Page two.', 'Page three.'])
  const truncated = whole.subarray(0, Math.floor(whole.length / 3))
  const encrypted = await makePdf(['Secret'], { userPassword: 'ring' })
  const text = 'Plain text: the Neighbors Portal agreement was renewed.\fSecond page of the text file.'
  const items = (await uploadAs(owner, [file(truncated, 'cut.pdf'), file(encrypted, 'locked.pdf'), file(text, 'notes.txt')])).json().items
  t.equal(items.length, 3)
  const [cut, locked, notes] = await Promise.all(items.map((item: { id: string }) => settled(item.id)))
  t.match(cut, { status: 'failed', error: /^(The PDF|Page \d+ of the PDF) cannot be read .*damaged or cut short/ })
  t.match(locked, { status: 'failed', error: /encrypted with a password/ })
  t.match(notes, { status: 'ready', pageCount: 2, mimeType: 'text/plain' })
  t.match(await textOf(notes.id), [
    { page: 1, text: /renewed/ },
    { page: 2, text: /Second page/ },
  ])
})
