import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { file, makePdf, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

interface Hit {
  documentId: string
  requestId: string
  title: string
  agency: { id: string; name: string; state: string }
  page: number
  snippet: string
  rank: number
  fileUrl: string
}
interface Results {
  total: number
  items: Hit[]
  facets: { state: { value: string; count: number }[]; kind: { value: string; count: number }[] }
}

t.test('search', async (t) => {
  // Cache every search, so the tests also show a cached answer never outlives a change.
  const { app, ctx } = await buildTestApp(t, {
    env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here', SEARCH_CACHE_MIN_MS: '0' },
  })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const admin = await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const houston = await findAgencyId(app, 'state=TX&q=houston%20police')
  const newRequest = async (user: TestUser, agencyId: string, options: { visibility?: string; submit?: boolean } = {}) => {
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
  const ready = async (response: Awaited<ReturnType<typeof upload>>) => {
    t.equal(response.statusCode, 201)
    const ids = response.json().items.map((item: { id: string }) => item.id) as string[]
    for (const id of ids) {
      await eventually(
        async () => (await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: admin.headers })).json().status === 'ready',
        90_000,
        'extraction',
      )
      // Reviewed at once: these tests are about search, not review (test/api/review.test.ts).
      t.equal((await app.inject({ method: 'POST', url: `/v1/documents/${id}/publish`, headers: admin.headers })).statusCode, 200)
    }
    return ids
  }
  const search = async (query: string, user?: TestUser): Promise<Results> => {
    const response = await app.inject({ method: 'GET', url: `/v1/search?${query}`, headers: user?.headers })
    if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`)
    return response.json()
  }

  const waPublic = await newRequest(owner, spokane)
  const waPrivate = await newRequest(owner, spokane, { visibility: 'private' })
  const waDraft = await newRequest(owner, spokane, { submit: false })
  const txPublic = await newRequest(other, houston)

  const [agreement] = await ready(
    await upload(app, waPublic, owner.headers, [
      file(
        await makePdf([
          'Memorandum of Understanding. The Department may use the Neighbors Portal to send video requests. The Neighbors Portal is provided by Ring.',
          'Exhibit A: contacts for the portal.',
        ]),
        'mou.pdf',
      ),
      { name: 'kind', value: 'agreement' },
      { name: 'receivedAt', value: '2026-03-02' },
    ]),
  )
  const [draftAgreement] = await ready(
    await upload(app, waPublic, owner.headers, [
      file('DRAFT agreement. Neighbors Portal access terms, not final.', 'draft.txt'),
      { name: 'kind', value: 'agreement' },
      { name: 'receivedAt', value: '2026-04-10' },
    ]),
  )
  const [markup] = await ready(
    await upload(app, waPublic, owner.headers, [
      file('Surveillance budget < 5000 & "approved"; <script>alert("x")</script> <img src=x onerror=alert(1)> then <scrip', 'markup.txt'),
    ]),
  )
  const [email] = await ready(
    await upload(app, txPublic, other.headers, [
      file('Email: training on the Neighbors Portal and a video request workflow.', 'mail.txt'),
      { name: 'kind', value: 'correspondence' },
    ]),
  )
  const [secret] = await ready(
    await upload(app, waPrivate, owner.headers, [
      file('Private clause of the Neighbors Portal agreement.', 'private.txt'),
      { name: 'kind', value: 'agreement' },
    ]),
  )
  const [unfiled] = await ready(
    await upload(app, waDraft, owner.headers, [file('Neighbors Portal notes for a request not yet filed.', 'unfiled.txt')]),
  )

  t.test('a phrase finds the pages that contain it, best first, with marked and escaped snippets', async (t) => {
    const results = await search('q="neighbors portal"')
    t.equal(results.total, 3, 'the public pages only')
    t.same(new Set(results.items.map((hit) => hit.documentId)), new Set([agreement, draftAgreement, email]))
    t.equal(results.items[0]!.documentId, agreement, 'the page that says it twice ranks first')
    t.ok(results.items[0]!.rank >= results.items[1]!.rank)
    t.match(results.items[0], {
      requestId: waPublic,
      title: 'mou.pdf',
      page: 1,
      agency: { id: spokane, name: 'Spokane Police Department', state: 'WA' },
      fileUrl: `http://records.test/v1/documents/${agreement}/file`,
    })
    t.match(results.items[0]!.snippet, /<mark>Neighbors<\/mark> <mark>Portal<\/mark>/)
    t.same(results.facets, {
      state: [
        { value: 'WA', count: 2 },
        { value: 'TX', count: 1 },
      ],
      kind: [
        { value: 'agreement', count: 2 },
        { value: 'correspondence', count: 1 },
      ],
    })
  })

  t.test('a document’s own markup comes back escaped, and the words inside it can be found', async (t) => {
    const [hit] = (await search('q=surveillance budget')).items
    t.equal(hit!.documentId, markup)
    t.match(
      hit!.snippet,
      /<mark>Surveillance<\/mark> <mark>budget<\/mark> &lt; 5000 &amp; &quot;approved&quot;; &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/,
    )
    t.match(hit!.snippet, /&lt;img src=x onerror=alert\(1\)&gt; then &lt;scrip/)
    t.notMatch(hit!.snippet.replace(/<\/?mark>/g, ''), /[<>\u0000-\u0008]/, 'no tag but <mark>, no control characters')
    const [inside] = (await search('q=alert')).items
    t.equal(inside!.documentId, markup, 'text inside <script> is searchable')
    t.match(inside!.snippet, /&lt;script&gt;<mark>alert<\/mark>\(&quot;x&quot;\)/)
  })

  t.test('exclusion, or, filters, and facets that ignore their own filter', async (t) => {
    t.same((await search('q="neighbors portal" -draft')).items.map((hit) => hit.documentId).sort(), [agreement, email].sort())
    t.equal((await search('q=training or exhibit')).total, 2)
    const inWashington = await search('q="neighbors portal" -draft&state=wa')
    t.equal(inWashington.total, 1)
    t.equal(inWashington.items[0]!.documentId, agreement)
    t.same(
      inWashington.facets.state,
      [
        { value: 'TX', count: 1 },
        { value: 'WA', count: 1 },
      ],
      'the state facet still shows the other states',
    )
    t.same(inWashington.facets.kind, [{ value: 'agreement', count: 1 }], 'the kind facet counts within the state chosen')
    t.equal((await search('q="neighbors portal"&kind=correspondence')).items[0]!.documentId, email)
    t.equal((await search(`q="neighbors portal"&agencyId=${houston}`)).total, 1)
    t.same(
      (await search('q="neighbors portal"&receivedFrom=2026-03-01&receivedTo=2026-03-31')).items.map((hit) => hit.documentId),
      [agreement],
    )
    t.equal((await search('q="portal neighbors"')).total, 0, 'a phrase is in order')
  })

  t.test('pages through results with limit and offset', async (t) => {
    const all = (await search('q=portal')).items.map((hit) => `${hit.documentId}/${hit.page}`)
    t.equal(all.length, 4, 'both pages of the agreement, the draft and the email')
    const paged = [...(await search('q=portal&limit=3')).items, ...(await search('q=portal&limit=3&offset=3')).items].map(
      (hit) => `${hit.documentId}/${hit.page}`,
    )
    t.same(paged, all)
  })

  t.test('private and unfiled documents: never for others, not even in counts; their owner and admins find them', async (t) => {
    for (const user of [undefined, other]) {
      const results = await search('q=neighbors', user)
      t.notOk(results.items.some((hit) => hit.documentId === secret || hit.documentId === unfiled))
      t.equal(results.total, 3)
      t.same(results.facets.state, [
        { value: 'WA', count: 2 },
        { value: 'TX', count: 1 },
      ])
    }
    const mine = await search('q=neighbors', owner)
    t.equal(mine.total, 5)
    t.ok(mine.items.some((hit) => hit.documentId === secret))
    t.equal((await search('q=neighbors', admin)).total, 5)
  })

  t.test('browsing without words: filters only, one result per document, newest first', async (t) => {
    const inWashington = await search('state=WA')
    t.same(
      inWashington.items.map((hit) => hit.documentId),
      [markup, draftAgreement, agreement],
    )
    t.ok(inWashington.items.every((hit) => hit.page === 1 && hit.rank === 0))
    t.equal(inWashington.total, 3)
    t.equal((inWashington as Results & { totalRelation: string }).totalRelation, 'eq')
    t.match(inWashington.items[2]!.snippet, /^Memorandum of Understanding\. The Department/)
    t.notMatch(inWashington.items[2]!.snippet, /<mark>/)
    t.same(
      (await search('q=&kind=agreement')).items.map((hit) => hit.documentId),
      [draftAgreement, agreement],
    )
    t.same(
      (await search('state=WA&limit=1&offset=1')).items.map((hit) => hit.documentId),
      [draftAgreement],
    )
    t.same((await search('state=WA')).facets.kind, [
      { value: 'agreement', count: 2 },
      { value: 'other', count: 1 },
    ])
    const mine = await search('state=WA', owner)
    t.ok(mine.items.some((hit) => hit.documentId === secret))
    t.equal(mine.total, 5)
    t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=' })).statusCode, 400, 'no words and no filter')
  })

  t.test('a request made private leaves search at once, made public comes back, a deleted document goes', async (t) => {
    t.equal((await search('q=training')).total, 1)
    await app.inject({ method: 'PATCH', url: `/v1/requests/${txPublic}`, headers: other.headers, payload: { visibility: 'private' } })
    t.equal((await search('q=training')).total, 0, 'not served from the cache')
    t.equal((await search('q=training', other)).total, 1)
    await app.inject({ method: 'PATCH', url: `/v1/requests/${txPublic}`, headers: other.headers, payload: { visibility: 'public' } })
    t.equal((await search('q=training')).total, 1)
    await app.inject({ method: 'DELETE', url: `/v1/documents/${draftAgreement}`, headers: owner.headers })
    t.notOk((await search('q=draft')).items.some((hit) => hit.documentId === draftAgreement))
  })

  t.test('bad queries are 400s; odd ones are just searches', async (t) => {
    const bad: [string, string[]][] = [
      ['', ['querystring.q']],
      ['q=%20%20', ['querystring.q']],
      [`q=${'x'.repeat(501)}`, ['querystring.q']],
      ['q=ring&limit=0&offset=-1', ['querystring.limit', 'querystring.offset']],
      ['q=ring&offset=10001', ['querystring.offset']],
      ['q=ring&state=Washington&kind=memo&agencyId=12', ['querystring.state', 'querystring.kind', 'querystring.agencyId']],
      ['q=ring&receivedFrom=2026-05-01&receivedTo=2026-04-01', ['querystring.receivedTo']],
      ['q=ring&receivedFrom=2026-02-30', ['querystring.receivedFrom']],
      ['q=a%00b', ['querystring.q']],
    ]
    for (const [query, paths] of bad) {
      const response = await app.inject({ method: 'GET', url: `/v1/search?${query}` })
      t.equal(response.statusCode, 400, query)
      t.same(
        response
          .json()
          .errors.map((error: { path: string }) => error.path)
          .sort(),
        paths.sort(),
        query,
      )
    }
    for (const q of [
      "'); drop table documents; --",
      'a & | ! :* <-> (',
      'the and of',
      '"unclosed phrase',
      'Łódź naïve café',
      '-',
      'or or or',
    ]) {
      const response = await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(q)}` })
      t.equal(response.statusCode, 200, q)
      t.type(response.json().total, 'number')
    }
    t.equal((await search('q=the and of')).total, 0, 'only stop words match nothing')
    t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=ring', headers: { authorization: 'Bearer nope' } })).statusCode, 401)
  })
})
