import t from 'tap'
import { addDays, formatLongDate } from '../../src/modules/deadlines/calendar-date.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

t.test('a jurisdiction closure added while requests are open moves their deadlines and tells each requester once', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1' } })
  const admin = await signUp(app)
  const ada = await signUp(app, { email: 'ada@example.org', name: 'Ada Lopez' })
  const ben = await signUp(app, { email: 'ben@example.org', name: 'Ben Okafor' })
  const dunwoody = await findAgencyId(app, 'state=GA&q=dunwoody%20police')
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  await startTestWorker(t, ctx, smtp.url)

  const file = async (user: typeof ada, agencyId: string) => {
    const draft = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    return (
      await app.inject({ method: 'POST', url: `/v1/requests/${draft.id}/submit`, headers: user.headers, payload: { via: 'mail' } })
    ).json()
  }
  const get = async (user: typeof ada, id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: user.headers })).json()
  const dueTodayOf = async (user: typeof ada, id: string) =>
    (
      (await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers: user.headers })).json() as Array<{
        kind: string
        status: string
        sendAt: string
      }>
    ).find((reminder) => reminder.kind === 'due_today' && reminder.status === 'scheduled')?.sendAt
  const closures = (code: string) => `/v1/jurisdictions/${code}/closures`

  const adaRequest = await file(ada, dunwoody)
  const benRequest = await file(ben, dunwoody)
  const waRequest = await file(ada, spokane)
  const closedOn: string = adaRequest.dueDate
  t.equal(benRequest.dueDate, closedOn, 'both Georgia requests are due the same day')
  t.same(
    adaRequest.deadline.clocks.map((clock: { kind: string; running: boolean }) => [clock.kind, clock.running]),
    [['response', true]],
  )
  const dueTodayBefore = await dueTodayOf(ada, adaRequest.id)

  t.test('only an admin may close a jurisdiction, and bad input is a 4xx problem', async (t) => {
    t.equal(
      (await app.inject({ method: 'POST', url: closures('GA'), headers: ada.headers, payload: { date: closedOn, reason: 'Ice storm' } }))
        .statusCode,
      403,
    )
    const bad = await app.inject({
      method: 'POST',
      url: closures('GA'),
      headers: admin.headers,
      payload: { date: '2026-02-30', reason: '' },
    })
    t.equal(bad.statusCode, 400)
    t.match(bad.headers['content-type'], /^application\/problem\+json/)
    t.equal(
      (await app.inject({ method: 'POST', url: closures('ZZ'), headers: admin.headers, payload: { date: closedOn, reason: 'Ice storm' } }))
        .statusCode,
      404,
    )
    t.equal(
      (await app.inject({ method: 'DELETE', url: `${closures('GA')}/${closedOn}`, headers: admin.headers })).statusCode,
      404,
      'nothing to remove yet',
    )
  })

  const added = await app.inject({
    method: 'POST',
    url: closures('GA'),
    headers: admin.headers,
    payload: { date: closedOn, reason: 'Ice storm (Executive Order 01.21.25.01)', source: 'https://gov.georgia.gov/executive-action' },
  })
  t.equal(added.statusCode, 201, added.body)
  t.equal(added.json().requestsMoved, 2)

  const adaAfter = await get(ada, adaRequest.id)
  t.ok(adaAfter.dueDate > closedOn, `the due date moved past the closed day (${closedOn} → ${adaAfter.dueDate})`)
  t.same(
    adaAfter.deadline.skipped.find((day: { date: string }) => day.date === closedOn),
    { date: closedOn, reason: 'State offices closed: Ice storm (Executive Order 01.21.25.01)' },
    'the closed day is explained',
  )
  t.equal((await get(ben, benRequest.id)).dueDate, adaAfter.dueDate)
  t.equal((await get(ada, waRequest.id)).dueDate, waRequest.dueDate, 'another state’s request is untouched')
  t.ok((await dueTodayOf(ada, adaRequest.id))! > dueTodayBefore!, 'the reminders follow the new date')

  const events = (await app.inject({ method: 'GET', url: `/v1/requests/${adaRequest.id}/events`, headers: ada.headers })).json() as Array<{
    type: string
    note: string | null
    dueDateAfter: string | null
  }>
  const changes = events.filter((event) => event.type === 'deadline_changed')
  t.equal(changes.length, 1, 'one timeline event')
  t.equal(changes[0]!.dueDateAfter, adaAfter.dueDate)
  t.match(changes[0]!.note, `State offices closed on ${closedOn} (Ice storm`)

  const mails = await smtp.waitFor(2, 15_000)
  t.same(mails.map((mail) => mail.to[0]!.address).sort(), ['ada@example.org', 'ben@example.org'], 'each requester is told')
  for (const mail of mails) {
    t.match(mail.subject, /^New due date /)
    t.match(mail.text, 'Ice storm (Executive Order 01.21.25.01)')
    t.match(mail.text, 'Now due:')
  }
  const adaMail = mails.find((mail) => mail.to[0]!.address === 'ada@example.org')!
  t.match(adaMail.text, `Was due: ${formatLongDate(adaRequest.dueDate!)}`, 'the old due date, from the event itself')
  t.match(adaMail.text, `Now due: ${formatLongDate(adaAfter.dueDate!)}`)

  t.test('a closure after every due date moves nothing and tells nobody', async (t) => {
    const later = await app.inject({
      method: 'POST',
      url: closures('GA'),
      headers: admin.headers,
      payload: { date: addDays(closedOn, 70), reason: 'Flooding' },
    })
    t.equal(later.statusCode, 201)
    t.equal(later.json().requestsMoved, 0)
    t.equal(
      (await app.inject({ method: 'POST', url: closures('GA'), headers: admin.headers, payload: { date: closedOn, reason: 'Again' } }))
        .statusCode,
      409,
    )
  })

  t.test('the closures are listed with the seeded designated days', async (t) => {
    const list = (await app.inject({ method: 'GET', url: closures('GA') })).json().items as Array<{
      date: string
      reason: string
      source: string | null
    }>
    t.ok(
      list.some((closure) => closure.date === '2024-12-24' && /Washington's Birthday/.test(closure.reason)),
      'the seeded 2024 designated day',
    )
    t.ok(list.some((closure) => closure.date === closedOn && closure.source === 'https://gov.georgia.gov/executive-action'))
  })

  t.test('removing the closure moves the deadlines back and tells the requesters again, once', async (t) => {
    t.equal((await app.inject({ method: 'DELETE', url: `${closures('GA')}/${closedOn}`, headers: admin.headers })).statusCode, 204)
    t.equal((await get(ada, adaRequest.id)).dueDate, closedOn)
    const all = await smtp.waitFor(4, 15_000)
    t.same(
      all
        .slice(2)
        .map((mail) => mail.to[0]!.address)
        .sort(),
      ['ada@example.org', 'ben@example.org'],
    )
    await eventually(async () => {
      const list = (
        await app.inject({ method: 'GET', url: `/v1/requests/${adaRequest.id}/reminders`, headers: ada.headers })
      ).json() as Array<{ kind: string }>
      return list.length > 0 ? list : null
    })
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    t.equal(smtp.messages.length, 4, 'and nothing else went out')
  })
})
