// Review before publishing: a new document is seen only by its requester and admins until it is
// published, and never counted or found by anyone else; unpublishing hides it again.
import t, { type Test } from 'tap'
import { buildTestApp, fileRequest, signUp, type TestUser } from '../helpers/app.js'
import { file, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

t.test('review before publishing', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', SEARCH_CACHE_MIN_MS: '0' } })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const admin = await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const { id: requestId } = await fileRequest(app, owner)

  const uploaded = await upload(app, requestId, owner.headers, [
    file('Footage request log. Resident contact: zanzibarquokka sighting on Elm Street.\n', 'log.txt'),
  ])
  t.equal(uploaded.statusCode, 201)
  const [document] = uploaded.json().items
  t.match(document, { published: false, publishedAt: null, redactionCount: 0, redactedPages: [] })
  const id = document.id as string
  await eventually(
    async () => (await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers })).json().status === 'ready',
    90_000,
    'extraction',
  )

  const get = (url: string, user?: TestUser) => app.inject({ method: 'GET', url, headers: user?.headers })
  const post = (url: string, user?: TestUser) => app.inject({ method: 'POST', url, headers: user?.headers })
  const search = async (user?: TestUser) => (await get('/v1/search?q=zanzibarquokka', user)).json()
  const listed = async (user?: TestUser) =>
    (await get(`/v1/requests/${requestId}/documents`, user)).json().items.map((item: { id: string }) => item.id)

  const hidden = async (t: Test, who: string, user?: TestUser) => {
    for (const path of ['', '/file', '/text'])
      t.equal((await get(`/v1/documents/${id}${path}`, user)).statusCode, 404, `${who}: ${path || 'GET'} 404`)
    t.same(await listed(user), [], `${who}: not listed on the request`)
    const results = await search(user)
    t.equal(results.total, 0, `${who}: not counted`)
    t.same(results.facets, { state: [], kind: [] }, `${who}: not in the facets`)
  }
  const shown = async (t: Test, who: string, user?: TestUser) => {
    for (const path of ['', '/file', '/text'])
      t.equal((await get(`/v1/documents/${id}${path}`, user)).statusCode, 200, `${who}: ${path || 'GET'} 200`)
    t.same(await listed(user), [id], `${who}: listed`)
    t.equal((await search(user)).total, 1, `${who}: found`)
  }

  await t.test('unpublished: only the requester and admins see it', async (t) => {
    await hidden(t, 'anonymous')
    await hidden(t, 'another member', other)
    await shown(t, 'owner', owner)
    await shown(t, 'admin', admin)
  })

  await t.test('only the requester or an admin may publish', async (t) => {
    t.equal((await post(`/v1/documents/${id}/publish`)).statusCode, 401)
    t.equal((await post(`/v1/documents/${id}/publish`, other)).statusCode, 404, 'another member cannot even see it')
    t.equal((await post('/v1/documents/not-a-uuid/publish', owner)).statusCode, 400)
    t.equal((await post('/v1/documents/00000000-0000-4000-8000-000000000000/publish', owner)).statusCode, 404)
  })

  await t.test('published: public, searchable, counted; unpublished again: hidden again', async (t) => {
    const published = await post(`/v1/documents/${id}/publish`, owner)
    t.equal(published.statusCode, 200)
    t.match(published.json(), { published: true, publishedAt: String })
    await shown(t, 'anonymous')
    await shown(t, 'another member', other)
    t.equal((await post(`/v1/documents/${id}/publish`, other)).statusCode, 403, 'seeing is not changing')

    const unpublished = await post(`/v1/documents/${id}/unpublish`, admin)
    t.equal(unpublished.statusCode, 200)
    t.match(unpublished.json(), { published: false, publishedAt: null })
    await hidden(t, 'anonymous after unpublishing')
    await hidden(t, 'another member after unpublishing', other)
    await shown(t, 'owner after unpublishing', owner)
  })

  await t.test('a published document of a private request stays private', async (t) => {
    await post(`/v1/documents/${id}/publish`, owner)
    await app.inject({ method: 'PATCH', url: `/v1/requests/${requestId}`, headers: owner.headers, payload: { visibility: 'private' } })
    t.equal((await get(`/v1/documents/${id}`)).statusCode, 404)
    t.equal((await search()).total, 0)
    await app.inject({ method: 'PATCH', url: `/v1/requests/${requestId}`, headers: owner.headers, payload: { visibility: 'public' } })
    t.equal((await get(`/v1/documents/${id}`)).statusCode, 200)
    t.equal((await search()).total, 1)
  })
})
