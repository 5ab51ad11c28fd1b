import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const DAY_SECONDS = 86_400

t.test('email goes only to addresses an administrator approved, within each member’s allowance', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, {
    env: {
      SMTP_URL: smtp.url,
      SWEEP_INTERVAL_SECONDS: '1',
      AGENCY_EMAILS_PER_USER_PER_DAY: '4',
      NEW_ACCOUNT_DAYS: '3',
      NEW_ACCOUNT_AGENCY_EMAILS_PER_DAY: '2',
      AGENCIES_PER_USER_PER_DAY: '3',
    },
  })
  const admin = await signUp(app)
  await startTestWorker(t, ctx, smtp.url)
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${spokane}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })

  /** A member whose account is a month old, past the new-account limit. */
  const establishedMember = async () => {
    const member = await signUp(app)
    await ctx.database.sql`update users set created_at = now() - interval '30 days' where id = ${member.id}`
    return member
  }
  const draftFor = async (user: TestUser, agencyId: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
    t.equal(response.statusCode, 201)
    return response.json().id as string
  }
  const drafts = async (user: TestUser, agencyId: string, count: number) => {
    const ids: string[] = []
    for (let index = 0; index < count; index++) ids.push(await draftFor(user, agencyId))
    return ids
  }
  const submitOne = (user: TestUser, id: string) =>
    app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: user.headers, payload: { via: 'email' } })
  const submitMany = (user: TestUser, ids: string[]) =>
    app.inject({ method: 'POST', url: '/v1/requests/submit', headers: user.headers, payload: { ids, via: 'email' } })
  const agencyEmailsOf = async (user: TestUser) => {
    const [row] = await ctx.database.sql`
      select count(*)::int as count from deliveries join requests on requests.id = deliveries.request_id
      where requests.user_id = ${user.id} and deliveries.recipient = 'agency'`
    return row!.count as number
  }
  const pendingIds = async (user: TestUser) => {
    const response = await app.inject({ method: 'GET', url: '/v1/agencies?emailPending=true&limit=100', headers: user.headers })
    t.equal(response.statusCode, 200)
    return response.json().items.map((agency: { id: string }) => agency.id) as string[]
  }

  t.test('a member’s agency with an arbitrary address is not emailed until an administrator approves it', async (t) => {
    const member = await establishedMember()
    const created = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: member.headers,
      payload: { name: 'Relay Test Police Department', state: 'WA', city: 'Nowhere', kind: 'police', email: 'victim@elsewhere.example' },
    })
    t.equal(created.statusCode, 201)
    const agency = created.json()
    t.match(agency, { email: 'victim@elsewhere.example', emailApproved: false })

    const [single, first, second] = await drafts(member, agency.id, 3)
    const refused = await submitOne(member, single!)
    t.equal(refused.statusCode, 422)
    t.match(
      refused.json().detail,
      /victim@elsewhere\.example \(Relay Test Police Department, agency [0-9a-f-]{36}\) waits for an administrator's approval; file through the portal or by mail/,
    )
    t.same(refused.json().errors, [
      {
        path: 'body.via',
        message: `Request ${single}: the address victim@elsewhere.example of agency ${agency.id} waits for an administrator's approval`,
      },
    ])

    const approvedDraft = await draftFor(member, spokane)
    const bulk = await submitMany(member, [approvedDraft, first!, second!])
    t.equal(bulk.statusCode, 422, 'the whole batch is refused')
    t.same(
      bulk.json().errors.map((error: { path: string }) => error.path),
      ['body.ids.1', 'body.ids.2'],
      'naming each request to the unapproved address',
    )
    for (const id of [single, approvedDraft, first, second]) {
      t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: member.headers })).json().status, 'draft')
    }
    t.equal(await agencyEmailsOf(member), 0, 'nothing was queued')

    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies?emailPending=true', headers: member.headers })).statusCode, 403)
    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies?emailPending=true' })).statusCode, 403)
    t.ok((await pendingIds(admin)).includes(agency.id), 'administrators see it waiting')

    const selfApproval = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${agency.id}`,
      headers: member.headers,
      payload: { emailApproved: true },
    })
    t.equal(selfApproval.statusCode, 403, 'a member cannot approve')
    const sameAddress = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${agency.id}`,
      headers: member.headers,
      payload: { email: 'victim@elsewhere.example' },
    })
    t.equal(sameAddress.statusCode, 403, 'nor set the address again')
    const recreate = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: member.headers,
      payload: {
        name: 'Relay Test Police Department',
        state: 'WA',
        city: 'Nowhere',
        kind: 'police',
        email: 'victim@elsewhere.example',
        emailApproved: true,
      },
    })
    t.equal(recreate.statusCode, 400)
    t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${agency.id}` })).json().emailApproved, false, 'still waiting')

    const approved = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${agency.id}`,
      headers: admin.headers,
      payload: { emailApproved: true },
    })
    t.equal(approved.statusCode, 200)
    t.match(approved.json(), { email: 'victim@elsewhere.example', emailApproved: true })
    t.notOk((await pendingIds(admin)).includes(agency.id))
    const [row] = await ctx.database.sql`select email_approved_by, email_approved_at from agencies where id = ${agency.id}`
    t.equal(row!.email_approved_by, admin.id, 'the approval names the administrator')
    t.ok(row!.email_approved_at)

    const sent = await submitOne(member, single!)
    t.equal(sent.statusCode, 202)
    t.match(sent.json().agency, { id: agency.id, emailApproved: true })
    await eventually(async () => smtp.messages.some((mail) => mail.to[0]!.address === 'victim@elsewhere.example'))
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    t.equal(
      smtp.messages.filter((mail) => mail.to[0]!.address === 'victim@elsewhere.example').length,
      1,
      'exactly one letter reached the address: the one filed after approval',
    )

    const withdrawn = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${agency.id}`,
      headers: admin.headers,
      payload: { emailApproved: false },
    })
    t.equal(withdrawn.json().emailApproved, false, 'an administrator can withdraw approval')
    t.equal((await submitOne(member, first!)).statusCode, 422)
  })

  t.test('addresses an administrator sets, adds or imports are approved; a member’s stay pending', async (t) => {
    const member = await establishedMember()
    const kent = await findAgencyId(app, 'state=WA&q=kent%20police')
    t.equal((await app.inject({ method: 'GET', url: `/v1/agencies/${kent}` })).json().emailApproved, false, 'no address, nothing approved')
    const set = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${kent}`,
      headers: admin.headers,
      payload: { email: 'records@kent.example' },
    })
    t.match(set.json(), { email: 'records@kent.example', emailApproved: true })
    const unapprovedChange = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${kent}`,
      headers: admin.headers,
      payload: { email: 'other@kent.example', emailApproved: false },
    })
    t.match(unapprovedChange.json(), { email: 'other@kent.example', emailApproved: false })
    const noAddress = await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${kent}`,
      headers: admin.headers,
      payload: { email: null, emailApproved: true },
    })
    t.equal(noAddress.statusCode, 422, 'there is no address to approve')

    const byAdmin = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: admin.headers,
      payload: { name: 'Admin Added Sheriff', state: 'WA', kind: 'sheriff', email: 'records@sheriff.example' },
    })
    t.match(byAdmin.json(), { emailApproved: true })

    const memberAgency = (
      await app.inject({
        method: 'POST',
        url: '/v1/agencies',
        headers: member.headers,
        payload: { name: 'Member Added Police', state: 'OR', city: 'Salem', kind: 'police', email: 'someone@member.example' },
      })
    ).json()
    const otherMemberAgency = (
      await app.inject({
        method: 'POST',
        url: '/v1/agencies',
        headers: member.headers,
        payload: { name: 'Another Member Police', state: 'OR', city: 'Bend', kind: 'police', email: 'pending@member.example' },
      })
    ).json()
    t.equal(memberAgency.emailApproved, false)
    const csv = [
      'name,state,city,kind,email',
      'Member Added Police,OR,Salem,police,records@salem.example',
      'Another Member Police,OR,Bend,police,',
      'Imported Police,OR,Eugene,police,records@eugene.example',
    ].join('\n')
    const imported = await app.inject({
      method: 'POST',
      url: '/v1/agencies/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: csv,
    })
    t.match(imported.json(), { created: 1, updated: 2 })
    const byName = async (q: string) =>
      (await app.inject({ method: 'GET', url: `/v1/agencies?state=OR&q=${encodeURIComponent(q)}` })).json().items[0]
    t.match(await byName('imported police'), { email: 'records@eugene.example', emailApproved: true }, 'a new imported address')
    t.match(await byName('member added'), { email: 'records@salem.example', emailApproved: true }, 'an address the import replaces')
    t.match(await byName('another member'), { email: 'pending@member.example', emailApproved: false }, 'an empty cell approves nothing')
    t.ok((await pendingIds(admin)).includes(otherMemberAgency.id))
  })

  t.test('a member may send only so many emails to agencies a day (429 with Retry-After), admins any number', async (t) => {
    const member = await establishedMember()
    const ids = await drafts(member, spokane, 5)
    t.equal((await submitMany(member, ids.slice(0, 3))).statusCode, 202)

    const refused = await submitMany(member, ids.slice(3, 5))
    t.equal(refused.statusCode, 429)
    t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
    const [oldest] = await ctx.database.sql`
      select min(deliveries.created_at) as at from deliveries join requests on requests.id = deliveries.request_id
      where requests.user_id = ${member.id} and deliveries.kind = 'letter'`
    const fitsAt = new Date(new Date(oldest!.at).getTime() + DAY_SECONDS * 1000)
    t.same(refused.json(), {
      type: '/problems/quota-exceeded',
      title: 'Too many requests',
      status: 429,
      detail: `Each account may send 4 emails to agencies in any 24 hours; this account used 3 in the last 24 hours, 1 is left, and this call asks for 2. The same call fits from ${fitsAt.toISOString()}.`,
    })
    const retryAfter = Number(refused.headers['retry-after'])
    t.ok(retryAfter > DAY_SECONDS - 120 && retryAfter <= DAY_SECONDS, `Retry-After ${retryAfter} is about a day`)
    t.equal((await agencyEmailsOf(member)).valueOf(), 3, 'nothing more was queued')

    t.equal((await submitOne(member, ids[3]!)).statusCode, 202, 'what is left can still be used')
    const more = await drafts(member, spokane, 5)
    const tooBig = await submitMany(member, more)
    t.equal(tooBig.statusCode, 422, 'more than a day’s allowance in one call never fits')
    t.match(tooBig.json().detail, /this call asks for 5\. Split it into batches of at most 4\./)

    const adminDrafts = await drafts(admin, spokane, 6)
    t.equal((await submitMany(admin, adminDrafts)).statusCode, 202, 'administrators are not limited')
    t.equal(
      (await app.inject({ method: 'POST', url: '/v1/requests/submit', headers: member.headers, payload: { ids: more, via: 'portal' } }))
        .statusCode,
      200,
      'filing elsewhere is not limited',
    )
  })

  t.test('a new account may file only a few drafts by email a day', async (t) => {
    const newcomer = await signUp(app)
    const ids = await drafts(newcomer, spokane, 4)
    const refused = await submitMany(newcomer, ids.slice(0, 3))
    t.equal(refused.statusCode, 429)
    const [account] = await ctx.database.sql`select created_at from users where id = ${newcomer.id}`
    const grownUp = new Date(new Date(account!.created_at).getTime() + 3 * DAY_SECONDS * 1000)
    t.equal(
      refused.json().detail,
      `Accounts younger than 3 days may send 2 emails to agencies in any 24 hours (4 once this account is older, from ${grownUp.toISOString()}); this account used 0 in the last 24 hours, 2 are left, and this call asks for 3. The same call fits from ${grownUp.toISOString()}.`,
    )
    const retryAfter = Number(refused.headers['retry-after'])
    t.ok(retryAfter > 3 * DAY_SECONDS - 120 && retryAfter <= 3 * DAY_SECONDS, `Retry-After ${retryAfter} is about three days`)
    t.equal(await agencyEmailsOf(newcomer), 0)

    t.equal((await submitMany(newcomer, ids.slice(0, 2))).statusCode, 202)
    const third = await submitOne(newcomer, ids[2]!)
    t.equal(third.statusCode, 429)
    const waitsForWindow = Number(third.headers['retry-after'])
    t.ok(waitsForWindow > DAY_SECONDS - 120 && waitsForWindow <= DAY_SECONDS, 'one more fits once the first two are a day old')
  })

  t.test('a member may add only so many agencies a day', async (t) => {
    const member = await establishedMember()
    const add = (user: TestUser, index: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/agencies',
        headers: user.headers,
        payload: { name: `Limit Test Police ${index}`, state: 'ID', kind: 'police' },
      })
    for (const index of [1, 2, 3]) t.equal((await add(member, index)).statusCode, 201)
    const refused = await add(member, 4)
    t.equal(refused.statusCode, 429)
    t.match(
      refused.json().detail,
      /^Each account may add 3 agencies in any 24 hours; this account used 3 in the last 24 hours, 0 are left, and this call asks for 1\. The same call fits from /,
    )
    const retryAfter = Number(refused.headers['retry-after'])
    t.ok(retryAfter > DAY_SECONDS - 120 && retryAfter <= DAY_SECONDS)
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/agencies?state=ID&q=limit%20test' })).json().items.length,
      3,
      'the fourth was not added',
    )
    for (const index of [5, 6, 7, 8]) t.equal((await add(admin, index)).statusCode, 201, 'administrators are not limited')
  })
})
