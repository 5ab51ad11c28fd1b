// Agency contacts in Chromium: a member suggests an agency's records email on its page, an
// administrator accepts it from /admin/suggestions. Every page on the way is checked with axe-core
// (WCAG 2.1 AA), a form with errors included.
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../helpers/browser.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { startTestWorker } from '../helpers/worker.js'

const executablePath = chromiumPath()
if (!executablePath) {
  t.comment('Chromium is not installed (apt-get install chromium; .ci/run does it): browser tests skipped')
  t.pass('skipped: no Chromium', { skip: 'Chromium is not installed' })
} else {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url } })
  // The worker emails the sign-in links.
  await startTestWorker(t, ctx, smtp.url)
  const base = await listen(app)
  const browser = await launchBrowser(t, executablePath)
  const admin = await signUp(app, { email: 'admin@example.org', name: 'Site Admin' })
  await signUp(app, { email: 'member@example.org', name: 'Careful Member' })
  const edgewood = await findAgencyId(app, 'state=WA&ringPartner=true&q=edgewood')
  // Another suggestion waiting, one the agency's reply brought: the queue shows both kinds.
  const other = await findAgencyId(app, 'state=WA&ringPartner=true&q=kent')
  const suggested = await app.inject({
    method: 'POST',
    url: `/v1/agencies/${other}/suggestions`,
    headers: admin.headers,
    payload: { portalUrl: 'https://kent.example/records', mailingAddress: '220 4th Ave S\nKent, WA 98032', note: 'City website' },
  })
  t.equal(suggested.statusCode, 201)

  /** Opens `path` signed in as `email` through the emailed sign-in link. */
  const signedIn = async (page: Page, email: string, path: string) => {
    await page.goto(`/login?next=${encodeURIComponent(path)}`)
    const before = smtp.messages.length
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before)
    await page.goto(/http:\/\/records\.test(\/login\/\S+)/.exec(mail!.text ?? '')![1]!)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname === path)
  }

  t.test('a member suggests a records email on the agency page', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await signedIn(page, 'member@example.org', `/agencies/${edgewood}`)
    await expectAccessible(t, page, 'agency page with the suggestion form')

    await page.getByLabel('Records email').fill('records@edgewood.example')
    await page.getByLabel('Where you found it').fill('The city’s public records page')
    await page.getByRole('button', { name: /suggest/i }).click()
    await page.getByRole('status').waitFor()
    t.match(await page.getByRole('status').textContent(), /An administrator will review your suggestion/)
    await expectAccessible(t, page, 'agency page after suggesting')

    // Only a note: the service answers what is missing, on a page of its own.
    await page.getByLabel('Where you found it').fill('I heard about it')
    await page.getByRole('button', { name: /suggest/i }).click()
    await page.waitForLoadState()
    t.match(await page.locator('main').textContent(), /not valid/i)
    await expectAccessible(t, page, 'a suggestion with nothing to suggest')
  })

  t.test('a sign-in link that is not valid says so on an accessible page', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    const response = await page.goto('/login/not-a-sign-in-token')
    t.equal(response?.status(), 400)
    await expectAccessible(t, page, 'sign-in link not valid')
  })

  t.test('an administrator reviews the queue and accepts in one click', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await signedIn(page, 'admin@example.org', '/admin/suggestions')
    t.equal(await page.locator('main article').count(), 2, 'both suggestions wait')
    await expectAccessible(t, page, 'review queue')

    await page.getByRole('button', { name: /Accept the suggestion for Edgewood/ }).click()
    await page.waitForURL(/\/admin\/suggestions$/)
    t.equal(await page.locator('main article').count(), 1)
    await page.getByRole('button', { name: /Reject the suggestion for Kent/ }).click()
    await page.waitForURL(/\/admin\/suggestions$/)
    t.match(await page.locator('main').textContent(), /No suggestion waits for review/)
    await expectAccessible(t, page, 'empty review queue')

    await page.goto(`/agencies/${edgewood}`)
    t.match(await page.locator('main').textContent(), /records@edgewood\.example/, 'the accepted address is on file')
    await expectAccessible(t, page, 'agency page as an administrator sees it')
  })
}
