// Pages over app.inject: wrong types and hostile query strings, error pages, CSRF, and the sign-in
// link's rules (single use, expiry, rate limits, closed sign-up, open redirects). The browser tests
// walk the same pages in Chromium.
import t from 'tap'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { loadEmailTemplates } from '../../src/modules/templates/email-templates.js'
import { buildTestApp, manualClock, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { csrfIn, visitor } from '../helpers/web-session.js'

const smtp = await startSmtpCapture()
t.teardown(() => smtp.close())
const clock = manualClock('2026-03-02T15:00:00Z')
const { app, ctx } = await buildTestApp(t, { clock, env: { RATE_LIMIT_SIGNIN_PER_ADDRESS: '3/1h' } })
const mailer = createSmtpMailer(smtp.url)
t.teardown(() => mailer.close())
const handlers = createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() })

/** Asks for a link as `who` and runs the worker's job for it; the emailed link's path, or null when none was sent. */
async function emailedLink(who: ReturnType<typeof visitor>, email: string, next?: string): Promise<string | null> {
  const form = await who.get(next ? `/login?next=${encodeURIComponent(next)}` : '/login')
  const sent = await who.post('/login', { email, _csrf: csrfIn(form.body), ...(next ? { next } : {}) })
  if (sent.statusCode !== 200) throw new Error(`login answered ${sent.statusCode}: ${sent.body}`)
  const before = smtp.messages.length
  const [link] = await ctx.db.execute<{ id: string }>(`select id from sign_in_links order by created_at desc, id desc limit 1` as never)
  await handlers.emailSignInLink(link!.id)
  if (smtp.messages.length === before) return null
  const text = smtp.messages.at(-1)!.text ?? ''
  const url = /http:\/\/records\.test(\/login\/\S+)/.exec(text)?.[1]
  if (!url) throw new Error(`no link in: ${text}`)
  return url
}

