// The public pages and sign-in in Chromium, as a reader would use them: search a Florida MOU and
// read its third page with the words marked, sign in with the emailed link, make an API token.
// Every page is checked with axe-core (WCAG 2.1 AA); the forms also run with JavaScript off.
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../helpers/browser.js'
import { file, makePdf, upload } from '../helpers/documents.js'
import { rawMessage } from '../helpers/inbound.js'
import { postRaw } from '../helpers/inbound-mail.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const SCREENSHOTS = new URL('../output/screenshots/', import.meta.url)
const INBOUND_TOKEN = 'inbound-secret-0123456789'

const executablePath = chromiumPath()
if (!executablePath) {
  t.comment('Chromium is not installed (apt-get install chromium; .ci/run does it): browser tests skipped')
  t.pass('skipped: no Chromium', { skip: 'Chromium is not installed' })
} else {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, {
    env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here', INBOUND_TOKEN },
  })
  await startTestWorker(t, ctx, smtp.url)
  const base = await listen(app)
  const browser = await launchBrowser(t, executablePath)
  await mkdir(SCREENSHOTS, { recursive: true })

  // Seeded through the API: a public request to a Florida agency with a three-page MOU, and a private one.
  const admin = await signUp(app, { email: 'admin@example.org' })
  const owner = await signUp(app, { email: 'owner@example.org' })
  const florida = await findAgencyId(app, 'state=FL&q=police')
  const newRequest = async (user: TestUser, visibility: 'public' | 'private') => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId: florida, templateSlug: 'ring-partnership', visibility },
    })
    const id = created.json().id as string
    await app.inject({ method: 'POST', url: `/v1/requests/${id}/submit`, headers: user.headers, payload: { via: 'portal' } })
    return id
  }
  const uploaded = async (requestId: string, pdf: Buffer, title: string) => {
    const response = await upload(app, requestId, owner.headers, [{ name: 'title', value: title }, file(pdf, 'mou.pdf', 'application/pdf')])
    const id = response.json().items[0].id as string
    await eventually(
      async () => (await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: owner.headers })).json().status === 'ready',
      90_000,
      'extraction',
    )
    // Reviewed and published by the owner (the private request's memo stays private all the same).
    await app.inject({ method: 'POST', url: `/v1/documents/${id}/publish`, headers: owner.headers })
    return id
  }
  const mou = await uploaded(
    await newRequest(owner, 'public'),
    await makePdf([
      'Memorandum of understanding between the city and Ring LLC.',
      'Section 2. Definitions of terms used in this agreement.',
      'Section 3. The department will use the Neighbors Portal to request video <b>from residents</b>.',
    ]),
    'Ring MOU <2019>',
  )
  const secret = await uploaded(
    await newRequest(owner, 'private'),
    await makePdf(['A private memo about the Neighbors Portal.']),
    'Private memo',
  )

  // A release waiting for review: unpublished, with a resident's email and name in it.
  const [release] = (
    await upload(app, await newRequest(owner, 'private'), owner.headers, [
      file(await makePdf(['Neighbors post. Posted by Jane Roe; write to jane.roe77@gmail.com about the video.']), 'release.pdf'),
    ])
  ).json().items
  await eventually(
    async () => (await app.inject({ method: 'GET', url: `/v1/documents/${release.id}`, headers: owner.headers })).json().status === 'ready',
    90_000,
    'extraction',
  )

  /** Signs `page` in as `email` through the emailed link, from a page that asked for sign-in. */
  const signInWithEmailedLink = async (page: Page, email: string) => {
    await page.waitForURL(/\/login\?next=/)
    const before = smtp.messages.length
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before)
    await page.goto(/http:\/\/records\.test(\/login\/\S+)/.exec(mail!.text ?? '')![1]!)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  t.test('search "neighbors portal" and read page 3 of the Florida MOU with the words marked', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    const blocked: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text())
    })
    await page.goto('/')
    await expectAccessible(t, page, 'home')
    await page.screenshot({ path: new URL('home.png', SCREENSHOTS).pathname, fullPage: true })

    await page.getByLabel('Search documents').fill('"neighbors portal"')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.waitForURL(/\/search\?q=/)
    await expectAccessible(t, page, 'search results')
    t.match(await page.getByRole('heading', { level: 2 }).first().textContent(), /1 matching page/)
    t.equal(await page.getByText('Private memo').count(), 0, 'a private document is not found by others')
    t.match(await page.locator('.snippet mark').first().textContent(), /Neighbors/i)
    await page.screenshot({ path: new URL('search.png', SCREENSHOTS).pathname, fullPage: true })

    await page.getByRole('link', { name: 'Ring MOU <2019>' }).click()
    await page.waitForURL(/\/documents\//)
    await expectAccessible(t, page, 'document viewer')
    t.match(await page.getByRole('heading', { level: 2, name: /Page 3 of 3/ }).textContent(), /Page 3/)
    t.same(await page.locator('.page-text mark').allTextContents(), ['Neighbors', 'Portal'])
    t.match(await page.locator('.page-text').textContent(), /<b>from\s+residents<\/b>/, 'the page’s markup is shown as text')
    t.match(await page.getByRole('link', { name: /Open the file at page 3/ }).getAttribute('href'), `/v1/documents/${mou}/file#page=3`)
    await page.screenshot({ path: new URL('document.png', SCREENSHOTS).pathname, fullPage: true })
    await page.getByRole('link', { name: 'Previous page' }).click()
    t.match(page.url(), /page=2/)

    await page.locator('main a[href^="/agencies/"]').click()
    await page.waitForURL(/\/agencies\//)
    await expectAccessible(t, page, 'agency')
    t.equal(await page.getByRole('link', { name: 'Ring MOU <2019>' }).count(), 1, 'the agency’s published document is listed')
    t.equal(await page.getByText('Private memo').count(), 0, 'its private one is not')
    t.equal(await page.locator('#requests-heading + ul > li').count(), 1, 'nor the private request')
    await page.goto('/agencies?state=FL&q=police')
    await expectAccessible(t, page, 'agency list')
    t.same(blocked, [], 'the CSP blocked nothing the pages need')
  })

  t.test('sign in with the emailed link, make and revoke an API token; others’ private documents are 404 pages', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto('/me/tokens')
    await page.waitForURL(/\/login\?next=/)
    await expectAccessible(t, page, 'sign-in form')
    await page.screenshot({ path: new URL('login.png', SCREENSHOTS).pathname, fullPage: true })
    const before = smtp.messages.length
    await page.getByLabel('Email address').fill('reader@example.org')
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    await expectAccessible(t, page, 'link sent')
    const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before)
    t.same(
      mail!.to.map((to) => to.address),
      ['reader@example.org'],
    )
    const link = /http:\/\/records\.test(\/login\/\S+)/.exec(mail!.text ?? '')?.[1]
    t.ok(link, 'the email carries the link')

    await page.goto(link!)
    await expectAccessible(t, page, 'sign-in confirmation')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(/\/me\/tokens$/)
    await expectAccessible(t, page, 'API tokens')
    await page.getByRole('button', { name: 'Create a new token' }).click()
    const token = await page.locator('code.token').textContent()
    t.match(token, /^rrt_/)
    await expectAccessible(t, page, 'new token')
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(me.json().email, 'reader@example.org', 'the token works on the API')
    await page.getByRole('button', { name: /^Revoke/ }).click()
    await page.getByText('You have no API tokens.').waitFor()

    const privateDoc = await page.goto(`/documents/${secret}`)
    t.equal(privateDoc?.status(), 404, 'another user’s private document is a 404 page')
    await expectAccessible(t, page, 'not found')

    // A form posted without its token (a cross-site form) is refused.
    const forged = await page.request.post('/me/tokens', { form: { _csrf: 'forged' }, maxRedirects: 0 })
    t.equal(forged.status(), 403)
    t.match(await forged.text(), /<h1>Not allowed<\/h1>/)

    await page.getByRole('button', { name: /Sign out/ }).click()
    await page.waitForURL(`${base}/`)
    t.equal(await page.getByRole('link', { name: 'Sign in', exact: true }).count(), 1, 'signed out')
  })

  t.test(
    'the search and sign-in forms work with JavaScript off; the owner signs in to their own account and private document',
    async (t) => {
      const context = await browser.newContext({ baseURL: base, javaScriptEnabled: false })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto('/')
      await page.getByLabel('Search documents').fill('portal')
      await page.getByLabel('Search documents').press('Enter')
      await page.waitForURL(/\/search\?q=portal/)
      t.equal(await page.getByRole('link', { name: 'Ring MOU <2019>' }).count(), 1)
      await page.goto('/login?next=https://evil.example/')
      const before = smtp.messages.length
      await page.getByLabel('Email address').fill('OWNER@example.org')
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
      await page.getByRole('heading', { name: 'Check your email' }).waitFor()
      const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before)
      await page.goto(/http:\/\/records\.test(\/login\/\S+)/.exec(mail!.text ?? '')![1]!)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${base}/`)
      t.equal(new URL(page.url()).origin, base, 'the offered foreign next page was not followed')
      t.equal(await page.getByRole('button', { name: /Sign out/ }).count(), 1, 'signed in')
      const own = await page.goto(`/documents/${secret}`)
      t.equal(own?.status(), 200, 'the owner reads their private document')
      const fileHref = await page.getByRole('link', { name: /Open the file/ }).getAttribute('href')
      const ownFile = await page.request.get(fileHref!.split('#')[0]!)
      t.equal(ownFile.status(), 200, 'and opens its file with the session')
      t.equal(ownFile.headers()['content-type'], 'application/pdf')
      const me = await page.request.get('/v1/me')
      t.equal((await me.json()).id, owner.id, 'the existing account, not a new one')
    },
  )
  t.test(
    'the owner composes, previews and saves a request, records a portal filing, logs a fee and sees it on the dashboard',
    async (t) => {
      const context = await browser.newContext({ baseURL: base })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto(`/requests/new?agencyId=${florida}`)
      await signInWithEmailedLink(page, 'owner@example.org')
      await page.waitForURL(/\/requests\/new\?agencyId=/)

      await page.getByRole('button', { name: 'Preview the letter' }).click()
      await page.getByRole('heading', { name: 'Preview' }).waitFor()
      await expectAccessible(t, page, 'compose with preview')
      await page.screenshot({ path: new URL('compose.png', SCREENSHOTS).pathname, fullPage: true })
      await page.getByRole('button', { name: 'Save the draft' }).click()
      await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/)
      await expectAccessible(t, page, 'draft')
      t.match(await page.locator('#next-action').textContent(), /file it/)
      await page.getByLabel('Filed by').selectOption('portal')
      await page.getByRole('button', { name: 'Record the filing' }).click()
      await page.getByRole('heading', { name: 'How the due date was counted' }).waitFor()
      t.match(await page.locator('.status-box').textContent(), /submitted/)

      await page.getByLabel('What happened').selectOption('fee_requested')
      await page.getByLabel(/Amount in dollars/).fill('25')
      await page.getByLabel('Note').fill('Invoice <b>#7</b> by mail')
      await page.getByRole('button', { name: 'Log it' }).click()
      await page.locator('.timeline-event', { hasText: 'Fee requested' }).waitFor()
      t.match(await page.locator('.timeline-event', { hasText: 'Fee requested' }).textContent(), /\$25[\s\S]*Invoice <b>#7<\/b> by mail/)
      t.match(await page.locator('#next-action').textContent(), /asked for a fee/)
      await expectAccessible(t, page, 'request')
      await page.screenshot({ path: new URL('request.png', SCREENSHOTS).pathname, fullPage: true })
      const requestPath = new URL(page.url()).pathname

      await page.getByRole('link', { name: 'Your requests' }).click()
      await page.waitForURL(/\/me$/)
      await expectAccessible(t, page, 'dashboard')
      t.ok((await page.getByRole('link', { name: /Ring/ }).count()) >= 2, 'every request of the owner is listed')
      await page.screenshot({ path: new URL('dashboard.png', SCREENSHOTS).pathname, fullPage: true })

      // The review of a release: suggestions and forms pass axe; a redaction added by hand is listed.
      await page.goto(`/documents/${release.id}`)
      await page.getByRole('heading', { name: 'Suggested redactions' }).waitFor()
      await expectAccessible(t, page, 'document review')
      await page.screenshot({ path: new URL('review.png', SCREENSHOTS).pathname, fullPage: true })
      await page.getByLabel(/^Text to black out/).fill('Jane Roe')
      await page.getByLabel('Page', { exact: true }).fill('1')
      await page.getByRole('button', { name: 'Add redaction' }).click()
      await page.waitForURL(/#review$/)
      t.match(await page.locator('#review').textContent(), /Page 1: “Jane Roe”/)
      t.match(await page.locator('#rendition-status').textContent(), /Public copy: (being prepared|ready)/)
      await expectAccessible(t, page, 'document review after a redaction')

      // The same session with JavaScript off: the request page's forms are plain HTML.
      const noScript = await browser.newContext({ baseURL: base, javaScriptEnabled: false, storageState: await context.storageState() })
      t.teardown(() => noScript.close())
      const plain = await noScript.newPage()
      await plain.goto(requestPath)
      await plain.getByLabel('What happened').selectOption('note')
      await plain.getByLabel('Note').fill('Called the clerk')
      await plain.getByRole('button', { name: 'Log it' }).click()
      await plain.locator('.timeline-event', { hasText: 'Called the clerk' }).waitFor()
      t.pass('an event logged without JavaScript')
    },
  )

  t.test('an admin assigns mail that matched no request from /admin/inbound', async (t) => {
    const requestId = await newRequest(owner, 'public')
    const stray = await postRaw(
      app,
      rawMessage({ to: 'request-mistyped@replies.records.test', subject: 'Your records request <#2026-118>', body: 'Records attached.' }),
      INBOUND_TOKEN,
    )
    t.equal(stray.statusCode, 202)
    await eventually(
      async () => (await app.inject({ method: 'GET', url: '/v1/inbound/unmatched', headers: admin.headers })).json().items.length === 1,
      60_000,
      'the stray message to be read',
    )
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto('/admin/inbound')
    await signInWithEmailedLink(page, 'admin@example.org')
    await page.waitForURL(/\/admin\/inbound$/)
    await expectAccessible(t, page, 'unmatched mail')
    await page.screenshot({ path: new URL('admin-inbound.png', SCREENSHOTS).pathname, fullPage: true })
    await page.getByLabel(/^Request/).fill(`${base}/requests/${requestId}`)
    await page.getByRole('button', { name: /^Assign/ }).click()
    await page.waitForURL(new RegExp(`/requests/${requestId}#thread$`))
    await page.getByText('Records attached.').waitFor()
    await expectAccessible(t, page, 'the request, as an admin sees it')
    await page.goto('/admin/inbound')
    await page.getByText('No unmatched mail').waitFor()
    const thread = await app.inject({ method: 'GET', url: `/v1/requests/${requestId}/messages`, headers: owner.headers })
    t.match(
      thread.json().items.at(-1),
      { subject: 'Your records request <#2026-118>', direction: 'inbound' },
      'the message joined the request',
    )
  })
}
