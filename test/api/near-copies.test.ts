import t from 'tap'
import { fingerprintPage, recordNearCopies } from '../../src/modules/near-copies/near-copies.service.js'
import { LOCAL_WORDS, localChanges, localMou, standardMou, unrelatedAgreement } from '../fixtures/near-copies/ring-mou.js'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { file, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

interface Similar {
  items: { documentId: string; requestId: string; title: string; agency: { id: string; name: string; state: string }; similarity: number }[]
  total: number
  otherAgencies: number
}
interface Change {
  page: number | null
  otherPage: number | null
  op: 'equal' | 'insert' | 'delete'
  text: string
}

t.test('near copies of a standard agreement', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here' } })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const admin = await signUp(app)
  const researcher = await signUp(app)
  const secretive = await signUp(app)
  const agencies = await Promise.all(
    [
      'state=WA&q=spokane%20police',
      'state=TX&q=houston%20police',
      'state=CA&q=ventura',
      'state=WI&q=greenfield',
      'state=FL&q=miami',
      'state=NY&q=police',
      'state=OH&q=police',
    ].map((query) => findAgencyId(app, query)),
  )
  const fileAgreement = async (
    user: TestUser,
    agencyId: string,
    pages: string[],
    options: { visibility?: string; title?: string } = {},
  ) => {
    const request = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership', visibility: options.visibility ?? 'public' },
      })
    ).json()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: user.headers, payload: { via: 'portal' } })
    const response = await upload(app, request.id, user.headers, [
      file(Buffer.from(pages.join('\f')), 'mou.txt', 'text/plain'),
      { name: 'kind', value: 'agreement' },
      { name: 'title', value: options.title ?? 'Neighbors Portal MOU' },
    ])
    t.equal(response.statusCode, 201)
    const id = response.json().items[0].id as string
    await eventually(
      async () => (await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: admin.headers })).json().status === 'ready',
      90_000,
      'extraction',
    )
    const published = await app.inject({ method: 'POST', url: `/v1/documents/${id}/publish`, headers: user.headers })
    t.equal(published.statusCode, 200, 'reviewed and published, as a requester does before anyone else sees it')
    return id
  }
  const similar = async (id: string, user?: TestUser) => {
    const response = await app.inject({ method: 'GET', url: `/v1/documents/${id}/similar`, headers: user?.headers })
    t.equal(response.statusCode, 200, response.body)
    return response.json() as Similar
  }
  const compare = (id: string, otherId: string, user?: TestUser) =>
    app.inject({ method: 'GET', url: `/v1/documents/${id}/compare/${otherId}`, headers: user?.headers })

  const standard = await fileAgreement(researcher, agencies[0]!, standardMou())
  const copies: string[] = []
  for (let n = 0; n < 4; n++) copies.push(await fileAgreement(researcher, agencies[n + 1]!, localMou(n)))
  const unrelated = await fileAgreement(researcher, agencies[5]!, unrelatedAgreement(), { title: 'Plate reader purchase' })
  const privateCopy = await fileAgreement(secretive, agencies[6]!, localMou(0), { visibility: 'private' })

  await t.test('the standard text is found released by the four other agencies, each at least 0.9 alike', async (t) => {
    const found = await similar(standard)
    t.same(found.items.map((item) => item.documentId).sort(), [...copies].sort())
    t.ok(found.items.every((item) => item.similarity >= 0.9 && item.similarity <= 1))
    t.same(
      found.items.map((item) => item.similarity),
      found.items.map((item) => item.similarity).sort((a, b) => b - a),
      'most similar first',
    )
    t.equal(found.total, 4)
    t.equal(found.otherAgencies, 4)
    t.same(new Set(found.items.map((item) => item.agency.id)), new Set(agencies.slice(1, 5)))
    // Each local copy finds the standard and the other three.
    const fromCopy = await similar(copies[2]!)
    t.same(fromCopy.items.map((item) => item.documentId).sort(), [standard, copies[0], copies[1], copies[3]].sort())
  })

  await t.test('an unrelated agreement is no near copy', async (t) => {
    t.same((await similar(unrelated)).items, [])
    const comparison = (await compare(standard, unrelated)).json()
    t.ok(comparison.similarity < 0.2)
  })

  await t.test('compare shows exactly the changed words', async (t) => {
    for (let n = 0; n < 4; n++) {
      const response = await compare(standard, copies[n]!)
      t.equal(response.statusCode, 200)
      const { similarity, changes } = response.json() as { similarity: number; changes: Change[] }
      t.ok(similarity >= 0.9)
      const deleted = changes.filter((change) => change.op === 'delete').map((change) => change.text)
      const inserted = changes.filter((change) => change.op === 'insert').map((change) => change.text)
      t.same(
        deleted.sort(),
        localChanges(n)
          .map((change) => change.standard)
          .sort(),
      )
      t.same(
        inserted.sort(),
        localChanges(n)
          .map((change) => change.local)
          .sort(),
      )
      t.ok(
        changes.every((change) => change.page !== null && change.page === change.otherPage),
        'pages paired in order',
      )
      // The words that stayed, with the changes, rebuild either text.
      const standardText = standardMou().join(' ').split(/\s+/).join(' ')
      t.equal(
        changes
          .filter((change) => change.op !== 'insert')
          .map((change) => change.text)
          .join(' '),
        standardText,
      )
    }
    const [retention] = (await compare(standard, copies[1]!)).json().changes.filter((change: Change) => change.text === 'ninety')
    t.same(retention, { page: 2, otherPage: 2, op: 'delete', text: 'ninety' })
    t.ok(LOCAL_WORDS.includes('ninety'))
  })

  await t.test('a private copy is never shown, compared or counted for anyone else', async (t) => {
    for (const user of [undefined, researcher]) {
      const found = await similar(standard, user)
      t.notOk(found.items.some((item) => item.documentId === privateCopy))
      t.equal(found.total, 4)
      t.equal(found.otherAgencies, 4)
      t.equal((await compare(standard, privateCopy, user)).statusCode, 404)
      t.equal((await compare(privateCopy, standard, user)).statusCode, 404)
      t.equal((await app.inject({ method: 'GET', url: `/v1/documents/${privateCopy}/similar`, headers: user?.headers })).statusCode, 404)
    }
    // Its owner sees it among the copies, and so does an administrator.
    for (const user of [secretive, admin]) {
      const found = await similar(standard, user)
      t.ok(found.items.some((item) => item.documentId === privateCopy && item.similarity >= 0.9))
      t.equal(found.total, 5)
      t.equal(found.otherAgencies, 5)
      t.equal((await compare(privateCopy, standard, user)).statusCode, 200)
    }
    t.same((await similar(privateCopy, secretive)).items.length, 5)

    // A copy waiting for review (unpublished again) is hidden the same way, until it is published.
    const review = (action: 'publish' | 'unpublish') =>
      app.inject({ method: 'POST', url: `/v1/documents/${copies[0]}/${action}`, headers: researcher.headers })
    t.equal((await review('unpublish')).statusCode, 200)
    const anonymous = await similar(standard)
    t.notOk(anonymous.items.some((item) => item.documentId === copies[0]))
    t.equal(anonymous.total, 3)
    t.equal((await compare(standard, copies[0]!)).statusCode, 404)
    t.ok(
      (await similar(standard, researcher)).items.some((item) => item.documentId === copies[0]),
      'its requester still sees it',
    )
    t.equal((await review('publish')).statusCode, 200)
    t.equal((await similar(standard)).total, 4)
  })

  await t.test('search folds near copies into one hit with their count, counting only what the caller may see', async (t) => {
    const search = async (query: string, user?: TestUser) => {
      const response = await app.inject({ method: 'GET', url: `/v1/search?${query}`, headers: user?.headers })
      t.equal(response.statusCode, 200, response.body)
      return response.json() as { total: number; totalRelation: string; items: { documentId: string; nearCopies?: number }[] }
    }
    const spread = await search('q=%22neighbors%20portal%22')
    t.same(new Set(spread.items.map((hit) => hit.documentId)), new Set([standard, ...copies]))
    t.equal(spread.totalRelation, 'eq')
    t.notOk(
      spread.items.some((hit) => 'nearCopies' in hit),
      'counts only when folding',
    )
    const folded = await search('q=%22neighbors%20portal%22&collapse=true')
    const documents = new Set(folded.items.map((hit) => hit.documentId))
    t.equal(documents.size, 1, 'one document stands for the five')
    t.ok([standard, ...copies].includes(folded.items[0]!.documentId))
    t.equal(folded.items[0]!.nearCopies, 4)
    t.equal(folded.total, spread.total, 'the total still counts matching pages')
    const mine = await search('q=%22neighbors%20portal%22&collapse=true', secretive)
    t.equal(new Set(mine.items.map((hit) => hit.documentId)).size, 1)
    t.equal(mine.items[0]!.nearCopies, 5, 'its owner counts the private copy too')
  })

  await t.test('web: the document page names the other agencies’ copies; the comparison marks the changed words', async (t) => {
    const page = await app.inject({ method: 'GET', url: `/documents/${standard}` })
    t.equal(page.statusCode, 200)
    t.match(page.body, /The same agreement was released by 4 other agencies\./)
    t.match(page.body, `/documents/${standard}/compare/${copies[1]}`)
    t.notMatch(page.body, privateCopy)
    const ownersView = await app.inject({ method: 'GET', url: `/documents/${standard}`, headers: secretive.headers })
    t.match(ownersView.body, /released by 5 other agencies/)
    const comparison = await app.inject({ method: 'GET', url: `/documents/${standard}/compare/${copies[1]}` })
    t.equal(comparison.statusCode, 200)
    const deleted = [...comparison.body.matchAll(/<del>([^<]*)<\/del>/g)]
      .map((match) => match[1])
      .filter((word) => word !== 'struck through')
    const inserted = [...comparison.body.matchAll(/<ins>([^<]*)<\/ins>/g)].map((match) => match[1]).filter((word) => word !== 'underlined')
    t.same(
      deleted.sort(),
      localChanges(1)
        .map((change) => change.standard)
        .sort(),
    )
    t.same(
      inserted.sort(),
      localChanges(1)
        .map((change) => change.local)
        .sort(),
    )
    t.equal((await app.inject({ method: 'GET', url: `/documents/${standard}/compare/${privateCopy}` })).statusCode, 404)
    const folded = await app.inject({ method: 'GET', url: '/search?q=%22neighbors+portal%22&collapse=true' })
    t.match(folded.body, /and 4 near-copies/)
  })

  await t.test('the same bytes elsewhere are an exact copy', async (t) => {
    const exact = await fileAgreement(admin, agencies[6]!, standardMou(), { title: 'MOU again' })
    const found = await similar(standard)
    const item = found.items.find((entry) => entry.documentId === exact)
    t.equal(item?.similarity, 1)
    t.equal(found.items[0]!.documentId, exact)
    t.equal(found.otherAgencies, 5)
    t.same(
      (await compare(standard, exact)).json().changes.map((change: Change) => change.op),
      ['equal', 'equal', 'equal'],
    )
  })

  await t.test('deleting a document removes it from its copies’ lists', async (t) => {
    const extra = await fileAgreement(admin, agencies[5]!, localMou(3), { title: 'To delete' })
    t.ok((await similar(standard)).items.some((item) => item.documentId === extra))
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/documents/${extra}`, headers: admin.headers })).statusCode, 204)
    t.notOk((await similar(standard)).items.some((item) => item.documentId === extra))
  })

  await t.test('indexing a document again replaces its signatures, keys and near copies', async (t) => {
    const index = (pages: string[]) =>
      ctx.db.transaction((tx) =>
        recordNearCopies(
          tx,
          { id: copies[1]! },
          pages.flatMap((text, index) => fingerprintPage(index + 1, text) ?? []),
        ),
      )
    const signedPages = async () =>
      (
        (await ctx.database.sql`select page from page_signatures where document_id = ${copies[1]!} order by page`) as unknown as {
          page: number
        }[]
      ).map((row) => row.page)
    const listed = async () => (await similar(standard)).items.some((item) => item.documentId === copies[1])
    const original = localMou(1)
    await index(unrelatedAgreement().slice(0, 1))
    t.same(await signedPages(), [1], 'the pages it no longer has lose their signatures')
    t.notOk(await listed(), 'no longer a near copy')
    await index(original)
    t.same(
      await signedPages(),
      original.map((_, index) => index + 1),
    )
    t.ok(await listed(), 'a near copy again')
    await index(original)
    t.ok(await listed(), 'indexing the same text twice keeps it')
  })

  await t.test('bad ids are clear 4xx problems', async (t) => {
    for (const url of [
      '/v1/documents/not-a-uuid/similar',
      `/v1/documents/${standard}/compare/not-a-uuid`,
      `/v1/documents/1/compare/${standard}`,
    ]) {
      const response = await app.inject({ method: 'GET', url })
      t.equal(response.statusCode, 400, url)
      t.match(response.headers['content-type'], /application\/problem\+json/)
    }
    const unknown = '00000000-0000-4000-8000-000000000000'
    t.equal((await app.inject({ method: 'GET', url: `/v1/documents/${unknown}/similar` })).statusCode, 404)
    t.equal((await compare(standard, unknown)).statusCode, 404)
    t.equal((await compare(unknown, standard)).statusCode, 404)
  })
})