t.test('pages are HTML with the layout; the API keeps problem documents', async (t) => {
  const home = await app.inject({ method: 'GET', url: '/' })
  t.equal(home.statusCode, 200)
  t.match(home.headers['content-type'], /^text\/html/)
  t.match(home.body, /<main id="main"/)
  t.equal(home.body.match(/<h1>/g)?.length, 1, 'one h1')
  t.match(home.body, /<label for="search-q">Search documents<\/label>/)
  t.notOk(home.headers['set-cookie'], 'an anonymous reader gets no cookie')
  t.match(home.headers['content-security-policy'], /script-src 'self'/)
  t.notMatch(home.body, /<script|style=/, 'nothing inline')

  const missing = await app.inject({ method: 'GET', url: '/no/such/page' })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^text\/html/)
  t.match(missing.body, /<h1>Page not found<\/h1>/)
  const api = await app.inject({ method: 'GET', url: '/v1/no-such-thing' })
  t.equal(api.statusCode, 404)
  t.match(api.headers['content-type'], /^application\/problem\+json/)

  const css = await app.inject({ method: 'GET', url: '/assets/site.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], /^text\/css/)
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.notOk(
    Object.keys(openapi.paths).some((path) => !path.startsWith('/v1') && path !== '/health'),
    'pages and assets are not in the OpenAPI document',
  )
})

t.test('wrong types and hostile input in query strings are 400 pages, never 500s, and are escaped', async (t) => {
  for (const url of [
    '/search?q=ring&page=abc',
    '/search?q=ring&page=0',
    '/search?q=ring&page=1e9',
    '/search?q=ring&state=Washington',
    '/search?q=ring&kind=%3Cscript%3E',
    `/search?q=${'a '.repeat(30)}`,
    `/search?q=${'x'.repeat(501)}`,
    '/documents/not-a-uuid',
    '/documents/00000000-0000-4000-8000-000000000000?page=-1',
    '/agencies?state=%00%00',
    '/agencies/42',
  ]) {
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.statusCode, 400, url)
    t.match(response.headers['content-type'], /^text\/html/, url)
  }
  const hostile = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
  for (const url of [`/search?q=${encodeURIComponent(hostile)}`, `/agencies?q=${encodeURIComponent(hostile)}`]) {
    const response = await app.inject({ method: 'GET', url })
    t.equal(response.statusCode, 200, url)
    t.notMatch(response.body, /<script>alert|<img src=x/, `${url}: escaped`)
    t.match(response.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${url}: shown as text`)
  }
  const unknown = await app.inject({ method: 'GET', url: '/documents/00000000-0000-4000-8000-000000000000' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, /<h1>Page not found<\/h1>/)
  const agency = await app.inject({ method: 'GET', url: '/agencies/00000000-0000-4000-8000-000000000000' })
  t.equal(agency.statusCode, 404)
})

t.test('hostile form bodies are 4xx pages, never 500s', async (t) => {
  const who = visitor(app)
  const token = csrfIn((await who.get('/login')).body)
  const post = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/login',
      cookies: who.jar,
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  const twice = await post(`email=a%40example.org&email=b%40example.org&_csrf=${encodeURIComponent(token)}`)
  t.equal(twice.statusCode, 400, 'a field given twice')
  t.match(twice.headers['content-type'], /^text\/html/)
  const huge = await post(`email=${'a'.repeat(70_000)}&_csrf=${encodeURIComponent(token)}`)
  t.equal(huge.statusCode, 413, 'a body over 64 KiB')
  t.match(huge.headers['content-type'], /^text\/html/)
  const nul = await post(`email=a%00%40example.org&_csrf=${encodeURIComponent(token)}`)
  t.equal(nul.statusCode, 400, 'a NUL in the address')
})

t.test('every form POST without its CSRF token is refused with a 403 page', async (t) => {
  const who = visitor(app)
  await who.get('/login')
  for (const url of ['/login', '/logout', '/me/tokens', '/login/rrs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']) {
    const bare = await who.post(url, { email: 'someone@example.org' })
    t.equal(bare.statusCode, url === '/me/tokens' ? 401 : 403, `${url} without a token`)
    const wrong = await who.post(url, { email: 'someone@example.org', _csrf: 'forged' })
    t.equal(wrong.statusCode, url === '/me/tokens' ? 401 : 403, `${url} with a forged token`)
    if (url === '/me/tokens') t.match(wrong.body, /<h1>Please sign in<\/h1>/)
    else t.match(wrong.body, /<h1>Not allowed<\/h1>[\s\S]*did not come from this site/)
  }
  t.equal(await ctx.db.execute('select 1 from sign_in_links' as never).then((rows) => rows.length), 0, 'no link was asked for')
})

t.test('sign in by emailed link: single use, hashed, expiring, with a same-origin next page only', async (t) => {
  const reader = visitor(app)
  const anonymousTokens = await reader.get('/me/tokens')
  t.equal(anonymousTokens.statusCode, 303)
  t.equal(anonymousTokens.headers.location, '/login?next=%2Fme%2Ftokens')

  const path = await emailedLink(reader, 'Reader@Example.org', '/me/tokens')
  t.ok(path)
  const token = path!.split('/').at(-1)!
  const [stored] = await ctx.db.execute<{ token_hash: string }>(`select token_hash from sign_in_links` as never)
  t.not(stored!.token_hash, token, 'only a hash is stored')
  t.match(stored!.token_hash, /^[0-9a-f]{64}$/)

  // Opening the link (a mail scanner, or the reader) uses nothing up.
  const confirm = await reader.get(path!)
  t.equal(confirm.statusCode, 200)
  t.match(confirm.body, /Sign in as Reader@Example.org/)
  t.equal((await reader.get(path!)).statusCode, 200, 'still usable after two looks')
  const signedIn = await reader.post(path!, { _csrf: csrfIn(confirm.body) })
  t.equal(signedIn.statusCode, 303)
  t.equal(signedIn.headers.location, '/me/tokens')
  const session = signedIn.cookies.find((cookie) => cookie.name === 'rr_session')
  t.ok(session?.httpOnly, 'HttpOnly')
  t.equal(session?.sameSite, 'Lax')
  t.notOk(session?.secure, 'not Secure on an http PUBLIC_URL')

  const tokens = await reader.get('/me/tokens')
  t.equal(tokens.statusCode, 200)
  t.match(tokens.body, /You have no API tokens/)
  const created = await reader.post('/me/tokens', { _csrf: csrfIn(tokens.body) })
  t.equal(created.statusCode, 201)
  const apiToken = /<code class="token">(rrt_[^<]+)<\/code>/.exec(created.body)?.[1]
  t.ok(apiToken, 'the new token is shown once')
  const me = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${apiToken}` } })
  t.equal(me.statusCode, 200, 'and works as a bearer token')
  t.equal(me.json().email, 'Reader@Example.org')
  t.equal(me.json().role, 'admin', 'the first account is the admin, as with sign-up')
  // The session cookie does not act on the API's writes (no CSRF tokens there).
  const cookieWrite = await app.inject({ method: 'POST', url: '/v1/tokens', cookies: reader.jar })
  t.equal(cookieWrite.statusCode, 401)
  const tokenId = /action="\/me\/tokens\/([0-9a-f-]{36})\/revoke"/.exec(created.body)?.[1]
  const revoked = await reader.post(`/me/tokens/${tokenId}/revoke`, { _csrf: csrfIn(created.body) })
  t.equal(revoked.statusCode, 303)
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${apiToken}` } })).statusCode, 401)

  const again = visitor(app)
  const used = await again.get(path!)
  t.equal(used.statusCode, 400, 'a used link does not work again')
  t.match(used.body, /This sign-in link does not work/)

  const out = await reader.post('/logout', { _csrf: csrfIn((await reader.get('/')).body) })
  t.equal(out.statusCode, 303)
  t.equal((await reader.get('/me/tokens')).statusCode, 303, 'signed out')

  const late = visitor(app)
  const expiring = await emailedLink(late, 'late@example.org')
  const confirmLate = await late.get(expiring!)
  t.equal(confirmLate.statusCode, 200)
  clock.advance(16 * 60_000)
  t.equal((await late.get(expiring!)).statusCode, 400, 'expired after 15 minutes')
  const pressedLate = await late.post(expiring!, { _csrf: csrfIn(confirmLate.body) })
  t.equal(pressedLate.statusCode, 400, 'pressing Sign in on a page opened in time does not help')
  t.equal((await late.get('/me/tokens')).statusCode, 303, 'and signs nobody in')
})

t.test('after signing in, only same-origin paths are followed', async (t) => {
  for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
    const who = visitor(app)
    const form = await who.get(`/login?next=${encodeURIComponent(next)}`)
    t.notMatch(form.body, /evil/, `${next} is not carried in the form`)
    const path = await emailedLink(who, 'redirect@example.org', next)
    const confirm = await who.get(path!)
    const done = await who.post(path!, { _csrf: csrfIn(confirm.body) })
    t.equal(done.headers.location, '/', `${next} is not followed`)
    clock.advance(60 * 60_000)
  }
})

t.test('sign-in links are limited per address and per address only tell nothing', async (t) => {
  const who = visitor(app)
  for (let i = 0; i < 3; i++) {
    const form = await who.get('/login')
    t.equal((await who.post('/login', { email: 'busy@example.org', _csrf: csrfIn(form.body) })).statusCode, 200)
  }
  const form = await who.get('/login')
  const limited = await who.post('/login', { email: 'BUSY@example.org', _csrf: csrfIn(form.body) })
  t.equal(limited.statusCode, 429)
  t.ok(limited.headers['retry-after'])
  t.match(limited.body, /Too many sign-in links for this address/)
  const bad = await who.post('/login', { email: 'not an address', _csrf: csrfIn((await who.get('/login')).body) })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /aria-invalid="true"/)
})

t.test('the sweep forgets links a day after they expired, and no sooner', async (t) => {
  const emails = async () => (await ctx.db.execute<{ email: string }>('select email from sign_in_links' as never)).map((row) => row.email)
  await emailedLink(visitor(app), 'sweep@example.org')
  clock.advance(15 * 60_000 + 23 * 60 * 60_000)
  await handlers.forgetExpiredSignInLinks()
  t.ok((await emails()).includes('sweep@example.org'), 'a link that expired 23 hours ago stays')
  const left = (await emails()).length
  clock.advance(2 * 60 * 60_000)
  t.equal(await handlers.forgetExpiredSignInLinks(), left, 'a day past their expiry all go, used or not')
  t.same(await emails(), [])
})

t.test('with SIGNUP=closed only existing accounts get a link; links are limited per client address too', async (t) => {
  const closed = await buildTestApp(t, { env: { SIGNUP: 'closed', RATE_LIMIT_SIGNIN_PER_IP: '3/1h' } })
  await signUp(closed.app, { email: 'member@example.org' })
  const closedHandlers = createAccountHandlers({ ...closed.ctx, mailer, emails: await loadEmailTemplates() })
  const who = visitor(closed.app)
  for (const email of ['stranger@example.org', 'member@example.org']) {
    const form = await who.get('/login')
    const answer = await who.post('/login', { email, _csrf: csrfIn(form.body) })
    t.equal(answer.statusCode, 200, `${email}: the same answer`)
    t.match(answer.body, /If .* may sign in here, a sign-in link is on its way/)
  }
  const links = await closed.ctx.db.execute<{ id: string; email: string }>(
    `select id, email from sign_in_links order by created_at` as never,
  )
  const before = smtp.messages.length
  for (const link of links) await closedHandlers.emailSignInLink(link.id)
  t.equal(smtp.messages.length, before + 1, 'one email')
  t.same(
    smtp.messages.at(-1)!.to.map((to) => to.address),
    ['member@example.org'],
  )

  t.equal((await who.post('/login', { email: 'third@example.org', _csrf: csrfIn((await who.get('/login')).body) })).statusCode, 200)
  const limited = await who.post('/login', { email: 'fourth@example.org', _csrf: csrfIn((await who.get('/login')).body) })
  t.equal(limited.statusCode, 429, 'the fourth link from one address in an hour')
  t.match(limited.headers['content-type'], /^text\/html/)
  t.match(limited.body, /Too many sign-in links from this address/)
})
