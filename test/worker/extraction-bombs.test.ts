// Image bombs against the worker as `npm run worker` runs it: its own process, whose peak memory is
// read from the outside (/proc/<pid>/status VmHWM). The bombs must end a child, not the worker.
import { readFile } from 'node:fs/promises'
import t, { type Test } from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { pdfImageBomb, pngBomb } from '../helpers/bombs.js'
import { file, upload } from '../helpers/documents.js'
import { eventually } from '../helpers/worker.js'
import { spawnWorkerProcess } from '../helpers/worker-process.js'

// Well above the worker's own footprint (about 200 MB under tsx), far below what a bomb decodes to.
const WORKER_PEAK_LIMIT_MB = 700
// Two worker processes started under tsx and two bombs made on a shared, busy machine.
t.setTimeout(300_000)

async function setUp(t: Test) {
  const built = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1' } })
  const owner = await signUp(built.app)
  const request = await fileRequest(built.app, owner)
  const worker = await spawnWorkerProcess(t, built.config, { SWEEP_INTERVAL_SECONDS: '1', SMTP_URL: 'smtp://127.0.0.1:1' })
  const peakMb = async () => Number(/^VmHWM:\s+(\d+)/m.exec(await readFile(`/proc/${worker.child.pid}/status`, 'utf8'))![1]) / 1024
  const settled = (id: string) =>
    eventually(
      async () => {
        const document = (await built.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers })).json()
        return document.status === 'processing' ? null : document
      },
      90_000,
      `document ${id} to be read`,
    )
  const uploadOne = async (bytes: Buffer, name: string) => {
    const response = await upload(built.app, request.id, owner.headers, [file(bytes, name)])
    t.equal(response.statusCode, 201, 'uploaded')
    return response.json().items[0] as { id: string }
  }
  return { ...built, worker, peakMb, settled, uploadOne }
}

t.test('a one-page PDF drawing a 15000×15000 image fails with a reason; the worker stays small', async (t) => {
  const { worker, peakMb, settled, uploadOne } = await setUp(t)
  const bomb = await pdfImageBomb(15_000, 15_000)
  t.ok(bomb.length < 1024 * 1024, `the bomb is small on disk (${Math.round(bomb.length / 1024)} KB)`)
  const document = await uploadOne(bomb, 'bomb.pdf')
  const done = await settled(document.id)
  t.match(done, { status: 'failed', error: /Page 1 of the PDF draws an image of more than 50 megapixels/ })
  const peak = await peakMb()
  t.comment(`worker peak RSS with the PDF bomb: ${peak.toFixed(0)} MB`)
  t.ok(peak < WORKER_PEAK_LIMIT_MB, `worker peak ${peak.toFixed(0)} MB < ${WORKER_PEAK_LIMIT_MB} MB`)
  t.equal(worker.child.exitCode, null, 'the worker is still running')
})

t.test('a 30000×30000 PNG is refused from its header before tesseract decodes it', async (t) => {
  const { worker, peakMb, settled, uploadOne } = await setUp(t)
  const bomb = await pngBomb(30_000, 30_000)
  t.ok(bomb.length < 2 * 1024 * 1024, `the bomb is small on disk (${Math.round(bomb.length / 1024)} KB)`)
  const started = Date.now()
  const document = await uploadOne(bomb, 'bomb.png')
  const done = await settled(document.id)
  // Without OCR installed the image waits for it, unread; with it, the pixel cap must refuse it.
  if (done.status === 'ready') t.match(done, { pageCount: 1 }, 'no OCR here: kept, waiting for OCR')
  else
    t.match(done, {
      status: 'failed',
      error: 'The image is 30000×30000 pixels (900 megapixels); images of at most 50 megapixels are read.',
    })
  t.ok(Date.now() - started < 30_000, 'settled in seconds, not the minutes tesseract would take')
  const peak = await peakMb()
  t.comment(`worker peak RSS with the PNG bomb: ${peak.toFixed(0)} MB`)
  t.ok(peak < WORKER_PEAK_LIMIT_MB, `worker peak ${peak.toFixed(0)} MB < ${WORKER_PEAK_LIMIT_MB} MB`)
  t.equal(worker.child.exitCode, null, 'the worker is still running')
})
