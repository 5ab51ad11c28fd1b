// The researcher's story in Chromium: search "neighbors portal" with near copies folded, see the
// MOU "released by 2 other agencies", open the comparison with the changed words marked. Every
// page is checked with axe-core (WCAG 2.1 AA).
import t from 'tap'
import { localChanges, localMou, standardMou } from '../fixtures/near-copies/ring-mou.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { chromiumPath, expectAccessible, launchBrowser, listen } from '../helpers/browser.js'
import { file, upload } from '../helpers/documents.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const executablePath = chromiumPath()
if (!executablePath) {
  t.comment('Chromium is not installed (apt-get install chromium; .ci/run does it): browser tests skipped')
  t.pass('skipped: no Chromium', { skip: 'Chromium is not installed' })
} else {
  const { app, ctx } = await buildTestApp(t, { env: { SWEEP_INTERVAL_SECONDS: '1', OCR_COMMAND: 'tesseract-not-installed-here' } })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const base = await listen(app)
  const browser = await launchBrowser(t, executablePath)
  await signUp(app)
  const researcher = await signUp(app)
  const release = async (agencyQuery: string, pages: string[]) => {
    const agencyId = await findAgencyId(app, agencyQuery)
    const request = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: researcher.headers,
        payload: { agencyId, templateSlug: 'ring-partnership', visibility: 'public' },
      })
    ).json()
    await app.inject({ method: 'POST', url: `/v1/requests/${request.id}/submit`, headers: researcher.headers, payload: { via: 'portal' } })
    const response = await upload(app, request.id, researcher.headers, [
      file(Buffer.from(pages.join('\f')), 'mou.txt', 'text/plain'),
      { name: 'kind', value: 'agreement' },
      { name: 'title', value: 'Neighbors Portal MOU' },
    ])
    const id = response.json().items[0].id as string
    await eventually(
      async () => (await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: researcher.headers })).json().status === 'ready',
      90_000,
      'extraction',
    )
    await app.inject({ method: 'POST', url: `/v1/documents/${id}/publish`, headers: researcher.headers })
    return id
  }
  await release('state=WA&q=spokane%20police', standardMou())
  await release('state=TX&q=houston%20police', localMou(0))
  await release('state=FL&q=miami', localMou(1))

  t.test('fold near copies in search, see who else released the MOU, compare two copies', { timeout: 300_000 }, async (t) => {
    const context = await browser.newContext({ baseURL: base })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto('/')
    await page.getByLabel('Search documents').fill('"neighbors portal"')
    await page.getByLabel(/Fold near copies/).check()
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/\/search\?/)
    await expectAccessible(t, page, 'folded results')
    t.equal(
      await page.getByRole('listitem').filter({ hasText: 'Neighbors Portal MOU' }).locator('h3').count(),
      1,
      'one result for the three',
    )
    await page.getByRole('link', { name: 'and 2 near-copies' }).click()
    await expectAccessible(t, page, 'document page')
    await t.resolves(page.getByText(/The same agreement was released by 2 other agencies\./).waitFor())
    await page
      .getByRole('link', { name: /Compare with this document/ })
      .first()
      .click()
    await expectAccessible(t, page, 'comparison')
    // Each agency's version of the eight local words; any two versions differ in all eight.
    const versions: Record<string, string[]> = {
      Spokane: localChanges(0).map((change) => change.standard),
      Houston: localChanges(0).map((change) => change.local),
      Miami: localChanges(1).map((change) => change.local),
    }
    const [left, right] = (await page.locator('table.compare thead th').allTextContents()).map(
      (heading) => Object.keys(versions).find((agency) => heading.includes(agency))!,
    )
    t.not(left, right)
    t.same((await page.locator('table.compare del').allTextContents()).sort(), [...versions[left!]!].sort())
    t.same((await page.locator('table.compare ins').allTextContents()).sort(), [...versions[right!]!].sort())
  })
}
