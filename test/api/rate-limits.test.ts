import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { file, upload } from '../helpers/documents.js'

function assertLimited(t: Test, response: LightMyRequestResponse, detail: RegExp) {
  t.equal(response.statusCode, 429)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  const retryAfter = Number(response.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${response.headers['retry-after']}`)
  t.match(response.json(), { type: '/problems/too-many-requests', title: 'Too many requests', status: 429, detail })
}

t.test('rate limits', async (t) => {
  const { app, ctx, config } = await buildTestApp(t, {
    env: {
      RATE_LIMIT_SIGNUP_PER_IP: '4/1m',
      RATE_LIMIT_TOKENS_PER_USER: '2/1m',
      RATE_LIMIT_TOKENS_PER_IP: '4/1m',
      RATE_LIMIT_SEARCH_PER_IP: '3/1m',
      RATE_LIMIT_SEARCH_PER_USER: 'off',
      RATE_LIMIT_UPLOADS_PER_USER: '1/1m',
      RATE_LIMIT_AGENCIES_PER_USER: '1/1m',
      RATE_LIMIT_SENDING_PER_USER: '2/1m',
    },
  })
  const [first, second] = [await signUp(app), await signUp(app)]
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const draft = async (user: TestUser) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json().id as string

  t.test('sign-ups per address; another address, or a spoofed X-Forwarded-For, is its own story', async (t) => {
    const signUpFrom = (remoteAddress: string, n: number, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/v1/users',
        remoteAddress,
        headers,
        payload: { email: `s${n}-${remoteAddress}@example.org`, name: 'S' },
      })
    // Two sign-ups already came from 127.0.0.1 above.
    // Public sign-ups once users exist answer 202 (the token goes by email).
    t.equal((await signUpFrom('127.0.0.1', 1)).statusCode, 202)
    t.equal((await signUpFrom('127.0.0.1', 2)).statusCode, 202)
    assertLimited(t, await signUpFrom('127.0.0.1', 3), /Too many sign-ups from this address: at most 4 in one minute/)
    const spoofed = await signUpFrom('127.0.0.1', 4, { 'x-forwarded-for': '203.0.113.9' })
    t.equal(spoofed.statusCode, 429, 'X-Forwarded-For is not believed without TRUST_PROXY')
    t.equal((await signUpFrom('192.0.2.1', 1)).statusCode, 202, 'another address signs up')
  })

  t.test('tokens per user, then per address', async (t) => {
    const token = (user: TestUser) => app.inject({ method: 'POST', url: '/v1/tokens', headers: user.headers })
    t.equal((await token(first)).statusCode, 201)
    t.equal((await token(first)).statusCode, 201)
    assertLimited(t, await token(first), /Too many new tokens from this account: at most 2 in one minute/)
    t.equal((await token(second)).statusCode, 201, 'another user from the same address is not held back by the first')
    assertLimited(t, await token(second), /Too many new tokens from this address: at most 4/)
  })

  t.test('searches per address, anonymous or not', async (t) => {
    const search = (headers?: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/search?q=ring', headers })
    for (let n = 0; n < 3; n += 1) t.equal((await search(n % 2 ? first.headers : undefined)).statusCode, 200)
    assertLimited(t, await search(), /Too many searches from this address/)
    t.equal((await app.inject({ method: 'GET', url: '/v1/agencies?state=WA' })).statusCode, 200, 'other routes are not limited')
  })

  t.test('uploads, agencies and sending per user', async (t) => {
    const requestId = await draft(second)
    t.equal((await upload(app, requestId, second.headers, [file('one', 'one.txt')])).statusCode, 201)
    assertLimited(t, await upload(app, requestId, second.headers, [file('two', 'two.txt')]), /Too many uploads from this account/)

    const agency = (n: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/agencies',
        headers: second.headers,
        payload: { name: `Limit Test PD ${n}`, state: 'WA', kind: 'police' },
      })
    t.equal((await agency(1)).statusCode, 201)
    assertLimited(t, await agency(2), /Too many new agencies from this account/)

    const [a, b, c] = [await draft(second), await draft(second), await draft(second)]
    t.equal(
      (await app.inject({ method: 'POST', url: `/v1/requests/${a}/submit`, headers: second.headers, payload: { via: 'portal' } }))
        .statusCode,
      200,
    )
    t.equal(
      (await app.inject({ method: 'POST', url: '/v1/requests/submit', headers: second.headers, payload: { ids: [b], via: 'portal' } }))
        .statusCode,
      200,
    )
    const bulk = await app.inject({
      method: 'POST',
      url: '/v1/requests/submit',
      headers: second.headers,
      payload: { ids: [c], via: 'portal' },
    })
    assertLimited(t, bulk, /Too many submissions from this account/)
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/requests/${c}`, headers: second.headers })).json().status,
      'draft',
      'a refused submission changes nothing',
    )
  })

  t.test('counters live in Redis under the queue prefix, each with a TTL', async (t) => {
    const keys = await ctx.redis.keys(`${config.queuePrefix}:rate-limit:*`)
    t.ok(keys.includes(`${config.queuePrefix}:rate-limit:signup:ip:127.0.0.1`))
    t.ok(keys.includes(`${config.queuePrefix}:rate-limit:tokens:user:${first.id}`))
    for (const key of keys) {
      const ttl = await ctx.redis.pttl(key)
      t.ok(ttl > 0 && ttl <= 3_600_000, `${key} expires`)
    }
  })

  t.test('without Redis, requests go through unlimited', async (t) => {
    ctx.redis.disconnect()
    const response = await app.inject({ method: 'POST', url: '/v1/tokens', headers: first.headers })
    t.equal(response.statusCode, 201)
  })
})

