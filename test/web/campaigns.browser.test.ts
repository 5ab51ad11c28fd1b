// The organizer's story in Chromium: start a campaign over every Washington Ring partner from one
// form, file the drafts by email, follow coverage on the map and the per-agency table. Every page is
// checked with axe-core (WCAG 2.1 AA); the public reads the campaign with JavaScript off.
import { mkdir } from 'node:fs/promises'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../helpers/browser.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const SCREENSHOTS = new URL('../output/screenshots/', import.meta.url)

const executablePath = chromiumPath()
if (!executablePath) {
  t.comment('Chromium is not installed (apt-get install chromium; .ci/run does it): browser tests skipped')
  t.pass('skipped: no Chromium', { skip: 'Chromium is not installed' })
} else {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, { env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1', CAMPAIGN_SEND_PER_MINUTE: '600' } })
  await startTestWorker(t, ctx, smtp.url)
  const base = await listen(app)
  const browser = await launchBrowser(t, executablePath)
  await mkdir(SCREENSHOTS, { recursive: true })

  const admin = await signUp(app)
  const organizer = await signUp(app, { email: 'organizer@example.org', name: 'Campaign Organizer' })
  // Eight of Washington's ten Ring partners have an approved address; Kent and Clarkston have none.
  for (const name of ['Auburn', 'Des Moines', 'Edgewood', 'Olympia', 'Spokane County', 'Spokane Police', 'University Place', 'Yakima']) {
    const id = await findAgencyId(app, `state=WA&ringPartner=true&q=${encodeURIComponent(name)}`)
    await app.inject({
      method: 'PATCH',
      url: `/v1/agencies/${id}`,
      headers: admin.headers,
      payload: { email: `records-${name.toLowerCase().replace(/\s+/g, '-')}@agency.example` },
    })
  }

  t.test('an organizer starts a Washington campaign from one form, files it by email and follows its coverage', async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto('/campaigns/new')
    await page.waitForURL(/\/login\?next=/)
    const before = smtp.messages.length
    await page.getByLabel('Email address').fill('organizer@example.org')
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before)
    await page.goto(/http:\/\/records\.test(\/login\/\S+)/.exec(mail!.text ?? '')![1]!)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(/\/campaigns\/new$/)
    await expectAccessible(t, page, 'campaign form')

    await page.getByLabel('Campaign title').fill('Ring partnership records — Washington')
    await page.getByLabel('State').selectOption('WA')
    t.ok(await page.getByLabel('Only Ring partners').isChecked(), 'Ring partners by default')
    await page.getByRole('button', { name: 'Create the drafts' }).click()
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Ring partnership records — Washington')
    t.match(await page.locator('.meta').first().textContent(), /10 agencies/)
    t.equal(await page.locator('#targets tbody tr').count(), 10, 'one row per agency')
    t.match(await page.locator('#by-state tbody').textContent(), /Washington\s*10\s*0\s*0\s*0/)
    t.equal(await page.locator('path', { hasText: 'Washington: 10 agencies, none filed yet' }).getAttribute('fill'), '#ffffff')
    t.equal(await page.locator('path', { hasText: 'Texas' }).getAttribute('fill'), '#e5e5e5', 'states outside the campaign are grey')
    await expectAccessible(t, page, 'campaign page with drafts and the filing form')

    await page.getByLabel('File every draft').selectOption('email')
    await page.getByRole('button', { name: 'File the drafts' }).click()
    await page.getByRole('status').waitFor()
    t.match(await page.getByRole('status').textContent(), /8 requests filed\. 2 agencies have no approved email address/)
    await expectAccessible(t, page, 'campaign page just filed')
    const campaignPath = new URL(page.url()).pathname
    await eventually(
      async () => smtp.messages.filter((message) => message.to[0]!.address.endsWith('@agency.example')).length >= 8,
      90_000,
      'eight letters',
    )
    t.match(await page.locator('#targets').textContent(), /draft · needs a contact/)
    // Every letter has left: holding back finds none to hold.
    await page.getByRole('button', { name: 'Hold back letters not sent yet' }).click()
    await page.getByRole('status').waitFor()
    t.match(await page.getByRole('status').textContent(), /^0 letters held back/)
    await expectAccessible(t, page, 'campaign page after holding back')

    // The agency answers two of them; the organizer logs it and the map shades Washington.
    const targets = (
      await app.inject({ method: 'GET', url: `/v1${campaignPath}/targets?status=submitted`, headers: organizer.headers })
    ).json()
    for (const target of targets.items.slice(0, 2)) {
      const logged = await app.inject({
        method: 'POST',
        url: `/v1/requests/${target.requestId}/events`,
        headers: organizer.headers,
        payload: { type: 'fulfilled' },
      })
      t.equal(logged.statusCode, 201)
    }
    await page.goto(campaignPath)
    t.match(await page.locator('#by-state tbody').textContent(), /Washington\s*10\s*8\s*2\s*0/)
    t.equal(await page.locator('path', { hasText: 'Washington: 10 agencies, 2 of 8 filed answered (25%)' }).getAttribute('fill'), '#bdd7e7')
    await expectAccessible(t, page, 'campaign page filed')
    await page.screenshot({ path: new URL('campaign.png', SCREENSHOTS).pathname, fullPage: true })

    await page.getByLabel('Status').selectOption('fulfilled')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/status=fulfilled/)
    t.equal(await page.locator('#targets tbody tr').count(), 2, 'the agencies that answered')
    await expectAccessible(t, page, 'campaign page filtered')
    await page.locator('#targets a', { hasText: 'fulfilled' }).first().click()
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/)
    t.match(await page.locator('.status-box').textContent(), /fulfilled/)

    // The public reads the campaign without JavaScript: counts, map and table, no forms, no links to drafts.
    const reader = await browser.newContext({ baseURL: base, javaScriptEnabled: false })
    t.teardown(() => reader.close())
    const plain = await reader.newPage()
    await plain.goto(campaignPath)
    t.equal(await plain.locator('#targets tbody tr').count(), 10)
    t.equal(await plain.getByRole('button', { name: 'File the drafts' }).count(), 0, 'no filing form for the public')
    t.equal(await plain.locator('#targets a[href^="/requests/"]').count(), 8, 'links to the filed requests only')
  })
}
