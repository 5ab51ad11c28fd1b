import t from 'tap'
import { buildTestApp, signUp, type TestUser } from '../helpers/app.js'

t.test('accounts', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  let admin: TestUser

  t.test('the first user becomes admin, later ones members; tokens are shown once and stored hashed', async (t) => {
    admin = await signUp(app, { email: 'first@example.org', name: 'Zoë Ødegård' })
    t.equal(admin.role, 'admin')
    t.match(admin.token, /^rrt_[A-Za-z0-9_-]{43}$/)
    const member = await signUp(app, { email: 'second@example.org' })
    t.equal(member.role, 'member')

    const stored = await ctx.database.sql`select token_hash from api_tokens`
    t.equal(stored.length, 2)
    for (const row of stored) {
      t.not(row.token_hash, admin.token)
      t.match(row.token_hash, /^[0-9a-f]{64}$/)
    }

    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: admin.headers })
    t.equal(me.statusCode, 200)
    t.same(me.json(), {
      id: admin.id,
      email: 'first@example.org',
      name: 'Zoë Ødegård',
      mailingAddress: null,
      role: 'admin',
      remindersMuted: false,
    })
  })

  t.test('sign-up rejects bad input with every invalid field listed', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/v1/users', payload: { email: 'not-an-email', name: 42, extra: true } })
    t.equal(response.statusCode, 400)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    const body = response.json()
    t.equal(body.status, 400)
    t.equal(body.type, '/problems/validation')
    const paths = body.errors.map((error: { path: string }) => error.path)
    t.ok(paths.includes('body.email'), 'email listed')
    t.ok(paths.includes('body.name'), 'name listed')

    const huge = await app.inject({ method: 'POST', url: '/v1/users', payload: { email: 'big@example.org', name: 'x'.repeat(10_000) } })
    t.equal(huge.statusCode, 400)
    const notJson = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    })
    t.equal(notJson.statusCode, 400)
    t.equal(notJson.json().status, 400)
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'a@example.org', name: 'y'.repeat(2 * 1024 * 1024) },
    })
    t.equal(tooLarge.statusCode, 413)
    const count = await ctx.database.sql`select count(*)::int as n from users where email in ('big@example.org', 'a@example.org')`
    t.equal(count[0]!.n, 0, 'nothing half-created')
  })

  t.test('a public sign-up answers alike for a new address and one that has an account', async (t) => {
    await signUp(app, { email: 'taken@example.org', name: 'Taken' })
    const signUpPublicly = (email: string) => app.inject({ method: 'POST', url: '/v1/users', payload: { email, name: 'Someone' } })
    const existing = await signUpPublicly('taken@example.org')
    const fresh = await signUpPublicly('fresh@example.org')
    for (const [what, response, email] of [
      ['existing address', existing, 'taken@example.org'],
      ['new address', fresh, 'fresh@example.org'],
    ] as const) {
      t.equal(response.statusCode, 202, what)
      t.equal(response.headers['content-type'], 'application/json; charset=utf-8', `${what}: not a problem document`)
      t.same(response.json(), { status: 'pending', detail: `Check your inbox: we sent the token to ${email}.` }, what)
    }
    t.same(Object.keys(existing.headers).sort(), Object.keys(fresh.headers).sort(), 'the same headers')
    t.equal(existing.body.replace('taken@', 'fresh@'), fresh.body, 'the bodies differ only by the address the caller typed')
    const caseOnly = await signUpPublicly('TAKEN@example.org')
    t.equal(caseOnly.statusCode, 202, 'an address with an account in another case, too')

    const rows = await ctx.database
      .sql`select u.email, u.name, u.role, count(t.id)::int as tokens from users u left join api_tokens t on t.user_id = u.id where lower(u.email) in ('taken@example.org', 'fresh@example.org') group by u.id order by u.email`
    t.same(
      rows.map((row) => ({ ...row })),
      [
        { email: 'fresh@example.org', name: 'Someone', role: 'member', tokens: 0 },
        { email: 'taken@example.org', name: 'Taken', role: 'member', tokens: 1 },
      ],
      'a new member without a token until the worker emails one; the existing account untouched',
    )
    const ids = await ctx.database.sql`select id, email from users where email in ('taken@example.org', 'fresh@example.org') order by email`
    const [freshId, takenId] = ids.map((row) => row.id as string)
    t.same(
      (await ctx.accountEmails.queue.getJob(`account-token-${freshId}`))?.data,
      { userId: freshId, reason: 'sign-up' },
      'the new account’s first token is emailed',
    )
    t.same(
      (await ctx.accountEmails.queue.getJob(`account-token-${takenId}`))?.data,
      { userId: takenId, reason: 'sign-up-again' },
      'the existing account gets a token recovery',
    )
  })

  t.test('an admin creating an account gets its token, and is told when the address is taken', async (t) => {
    await signUp(app, { email: 'dup@example.org' })
    const again = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: admin.headers,
      payload: { email: 'DUP@example.org', name: 'Again' },
    })
    t.equal(again.statusCode, 409)
    t.equal(again.json().type, '/problems/email-taken')
  })

  t.test('SQL-looking and Unicode input is stored as given', async (t) => {
    const name = "Robert'); DROP TABLE users;-- 🚨 José Núñez"
    const user = await signUp(app, { email: 'bobby@example.org', name })
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })
    t.equal(me.json().name, name)
  })

  t.test('tokens: missing, malformed and unknown tokens are 401; new tokens work; revoked ones stop working', async (t) => {
    const user = await signUp(app)
    t.equal((await app.inject({ method: 'GET', url: '/v1/me' })).statusCode, 401)
    const malformed = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Token abc' } })
    t.equal(malformed.statusCode, 401)
    t.equal(malformed.json().type, '/problems/unauthorized')
    const unknown = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer rrt_${'A'.repeat(43)}` } })
    t.equal(unknown.statusCode, 401)

    const created = await app.inject({ method: 'POST', url: '/v1/tokens', headers: user.headers })
    t.equal(created.statusCode, 201)
    const second = created.json()
    const secondHeaders = { authorization: `Bearer ${second.token}` }
    t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: secondHeaders })).json().id, user.id)

    const other = await signUp(app)
    const foreign = await app.inject({ method: 'DELETE', url: `/v1/tokens/${second.id}`, headers: other.headers })
    t.equal(foreign.statusCode, 404, 'another user cannot revoke it')
    const badId = await app.inject({ method: 'DELETE', url: '/v1/tokens/not-a-uuid', headers: user.headers })
    t.equal(badId.statusCode, 400)

    const revoked = await app.inject({ method: 'DELETE', url: `/v1/tokens/${second.id}`, headers: user.headers })
    t.equal(revoked.statusCode, 204)
    t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: secondHeaders })).statusCode, 401)
    t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })).statusCode, 200, 'the first token still works')
  })
})

t.test('closed sign-up: only the first user or an admin can create accounts', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { SIGNUP: 'closed' } })
  const admin = await signUp(app, { email: 'root@example.org' })
  t.equal(admin.role, 'admin')
  for (const email of ['x@example.org', 'root@example.org']) {
    const refused = await app.inject({ method: 'POST', url: '/v1/users', payload: { email, name: 'X' } })
    t.equal(refused.statusCode, 403, `${email}: refused, whether or not it has an account`)
    t.equal(refused.json().type, '/problems/forbidden')
  }
  t.equal(await ctx.accountEmails.queue.count(), 0, 'and no email is sent')
  const byAdmin = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: admin.headers,
    payload: { email: 'x@example.org', name: 'X' },
  })
  t.equal(byAdmin.statusCode, 201)
  t.equal(byAdmin.json().user.role, 'member')
})
