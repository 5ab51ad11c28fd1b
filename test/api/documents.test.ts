import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { file, makeEml, makePdf, multipartBody, upload } from '../helpers/documents.js'
import { encodePng, encodeTiff, renderText } from '../helpers/images.js'
import { eventually } from '../helpers/worker.js'

const MAX_UPLOAD_BYTES = 64 * 1024
// The smallest valid JPEG (1×1 px), as files from cameras and phones start.
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

t.test('documents API', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } })
  const admin = await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const newRequest = async (user: TestUser, options: { visibility?: string; submit?: boolean } = {}) => {
    const request = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership', visibility: options.visibility ?? 'public' },
      })
    ).json()
    if (options.submit ?? true)
      await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: user.headers, payload: { via: 'portal' } })
    return request.id as string
  }
  const publicRequest = await newRequest(owner)
  const privateRequest = await newRequest(owner, { visibility: 'private' })
  const draftRequest = await newRequest(owner, { submit: false })
  const stored = () => filesUnder(join(ctx.config.storageDir, 'objects'))
  const staging = () => filesUnder(join(ctx.config.storageDir, 'staging'))
  // No worker reads text in this file, and only read documents can be published through the API:
  // these tests are about reading, not review (test/api/review.test.ts), so they publish directly.
  const publish = async (id: string) => {
    await ctx.database.sql`update documents set published_at = now() where id = ${id}`
  }
  const documentRows = async () => ((await ctx.database.sql`select count(*)::int as n from documents`) as unknown as [{ n: number }])[0].n

  const pdf = await makePdf(['Ring partnership agreement, page one.'])
  const png = encodePng(renderText(['A scan']))
  const tiff = encodeTiff(renderText(['A fax']))

  t.test('files are typed by their bytes, not by their name or Content-Type', async (t) => {
    const eml = await makeEml({ from: 'a@b.example', to: 'c@d.example', subject: 'Records', text: 'Attached.' })
    const response = await upload(app, publicRequest, owner.headers, [
      file(pdf, 'agreement.png', 'image/png'),
      file(png, 'scan.pdf', 'application/pdf'),
      file(JPEG, 'photo.bin'),
      file(tiff, 'fax'),
      file(eml, 'mail.txt', 'text/plain'),
      file('Notes from the records officer.\n', 'notes', 'application/pdf'),
      { name: 'title', value: 'Records release, October' },
      { name: 'kind', value: 'record' },
      { name: 'receivedAt', value: '2026-10-05' },
    ])
    t.equal(response.statusCode, 201)
    const items = response.json().items
    t.same(
      items.map((item: { mimeType: string }) => item.mimeType),
      ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'message/rfc822', 'text/plain'],
    )
    t.match(items[0], {
      requestId: publicRequest,
      parentId: null,
      title: 'Records release, October (agreement.png)',
      kind: 'record',
      filename: 'agreement.png',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      receivedAt: '2026-10-05T12:00:00.000Z',
      status: 'processing',
      pageCount: null,
      error: null,
    })
    t.equal((await stored()).length, 6, 'each stored once, under its hash')
    t.same(await staging(), [], 'nothing left in staging')
  })

  t.test('the same bytes twice are one document; in another request, another document sharing the bytes', async (t) => {
    const bytes = await makePdf(['Invoice 1234 for Ring doorbells.'])
    const first = (await upload(app, publicRequest, owner.headers, [file(bytes, 'invoice.pdf')])).json().items[0]
    const again = await upload(app, publicRequest, owner.headers, [file(bytes, 'invoice-copy.pdf'), { name: 'title', value: 'Again' }])
    t.equal(again.statusCode, 201)
    t.equal(again.json().items[0].id, first.id)
    t.equal(again.json().items[0].filename, 'invoice.pdf', 'the document as first stored')
    const elsewhere = (await upload(app, privateRequest, owner.headers, [file(bytes, 'invoice.pdf')])).json().items[0]
    t.not(elsewhere.id, first.id)
    t.equal(elsewhere.sha256, first.sha256)
    t.equal((await stored()).filter((path) => path.endsWith(first.sha256)).length, 1, 'the bytes are stored once')
  })

  t.test('refused uploads keep nothing: unsupported types, empty and oversized files', async (t) => {
    const before = { rows: await documentRows(), files: (await stored()).length }
    const cases: [string, Parameters<typeof upload>[3], number, string?][] = [
      ['a zip archive', [file(Buffer.from('PK\u0003\u0004 zip'), 'records.zip')], 415, 'body.file.0'],
      ['a GIF', [file(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'), 'a.gif')], 415, 'body.file.0'],
      ['random bytes', [file(Buffer.from([0, 159, 146, 150, 0, 1, 2, 3]), 'blob.pdf', 'application/pdf')], 415, 'body.file.0'],
      ['UTF-16 text', [file(Buffer.from('\ufeffhello', 'utf16le'), 'u16.txt')], 415, 'body.file.0'],
      ['an empty file', [file(Buffer.alloc(0), 'empty.pdf')], 400, 'body.file.0'],
      [
        'a good file, then an oversized one',
        [file(pdf, 'ok.pdf'), file(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX_UPLOAD_BYTES)]), 'big.pdf')],
        413,
      ],
      ['a good file, then a bad one', [file(png, 'ok.png'), file(Buffer.from('\u0000\u0001binary'), 'x.bin')], 415, 'body.file.1'],
    ]
    for (const [what, parts, status, path] of cases) {
      const response = await upload(app, publicRequest, owner.headers, parts)
      t.equal(response.statusCode, status, what)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', what)
      if (path) t.equal(response.json().errors?.[0]?.path, path, what)
    }
    t.equal(await documentRows(), before.rows)
    t.equal((await stored()).length, before.files)
    t.same(await staging(), [])
  })

  t.test('a database failure after the bytes were put in place leaves no document and no stray file', async (t) => {
    await ctx.database.sql.unsafe(`
      create function refuse_document() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end $$;
      create trigger refuse_document before insert on documents for each row when (new.filename = 'refused.pdf') execute function refuse_document();`)
    t.teardown(() => ctx.database.sql.unsafe('drop trigger refuse_document on documents; drop function refuse_document()'))
    const kept = await makePdf(['Already stored: the signed agreement.'])
    await upload(app, publicRequest, owner.headers, [file(kept, 'kept.pdf')])
    const before = { rows: await documentRows(), files: await stored() }
    const fresh = await makePdf(['New bytes, never stored before.'])
    const response = await upload(app, publicRequest, owner.headers, [
      file(fresh, 'fresh.pdf'),
      file(kept, 'kept-again.pdf'),
      file(await makePdf(['x']), 'refused.pdf'),
    ])
    t.equal(response.statusCode, 500)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.notMatch(response.body, /disk full/, 'the database error stays in the log')
    t.equal(await documentRows(), before.rows)
    t.same((await stored()).sort(), before.files.sort(), 'the new bytes are gone, the ones a document holds are kept')
    t.same(await staging(), [])
  })

  t.test('bad fields and bad requests are 4xx problems, every bad field named', async (t) => {
    const fields = await upload(app, publicRequest, owner.headers, [
      file(pdf, 'a.pdf'),
      { name: 'kind', value: 'memo' },
      { name: 'receivedAt', value: 'last tuesday' },
      { name: 'title', value: ' ' },
    ])
    t.equal(fields.statusCode, 400)
    t.same(
      fields
        .json()
        .errors.map((error: { path: string }) => error.path)
        .sort(),
      ['body.kind.0', 'body.receivedAt', 'body.title'],
    )
    const cases: [string, Parameters<typeof upload>[3], number, string][] = [
      ['an unknown field', [file(pdf, 'a.pdf'), { name: 'owner', value: 'me' }], 400, 'body.owner'],
      ['a file under another name', [{ ...file(pdf, 'a.pdf'), name: 'attachment' }], 400, 'body.attachment'],
      ['a field twice', [file(pdf, 'a.pdf'), { name: 'kind', value: 'record' }, { name: 'kind', value: 'invoice' }], 400, 'body.kind'],
      ['no file', [{ name: 'title', value: 'Nothing' }], 400, 'body.file'],
      ['a NUL in a field', [file(pdf, 'a.pdf'), { name: 'title', value: 'a\u0000b' }], 400, 'body.title'],
      ['a title too long', [file(pdf, 'a.pdf'), { name: 'title', value: 'x'.repeat(5_000) }], 400, 'body.title'],
      ['a date in the future', [file(pdf, 'a.pdf'), { name: 'receivedAt', value: '2099-01-01T00:00:00Z' }], 422, 'body.receivedAt'],
    ]
    for (const [what, parts, status, path] of cases) {
      const response = await upload(app, publicRequest, owner.headers, parts)
      t.equal(response.statusCode, status, what)
      t.equal(response.json().errors?.[0]?.path, path, what)
    }
    const tooMany = await upload(
      app,
      publicRequest,
      owner.headers,
      Array.from({ length: 21 }, (_, index) => file(`note ${index}`, `n${index}.txt`)),
    )
    t.equal(tooMany.statusCode, 413)
    const json = await app.inject({
      method: 'POST',
      url: `/v1/requests/${publicRequest}/documents`,
      headers: owner.headers,
      payload: { file: 'x' },
    })
    t.equal(json.statusCode, 415)
    const octets = await app.inject({
      method: 'POST',
      url: `/v1/requests/${publicRequest}/documents`,
      headers: { ...owner.headers, 'content-type': 'application/pdf' },
      payload: pdf,
    })
    t.equal(octets.statusCode, 415)
    const { body, contentType } = await multipartBody([file(pdf, 'a.pdf')])
    const cut = await app.inject({
      method: 'POST',
      url: `/v1/requests/${publicRequest}/documents`,
      headers: { ...owner.headers, 'content-type': contentType },
      payload: body.subarray(0, body.length - 60),
    })
    t.equal(cut.statusCode, 400, 'a body that ends mid-part')
  })

  t.test('who may upload: the requester and admins, to requests they can see', async (t) => {
    const parts = [file(pdf, 'a.pdf')]
    t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${publicRequest}/documents` })).statusCode, 401)
    t.equal((await upload(app, publicRequest, other.headers, parts)).statusCode, 403, 'a public request of someone else')
    t.equal((await upload(app, privateRequest, other.headers, parts)).statusCode, 404, 'a private one does not exist for them')
    t.equal((await upload(app, '9b2e1a4c-8f3d-4a6b-9c1e-2d3f4a5b6c7d', owner.headers, parts)).statusCode, 404)
    t.equal((await upload(app, 'not-a-uuid', owner.headers, parts)).statusCode, 400)
    t.equal((await upload(app, privateRequest, admin.headers, parts)).statusCode, 201)
  })

  t.test('reading documents: public requests’ documents for anyone, private ones for their owner and admins', async (t) => {
    const text = 'Letter from the records officer about the <b>Ring</b> agreement.'
    const [shown] = (await upload(app, publicRequest, owner.headers, [file(text, '../../etc/pass\u0007wd.txt')])).json().items
    t.equal(shown.filename, 'passwd.txt', 'no path, no control characters')
    const [hidden] = (await upload(app, privateRequest, owner.headers, [file('private notes', 'private.txt')])).json().items
    const [drafted] = (await upload(app, draftRequest, owner.headers, [file('draft notes', 'draft.txt')])).json().items
    for (const { id } of [shown, hidden, drafted]) await publish(id)
    await ctx.database.sql`update documents set published_at = now() where request_id = ${publicRequest}`

    const anonymous = await app.inject({ method: 'GET', url: `/v1/documents/${shown.id}` })
    t.equal(anonymous.statusCode, 200)
    t.match(anonymous.json(), { ...shown, published: true, publishedAt: String })
    const bytes = await app.inject({ method: 'GET', url: `/v1/documents/${shown.id}/file` })
    t.equal(bytes.statusCode, 200)
    t.equal(bytes.body, text)
    t.equal(bytes.headers['content-type'], 'text/plain; charset=utf-8')
    t.equal(bytes.headers['content-disposition'], `attachment; filename="passwd.txt"; filename*=UTF-8''passwd.txt`)
    t.equal(bytes.headers['x-content-type-options'], 'nosniff')
    t.match(bytes.headers['content-security-policy'], /sandbox/)
    t.equal(bytes.headers.etag, `"${shown.sha256}"`)
    const listed = (await app.inject({ method: 'GET', url: `/v1/requests/${publicRequest}/documents?limit=2` })).json()
    t.equal(listed.items.length, 2)
    t.type(listed.nextCursor, 'string')
    const next = (
      await app.inject({ method: 'GET', url: `/v1/requests/${publicRequest}/documents?limit=100&cursor=${listed.nextCursor}` })
    ).json()
    t.notOk(
      next.items.some((item: { id: string }) => listed.items.some((first: { id: string }) => first.id === item.id)),
      'pages do not overlap',
    )

    for (const id of [hidden.id, drafted.id]) {
      for (const suffix of ['', '/file', '/text']) {
        t.equal(
          (await app.inject({ method: 'GET', url: `/v1/documents/${id}${suffix}` })).statusCode,
          404,
          `anonymous ${suffix || 'document'}`,
        )
        t.equal(
          (await app.inject({ method: 'GET', url: `/v1/documents/${id}${suffix}`, headers: other.headers })).statusCode,
          404,
          `another user ${suffix || 'document'}`,
        )
      }
      t.equal((await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers })).statusCode, 200)
      t.equal((await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: admin.headers })).statusCode, 200)
    }
    t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${privateRequest}/documents` })).statusCode, 404)
    const privateFile = await app.inject({ method: 'GET', url: `/v1/documents/${hidden.id}/file`, headers: owner.headers })
    t.equal(privateFile.headers['cache-control'], 'private, no-store')
    const text409 = await app.inject({ method: 'GET', url: `/v1/documents/${shown.id}/text` })
    t.equal(text409.statusCode, 409, 'no worker runs in this test: the text is not read yet')
    t.equal((await app.inject({ method: 'GET', url: '/v1/documents/9b2e1a4c-8f3d-4a6b-9c1e-2d3f4a5b6c7d' })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: '/v1/documents/123' })).statusCode, 400)
    t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${publicRequest}/documents?limit=0` })).statusCode, 400)
    t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${publicRequest}/documents?cursor=garbage` })).statusCode, 400)
  })

  t.test('files are revalidated on every use: a request made private stops serving them, cached copy or not', async (t) => {
    const requestId = await newRequest(owner)
    const [shown] = (await upload(app, requestId, owner.headers, [file('Released today.', 'release.txt')])).json().items
    await publish(shown.id)
    const url = `/v1/documents/${shown.id}/file`
    const first = await app.inject({ method: 'GET', url })
    t.equal(first.statusCode, 200)
    t.equal(first.headers['cache-control'], 'private, no-cache', 'no shared cache keeps it; browsers ask again each time')
    const etag = first.headers.etag as string
    t.equal(etag, `"${shown.sha256}"`)

    const current = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })
    t.equal(current.statusCode, 304, 'a current copy is confirmed without the bytes')
    t.equal(current.body, '')
    t.equal(current.headers.etag, etag)
    t.equal(current.headers['cache-control'], 'private, no-cache')
    t.equal(
      (await app.inject({ method: 'GET', url, headers: { 'if-none-match': `"other", W/${etag}` } })).statusCode,
      304,
      'weak comparison, in a list',
    )
    t.equal(
      (await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"other"' } })).statusCode,
      200,
      'a stale copy gets the bytes',
    )

    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/requests/${requestId}`,
      headers: owner.headers,
      payload: { visibility: 'private' },
    })
    t.equal(patched.statusCode, 200)
    const revalidated = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })
    t.equal(revalidated.statusCode, 404, 'the cached copy is not confirmed any more')
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 404)
    const own = await app.inject({ method: 'GET', url, headers: owner.headers })
    t.equal(own.statusCode, 200)
    t.equal(own.headers['cache-control'], 'private, no-store', 'a private file is not stored at all')
  })

  t.test('deleting: the requester or an admin; bytes go when no document keeps them', async (t) => {
    const shared = await makePdf(['Shared attachment.'])
    const [mine] = (await upload(app, publicRequest, owner.headers, [file(shared, 'shared.pdf')])).json().items
    const [copy] = (await upload(app, privateRequest, owner.headers, [file(shared, 'shared.pdf')])).json().items
    const [alone] = (await upload(app, publicRequest, owner.headers, [file('Only here.', 'alone.txt')])).json().items
    await publish(mine.id)
    const storedKeys = async () => (await stored()).map((path) => path.split('/').pop())

    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${mine.id}` })).statusCode, 401)
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${mine.id}`, headers: other.headers })).statusCode, 403)
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${copy.id}`, headers: other.headers })).statusCode, 404)
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${mine.id}`, headers: owner.headers })).statusCode, 204)
    t.equal((await app.inject({ method: 'GET', url: `/v1/documents/${mine.id}` })).statusCode, 404)
    t.ok((await storedKeys()).includes(copy.sha256), 'the other request still holds the bytes')
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${copy.id}`, headers: admin.headers })).statusCode, 204)
    t.notOk((await storedKeys()).includes(copy.sha256), 'gone with the last document')
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${alone.id}`, headers: owner.headers })).statusCode, 204)
    t.notOk((await storedKeys()).includes(alone.sha256))
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${alone.id}`, headers: owner.headers })).statusCode, 404)
  })

  t.test('an upload cut off mid-file leaves no document and no partial file', async (t) => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = new URL(address)
    const before = { rows: await documentRows(), files: (await stored()).length }
    const { body, contentType } = await multipartBody([
      file(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(40_000, 0x41)]), 'big.pdf'),
    ])
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      [
        `POST /v1/requests/${publicRequest}/documents HTTP/1.1`,
        `host: 127.0.0.1`,
        `authorization: ${owner.headers.authorization}`,
        `content-type: ${contentType}`,
        `content-length: ${body.length}`,
        '',
        '',
      ].join('\r\n'),
    )
    socket.write(body.subarray(0, Math.floor(body.length / 2)))
    // Staging has begun when the file's first bytes are on disk.
    await eventually(async () => (await staging()).length > 0, 5_000, 'the upload to reach staging')
    socket.destroy()
    await eventually(async () => (await staging()).length === 0, 5_000, 'the staged bytes to be thrown away')
    t.equal(await documentRows(), before.rows)
    t.equal((await stored()).length, before.files)
  })
})
