// The review on the document page over app.inject, as the requester does it without JavaScript:
// suggested redactions with page and context, accepted one by one or all at once, one added by
// hand, undone, the public copy's state, publishing refused until the copy is ready. Bad input
// is answered in the form, kept as typed; forms without their CSRF token and other users are refused.
import t from 'tap'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { createExtractionHandlers } from '../../src/modules/documents/extraction.service.js'
import { createRenditionHandlers } from '../../src/modules/privacy/privacy.service.js'
import { loadEmailTemplates } from '../../src/modules/templates/email-templates.js'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, makePdf, upload } from '../helpers/documents.js'
import { extractPdfText } from '../helpers/pdf-text.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { csrfIn, emailLinkSignIn } from '../helpers/web-session.js'

const EMAIL = 'jane.roe77@gmail.com'
const PHONE = '(509) 555-0142'

const smtp = await startSmtpCapture()
t.teardown(() => smtp.close())
const { app, ctx } = await buildTestApp(t)
const mailer = createSmtpMailer(smtp.url)
t.teardown(() => mailer.close())
const signedInAs = emailLinkSignIn({ app, ctx }, smtp, createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() }))

const owner = await signUp(app, { email: 'owner@example.org' })
await signUp(app, { email: 'other@example.org' })
const { id: requestId } = await fileRequest(app, owner)
const pdf = await makePdf([
  `Neighbors post. Posted by a resident, call ${PHONE} or write to ${EMAIL}.\nOfficer Daniel Kim took the report.`,
  'Second page: Jane Roe asked for the footage.',
])
const [uploaded] = (await upload(app, requestId, owner.headers, [file(pdf, 'release.pdf')])).json().items
const id = uploaded.id as string
await createExtractionHandlers(ctx).extract(id)
const renditions = createRenditionHandlers(ctx)
/** What the worker does after a change: build the public copy of the current redactions. */
const buildPublicCopy = async () => {
  const [row] = await ctx.database.sql<{ version: number }[]>`select redactions_version as version from documents where id = ${id}`
  await renditions.render(id, row!.version)
}

const ownerSession = await signedInAs('owner@example.org')
const otherSession = await signedInAs('other@example.org')
const documentPage = `/documents/${id}`
const add = async (fields: Record<string, string>) => {
  const page = await ownerSession.get(documentPage)
  return ownerSession.post(`/documents/${id}/redactions`, { _csrf: csrfIn(page.body), at: '1', ...fields })
}
const redactionTexts = async () =>
  (
    (await app.inject({ method: 'GET', url: `/v1/documents/${id}/redactions`, headers: owner.headers })).json().items as { text: string }[]
  ).map((item) => item.text)

t.test('the owner’s document page lists suggestions with page and context, the forms, and the public copy’s state', async (t) => {
  const page = await ownerSession.get(documentPage)
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h2 id="review-heading">Review<\/h2>/)
  t.match(page.body, /Public copy: the original file<\/strong> \(no redactions\)/)
  t.match(page.body, /<td>1<\/td>\s*<td>email<\/td>\s*<td>jane\.roe77@gmail\.com<\/td>\s*<td>[^<]*write to jane\.roe77@gmail\.com/)
  t.match(page.body, /<td>phone<\/td>\s*<td>\(509\) 555-0142<\/td>/)
  t.match(page.body, /Accept<span class="visually-hidden">: jane\.roe77@gmail\.com on page 1<\/span>/)
  t.match(page.body, /Accept all \d+ suggestions/)
  t.match(page.body, /<label for="redaction-text">/)
  t.match(page.body, /<button type="submit">Publish<\/button>/)
  t.match(page.body, /Redactions<\/h3>\s*<p>None yet\.<\/p>/)

  const anonymous = await app.inject({ method: 'GET', url: documentPage })
  t.equal(anonymous.statusCode, 404, 'unpublished: a 404 page to others')
  t.notMatch(anonymous.body, /jane\.roe77/)
})

t.test('another user: a 404 page, and their forms change nothing', async (t) => {
  const page = await otherSession.get(documentPage)
  t.equal(page.statusCode, 404)
  t.match(page.body, /<h1>Page not found<\/h1>/)
  const token = csrfIn((await otherSession.get('/me/tokens')).body)
  for (const [url, fields] of [
    [`/documents/${id}/redactions`, { page: '1', text: EMAIL }],
    [`/documents/${id}/redactions/accept-all`, {}],
    [`/documents/${id}/publish`, {}],
  ] as const) {
    const refused = await otherSession.post(url, { _csrf: token, ...fields })
    t.equal(refused.statusCode, 404, url)
  }
  t.same(await redactionTexts(), [])
})

t.test('a form without its CSRF token is refused', async (t) => {
  for (const token of [undefined, 'forged']) {
    const refused = await ownerSession.post(`/documents/${id}/redactions`, {
      page: '1',
      text: EMAIL,
      ...(token ? { _csrf: token } : {}),
    })
    t.equal(refused.statusCode, 403)
    t.match(refused.body, /did not come from this site/)
  }
  t.same(await redactionTexts(), [])
})