t.test('behind a trusted proxy, the forwarded address is the client', async (t) => {
  const { app } = await buildTestApp(t, { env: { TRUST_PROXY: 'loopback', RATE_LIMIT_SIGNUP_PER_IP: '1/1m' } })
  const signUpVia = (forwardedFor: string, n: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { email: `p${n}@example.org`, name: 'P' },
    })
  t.equal((await signUpVia('203.0.113.1', 1)).statusCode, 201)
  assertLimited(t, await signUpVia('203.0.113.1', 2), /at most 1 in one minute/)
  t.equal((await signUpVia('203.0.113.2', 3)).statusCode, 202)
  // Addresses in one IPv6 /64 are one client: rotating the host part does not dodge the limit.
  t.equal((await signUpVia('2001:db8:1:2::1', 4)).statusCode, 202)
  t.equal((await signUpVia('2001:db8:1:2::ffff', 5)).statusCode, 429)
})

t.test('the defaults leave a person and a campaign script alone', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const users = []
  for (let n = 0; n < 10; n += 1) users.push(await signUp(app))
  const user = users[1]!
  for (let n = 0; n < 10; n += 1) t.equal((await app.inject({ method: 'POST', url: '/v1/tokens', headers: user.headers })).statusCode, 201)
  for (let n = 0; n < 60; n += 1) {
    const response = await app.inject({ method: 'GET', url: `/v1/search?q=ring+${n}`, headers: n % 2 ? user.headers : undefined })
    if (response.statusCode !== 200) t.fail(`search ${n}: ${response.statusCode}`)
  }
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  // A campaign: 300 letters filed one call at a time (the drafts copied in SQL: making them is not limited).
  const draft = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const copies = (await ctx.database.sql`
    insert into requests (user_id, agency_id, template_slug, subject, body, reply_key)
    select user_id, agency_id, template_slug, subject, body, reply_key || '-' || n from requests, generate_series(1, 299) n where id = ${draft.id}
    returning id`) as unknown as { id: string }[]
  const ids = [draft.id as string, ...copies.map((row) => row.id)]
  let filed = 0
  for (let start = 0; start < ids.length; start += 10) {
    const batch = ids
      .slice(start, start + 10)
      .map((id) => app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: user.headers, payload: { via: 'portal' } }))
    for (const response of await Promise.all(batch)) if (response.statusCode === 200) filed += 1
  }
  t.equal(filed, 300)
})
