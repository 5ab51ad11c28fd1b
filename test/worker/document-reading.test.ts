import t from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, makePdf, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

t.test('one page of a document’s text, and the file shown inline in the browser', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here' } })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const owner = await signUp(app)
  const request = await fileRequest(app, owner)
  const pdf = await makePdf(['First page of the agreement.', 'Second page: the Neighbors Portal.', 'Third page: signatures.'])
  const [pdfDocument, textDocument] = (
    await upload(app, request.id, owner.headers, [file(pdf, 'mou.pdf'), file('Plain notes from the clerk.', 'notes.txt')])
  ).json().items
  for (const document of [pdfDocument, textDocument]) {
    await eventually(
      async () =>
        (await app.inject({ method: 'GET', url: `/v1/documents/${document.id}`, headers: owner.headers })).json().status === 'ready',
      90_000,
      `${document.filename} to be read`,
    )
    // Reviewed and published by its requester: from here on anyone reads it.
    const published = await app.inject({ method: 'POST', url: `/v1/documents/${document.id}/publish`, headers: owner.headers })
    t.equal(published.statusCode, 200)
  }

  const text = (query: string) => app.inject({ method: 'GET', url: `/v1/documents/${pdfDocument.id}/text${query}` })
  t.same((await text('?page=2')).json(), { pages: [{ page: 2, text: 'Second page: the Neighbors Portal.', needsOcr: false }] })
  t.equal((await text('')).json().pages.length, 3, 'without ?page, every page')
  const missing = await text('?page=4')
  t.equal(missing.statusCode, 404)
  t.match(missing.json().detail, /has no page 4; it has 3/)
  for (const bad of ['?page=0', '?page=-1', '?page=two', '?page=1.5', '?page=99999999999']) {
    t.equal((await text(bad)).statusCode, 400, `page${bad.slice(5)} is refused`)
  }

  const shown = await app.inject({ method: 'GET', url: `/v1/documents/${pdfDocument.id}/file` })
  t.equal(shown.statusCode, 200)
  t.equal(shown.headers['content-type'], 'application/pdf')
  t.match(shown.headers['content-disposition'], /^inline; filename="mou.pdf"/, 'a PDF opens in the browser, so #page=3 works')
  t.equal(shown.headers['x-content-type-options'], 'nosniff')
  t.match(shown.headers['content-security-policy'], /default-src 'none'; sandbox/, 'nothing inside it can run as this site')
  const notes = await app.inject({ method: 'GET', url: `/v1/documents/${textDocument.id}/file` })
  t.match(notes.headers['content-disposition'], /^attachment;/, 'other types are downloaded')
})
