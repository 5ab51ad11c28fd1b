import t from 'tap'
import { buildTestApp, findAgencyId, manualClock, signUp } from '../helpers/app.js'
import { extractPdfText } from '../helpers/pdf-text.js'

// Friday, November 20, 2026, 10:00 in Spokane (PST).
const clock = manualClock('2026-11-20T18:00:00.000Z')

t.test('the requester story: find an agency, write, submit, track', async (t) => {
  const { app } = await buildTestApp(t, { clock })
  const requester = await signUp(app, { email: 'jose@example.org', name: 'José Núñez', mailingAddress: '12 W Main Ave\nSpokane, WA 99201' })
  const spokane = await findAgencyId(app, 'state=WA&ringPartner=true&q=spokane%20police')

  const preview = await app.inject({ method: 'POST', url: '/v1/templates/ring-partnership/render', payload: { agencyId: spokane } })
  t.equal(preview.statusCode, 200)
  t.match(preview.json().body, /Public Records Act/)
  t.match(preview.json().body, /five business days/)

  const created = await app.inject({
    method: 'POST',
    url: '/v1/requests',
    headers: requester.headers,
    payload: { agencyId: spokane, templateSlug: 'ring-partnership', variables: { date_from: 'January 1, 2019' } },
  })
  t.equal(created.statusCode, 201)
  const draft = created.json()
  t.match(draft, {
    status: 'draft',
    visibility: 'public',
    templateSlug: 'ring-partnership',
    agency: { id: spokane, name: 'Spokane Police Department', state: 'WA' },
    submittedAt: null,
    dueDate: null,
    deadline: null,
    overdue: false,
    replyAddress: /^request-[a-z0-9]+@replies\.records\.test$/,
  })
  t.match(draft.subject, /Spokane Police Department/)
  t.match(draft.body, /RCW 42\.56/)
  t.match(draft.body, /January 1, 2019/)
  t.match(draft.body, /José Núñez/)

  const edited = await app.inject({
    method: 'PATCH',
    url: `/v1/requests/${draft.id}`,
    headers: requester.headers,
    payload: { body: `${draft.body}\n\nP.S. Électronique, s'il vous plaît.` },
  })
  t.equal(edited.statusCode, 200)

  const pdf = await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}/letter.pdf`, headers: requester.headers })
  t.equal(pdf.statusCode, 200)
  t.equal(pdf.headers['content-type'], 'application/pdf')
  t.match(pdf.headers['content-disposition'], /records-request-spokane-police-department\.pdf/)
  const pages = await extractPdfText(pdf.rawPayload)
  const text = pages.join('\n').replace(/\s+/g, ' ')
  for (const expected of [
    'José Núñez',
    '12 W Main Ave',
    'November 20, 2026',
    'Spokane Police Department',
    'RCW 42.56',
    "Électronique, s'il vous plaît",
  ]) {
    t.ok(text.includes(expected), `the PDF says ${expected}`)
  }

  const submitted = await app.inject({
    method: 'POST',
    url: `/v1/requests/${draft.id}/submit`,
    headers: requester.headers,
    payload: { via: 'portal' },
  })
  t.equal(submitted.statusCode, 200)
  const request = submitted.json()
  t.equal(request.status, 'submitted')
  t.equal(request.submittedVia, 'portal')
  t.equal(request.submittedAt, '2026-11-20T18:00:00.000Z')
  // Mon 23, Tue 24, Wed 25, (Thanksgiving, Native American Heritage Day), Mon 30, Tue Dec 1.
  t.equal(request.dueDate, '2026-12-01')
  t.equal(request.deadline.dueDate, '2026-12-01')
  t.equal(request.deadline.countedFrom, '2026-11-20')
  t.match(request.deadline.rule, /5 business days/)
  const skipped = request.deadline.skipped.map((day: { date: string }) => day.date)
  t.ok(skipped.includes('2026-11-26') && skipped.includes('2026-11-27'), 'Thanksgiving and the day after are skipped')
  t.ok(request.deadline.skipped.find((day: { date: string; reason: string }) => day.date === '2026-11-26').reason.includes('Thanksgiving'))

  const lateEdit = await app.inject({
    method: 'PATCH',
    url: `/v1/requests/${draft.id}`,
    headers: requester.headers,
    payload: { subject: 'changed' },
  })
  t.equal(lateEdit.statusCode, 409, 'the letter is frozen once sent')
  const tracking = await app.inject({
    method: 'PATCH',
    url: `/v1/requests/${draft.id}`,
    headers: requester.headers,
    payload: { trackingNumber: 'P012345-112026' },
  })
  t.equal(tracking.statusCode, 200)
  t.equal(tracking.json().trackingNumber, 'P012345-112026')

  clock.set('2026-11-24T17:30:00.000Z')
  const ack = await app.inject({
    method: 'POST',
    url: `/v1/requests/${draft.id}/events`,
    headers: requester.headers,
    payload: { type: 'acknowledged', note: 'Records officer confirmed receipt' },
  })
  t.equal(ack.statusCode, 201)
  t.match(ack.json(), { type: 'acknowledged', statusBefore: 'submitted', statusAfter: 'acknowledged', dueDateAfter: '2026-12-01' })

  const extension = await app.inject({
    method: 'POST',
    url: `/v1/requests/${draft.id}/events`,
    headers: requester.headers,
    payload: { type: 'extended', extensionDays: 10, note: 'Needs more time to search email' },
  })
  t.equal(extension.statusCode, 201)
  // Ten business days on from Tue Dec 1: Dec 2, 3, 4, 7, 8, 9, 10, 11, 14, 15.
  t.equal(extension.json().dueDateAfter, '2026-12-15')

  const after = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: requester.headers })).json()
  t.equal(after.status, 'acknowledged')
  t.equal(after.dueDate, '2026-12-15')
  t.match(after.deadline.rule, /10/)

  const timeline = await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}/events`, headers: requester.headers })
  t.equal(timeline.statusCode, 200)
  t.same(
    timeline.json().map((event: { type: string }) => event.type),
    ['created', 'submitted', 'acknowledged', 'extended'],
  )

  t.test('an event the status does not allow is a 409 naming both', async (t) => {
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/events`,
      headers: requester.headers,
      payload: { type: 'fee_paid' },
    })
    t.equal(refused.statusCode, 409)
    t.match(refused.json().detail, /fee_paid/)
    t.match(refused.json().detail, /acknowledged/)
    const resubmit = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/submit`,
      headers: requester.headers,
      payload: { via: 'mail' },
    })
    t.equal(resubmit.statusCode, 409)
  })

  t.test('a fee request pauses the clock and payment resumes it', async (t) => {
    clock.set('2026-12-02T17:00:00.000Z')
    const fee = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/events`,
      headers: requester.headers,
      payload: { type: 'fee_requested', amount: 12.5 },
    })
    t.equal(fee.statusCode, 201)
    t.match(fee.json(), { statusAfter: 'awaiting_fee', amount: 12.5, dueDateAfter: null })
    const paused = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: requester.headers })).json()
    t.equal(paused.dueDate, null)
    t.equal(paused.deadline.pausedSince, '2026-12-02')
    t.equal(paused.overdue, false)

    clock.set('2026-12-04T17:00:00.000Z')
    const paid = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/events`,
      headers: requester.headers,
      payload: { type: 'fee_paid', amount: 12.5 },
    })
    t.equal(paid.statusCode, 201)
    // Paused Thu Dec 3 and Fri Dec 4 (two business days): Dec 15 moves to Dec 17.
    t.equal(paid.json().dueDateAfter, '2026-12-17')
    const resumed = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: requester.headers })).json()
    t.equal(resumed.deadline.pausedDays, 2)
    t.equal(paid.json().amount, 12.5, 'the payment records its amount')
    t.equal(resumed.status, 'acknowledged', 'back to the status before the fee request')
  })

  t.test('overdue shows once the due date has passed, and closing clears it', async (t) => {
    clock.set('2026-12-18T17:00:00.000Z')
    const late = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: requester.headers })).json()
    t.equal(late.overdue, true)
    const overdueList = (await app.inject({ method: 'GET', url: '/v1/requests?overdue=true', headers: requester.headers })).json()
    t.same(
      overdueList.items.map((item: { id: string }) => item.id),
      [draft.id],
    )
    const done = await app.inject({
      method: 'POST',
      url: `/v1/requests/${draft.id}/events`,
      headers: requester.headers,
      payload: { type: 'fulfilled' },
    })
    t.equal(done.statusCode, 201)
    const closed = (await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: requester.headers })).json()
    t.equal(closed.overdue, false)
    t.same(closed.allowedEvents, ['appealed', 'note'])
    const notOverdue = (await app.inject({ method: 'GET', url: '/v1/requests?overdue=true', headers: requester.headers })).json()
    t.same(notOverdue.items, [])
  })
})

