// Agency contacts: members suggest, administrators review; replies from unknown addresses become
// suggestions; every change of a contact is kept; the CSV import leaves what a row does not say alone.
import t from 'tap'
import { createInboundHandlers } from '../../src/modules/correspondence/ingest.service.js'
import { buildTestApp, fileRequest, findAgencyId, signUp } from '../helpers/app.js'
import { composeMail, postRaw } from '../helpers/inbound-mail.js'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const TOKEN = 'inbound-secret-0123456789'

t.test('agency contact suggestions', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { INBOUND_TOKEN: TOKEN } })
  const admin = await signUp(app)
  const member = await signUp(app)
  const other = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=kent%20police')
  const sql = ctx.database.sql

  const suggest = (payload: unknown, headers: Record<string, string> | undefined = member.headers, id = agencyId) =>
    app.inject({ method: 'POST', url: `/v1/agencies/${id}/suggestions`, headers, payload: payload as Record<string, unknown> })
  const review = (id: string, decision: 'accept' | 'reject', headers: Record<string, string> | undefined = admin.headers) =>
    app.inject({ method: 'POST', url: `/v1/agency-suggestions/${id}/${decision}`, headers })
  const pending = async () =>
    (await app.inject({ method: 'GET', url: '/v1/agency-suggestions?status=pending&limit=100', headers: admin.headers })).json().items as {
      id: string
      email: string | null
      source: string
      agency: { id: string }
    }[]
  const agency = async () => (await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}` })).json()

  t.test('a member suggests; nothing changes until an administrator accepts', async (t) => {
    const created = await suggest({
      email: ' records@cityoftacoma.example ',
      mailingAddress: '3701 S Pine St\n  Tacoma, WA 98409',
      note: 'From the department’s “Public records” page',
    })
    t.equal(created.statusCode, 201)
    const suggestion = created.json()
    t.match(suggestion, {
      agency: { id: agencyId },
      status: 'pending',
      source: 'member',
      email: 'records@cityoftacoma.example',
      mailingAddress: '3701 S Pine St\nTacoma, WA 98409',
      portalUrl: null,
      current: { email: null },
      suggestedBy: { id: member.id },
      reviewedBy: null,
    })
    t.equal((await agency()).email, null, 'the agency is unchanged')

    const accepted = await review(suggestion.id, 'accept')
    t.equal(accepted.statusCode, 200)
    t.match(accepted.json(), { status: 'accepted', reviewedBy: { id: admin.id }, current: { email: 'records@cityoftacoma.example' } })
    t.match(await agency(), {
      email: 'records@cityoftacoma.example',
      emailApproved: true,
      mailingAddress: '3701 S Pine St\nTacoma, WA 98409',
    })
    const again = await review(suggestion.id, 'accept')
    t.equal(again.statusCode, 409, 'a suggestion is reviewed once')
    t.equal((await review(suggestion.id, 'reject')).statusCode, 409)

    const history = (await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}/contact-history` })).json()
    t.match(
      history.items.map((change: { field: string }) => change.field).sort(),
      ['email', 'mailingAddress'],
      'each changed field is in the history',
    )
    t.match(history.items[0], { source: 'suggestion', suggestionId: suggestion.id, oldValue: null })
    t.notOk('changedBy' in history.items[0], 'the public history does not name who changed it')
  })

  t.test('a rejected suggestion changes nothing', async (t) => {
    const created = (await suggest({ phone: '253-555-0100' })).json()
    const rejected = await review(created.id, 'reject')
    t.equal(rejected.statusCode, 200)
    t.equal(rejected.json().status, 'rejected')
    t.equal((await agency()).phone, null)
    t.notOk(
      (await pending()).some((item) => item.id === created.id),
      'no longer pending',
    )
  })

  t.test('administrators edit and import: each contact change is kept', async (t) => {
    const before = (await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}/contact-history` })).json().items.length
    await app.inject({ method: 'PATCH', url: `/v1/agencies/${agencyId}`, headers: admin.headers, payload: { phone: '253-555-0199' } })
    const csv = 'name,state,city,portal_url\nKent Police Department,WA,Kent,https://tacoma.nextrequest.example/\n'
    const imported = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: csv,
    })
    t.match(imported.json(), { created: 0, updated: 1 })
    const history = (await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}/contact-history?limit=2` })).json()
    t.match(history.items, [
      { field: 'portalUrl', source: 'import', newValue: 'https://tacoma.nextrequest.example/' },
      { field: 'phone', source: 'edit', oldValue: null, newValue: '253-555-0199' },
    ])
    t.ok(history.nextCursor, 'paged')
    const rest = (
      await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}/contact-history?limit=100&cursor=${history.nextCursor}` })
    ).json()
    t.equal(rest.items.length + 2, before + 2, 'the next page holds the rest')
  })

  t.test('the CSV import leaves a kind it is not given alone', async (t) => {
    const [tacoma] = await sql`select kind from agencies where id = ${agencyId}`
    t.equal(tacoma!.kind, 'police', 'the import above had no kind column and left it')
    const headers = { ...admin.headers, 'content-type': 'text/csv' }
    const empty = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers,
      payload: 'name,state,city,kind\nKent Police Department,WA,Kent,\nNew Kindless Office,WA,Kent,\n',
    })
    t.match(empty.json(), { created: 1, updated: 1 })
    const rows =
      await sql`select name, kind from agencies where city = 'Kent' and name in ('Kent Police Department', 'New Kindless Office') order by name`
    t.same(
      rows.map((row) => [row.name, row.kind]),
      [
        ['Kent Police Department', 'police'],
        ['New Kindless Office', 'other'],
      ],
      'an empty cell keeps the kind; a new agency without one is "other"',
    )
    await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers,
      payload: 'name,state,city,kind\nKent Police Department,WA,Kent,sheriff\n',
    })
    const [changed] = await sql`select kind from agencies where id = ${agencyId}`
    t.equal(changed!.kind, 'sheriff', 'a kind that is given is applied')
    await app.inject({ method: 'PATCH', url: `/v1/agencies/${agencyId}`, headers: admin.headers, payload: { kind: 'police' } })
  })

  t.test('permissions', async (t) => {
    const created = (await suggest({ email: 'clerk@cityoftacoma.example' }, other.headers)).json()
    t.equal((await suggest({ email: 'a@b.example' }, {})).statusCode, 401, 'anonymous cannot suggest')
    t.equal((await app.inject({ method: 'GET', url: '/v1/agency-suggestions' })).statusCode, 401)
    t.equal((await app.inject({ method: 'GET', url: '/v1/agency-suggestions', headers: member.headers })).statusCode, 403)
    t.equal((await review(created.id, 'accept', member.headers)).statusCode, 403, 'a member cannot accept')
    t.equal((await review(created.id, 'reject', other.headers)).statusCode, 403, 'nor reject their own')
    t.equal((await review(created.id, 'accept', {})).statusCode, 401)
    t.ok(
      (await pending()).some((item) => item.id === created.id),
      'still pending',
    )
  })

  t.test('wrong types, unknown ids, hostile input', async (t) => {
    for (const [payload, path] of [
      [{}, null],
      [{ note: 'only a note' }, null],
      [{ email: 42 }, 'body.email'],
      [{ email: 'not an address' }, 'body.email'],
      [{ portalUrl: 'javascript:alert(1)' }, 'body.portalUrl'],
      [{ portalUrl: 'ftp://example.org/' }, 'body.portalUrl'],
      [{ phone: 'x'.repeat(51) }, 'body.phone'],
      [{ email: 'a@b.example', note: 'x'.repeat(2001) }, 'body.note'],
      [{ email: 'a@b.example', role: 'admin' }, null],
      [{ email: '', phone: '   ' }, null],
    ] as const) {
      const answer = await suggest(payload)
      t.equal(answer.statusCode, 400, JSON.stringify(payload).slice(0, 80))
      t.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8')
      if (path) t.match(answer.json().errors, [{ path }])
    }
    const broken = await app.inject({
      method: 'POST',
      url: `/v1/agencies/${agencyId}/suggestions`,
      headers: { ...member.headers, 'content-type': 'application/json' },
      payload: '{"email": ',
    })
    t.equal(broken.statusCode, 400, 'broken JSON')
    t.equal((await suggest({ email: 'a@b.example' }, member.headers, UNKNOWN)).statusCode, 404)
    t.equal((await suggest({ email: 'a@b.example' }, member.headers, 'not-a-uuid')).statusCode, 400)
    t.equal((await review(UNKNOWN, 'accept')).statusCode, 404)
    t.equal((await review('not-a-uuid', 'reject')).statusCode, 400)
    for (const query of ['status=maybe', 'limit=0', 'limit=1000', 'agencyId=nope', 'cursor=garbage']) {
      t.equal((await app.inject({ method: 'GET', url: `/v1/agency-suggestions?${query}`, headers: admin.headers })).statusCode, 400, query)
    }
    t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${UNKNOWN}/contact-history` })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}/contact-history?cursor=x` })).statusCode, 400)

    const markup = (await suggest({ phone: '<script>alert(1)</script>', note: "'; drop table agencies; --" })).json()
    t.equal(markup.phone, '<script>alert(1)</script>', 'stored as text')
    const page = await app.inject({ method: 'GET', url: '/admin/suggestions', headers: admin.headers })
    t.equal(page.statusCode, 200)
    t.notMatch(page.body, /<script>alert/, 'escaped on the admin page')
    t.match(page.body, /&lt;script&gt;alert/)
    t.equal((await app.inject({ method: 'GET', url: '/admin/suggestions', headers: member.headers })).statusCode, 403)
    await review(markup.id, 'reject')
  })

  t.test('the review queue pages oldest first and filters by agency', async (t) => {
    const other = await findAgencyId(app, 'state=WA&q=olympia%20police')
    for (let i = 0; i < 3; i++) await suggest({ phone: `360-555-010${i}` }, member.headers, other)
    const first = (
      await app.inject({ method: 'GET', url: `/v1/agency-suggestions?agencyId=${other}&status=pending&limit=2`, headers: admin.headers })
    ).json()
    t.same(
      first.items.map((item: { phone: string }) => item.phone),
      ['360-555-0100', '360-555-0101'],
    )
    const second = (
      await app.inject({
        method: 'GET',
        url: `/v1/agency-suggestions?agencyId=${other}&status=pending&limit=2&cursor=${first.nextCursor}`,
        headers: admin.headers,
      })
    ).json()
    t.same(
      second.items.map((item: { phone: string }) => item.phone),
      ['360-555-0102'],
    )
    t.equal(second.nextCursor, null)
  })

  t.test('a reply from an address the agency does not list becomes a pending suggestion, once', async (t) => {
    const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
    const ingest = createInboundHandlers(ctx).ingest
    const reply = async (from: string, n: number) => {
      const request = await fileRequest(app, member)
      const { replyAddress } = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: member.headers })).json()
      const raw = await composeMail({
        from,
        to: replyAddress,
        subject: 'Your records request',
        messageId: `<reply-${n}@test>`,
        text: 'We have it.',
      })
      const accepted = await postRaw(app, raw, TOKEN)
      t.equal(accepted.statusCode, 202)
      await ingest(accepted.json().id)
    }
    const fromReplies = async () => (await pending()).filter((item) => item.source === 'reply' && item.agency.id === spokane)

    await reply('Clerk@Spokane.example', 1)
    t.match(await fromReplies(), [{ email: 'clerk@spokane.example' }], 'nothing on file to compare with: suggested')
    await reply('clerk@spokane.example', 2)
    t.equal((await fromReplies()).length, 1, 'the same address again is not suggested twice')

    await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${spokane}`,
      headers: admin.headers,
      payload: { email: 'records@spokanecity.example' },
    })
    await reply('police@pd.spokanecity.example', 3)
    await reply('someone@elsewhere.example', 4)
    await reply('records@spokanecity.example', 5)
    const emails = (await fromReplies()).map((item) => item.email)
    t.same(emails, ['clerk@spokane.example', 'police@pd.spokanecity.example'], 'only the agency’s own domain; never the listed address')
    const [suggestion] = (await fromReplies()).slice(-1)
    await review(suggestion!.id, 'reject')
    await reply('police@pd.spokanecity.example', 6)
    t.notOk(
      (await fromReplies()).some((item) => item.email === 'police@pd.spokanecity.example'),
      'a rejected address does not come back',
    )
  })
})
