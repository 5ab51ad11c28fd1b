import t from 'tap'
import { buildTestApp, findAgencyId, manualClock, signUp } from '../helpers/app.js'

// Input found to break things in review: each case must answer a clear 4xx and change nothing.
t.test('hostile input', async (t) => {
  const clock = manualClock('2026-11-20T18:00:00.000Z')
  const { app, ctx } = await buildTestApp(t, { clock })
  const admin = await signUp(app)
  const user = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const draft = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()

  t.test('NUL characters are refused wherever text goes, naming the field', async (t) => {
    const cases = [
      { method: 'POST', url: '/v1/users', payload: { email: 'nul@example.org', name: 'a\u0000b' }, path: 'body.name' },
      {
        method: 'POST',
        url: '/v1/agencies',
        headers: user.headers,
        payload: { name: 'X\u0000', state: 'WA', kind: 'police' },
        path: 'body.name',
      },
      {
        method: 'PATCH',
        url: `/v1/agencies/${agencyId}`,
        headers: admin.headers,
        payload: { closures: [{ date: '2026-12-24', reason: 'a\u0000' }] },
        path: 'body.closures.0.reason',
      },
      { method: 'PATCH', url: `/v1/requests/${draft.id}`, headers: user.headers, payload: { body: 'Dear\u0000' }, path: 'body.body' },
      {
        method: 'POST',
        url: `/v1/requests/${draft.id}/events`,
        headers: user.headers,
        payload: { type: 'note', note: 'a\u0000b' },
        path: 'body.note',
      },
      { method: 'GET', url: '/v1/agencies?q=%00', path: 'querystring.q' },
    ] as const
    for (const { path, ...request } of cases) {
      const response = await app.inject(request as never)
      t.equal(response.statusCode, 400, `${request.method} ${request.url}`)
      t.same(
        response.json().errors.map((error: { path: string }) => error.path),
        [path],
      )
    }
    const cursor = Buffer.from(JSON.stringify(['\u0000', '9b2e1a4c-8f3d-4a6b-9c1e-2d3f4a5b6c7d'])).toString('base64url')
    t.equal((await app.inject({ method: 'GET', url: `/v1/agencies?cursor=${cursor}` })).statusCode, 400)
    const csv = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: 'name,state\nBad\u0000PD,WA',
    })
    t.equal(csv.statusCode, 400)
  })

  t.test('dates outside 1900–2199 are refused, not sent to PostgreSQL', async (t) => {
    const submit = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/submit`,
      headers: user.headers,
      payload: { via: 'mail', submittedAt: '0050-06-01T00:00:00Z' },
    })
    t.equal(submit.statusCode, 400)
    t.equal(submit.json().errors[0].path, 'body.submittedAt')
    const closure = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${agencyId}`,
      headers: admin.headers,
      payload: { closures: [{ date: '9999-12-31', reason: 'x' }] },
    })
    t.equal(closure.statusCode, 400)
    const cursor = Buffer.from(JSON.stringify(['0000-01-01T00:00:00Z', '9b2e1a4c-8f3d-4a6b-9c1e-2d3f4a5b6c7d'])).toString('base64url')
    t.equal((await app.inject({ method: 'GET', url: `/v1/requests?cursor=${cursor}`, headers: user.headers })).statusCode, 400)
  })

  t.test('events must be logged in the order they happened, and extensions only move the deadline later', async (t) => {
    const submitted = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/submit`,
      headers: user.headers,
      payload: { via: 'mail', submittedAt: '2026-11-02T17:00:00Z' },
    })
    t.equal(submitted.statusCode, 200)
    const log = (payload: object) => app.inject({ method: 'POST', url: `/v1/requests/${draft.id}/events`, headers: user.headers, payload })
    t.equal((await log({ type: 'fee_requested', occurredAt: '2026-11-04T17:00:00Z' })).statusCode, 201)
    const backwards = await log({ type: 'fee_paid', occurredAt: '2026-11-03T17:00:00Z' })
    t.equal(backwards.statusCode, 422)
    t.equal(backwards.json().errors[0].path, 'body.occurredAt')
    t.equal(
      (await log({ type: 'note', note: 'Phoned them on the 3rd', occurredAt: '2026-11-03T17:00:00Z' })).statusCode,
      201,
      'notes may be backdated',
    )
    t.equal((await log({ type: 'fee_paid', occurredAt: '2026-11-05T17:00:00Z' })).statusCode, 201)
    const request = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: user.headers })).json()
    t.equal(request.status, 'submitted', 'back to where it was before the fee request')
    t.type(request.dueDate, 'string', 'the clock runs again')
    const earlier = await log({ type: 'extended', newDueDate: '2020-01-01' })
    t.equal(earlier.statusCode, 422)
    t.equal(earlier.json().errors[0].path, 'body.newDueDate')
    const everyProblem = await log({ type: 'extended', note: 5, amount: 'x' })
    t.equal(everyProblem.statusCode, 400)
    const paths = new Set(everyProblem.json().errors.map((error: { path: string }) => error.path))
    t.same([...paths].sort(), ['body.amount', 'body.extensionDays', 'body.note'], 'type errors and cross-field rules together')
    const unknownField = await log({ type: 'note', colour: 'red' })
    t.same(unknownField.json().errors, [{ path: 'body.colour', message: 'is not a known field' }])
  })

  t.test('names that differ only in Unicode case are one agency', async (t) => {
    const headers = { ...admin.headers, 'content-type': 'text/csv' }
    const response = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers,
      payload: 'name,state,city\n"ΣΑΣ PD",WA,Foo\n"σας PD",WA,Foo\n"σασ PD",WA,Foo',
    })
    t.equal(response.statusCode, 200)
    const [{ n }] = (await ctx.database.sql`select count(*)::int as n from agencies where city = 'Foo'`) as unknown as [{ n: number }]
    t.equal(n, response.json().created)
    t.ok(n >= 1)
  })

  t.test('agency addresses keep their lines', async (t) => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: user.headers,
      payload: {
        name: 'Auburn Parks Department',
        state: 'WA',
        city: 'Auburn',
        kind: 'city',
        mailingAddress: ' PO Box 1 \r\n\r\nAuburn,  WA 98001 ',
      },
    })
    t.equal(created.statusCode, 201)
    t.equal(created.json().mailingAddress, 'PO Box 1\nAuburn, WA 98001')
  })

  t.test('a letter with a 49,999-character word still renders', async (t) => {
    const other = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    await app.inject({ method: 'PATCH', url: `/v1/requests/${other.id}`, headers: user.headers, payload: { body: 'x'.repeat(49_999) } })
    const pdf = await app.inject({ method: 'GET', url: `/v1/requests/${other.id}/letter.pdf`, headers: user.headers })
    t.equal(pdf.statusCode, 200)
    t.equal(pdf.headers['content-type'], 'application/pdf')
  })

  t.test('keyset pagination loses nothing when many requests share a millisecond', async (t) => {
    const member = await signUp(app)
    await Promise.all(
      Array.from({ length: 30 }, () =>
        app.inject({
          method: 'POST',
          url: '/v1/requests',
          headers: member.headers,
          payload: { agencyId, templateSlug: 'ring-partnership' },
        }),
      ),
    )
    await ctx.database.sql`update requests set created_at = '2026-11-20T18:00:00.123Z' where user_id = ${member.id}`
    const seen = new Set<string>()
    let cursor: string | null = null
    do {
      const url: string = `/v1/requests?limit=7${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await app.inject({ method: 'GET', url, headers: member.headers })).json()
      for (const item of page.items) seen.add(item.id)
      cursor = page.nextCursor
    } while (cursor)
    t.equal(seen.size, 30)
  })
})

