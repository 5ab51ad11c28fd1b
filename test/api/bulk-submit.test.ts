import t from 'tap'
import { buildTestApp, findAgencyId, manualClock, signUp, type TestUser } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

// Friday, November 20, 2026, 10:00 in Spokane (PST).
const clock = manualClock('2026-11-20T18:00:00.000Z')

t.test('POST /v1/requests/submit files many drafts at once, or none', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { clock, env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  const admin = await signUp(app)
  const requester = await signUp(app, { email: 'campaign@example.org', name: 'Campaign Organizer' })
  const other = await signUp(app)
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const tacoma = await findAgencyId(app, 'state=WA&q=olympia%20police')
  const houston = await findAgencyId(app, 'state=TX&q=houston%20police')
  const noEmail = await findAgencyId(app, 'state=WA&q=kent%20police')
  for (const [id, email] of [
    [spokane, 'records@spokane.example'],
    [tacoma, 'records@olympia.example'],
    [houston, 'records@houston.example'],
  ]) {
    await app.inject({ method: 'PATCH', url: `/v1/agencies/${id}`, headers: admin.headers, payload: { email } })
  }
  const draftFor = async (user: TestUser, agencyId: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json().id as string
  const submitMany = (user: TestUser, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/requests/submit', headers: user.headers, payload: payload as object })
  const statusOf = async (user: TestUser, id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: user.headers })).json().status

  t.test('each draft gets its own law’s due date, its timeline entry and its reminders', async (t) => {
    const ids = [await draftFor(requester, spokane), await draftFor(requester, houston)]
    const response = await submitMany(requester, { ids, via: 'portal' })
    t.equal(response.statusCode, 200)
    const { items } = response.json()
    t.same(
      items.map((item: { id: string }) => item.id),
      ids,
      'in the order asked',
    )
    t.match(items[0], {
      status: 'submitted',
      submittedVia: 'portal',
      submittedAt: '2026-11-20T18:00:00.000Z',
      dueDate: '2026-12-01',
      agency: { state: 'WA' },
    })
    t.match(items[0].deadline.rule, /RCW 42\.56/)
    t.match(items[1], { status: 'submitted', agency: { state: 'TX' } })
    t.match(items[1].deadline.rule, /Texas/)
    for (const id of ids) {
      const single = (await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: requester.headers })).json()
      t.same(single, items[ids.indexOf(id)], 'the answer matches what GET shows')
      const events = (await app.inject({ method: 'GET', url: `/v1/requests/${id}/events`, headers: requester.headers })).json()
      t.match(events.at(-1), {
        type: 'submitted',
        note: 'Submitted by portal',
        statusBefore: 'draft',
        statusAfter: 'submitted',
        dueDateAfter: single.dueDate,
      })
      const reminders = (await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers: requester.headers })).json()
      t.same(
        reminders.map((reminder: { kind: string }) => reminder.kind),
        ['due_soon', 'due_today', 'overdue', 'follow_up'],
      )
    }
  })

  t.test('with via "email" every letter is emailed to its agency (202)', async (t) => {
    await startTestWorker(t, ctx, smtp.url)
    const ids = [await draftFor(requester, spokane), await draftFor(requester, tacoma)]
    const response = await submitMany(requester, { ids, via: 'email' })
    t.equal(response.statusCode, 202)
    // The test clock is behind the database's, so the worker also sends the first test's reminders.
    const letters = await eventually(async () => {
      const toAgencies = smtp.messages.filter((mail) => mail.to[0]!.address.startsWith('records@'))
      return toAgencies.length >= 2 ? toAgencies : null
    })
    t.same(letters.map((mail) => mail.to[0]!.address).sort(), ['records@olympia.example', 'records@spokane.example'])
    for (const mail of letters) t.equal(mail.attachments[0]!.contentType, 'application/pdf')
  })

  t.test('nothing is submitted when any id is wrong, and the answer names each one', async (t) => {
    const mine = await draftFor(requester, spokane)
    const theirs = await draftFor(other, spokane)
    const unknown = '9b2e1a4c-8f3d-4a6b-9c1e-2d3f4a5b6c7d'

    const missing = await submitMany(requester, { ids: [mine, unknown, theirs], via: 'mail' })
    t.equal(missing.statusCode, 404, 'unknown ids and others’ drafts are not found')
    t.match(missing.json().detail, unknown)
    t.match(missing.json().detail, theirs)
    t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8')

    const filed = await draftFor(requester, spokane)
    t.equal((await submitMany(requester, { ids: [filed], via: 'mail' })).statusCode, 200)
    const conflict = await submitMany(requester, { ids: [mine, filed], via: 'mail' })
    t.equal(conflict.statusCode, 409)
    t.match(conflict.json().detail, `${filed} is submitted`)

    const publicOfOther = await draftFor(other, tacoma)
    await submitMany(other, { ids: [publicOfOther], via: 'mail' })
    const forbidden = await submitMany(requester, { ids: [mine, publicOfOther], via: 'mail' })
    t.equal(forbidden.statusCode, 403, 'another user’s public request is visible but not theirs to submit')

    const unreachable = await draftFor(requester, noEmail)
    const withoutEmail = await submitMany(requester, { ids: [mine, unreachable], via: 'email' })
    t.equal(withoutEmail.statusCode, 422)
    t.same(withoutEmail.json().errors, [{ path: 'body.ids.1', message: 'The agency has no email address' }])

    t.equal(await statusOf(requester, mine), 'draft', 'the valid draft was left alone every time')
    t.equal(await statusOf(other, theirs), 'draft')
  })

  t.test('an admin may submit anyone’s drafts', async (t) => {
    const theirs = await draftFor(other, houston)
    t.equal((await submitMany(admin, { ids: [theirs], via: 'fax' })).statusCode, 200)
    t.equal(await statusOf(other, theirs), 'submitted')
  })

  t.test('bad bodies are 400s listing every problem', async (t) => {
    const mine = await draftFor(requester, spokane)
    const cases: [unknown, string[]][] = [
      [{}, ['body.ids', 'body.via']],
      [{ ids: [], via: 'mail' }, ['body.ids']],
      [{ ids: [mine, mine.toUpperCase()], via: 'mail' }, ['body.ids']],
      [{ ids: 'x', via: 'pigeon' }, ['body.ids', 'body.via']],
      [{ ids: [mine, 42, 'not-a-uuid'], via: 'mail' }, ['body.ids.1', 'body.ids.2']],
      [{ ids: [mine], via: 'mail', submittedAt: 'yesterday', extra: true }, ['body.extra', 'body.submittedAt']],
      [{ ids: Array.from({ length: 1_001 }, () => crypto.randomUUID()), via: 'mail' }, ['body.ids']],
    ]
    for (const [payload, paths] of cases) {
      const response = await submitMany(requester, payload)
      t.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 80))
      t.same(
        response
          .json()
          .errors.map((error: { path: string }) => error.path)
          .sort(),
        paths.sort(),
      )
    }
    const future = await submitMany(requester, { ids: [mine], via: 'mail', submittedAt: '2027-01-01T00:00:00Z' })
    t.equal(future.statusCode, 422)
    t.equal((await app.inject({ method: 'POST', url: '/v1/requests/submit', payload: { ids: [mine], via: 'mail' } })).statusCode, 401)
    t.equal(await statusOf(requester, mine), 'draft')
  })

  t.test('a thousand drafts in one call', async (t) => {
    // Copies of one draft, to California agencies (made in SQL: a thousand POSTs would only slow the test).
    const template = await draftFor(requester, spokane)
    const ids = (
      await ctx.database.sql`
        insert into requests (user_id, agency_id, template_slug, variables, subject, body, visibility, reply_key)
        select r.user_id, a.id, r.template_slug, r.variables, r.subject, r.body, r.visibility, 'request-copy' || n
        from requests r, generate_series(1, 1000) as n
        join lateral (select id from agencies where state = 'CA' order by name offset n % 50 limit 1) a on true
        where r.id = ${template}
        returning id`
    ).map((row) => row.id as string)
    const response = await submitMany(requester, { ids, via: 'mail' })
    t.equal(response.statusCode, 200)
    t.equal(response.json().items.length, 1_000)
    const [counts] = await ctx.database.sql`
      select count(*) filter (where status = 'submitted')::int as submitted,
             (select count(*)::int from request_events where type = 'submitted' and request_id = any(${`{${ids.join(',')}}`}::uuid[])) as events
      from requests where id = any(${`{${ids.join(',')}}`}::uuid[])`
    t.same(counts, { submitted: 1_000, events: 1_000 })
  })
})
