// The redacted copy is made by the worker, not in the request: the API answers at once with the
// rendition pending, withholds the public file and refuses publishing until it is ready, and a
// worker that finds a pending rendition with no job (lost in a crash) builds it at start.
import t from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, makePdf, redactedCopyReady, upload } from '../helpers/documents.js'
import { extractPdfText } from '../helpers/pdf-text.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

t.test('redactions are burned in by a job; publishing waits for it; a lost job is rebuilt at start', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1' } })
  const owner = await signUp(app)
  const { id: requestId } = await fileRequest(app, owner)
  const get = (url: string, headers?: Record<string, string>) => app.inject({ method: 'GET', url, headers })
  const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, headers: owner.headers, payload })

  const pdf = await makePdf(['Footage request log.\nResident contact: Quentin Okafor, 12 Elm St.', 'Page two is plain.'])
  const [uploaded] = (await upload(app, requestId, owner.headers, [file(pdf, 'log.pdf')])).json().items
  const id = uploaded.id as string
  const first = await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  await eventually(async () => (await get(`/v1/documents/${id}`, owner.headers)).json().status === 'ready', 60_000, 'extraction')
  t.equal(
    (await get(`/v1/documents/${id}`, owner.headers)).json().renditionStatus,
    'none',
    'no redactions: the original is the public file',
  )
  await first.close()

  const added = await post(`/v1/documents/${id}/redactions`, { items: [{ page: 1, text: 'Quentin Okafor' }] })
  t.equal(added.statusCode, 201, added.body)
  const pending = (await get(`/v1/documents/${id}`, owner.headers)).json()
  t.match(pending, { renditionStatus: 'pending', renditionError: null, redactionCount: 1, redactedPages: [1] })
  t.notMatch((await get(`/v1/documents/${id}/text?page=1`, owner.headers)).json().pages[0].text, /Okafor/, 'the public text at once')

  const refused = await post(`/v1/documents/${id}/publish`)
  t.equal(refused.statusCode, 409)
  t.match(refused.json(), { type: /rendition-pending$/, detail: /being prepared/ })
  t.equal((await get(`/v1/documents/${id}/file`, owner.headers)).statusCode, 409, 'no file older than the redactions')

  // As if the worker had died with the job and Redis had lost it: only the database knows it is owed.
  await ctx.renditions.queue.drain(true)
  t.equal(await ctx.renditions.queue.count(), 0, 'no job left')
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  await redactedCopyReady(app, id, owner.headers)
  t.equal((await post(`/v1/documents/${id}/publish`)).statusCode, 200)
  const publicFile = await get(`/v1/documents/${id}/file`)
  t.equal(publicFile.statusCode, 200)
  const pages = await extractPdfText(publicFile.rawPayload)
  t.equal(pages.length, 2)
  t.notMatch(pages.join('\n'), /Okafor/, 'the redacted page has no text layer left')
  t.match(pages[1], /Page two is plain/, 'an unredacted page stays as it was, text and all')

  const [redaction] = (await get(`/v1/documents/${id}/redactions`, owner.headers)).json().items
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/documents/${id}/redactions/${redaction.id}`, headers: owner.headers })).statusCode,
    204,
  )
  t.match(
    (await get(`/v1/documents/${id}`)).json(),
    { renditionStatus: 'none', redactionCount: 0 },
    'no redaction left: the original, at once',
  )
  t.ok((await get(`/v1/documents/${id}/file`)).rawPayload.equals(pdf))
})
