import t from 'tap'
import { buildTestApp, signUp } from '../helpers/app.js'

t.test('agencies', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const admin = await signUp(app)
  const member = await signUp(app)

  t.test('the Ring partner agencies are seeded, deduplicated and cleaned', async (t) => {
    const [{ n }] = (await ctx.database.sql`select count(*)::int as n from agencies where ring_partner`) as unknown as [{ n: number }]
    t.equal(n, 1498, '1,501 rows less the three listed twice')
    const [madison] = await ctx.database
      .sql`select ring_partner_since::text as since from agencies where state = 'WI' and name = 'Madison Police Department'`
    t.ok(madison, 'duplicate kept once')
    const houston = await ctx.database.sql`select county from agencies where name = 'Houston Police Department'`
    t.notMatch(houston[0]!.county, /\u200e/, 'invisible marks stripped')
  })

  t.test('search by state, partnership and words of the name', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/v1/agencies?state=WA&ringPartner=true&q=spokane' })
    t.equal(response.statusCode, 200)
    const { items, nextCursor } = response.json()
    t.ok(
      items.some((agency: { name: string }) => agency.name === 'Spokane Police Department'),
      'finds Spokane PD',
    )
    for (const agency of items) {
      t.equal(agency.state, 'WA')
      t.equal(agency.ringPartner, true)
      t.match(`${agency.name} ${agency.city}`, /spokane/i)
    }
    t.equal(nextCursor, null)
    const lower = await app.inject({ method: 'GET', url: '/v1/agencies?state=wa&q=SPOKANE%20police' })
    t.ok(lower.json().items.some((agency: { name: string }) => agency.name === 'Spokane Police Department'))
    const wildcard = await app.inject({ method: 'GET', url: '/v1/agencies?q=%25' })
    t.equal(wildcard.json().items.length, 0, 'a % in q is a literal, not a wildcard')
    const injection = await app.inject({ method: 'GET', url: `/v1/agencies?q=${encodeURIComponent("' OR 1=1 --")}` })
    t.equal(injection.statusCode, 200)
    t.equal(injection.json().items.length, 0)
  })

  t.test('keyset pagination walks every row once', async (t) => {
    const seen = new Set<string>()
    let cursor: string | null = null
    let pages = 0
    do {
      const url: string = `/v1/agencies?state=CA&limit=40${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await app.inject({ method: 'GET', url })).json()
      for (const agency of page.items) {
        t.notOk(seen.has(agency.id), 'no repeats')
        seen.add(agency.id)
      }
      cursor = page.nextCursor
      pages += 1
    } while (cursor && pages < 50)
    const [{ n }] = (await ctx.database.sql`select count(*)::int as n from agencies where state = 'CA'`) as unknown as [{ n: number }]
    t.equal(seen.size, n)
    t.ok(pages > 1)
  })

  t.test('bad list parameters are 400s', async (t) => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'state=Washington',
      'ringPartner=maybe',
      'cursor=garbage',
      `q=${'x'.repeat(500)}`,
    ]) {
      const response = await app.inject({ method: 'GET', url: `/v1/agencies?${query}` })
      t.equal(response.statusCode, 400, query)
      t.equal(response.json().status, 400)
    }
  })

  t.test('one agency; unknown and malformed ids', async (t) => {
    const [row] = await ctx.database.sql`select id from agencies where name = 'Spokane Police Department'`
    const one = await app.inject({ method: 'GET', url: `/v1/agencies/${row!.id}` })
    t.equal(one.statusCode, 200)
    t.match(one.json(), { name: 'Spokane Police Department', state: 'WA', kind: 'police', ringPartner: true, closures: [] })
    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies/00000000-0000-4000-8000-000000000000' })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies/123' })).statusCode, 400)
  })

  t.test('members add agencies; duplicates conflict; bad fields are listed', async (t) => {
    const payload = {
      name: 'Tacoma Fire Department',
      state: 'WA',
      city: 'Tacoma',
      kind: 'other',
      email: 'records@tacoma.example',
      ringPartner: true,
      ringPartnerSince: '2020-05',
    }
    t.equal((await app.inject({ method: 'POST', url: '/v1/agencies', payload })).statusCode, 401)
    const created = await app.inject({ method: 'POST', url: '/v1/agencies', headers: member.headers, payload })
    t.equal(created.statusCode, 201)
    t.match(created.json(), { name: 'Tacoma Fire Department', ringPartnerSince: '2020-05-01', ringPartnerSincePrecision: 'month' })
    const again = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: member.headers,
      payload: { ...payload, name: 'TACOMA FIRE DEPARTMENT' },
    })
    t.equal(again.statusCode, 409)
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: member.headers,
      payload: { name: '', state: 'XX1', kind: 'army', email: 'nope', portalUrl: 'javascript:alert(1)', ringPartnerSince: '2020-13-45' },
    })
    t.equal(bad.statusCode, 400)
    const paths = bad
      .json()
      .errors.map((error: { path: string }) => error.path)
      .sort()
    t.same(paths, ['body.email', 'body.kind', 'body.name', 'body.portalUrl', 'body.ringPartnerSince', 'body.state'])
    const unknownState = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: member.headers,
      payload: { ...payload, name: 'Nowhere PD', state: 'ZZ' },
    })
    t.equal(unknownState.statusCode, 422)
  })

  t.test('admins correct agencies and set closure days; members cannot', async (t) => {
    const [row] = await ctx.database.sql`select id from agencies where name = 'Spokane Police Department'`
    const url = `/v1/agencies/${row!.id}`
    const patch = { email: 'records@spokanepolice.example', closures: [{ date: '2026-12-24', reason: 'Christmas Eve closure' }] }
    t.equal((await app.inject({ method: 'PATCH', url, headers: member.headers, payload: patch })).statusCode, 403)
    const updated = await app.inject({ method: 'PATCH', url, headers: admin.headers, payload: patch })
    t.equal(updated.statusCode, 200)
    t.match(updated.json(), { email: 'records@spokanepolice.example', closures: [{ date: '2026-12-24', reason: 'Christmas Eve closure' }] })
    const empty = await app.inject({ method: 'PATCH', url, headers: admin.headers, payload: {} })
    t.equal(empty.statusCode, 400)
    const duplicateDates = await app.inject({
      method: 'PATCH',
      url,
      headers: admin.headers,
      payload: {
        closures: [
          { date: '2026-12-24', reason: 'a' },
          { date: '2026-12-24', reason: 'b' },
        ],
      },
    })
    t.equal(duplicateDates.statusCode, 400)
    const missing = await app.inject({
      method: 'PATCH',
      url: '/v1/agencies/00000000-0000-4000-8000-000000000000',
      headers: admin.headers,
      payload: { phone: '1' },
    })
    t.equal(missing.statusCode, 404)
  })

  t.test('CSV import creates, updates and rejects rows with reasons', async (t) => {
    const csv = [
      'name,state,city,kind,email,ring_partner,ring_partner_since',
      'Spokane Police Department,WA,Spokane,police,foia@spokane.example,true,2019-08-01',
      'Olympia Parks Department,WA,Olympia,other,records@olympia.example,true,2019-11',
      ',WA,Nowhere,police,,,',
      'Bad Date PD,WA,Somewhere,police,,true,2019-02-30',
      'Atlantis PD,ZZ,Atlantis,police,,,',
      '"Quoted, Comma PD",OR,Salem,police,,no,',
    ].join('\n')
    const headers = { ...admin.headers, 'content-type': 'text/csv' }
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/agencies/import',
          headers: { ...member.headers, 'content-type': 'text/csv' },
          payload: csv,
        })
      ).statusCode,
      403,
    )
    const response = await app.inject({ method: 'POST', url: '/v1/agencies/import', headers, payload: csv })
    t.equal(response.statusCode, 200)
    const result = response.json()
    t.equal(result.created, 2)
    t.equal(result.updated, 1)
    t.same(
      result.rejected.map((row: { line: number }) => row.line),
      [4, 5, 6],
    )
    t.match(result.rejected[1].reasons.join(' '), /ringPartnerSince/)
    t.match(result.rejected[2].reasons.join(' '), /no records law/)
    const [spokane] = await ctx.database
      .sql`select email, ring_partner_since::text as since from agencies where name = 'Spokane Police Department'`
    t.equal(spokane!.email, 'foia@spokane.example')
    t.equal(spokane!.since, '2019-08-01')

    const noHeader = await app.inject({ method: 'POST', url: '/v1/agencies/import', headers, payload: 'foo,bar\n1,2' })
    t.equal(noHeader.statusCode, 422)
    const wrongType = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers: { ...admin.headers, 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    t.equal(wrongType.statusCode, 415)
    const broken = await app.inject({ method: 'POST', url: '/v1/agencies/import', headers, payload: 'name,state\n"unterminated,WA' })
    t.equal(broken.statusCode, 422)
  })
})