t.test('who may see and change what', async (t) => {
  const { app } = await buildTestApp(t, { clock })
  clock.set('2026-11-20T18:00:00.000Z')
  const admin = await signUp(app)
  const owner = await signUp(app)
  const stranger = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const make = async (visibility: 'public' | 'private') =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: owner.headers,
        payload: { agencyId, templateSlug: 'ring-partnership', visibility },
      })
    ).json()

  const draft = await make('public')
  const secret = await make('private')
  const open = await make('public')
  for (const request of [secret, open]) {
    const response = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/submit`,
      headers: owner.headers,
      payload: { via: 'mail' },
    })
    t.equal(response.statusCode, 200)
  }

  for (const [name, request] of [
    ['draft', draft],
    ['private', secret],
  ] as const) {
    for (const url of [`/v1/requests/${request.id}`, `/v1/requests/${request.id}/events`, `/v1/requests/${request.id}/letter.pdf`]) {
      const response = await app.inject({ method: 'GET', url, headers: stranger.headers })
      t.equal(response.statusCode, 404, `a stranger cannot see the ${name} request at ${url}`)
    }
    const patch = await app.inject({
      method: 'PATCH',
      url: `/v1/requests/${request.id}`,
      headers: stranger.headers,
      payload: { visibility: 'public' },
    })
    t.equal(patch.statusCode, 404)
    const event = await app.inject({
      method: 'POST',
      url: `/v1/requests/${request.id}/events`,
      headers: stranger.headers,
      payload: { type: 'note', note: 'hi' },
    })
    t.equal(event.statusCode, 404)
  }

  const publicView = await app.inject({ method: 'GET', url: `/v1/requests/${open.id}`, headers: stranger.headers })
  t.equal(publicView.statusCode, 200, 'a submitted public request is readable by others')
  const meddle = await app.inject({
    method: 'POST',
    url: `/v1/requests/${open.id}/events`,
    headers: stranger.headers,
    payload: { type: 'withdrawn' },
  })
  t.equal(meddle.statusCode, 403, 'but not changeable')

  const adminView = await app.inject({ method: 'GET', url: `/v1/requests/${secret.id}`, headers: admin.headers })
  t.equal(adminView.statusCode, 200)
  const adminList = (await app.inject({ method: 'GET', url: '/v1/requests', headers: admin.headers })).json()
  t.equal(adminList.items.length, 3)
  const strangerList = (await app.inject({ method: 'GET', url: '/v1/requests', headers: stranger.headers })).json()
  t.same(strangerList.items, [], 'the list shows the caller’s own requests')

  const ownList = (
    await app.inject({ method: 'GET', url: '/v1/requests?status=submitted&state=WA&limit=1', headers: owner.headers })
  ).json()
  t.equal(ownList.items.length, 1)
  t.type(ownList.nextCursor, 'string')
  const nextPage = (
    await app.inject({
      method: 'GET',
      url: `/v1/requests?status=submitted&state=WA&limit=1&cursor=${ownList.nextCursor}`,
      headers: owner.headers,
    })
  ).json()
  t.equal(nextPage.items.length, 1)
  t.not(nextPage.items[0].id, ownList.items[0].id)
  t.equal(nextPage.nextCursor, null)
  const byAgency = (
    await app.inject({ method: 'GET', url: `/v1/requests?agencyId=${agencyId}&status=draft`, headers: owner.headers })
  ).json()
  t.same(
    byAgency.items.map((item: { id: string }) => item.id),
    [draft.id],
  )

  t.equal((await app.inject({ method: 'GET', url: '/v1/requests' })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${open.id}` })).statusCode, 401)
})