t.test('lone surrogates, malformed multipart and bad URLs are 400 problems, not 500s', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const json = (method: 'POST' | 'PATCH', url: string, body: string) =>
    app.inject({ method, url, headers: { ...user.headers, 'content-type': 'application/json' }, payload: body })

  const inVariables = await json(
    'POST',
    '/v1/requests',
    `{"agencyId":"${agencyId}","templateSlug":"ring-partnership","variables":{"date_from":"a\\ud800b","date_to":"\\udc00"}}`,
  )
  t.equal(inVariables.statusCode, 400)
  t.same(
    inVariables.json().errors.map((error: { path: string }) => error.path),
    ['body.variables.date_from', 'body.variables.date_to'],
  )
  t.match(inVariables.json().errors[0].message, /lone surrogate/)
  const inKey = await json('POST', '/v1/templates/ring-partnership/render', `{"agencyId":"${agencyId}","variables":{"\\ud800":"x"}}`)
  t.equal(inKey.statusCode, 400)
  t.match(inKey.json().errors, [{ path: 'body.variables.\ud800', message: /^field name must not contain a lone surrogate/ }])
  t.equal((await json('PATCH', '/v1/me', '{"name":"Ada \\ud83d\\ude00"}')).statusCode, 200, 'a proper pair (an emoji) is fine')

  const nested = await json('POST', '/v1/users', `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`)
  t.equal(nested.statusCode, 400)

  const draft = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const noBoundary = await app.inject({
    method: 'POST',
    url: `/v1/requests/${draft.id}/documents`,
    headers: { ...user.headers, 'content-type': 'multipart/form-data' },
    payload: 'x',
  })
  t.equal(noBoundary.statusCode, 400)
  t.equal(noBoundary.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(noBoundary.json().detail, /boundary/)

  const badPath = await app.inject({ method: 'GET', url: '/v1/agencies/%ED%A0%80' })
  t.equal(badPath.statusCode, 400)
  t.equal(badPath.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(badPath.json(), { type: '/problems/bad-request', status: 400 })
})
