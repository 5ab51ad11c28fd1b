// Laws with no fixed period (Florida): an expected-response date, labelled as not statutory, that
// reminders follow; the requester sets it per request; bad values, other users and unknown ids refused.
import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'

t.test('prompt-response expectations', async (t) => {
  const { app } = await buildTestApp(t, { env: { PROMPT_RESPONSE_BUSINESS_DAYS: '10' } })
  await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const florida = await findAgencyId(app, 'state=FL&ringPartner=true')
  const washington = await findAgencyId(app, 'state=WA&q=spokane%20police')

  async function filed(agencyId: string) {
    const { id } = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: owner.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    const answer = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/submit`,
      headers: owner.headers,
      // Tuesday, December 1, 2026: ten business days later is Tuesday, December 15.
      payload: { via: 'mail', submittedAt: '2026-12-01T15:00:00.000Z' },
    })
    t.equal(answer.statusCode, 200)
    return answer.json()
  }
  const reminders = async (id: string) =>
    (await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers: owner.headers })).json() as {
      kind: string
      sendAt: string
      status: string
    }[]
  const patch = (id: string, payload: unknown, headers = owner.headers) =>
    app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers, payload: payload as Record<string, unknown> })

  const request = await filed(florida)

  t.test('the request says when to expect an answer and that it is not a statutory deadline', async (t) => {
    t.equal(request.dueDate, null, 'no statutory due date')
    t.equal(request.overdue, false)
    t.match(request.expectedResponse, { date: '2026-12-15', businessDays: 10, chosenByRequester: false, statutory: false })
    t.match(request.expectedResponse.explanation, /^Not a statutory deadline/)
    const planned = await reminders(request.id)
    t.ok(
      planned.some((reminder) => reminder.kind === 'due_today' && reminder.sendAt.startsWith('2026-12-15')),
      'reminders count to it',
    )
    t.ok(planned.some((reminder) => reminder.kind === 'overdue'))
  })

  t.test('the requester sets the period per request; reminders move with it', async (t) => {
    const changed = await patch(request.id, { promptResponseDays: 5 })
    t.equal(changed.statusCode, 200)
    t.match(changed.json(), { promptResponseDays: 5, expectedResponse: { date: '2026-12-08', businessDays: 5, chosenByRequester: true } })
    const planned = await reminders(request.id)
    t.ok(
      planned.some(
        (reminder) => reminder.kind === 'due_today' && reminder.status === 'scheduled' && reminder.sendAt.startsWith('2026-12-08'),
      ),
    )
    const reset = await patch(request.id, { promptResponseDays: null })
    t.match(reset.json(), { promptResponseDays: null, expectedResponse: { date: '2026-12-15', chosenByRequester: false } })
  })

  t.test('a law with a fixed period has none', async (t) => {
    const fixed = await filed(washington)
    t.equal(fixed.expectedResponse, null)
    t.ok(fixed.dueDate)
  })

  t.test('the request page labels it', async (t) => {
    const page = await app.inject({ method: 'GET', url: `/requests/${request.id}` })
    t.equal(page.statusCode, 200)
    t.match(page.body, /<dt>Answer expected by<\/dt><dd>2026-12-15 · <strong>not a statutory deadline<\/strong>/)
  })

  t.test('bad values, other users, unknown ids', async (t) => {
    for (const value of [0, 61, 1.5, 'ten', true, -3]) {
      const answer = await patch(request.id, { promptResponseDays: value })
      t.equal(answer.statusCode, 400, JSON.stringify(value))
      t.match(answer.json().errors, [{ path: 'body.promptResponseDays' }])
    }
    t.equal(
      (await patch(request.id, { promptResponseDays: 5 }, other.headers)).statusCode,
      403,
      'another user’s public request: seen, not changed',
    )
    t.equal((await patch(UNKNOWN, { promptResponseDays: 5 })).statusCode, 404)
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/requests/${request.id}`, payload: { promptResponseDays: 5 } })).statusCode, 401)
  })
})