t.test('bad input never creates anything and is explained', async (t) => {
  const { app, ctx } = await buildTestApp(t, { clock })
  clock.set('2026-11-20T18:00:00.000Z')
  const user = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/requests', headers: user.headers, payload: payload as object })

  const wrongTypes = await post({ agencyId: 42, templateSlug: ['x'], visibility: 'secret' })
  t.equal(wrongTypes.statusCode, 400)
  t.same(
    wrongTypes
      .json()
      .errors.map((error: { path: string }) => error.path)
      .sort(),
    ['body.agencyId', 'body.templateSlug', 'body.visibility'],
  )
  t.equal((await post({ agencyId: '00000000-0000-4000-8000-000000000000', templateSlug: 'ring-partnership' })).statusCode, 422)
  t.equal((await post({ agencyId, templateSlug: 'no-such-template' })).statusCode, 422)
  t.equal((await post({ agencyId, templateSlug: 'follow-up' })).statusCode, 422, 'a follow-up is not a new request')
  const badVariables = await post({ agencyId, templateSlug: 'ring-partnership', variables: { nonsense: 'x', date_from: 'y'.repeat(6000) } })
  t.equal(badVariables.statusCode, 400)
  t.same(
    badVariables
      .json()
      .errors.map((error: { path: string }) => error.path)
      .sort(),
    ['body.variables.date_from', 'body.variables.nonsense'],
  )
  const [{ n }] = (await ctx.database.sql`select count(*)::int as n from requests`) as unknown as [{ n: number }]
  t.equal(n, 0, 'nothing was saved')

  const liquid = await post({
    agencyId,
    templateSlug: 'ring-partnership',
    variables: { additional_records: "{{ requester.email }} {% raw %}'; DROP TABLE requests; -- 🚓" },
  })
  t.equal(liquid.statusCode, 201)
  t.ok(
    liquid.json().body.includes("{{ requester.email }} {% raw %}'; DROP TABLE requests; -- 🚓"),
    'user text is data, never template code',
  )
  const id = liquid.json().id

  const hugeBody = await app.inject({
    method: 'PATCH',
    url: `/v1/requests/${id}`,
    headers: user.headers,
    payload: { body: 'x'.repeat(60_000) },
  })
  t.equal(hugeBody.statusCode, 400)
  const badPatch = await app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: user.headers, payload: { status: 'fulfilled' } })
  t.equal(badPatch.statusCode, 400, 'status changes only through events')
  t.equal((await app.inject({ method: 'GET', url: '/v1/requests/not-a-uuid', headers: user.headers })).statusCode, 400)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/requests/00000000-0000-4000-8000-000000000000', headers: user.headers })).statusCode,
    404,
  )
  t.equal((await app.inject({ method: 'GET', url: '/v1/requests?status=lost', headers: user.headers })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/v1/requests?overdue=perhaps', headers: user.headers })).statusCode, 400)

  const future = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/submit`,
    headers: user.headers,
    payload: { via: 'portal', submittedAt: '2027-01-01T00:00:00Z' },
  })
  t.equal(future.statusCode, 422)
  const noEmail = await app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: user.headers, payload: { via: 'email' } })
  t.equal(noEmail.statusCode, 422, 'the agency has no email address on file')
  const badVia = await app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: user.headers, payload: { via: 'pigeon' } })
  t.equal(badVia.statusCode, 400)

  const noteOnDraft = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'note', note: 'Called the clerk' },
  })
  t.equal(noteOnDraft.statusCode, 201, 'notes are welcome in any status')
  const ackOnDraft = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'acknowledged' },
  })
  t.equal(ackOnDraft.statusCode, 409)

  const backfilled = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/submit`,
    headers: user.headers,
    payload: { via: 'mail', submittedAt: '2026-10-01T16:00:00Z' },
  })
  t.equal(backfilled.statusCode, 200)
  // Thu Oct 1: Fri 2, Mon 5, Tue 6, Wed 7, Thu 8 (Columbus Day is not a Washington holiday).
  t.equal(backfilled.json().dueDate, '2026-10-08')
  t.equal(backfilled.json().overdue, true)

  const extensionWithout = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'extended' },
  })
  t.equal(extensionWithout.statusCode, 400)
  const both = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'extended', extensionDays: 5, newDueDate: '2026-12-01' },
  })
  t.equal(both.statusCode, 400)
  const amountOnNote = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'note', amount: 5 },
  })
  t.equal(amountOnNote.statusCode, 400)
  const beforeSubmission = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'acknowledged', occurredAt: '2026-09-01T00:00:00Z' },
  })
  t.equal(beforeSubmission.statusCode, 422)
  const unknownType = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'bribed' },
  })
  t.equal(unknownType.statusCode, 400)
  const newDate = await app.inject({
    method: 'POST',
    url: `/v1/requests/${id}/events`,
    headers: user.headers,
    payload: { type: 'extended', newDueDate: '2026-12-31' },
  })
  t.equal(newDate.statusCode, 201)
  t.equal(newDate.json().dueDateAfter, '2026-12-31')
})

