import { createHash } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'

type Test = Pick<typeof t, 'same' | 'equal' | 'notOk'>

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string[]> {
  const policy = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) policy.set(name.toLowerCase(), values)
  }
  return policy
}

/** What every response of ours carries, whatever its type. */
function assertStrictHeaders(t: Test, response: LightMyRequestResponse, what: string): Map<string, string[]> {
  const csp = directives(response.headers['content-security-policy'])
  t.same(csp.get('frame-ancestors'), ["'none'"], `${what}: never framed`)
  t.same(csp.get('script-src'), ["'self'"], `${what}: no inline or foreign scripts`)
  t.same(csp.get('script-src-attr'), ["'none'"], `${what}: no event-handler attributes`)
  t.same(csp.get('object-src'), ["'none'"], `${what}: no plugins`)
  t.notOk(csp.get('style-src')?.includes("'unsafe-inline'"), `${what}: no inline styles`)
  t.equal(response.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options for old browsers`)
  t.equal(response.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
  t.equal(response.headers['referrer-policy'], 'no-referrer', `${what}: no referrer`)
  t.equal(response.headers['strict-transport-security'], undefined, `${what}: no HSTS over plain http`)
  return csp
}

t.test('security headers on every kind of response', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const owner = await signUp(app)

  t.test('JSON, problem documents, 401s and 404s', async (t) => {
    assertStrictHeaders(t, await app.inject({ method: 'GET', url: '/v1/jurisdictions/WA' }), 'JSON')
    const notFound = await app.inject({ method: 'GET', url: '/v1/no/such/route' })
    t.equal(notFound.statusCode, 404)
    t.match(notFound.headers['content-type'], /application\/problem\+json/)
    assertStrictHeaders(t, notFound, 'unknown route')
    const notFoundPage = await app.inject({ method: 'GET', url: '/no/such/page' })
    t.equal(notFoundPage.statusCode, 404)
    t.match(notFoundPage.headers['content-type'], /text\/html/, 'outside the API, an unknown path is a page')
    assertStrictHeaders(t, notFoundPage, 'unknown page')
    const unauthorized = await app.inject({ method: 'GET', url: '/v1/me' })
    t.equal(unauthorized.statusCode, 401)
    assertStrictHeaders(t, unauthorized, '401 from the access hook')
    const badToken = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer nonsense' } })
    t.equal(badToken.statusCode, 401)
    assertStrictHeaders(t, badToken, '401 for a malformed token')
    const invalid = await app.inject({ method: 'GET', url: '/v1/jurisdictions/W4' })
    t.equal(invalid.statusCode, 400)
    assertStrictHeaders(t, invalid, 'validation problem')
  })

  t.test('/docs: Swagger UI loads its own scripts only, and may call PUBLIC_URL', async (t) => {
    const page = await app.inject({ method: 'GET', url: '/docs/' })
    t.equal(page.statusCode, 200)
    const csp = assertStrictHeaders(t, page, '/docs')
    t.same(csp.get('connect-src'), ["'self'", 'http://records.test'], 'Try it out reaches the API at PUBLIC_URL')
    t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/i, 'the page has no inline script the policy would block')
    t.notMatch(page.body, /\sstyle=/i, 'nor style attributes')
    for (const src of [...page.body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]!)) {
      const script = await app.inject({ method: 'GET', url: new URL(src, 'http://records.test/docs/').pathname })
      t.equal(script.statusCode, 200, `${src} is served from this origin`)
      assertStrictHeaders(t, script, src)
    }
    assertStrictHeaders(t, await app.inject({ method: 'GET', url: '/openapi.json' }), '/openapi.json')
  })

  t.test('the mute page: not frameable; its one style admitted by hash', async (t) => {
    const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
    const { id } = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: owner.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
    const [{ mute_token: token }] = (await ctx.database.sql`select mute_token from requests where id = ${id}`) as unknown as [
      { mute_token: string },
    ]
    const page = await app.inject({ method: 'GET', url: `/v1/requests/${id}/mute?token=${token}` })
    t.equal(page.statusCode, 200)
    const csp = assertStrictHeaders(t, page, 'mute page')
    t.same(csp.get('form-action'), ["'self'"], 'its form posts only here')
    const style = /<style>([^<]*)<\/style>/.exec(page.body)?.[1]
    t.ok(style, 'the page has its style in a <style> element')
    const hash = `'sha256-${createHash('sha256').update(style!).digest('base64')}'`
    t.same(csp.get('style-src'), ["'self'", hash], 'and only that style is allowed')
    t.notMatch(page.body, /\sstyle=|<script/i, 'no style attributes, no scripts')
    const muted = await app.inject({ method: 'POST', url: `/v1/requests/${id}/mute?token=${token}` })
    t.equal(muted.statusCode, 200)
    assertStrictHeaders(t, muted, 'mute confirmation')
    const wrongToken = await app.inject({ method: 'GET', url: `/v1/requests/${id}/mute?token=${'0'.repeat(32)}` })
    t.equal(wrongToken.statusCode, 404)
    assertStrictHeaders(t, wrongToken, 'mute page 404')
  })
})

t.test('HSTS only when PUBLIC_URL is https', async (t) => {
  const { app } = await buildTestApp(t, { env: { PUBLIC_URL: 'https://records.example.org', SESSION_SECRET: 'x'.repeat(32) } })
  for (const url of ['/v1/jurisdictions/WA', '/no/such/route', '/docs/']) {
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.headers['strict-transport-security'], 'max-age=31536000', `${url}: HSTS, without subdomains`)
    const csp = directives(response.headers['content-security-policy'])
    t.ok(csp.has('upgrade-insecure-requests'), `${url}: upgrade-insecure-requests`)
    t.same(csp.get('connect-src'), ["'self'", 'https://records.example.org'])
  }
  const login = await app.inject({ method: 'GET', url: '/login' })
  const session = login.cookies.find((cookie) => cookie.name === 'rr_session')
  t.ok(session?.secure, 'the session cookie is Secure')
  t.ok(session?.httpOnly, 'and HttpOnly')
})
