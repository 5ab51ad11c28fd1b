import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'

t.test('reminders through the API', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const owner = await signUp(app)
  const stranger = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const submitNew = async (headers = owner.headers) => {
    const request = (
      await app.inject({ method: 'POST', url: '/v1/requests', headers, payload: { agencyId, templateSlug: 'ring-partnership' } })
    ).json()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers, payload: { via: 'mail' } })
    return request.id as string
  }
  const remindersOf = async (id: string, headers = owner.headers) =>
    app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders`, headers })

  t.test('a submitted request lists its planned reminders; others may not read them', async (t) => {
    const id = await submitNew()
    const response = await remindersOf(id)
    t.equal(response.statusCode, 200)
    const reminders = response.json()
    t.same(
      reminders.map((reminder: { kind: string }) => reminder.kind),
      ['due_soon', 'due_today', 'overdue', 'follow_up'],
    )
    for (const reminder of reminders) {
      t.match(reminder, { recipient: 'requester', status: 'scheduled', sentAt: null })
      t.match(reminder.sendAt, /T(16|17):00:00\.000Z$/, '09:00 in Spokane')
    }
    t.equal((await remindersOf(id, stranger.headers)).statusCode, 403, 'a public request’s reminders are the requester’s business')
    t.equal((await remindersOf('00000000-0000-4000-8000-000000000000')).statusCode, 404)
    t.equal((await remindersOf('nope')).statusCode, 400)
    t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${id}/reminders` })).statusCode, 401)
  })

  t.test('muting the account cancels the requester reminders of every open request; unmuting restores them', async (t) => {
    const first = await submitNew()
    const second = await submitNew()
    const muted = await app.inject({ method: 'PATCH', url: '/v1/me', headers: owner.headers, payload: { remindersMuted: true } })
    t.equal(muted.statusCode, 200)
    t.equal(muted.json().remindersMuted, true)
    for (const id of [first, second])
      t.ok((await remindersOf(id)).json().every((reminder: { status: string }) => reminder.status === 'cancelled'))
    await app.inject({ method: 'PATCH', url: '/v1/me', headers: owner.headers, payload: { remindersMuted: false } })
    for (const id of [first, second])
      t.ok((await remindersOf(id)).json().every((reminder: { status: string }) => reminder.status === 'scheduled'))
    t.equal(
      (await app.inject({ method: 'PATCH', url: '/v1/me', headers: owner.headers, payload: { remindersMuted: 'yes' } })).statusCode,
      400,
    )
    t.equal((await app.inject({ method: 'PATCH', url: '/v1/me', headers: owner.headers, payload: {} })).statusCode, 400)
    t.equal((await app.inject({ method: 'PATCH', url: '/v1/me', payload: { name: 'x' } })).statusCode, 401)
  })

  t.test('the one-click mute link needs the request’s own token', async (t) => {
    const id = await submitNew()
    const [{ mute_token: token }] = (await ctx.database.sql`select mute_token from requests where id = ${id}`) as unknown as [
      { mute_token: string },
    ]
    const wrong = await app.inject({ method: 'POST', url: `/v1/requests/${id}/mute?token=${'0'.repeat(32)}` })
    t.equal(wrong.statusCode, 404)
    t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${id}/mute?token=<script>` })).statusCode, 400)
    const page = await app.inject({ method: 'GET', url: `/v1/requests/${id}/mute?token=${token}` })
    t.equal(page.statusCode, 200)
    t.match(page.body, /<form method="post">/)
    t.ok(
      (await remindersOf(id)).json().some((reminder: { status: string }) => reminder.status === 'scheduled'),
      'looking at the page mutes nothing',
    )
    const mute = await app.inject({ method: 'POST', url: `/v1/requests/${id}/mute?token=${token}` })
    t.equal(mute.statusCode, 200)
    t.ok((await remindersOf(id)).json().every((reminder: { status: string }) => reminder.status === 'cancelled'))
    const request = (await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: owner.headers })).json()
    t.equal(request.remindersMuted, true)
  })

  t.test('the mute page names the request and agency, and its button works from a browser', async (t) => {
    const id = await submitNew()
    const [{ mute_token: token }] = (await ctx.database.sql`select mute_token from requests where id = ${id}`) as unknown as [
      { mute_token: string },
    ]
    const page = await app.inject({ method: 'GET', url: `/v1/requests/${id}/mute?token=${token}` })
    t.match(page.body, /Your request “.+” to the Spokane Police Department\./)
    // What a browser sends for the page's form, and what a mail client sends for RFC 8058 one-click.
    const form = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/mute?token=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    })
    t.equal(form.statusCode, 200)
    t.match(form.body, /Reminders for this request are muted/)
    t.ok((await remindersOf(id)).json().every((reminder: { status: string }) => reminder.status === 'cancelled'))
    const multipartOneClick = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/mute?token=${token}`,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    })
    t.equal(multipartOneClick.statusCode, 200, 'the multipart form of one-click too')
  })
})
