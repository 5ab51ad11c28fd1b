// The correspondence routes' contract: bad input, unknown ids, other users' requests, the token.
import t from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { postRaw } from '../helpers/inbound-mail.js'

const TOKEN = 'inbound-secret-0123456789'
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

t.test('the thread, reading and unmatched mail answer bad calls with clear problems', async (t) => {
  const { app } = await buildTestApp(t, { env: { INBOUND_TOKEN: TOKEN } })
  const admin = await signUp(app)
  const owner = await signUp(app)
  const other = await signUp(app)
  const request = await fileRequest(app, owner)
  const privateRequest = await fileRequest(app, owner)
  await app.inject({
    method: 'PATCH',
    url: `/v1/requests/${privateRequest.id}`,
    headers: owner.headers,
    payload: { visibility: 'private' },
  })

  const get = (url: string, headers?: Record<string, string>) => app.inject({ method: 'GET', url, headers })

  t.test('an empty thread, public for a public request', async (t) => {
    const answer = await get(`/v1/requests/${request.id}/messages`)
    t.equal(answer.statusCode, 200)
    t.same(answer.json(), { items: [], nextCursor: null })
    const shown = (await get(`/v1/requests/${request.id}`, owner.headers)).json()
    t.match(shown, { lastMessageAt: null, unreadMessages: 0 })
  })

  t.test('wrong types are 400 naming the field', async (t) => {
    const badId = await get('/v1/requests/not-a-uuid/messages')
    t.equal(badId.statusCode, 400)
    t.match(badId.json(), { errors: [{ path: 'params.id' }] })
    t.equal((await get(`/v1/requests/${request.id}/messages?limit=0`)).statusCode, 400)
    t.equal((await get(`/v1/requests/${request.id}/messages?limit=abc`)).statusCode, 400)
    const cursor = await get(`/v1/requests/${request.id}/messages?cursor=nonsense`)
    t.equal(cursor.statusCode, 400)
    t.match(cursor.json(), { errors: [{ path: 'querystring.cursor' }] })
    const assign = await app.inject({
      method: 'POST',
      url: `/v1/inbound/unmatched/${UNKNOWN}/assign`,
      headers: admin.headers,
      payload: { requestId: 42 },
    })
    t.equal(assign.statusCode, 400)
    t.match(assign.json(), { errors: [{ path: 'body.requestId' }] })
    const extra = await app.inject({
      method: 'POST',
      url: `/v1/inbound/unmatched/${UNKNOWN}/assign`,
      headers: admin.headers,
      payload: { requestId: request.id, extra: 1 },
    })
    t.equal(extra.statusCode, 400)
  })

  t.test('unknown ids and other users’ private requests are 404', async (t) => {
    t.equal((await get(`/v1/requests/${UNKNOWN}/messages`, owner.headers)).statusCode, 404)
    t.equal((await get(`/v1/requests/${privateRequest.id}/messages`, other.headers)).statusCode, 404)
    t.equal((await get(`/v1/requests/${privateRequest.id}/messages`)).statusCode, 404)
    t.equal((await get(`/v1/requests/${privateRequest.id}/messages`, owner.headers)).statusCode, 200)
    const assign = await app.inject({
      method: 'POST',
      url: `/v1/inbound/unmatched/${UNKNOWN}/assign`,
      headers: admin.headers,
      payload: { requestId: request.id },
    })
    t.equal(assign.statusCode, 404)
  })

  t.test('only the requester marks messages read', async (t) => {
    const read = (user: { headers: Record<string, string> } | null, id = request.id) =>
      app.inject({ method: 'POST', url: `/v1/requests/${id}/messages/read`, headers: user?.headers })
    t.same((await read(owner)).json(), { read: 0, unreadMessages: 0 })
    t.equal((await read(null)).statusCode, 401)
    t.equal((await read(other)).statusCode, 403, 'a public request, not theirs')
    t.equal((await read(other, privateRequest.id)).statusCode, 404)
    t.equal((await read(admin)).statusCode, 403, 'an administrator’s reading is not the requester’s')
    t.equal((await read(owner, UNKNOWN)).statusCode, 404)
  })

  t.test('unmatched mail is for administrators', async (t) => {
    t.equal((await get('/v1/inbound/unmatched')).statusCode, 401)
    t.equal((await get('/v1/inbound/unmatched', owner.headers)).statusCode, 403)
    t.same((await get('/v1/inbound/unmatched', admin.headers)).json(), { items: [], nextCursor: null })
    const assign = await app.inject({
      method: 'POST',
      url: `/v1/inbound/unmatched/${UNKNOWN}/assign`,
      headers: owner.headers,
      payload: { requestId: request.id },
    })
    t.equal(assign.statusCode, 403)
  })

  t.test('the raw door takes only the inbound token, never a user’s', async (t) => {
    t.equal((await postRaw(app, 'Subject: x\r\n\r\nx', owner.token)).statusCode, 401)
    t.equal((await postRaw(app, 'Subject: x\r\n\r\nx', `${TOKEN}x`)).statusCode, 401)
    const accepted = await postRaw(app, 'Subject: x\r\n\r\nx', TOKEN)
    t.equal(accepted.statusCode, 202)
  })
})

t.test('without INBOUND_TOKEN the raw door is off', async (t) => {
  const { app } = await buildTestApp(t)
  const answer = await postRaw(app, 'Subject: x\r\n\r\nx', 'anything-0123456789')
  t.equal(answer.statusCode, 404)
  t.match(answer.json(), { detail: /INBOUND_TOKEN/ })
})