t.test('bad input is answered in the form, kept as typed, with a clear message', async (t) => {
  const cases = [
    { fields: { page: '1', text: '' }, status: 400, message: 'Text: must be at least 2 characters' },
    { fields: { page: '1', text: 'not in this document' }, status: 422, message: 'Text: does not occur on page 1' },
    { fields: { page: '9', text: EMAIL }, status: 422, message: 'Page: the document has no page 9; it has 2' },
    { fields: { page: 'twelve', text: EMAIL }, status: 400, message: 'Page: must be a page number, such as 12' },
    { fields: { page: '0', text: EMAIL }, status: 400, message: 'Page: must be a page number, 1 or more' },
    { fields: { page: '1', text: 'x'.repeat(501) }, status: 400, message: 'Text: must be at most 500 characters' },
  ]
  for (const { fields, status, message } of cases) {
    const answer = await add(fields)
    t.equal(answer.statusCode, status, message)
    t.ok(answer.body.includes(message), message)
    t.match(answer.body, /The redaction was not added/)
    t.match(answer.body, /aria-invalid="true"/)
    t.ok(answer.body.includes(`name="page" value="${fields.page}"`), 'the page as typed')
    t.ok(answer.body.includes(`name="text" value="${fields.text}"`), 'the text as typed')
  }
  const hostile = await add({ page: '1', text: '"><script>alert(1)</script>' })
  t.equal(hostile.statusCode, 422)
  t.notMatch(hostile.body, /<script>alert/, 'escaped')
  t.match(hostile.body, /value="&#34;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/, 'kept, escaped')
  t.equal((await add({ page: '1', text: 'x'.repeat(2001) })).statusCode, 400, 'far too long: refused before any rule')
  t.same(await redactionTexts(), [], 'nothing was added')
})

t.test('accept one, add one by hand, publish once the public copy is ready, accept all, undo', async (t) => {
  const accepted = await add({ page: '1', text: EMAIL })
  t.equal(accepted.statusCode, 303)
  t.equal(accepted.headers.location, `/documents/${id}?page=1#review`)
  const byHand = await add({ page: '2', text: 'Jane Roe' })
  t.equal(byHand.statusCode, 303)
  t.equal(byHand.headers.location, `/documents/${id}?page=2#review`, 'back at the page redacted')
  t.same(await redactionTexts(), [EMAIL, 'Jane Roe'])

  const pending = await ownerSession.get(documentPage)
  t.match(pending.body, /Public copy: being prepared\.<\/strong>/)
  t.notMatch(pending.body, /<button type="submit">Publish<\/button>/, 'no publish button until the copy is ready')
  t.notMatch(pending.body, /Accept<span class="visually-hidden">: jane\.roe77/, 'an accepted suggestion leaves the list')
  t.match(pending.body, /Page 2: “Jane Roe”/)
  const requestPage = await ownerSession.get(`/requests/${requestId}`)
  t.match(requestPage.body, /awaiting review, not public · 2 redactions · public copy being prepared/)
  t.notMatch(requestPage.body, /aria-label="Publish release\.pdf"/, 'nor on the request page')
  const early = await ownerSession.post(`/documents/${id}/publish`, { _csrf: csrfIn(pending.body) })
  t.equal(early.statusCode, 409)
  t.match(early.body, /<h1>Not ready yet<\/h1>[\s\S]*being prepared/)

  await buildPublicCopy()
  const ready = await ownerSession.get(documentPage)
  t.match(
    ready.body,
    /Public copy: ready<\/strong>, with 2 redactions blacked out\. <a href="\/v1\/documents\/[^"]+\/file">Preview the public file<\/a>/,
  )
  const preview = await ownerSession.get(`/v1/documents/${id}/file`)
  t.equal(preview.statusCode, 200)
  t.notMatch((await extractPdfText(preview.rawPayload)).join('\n'), /jane\.roe77|Jane Roe/, 'the preview has neither')
  const published = await ownerSession.post(`/documents/${id}/publish`, { _csrf: csrfIn(ready.body), at: '2' })
  t.equal(published.statusCode, 303)
  t.equal(published.headers.location, `/documents/${id}?page=2#review`)
  t.equal((await app.inject({ method: 'GET', url: documentPage })).statusCode, 200, 'public now')
  t.match((await ownerSession.get(`/requests/${requestId}`)).body, /aria-label="Unpublish release\.pdf"/)

  const all = await ownerSession.post(`/documents/${id}/redactions/accept-all`, { _csrf: csrfIn(ready.body) })
  t.equal(all.statusCode, 303)
  t.ok((await redactionTexts()).includes(PHONE), 'the phone number too')
  const afterAll = await ownerSession.get(documentPage)
  t.match(afterAll.body, /No more suggestions/)
  t.match(afterAll.body, /<button type="submit">Unpublish<\/button>/)

  const [, redactionId] = /action="\/documents\/[^/]+\/redactions\/([0-9a-f-]{36})\/undo"/.exec(afterAll.body) ?? []
  const undone = await ownerSession.post(`/documents/${id}/redactions/${redactionId}/undo`, { _csrf: csrfIn(afterAll.body) })
  t.equal(undone.statusCode, 303)
  t.equal((await redactionTexts()).length, 2)
  const again = await ownerSession.post(`/documents/${id}/redactions/${redactionId}/undo`, { _csrf: csrfIn(afterAll.body) })
  t.equal(again.statusCode, 404, 'an undone redaction is gone')
  t.equal((await ownerSession.post(`/documents/${id}/redactions/not-a-uuid/undo`, { _csrf: csrfIn(afterAll.body) })).statusCode, 400)
})