t.test('submitting by email needs the agency’s address and answers 202', async (t) => {
  const { app } = await buildTestApp(t, { clock })
  clock.set('2026-11-20T18:00:00.000Z')
  const admin = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${agencyId}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })
  const request = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: admin.headers,
      payload: { agencyId, templateSlug: 'neighbors-portal-requests' },
    })
  ).json()
  const submitted = await app.inject({
    method: 'POST',
    url: `/v1/requests/${request.id}/submit`,
    headers: admin.headers,
    payload: { via: 'email' },
  })
  t.equal(submitted.statusCode, 202)
  t.match(submitted.json(), { status: 'submitted', submittedVia: 'email', dueDate: '2026-12-01' })
})

t.test('a state without a fixed period is tracked without a due date', async (t) => {
  const { app } = await buildTestApp(t, { clock })
  clock.set('2026-11-20T18:00:00.000Z')
  const user = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=AZ&q=phoenix%20police')
  const request = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  t.match(request.body, /Arizona Public Records Law/)
  const submitted = (
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: user.headers, payload: { via: 'portal' } })
  ).json()
  t.equal(submitted.status, 'submitted')
  t.equal(submitted.dueDate, null)
  t.match(submitted.deadline, { dueDate: null, rule: /no fixed number of days/ })
  t.equal(submitted.overdue, false)
})

t.test('a fee paid after a partial release returns the request to partially fulfilled', async (t) => {
  const { app } = await buildTestApp(t)
  const requester = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const request = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: requester.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const log = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/requests/${request.id}/events`, headers: requester.headers, payload })
  await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: requester.headers, payload: { via: 'mail' } })
  t.equal((await log({ type: 'partial_release' })).json().statusAfter, 'partially_fulfilled')
  t.equal((await log({ type: 'fee_requested', amount: 40 })).json().statusAfter, 'awaiting_fee')
  const paid = await log({ type: 'fee_paid', amount: 40 })
  t.match(paid.json(), { statusBefore: 'awaiting_fee', statusAfter: 'partially_fulfilled', amount: 40 })
})
