// The request page and its forms over app.inject: the owner's page leads with the next action and
// marks replies read; others read a public request without forms; a private one is a 404 page;
// every form refuses a missing CSRF token, wrong types and hostile input, and changes the request
// only through the services the JSON API uses.
import t from 'tap'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { createInboundHandlers } from '../../src/modules/correspondence/ingest.service.js'
import { loadEmailTemplates } from '../../src/modules/templates/email-templates.js'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, multipartBody } from '../helpers/documents.js'
import { rawMessage } from '../helpers/inbound.js'
import { postRaw } from '../helpers/inbound-mail.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { csrfIn, emailLinkSignIn, visitor } from '../helpers/web-session.js'

const TOKEN = 'inbound-secret-0123456789'
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const smtp = await startSmtpCapture()
t.teardown(() => smtp.close())
const { app, ctx } = await buildTestApp(t, { env: { INBOUND_TOKEN: TOKEN } })
const mailer = createSmtpMailer(smtp.url)
t.teardown(() => mailer.close())
const handlers = createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() })

const signedInAs = emailLinkSignIn({ app, ctx }, smtp, handlers)

const admin = await signUp(app)
const owner = await signUp(app, { email: 'owner@example.org' })
await signUp(app, { email: 'other@example.org' })
const request = await fileRequest(app, owner)
const privateRequest = await fileRequest(app, owner)
await app.inject({ method: 'PATCH', url: `/v1/requests/${privateRequest.id}`, headers: owner.headers, payload: { visibility: 'private' } })
const shown = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json()
const hostile = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
const reply = await postRaw(
  app,
  rawMessage({
    to: shown.replyAddress,
    subject: `Re: ${shown.subject}`,
    body: `We have received your request. A fee of $25.00 is required before we proceed. ${hostile}`,
  }),
  TOKEN,
)
// The worker's ingest job, run here: it matches the reply to the request by its address.
await createInboundHandlers(ctx).ingest(reply.json().id)

const ownerSession = await signedInAs('owner@example.org')
const otherSession = await signedInAs('other@example.org')

t.test('the owner’s page leads with status, due date and the next action, and marks the reply read', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json().unreadMessages, 1)
  const page = await ownerSession.get(`/requests/${request.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal(page.body.match(/<h1>/g)?.length, 1, 'one h1')
  t.match(page.body, /<dt>Status<\/dt><dd><strong>submitted<\/strong>/)
  t.match(page.body, new RegExp(`<dt>Due date</dt><dd>${shown.dueDate}</dd>`))
  t.match(page.body, /<strong>Next:<\/strong> <a href="#thread">The agency sent a new reply/)
  t.match(page.body, /How the due date was counted/)
  for (const day of shown.deadline.skipped) t.match(page.body, `<tr><td>${day.date}</td><td>`, `skipped ${day.date} is listed`)
  t.match(page.body, /<span class="new">new<\/span>/, 'the reply is marked new this once')
  t.notMatch(page.body, /<script>alert|<img src=x/, 'the message is text, never markup')
  t.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  t.match(page.body, /Confirm: log “Fee requested”/, 'the suggestion is offered as a one-click form')
  t.match(page.body, /<input type="hidden" name="amount" value="25.00">/, 'with the fee the reply names')
  t.ok(page.body.indexOf('Draft created') < page.body.indexOf('From clerk@police.example.gov'), 'one timeline, oldest first')
  for (const form of ['/events', '/documents?_csrf=', '/reminders']) t.match(page.body, `action="/requests/${request.id}${form}`)
  t.notMatch(page.body, /action="[^"]*\/messages"/, 'no write form when the agency has no approved email')
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json().unreadMessages, 0, 'read')
  t.notMatch((await ownerSession.get(`/requests/${request.id}`)).body, /<span class="new">/)
})

t.test('others read a public request without forms; a private one and unknown ids are 404 pages', async (t) => {
  for (const who of [visitor(app), otherSession]) {
    const page = await who.get(`/requests/${request.id}`)
    t.equal(page.statusCode, 200)
    t.notMatch(page.body, /action="\/requests\//, 'no forms for others')
    t.notMatch(page.body, /Next:/)
    const hidden = await who.get(`/requests/${privateRequest.id}`)
    t.equal(hidden.statusCode, 404)
    t.match(hidden.body, /<h1>Page not found<\/h1>/)
  }
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json().unreadMessages, 0)
  t.equal((await ownerSession.get(`/requests/${UNKNOWN}`)).statusCode, 404)
  t.equal((await ownerSession.get(`/requests/${privateRequest.id}`)).statusCode, 200, 'the owner sees their private request')
  const bad = await ownerSession.get('/requests/not-a-uuid')
  t.equal(bad.statusCode, 400)
  t.match(bad.headers['content-type'], /^text\/html/)
  const adminPage = await app.inject({ method: 'GET', url: `/requests/${privateRequest.id}`, headers: admin.headers })
  t.equal(adminPage.statusCode, 200, 'an admin sees it, as on the API')
})

t.test('forms refuse a missing or forged CSRF token, strangers, and signed-out posts', async (t) => {
  const url = `/requests/${request.id}/events`
  t.equal((await ownerSession.post(url, { type: 'note', note: 'x' })).statusCode, 403)
  const forged = await ownerSession.post(url, { type: 'note', note: 'x', _csrf: 'forged' })
  t.equal(forged.statusCode, 403)
  t.match(forged.body, /did not come from this site/)
  const otherToken = csrfIn((await otherSession.get(`/requests/${request.id}`)).body)
  const stranger = await otherSession.post(url, { type: 'note', note: 'x', _csrf: otherToken })
  t.equal(stranger.statusCode, 403, 'another user may not log events on a public request')
  const strangerPrivate = await otherSession.post(`/requests/${privateRequest.id}/events`, { type: 'note', note: 'x', _csrf: otherToken })
  t.equal(strangerPrivate.statusCode, 404, 'nor learn that a private one exists')
  t.equal((await visitor(app).post(url, { type: 'note' })).statusCode, 401)
  const upload = await multipartBody([file('hello', 'a.txt', 'text/plain')])
  const noToken = await app.inject({
    method: 'POST',
    url: `/requests/${request.id}/documents`,
    cookies: ownerSession.jar,
    payload: upload.body,
    headers: { 'content-type': upload.contentType },
  })
  t.equal(noToken.statusCode, 403, 'an upload without its token')
  const events = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}/events`, headers: owner.headers })).json()
  t.notOk(
    events.some((event: { type: string }) => event.type === 'note'),
    'nothing was logged',
  )
})

t.test('logging events: the suggestion confirmed in one click, a fee with its amount; wrong input is a 4xx page', async (t) => {
  const page = (await ownerSession.get(`/requests/${request.id}`)).body
  const token = csrfIn(page)
  const url = `/requests/${request.id}/events`
  const confirmed = await ownerSession.post(url, { _csrf: token, type: 'acknowledged', date: '' })
  t.equal(confirmed.statusCode, 303)
  t.equal(confirmed.headers.location, `/requests/${request.id}#timeline`)
  const fee = await ownerSession.post(url, { _csrf: token, type: 'fee_requested', amount: '25.00', note: hostile })
  t.equal(fee.statusCode, 303)
  const after = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json()
  t.equal(after.status, 'awaiting_fee')
  const again = await ownerSession.get(`/requests/${request.id}`)
  t.match(again.body, /Fee requested<\/strong> <span class="meta">[^<]*\$25/)
  t.match(again.body, /<strong>Next:<\/strong> <a href="#log">The agency asked for a fee/)
  t.notMatch(again.body, /<script>alert/, 'the note is escaped')
  t.notMatch(again.body, /Confirm: log/, 'a suggestion no longer allowed is not offered')

  for (const [form, why] of [
    [{ type: 'bogus' }, 'an unknown type'],
    [{ type: 'note', date: '2026-13-45' }, 'a bad date'],
    [{ type: 'note', amount: 'abc' }, 'a non-number amount'],
    [{ type: 'note', amount: '5' }, 'an amount on a note'],
    [{ type: 'note', date: '2999-01-01' }, 'a date in the future'],
    [{ type: 'note', note: 'x'.repeat(10_001) }, 'a note too long'],
  ] as const) {
    const refused = await ownerSession.post(url, { _csrf: token, ...form })
    t.equal(refused.statusCode, 400, why)
    t.match(refused.headers['content-type'], /^text\/html/, why)
  }
  const wrongStatus = await ownerSession.post(url, { _csrf: token, type: 'acknowledged' })
  t.equal(wrongStatus.statusCode, 409, 'an event not allowed now')
  t.match(wrongStatus.body, /<h1>Not ready yet<\/h1>/)
  const twice = await app.inject({
    method: 'POST',
    url,
    cookies: ownerSession.jar,
    payload: `type=note&type=note&_csrf=${encodeURIComponent(token)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(twice.statusCode, 400, 'a field given twice')
})

t.test('uploading files, muting reminders and writing to the agency from the page', async (t) => {
  const token = csrfIn((await ownerSession.get(`/requests/${request.id}`)).body)
  const body = await multipartBody([
    { name: 'title', value: 'Released <records>' },
    file('The released records.\n', 'records.txt', 'text/plain'),
  ])
  const uploaded = await app.inject({
    method: 'POST',
    url: `/requests/${request.id}/documents?_csrf=${encodeURIComponent(token)}`,
    cookies: ownerSession.jar,
    payload: body.body,
    headers: { 'content-type': body.contentType },
  })
  t.equal(uploaded.statusCode, 303)
  t.equal(uploaded.headers.location, `/requests/${request.id}#documents`)
  const page = await ownerSession.get(`/requests/${request.id}`)
  t.match(page.body, /Released &lt;records&gt;<\/a>/)
  const notMultipart = await ownerSession.post(`/requests/${request.id}/documents?_csrf=${encodeURIComponent(token)}`, { file: 'x' })
  t.equal(notMultipart.statusCode, 400)
  const badType = await multipartBody([file(Buffer.from([0x00, 0x01, 0x02, 0xff]), 'x.bin', 'application/octet-stream')])
  const refused = await app.inject({
    method: 'POST',
    url: `/requests/${request.id}/documents?_csrf=${encodeURIComponent(token)}`,
    cookies: ownerSession.jar,
    payload: badType.body,
    headers: { 'content-type': badType.contentType },
  })
  t.equal(refused.statusCode, 415)
  t.match(refused.headers['content-type'], /^text\/html/)

  const muted = await ownerSession.post(`/requests/${request.id}/reminders`, { _csrf: token, muted: 'true' })
  t.equal(muted.statusCode, 303)
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${request.id}`, headers: owner.headers })).json().remindersMuted, true)
  t.match((await ownerSession.get(`/requests/${request.id}`)).body, /Turn reminders back on/)
  t.equal((await ownerSession.post(`/requests/${request.id}/reminders`, { _csrf: token, muted: 'maybe' })).statusCode, 400)

  const writes = await ownerSession.post(`/requests/${request.id}/messages`, { _csrf: token, text: 'Hello' })
  t.equal(writes.statusCode, 409, 'the agency has no approved email: refused as the API refuses it')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${shown.agency.id}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })
  const withEmail = await ownerSession.get(`/requests/${request.id}`)
  t.match(withEmail.body, /<label for="message-text">Message<\/label>/)
  t.equal((await ownerSession.post(`/requests/${request.id}/messages`, { _csrf: token, text: '   ' })).statusCode, 400, 'an empty message')
  const sent = await ownerSession.post(`/requests/${request.id}/messages`, { _csrf: token, text: `When will you answer? ${hostile}` })
  t.equal(sent.statusCode, 303)
  t.equal(sent.headers.location, `/requests/${request.id}#thread`)
  const thread = (await app.inject({ method: 'GET', url: `/v1/requests/${request.id}/messages`, headers: owner.headers })).json()
  t.equal(thread.items.at(-1).direction, 'outbound')
  t.match(thread.items.at(-1).text, /When will you answer\?/)
  const withSent = await ownerSession.get(`/requests/${request.id}`)
  t.match(withSent.body, /<h3>To the agency/)
  t.notMatch(withSent.body, /<script>alert/)
})

t.test('composing: choose a template, fill its variables, preview, save the draft, edit it and record the filing', async (t) => {
  const agencyId = shown.agency.id as string
  t.equal((await visitor(app).get(`/requests/new?agencyId=${agencyId}`)).statusCode, 303, 'signed out: to the sign-in page')
  const empty = await ownerSession.get('/requests/new')
  t.equal(empty.statusCode, 200)
  t.match(empty.body, /Find the agency/)
  t.equal((await ownerSession.get(`/requests/new?agencyId=${UNKNOWN}`)).statusCode, 404)
  t.equal((await ownerSession.get(`/requests/new?agencyId=${agencyId}&agencyId=${agencyId}`)).statusCode, 400, 'a field given twice')
  const form = await ownerSession.get(`/requests/new?agencyId=${agencyId}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /<select id="compose-template" name="template">/)
  const toCampaign = /href="(\/campaigns\/new\?template=[^"]+)"/.exec(form.body)?.[1]
  t.ok(toCampaign, 'several agencies: the compose page leads to a campaign with the same template')
  const chosen = decodeURIComponent(/template=([^&"]+)/.exec(toCampaign!)![1]!)
  t.match((await ownerSession.get(toCampaign!)).body, `<option value="${chosen}" selected>`, 'with the template chosen')
  const templates = (await app.inject({ method: 'GET', url: '/v1/templates' })).json() as {
    slug: string
    kind: string
    variables: { name: string }[]
  }[]
  const template = templates.find((candidate) => candidate.slug === 'ring-partnership')!
  const variable = template.variables[0]?.name
  const query = new URLSearchParams({ agencyId, template: template.slug, visibility: 'private', preview: '1' })
  if (variable) query.set(`var_${variable}`, hostile)
  const preview = await ownerSession.get(`/requests/new?${query}`)
  t.equal(preview.statusCode, 200)
  t.match(preview.body, /<h2 id="preview-heading">Preview<\/h2>/)
  t.notMatch(preview.body, /<script>alert|<img src=x/, 'variables are escaped in the preview')
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/requests', headers: owner.headers })).json().items.length,
    2,
    'a preview saves nothing',
  )

  const saveForm = /<form method="post" action="\/requests" [\s\S]*?<\/form>/.exec(preview.body)![0]
  const fields = Object.fromEntries(
    [...saveForm.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [
      m[1]!,
      m[2]!.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').replaceAll('&#39;', "'"),
    ]),
  )
  t.equal((await ownerSession.post('/requests', { ...fields, _csrf: 'forged' })).statusCode, 403)
  t.equal((await ownerSession.post('/requests', { ...fields, template: 'no-such-template' })).statusCode, 422)
  t.equal((await ownerSession.post('/requests', { ...fields, visibility: 'secret' })).statusCode, 400)
  const saved = await ownerSession.post('/requests', fields)
  t.equal(saved.statusCode, 303)
  const draftId = /^\/requests\/([0-9a-f-]{36})$/.exec(saved.headers.location as string)![1]!
  const draft = (await app.inject({ method: 'GET', url: `/v1/requests/${draftId}`, headers: owner.headers })).json()
  t.match(draft, { status: 'draft', visibility: 'private', templateSlug: 'ring-partnership' })

  const draftPage = await ownerSession.get(`/requests/${draftId}`)
  t.match(draftPage.body, /<strong>Next:<\/strong> <a href="#file">/)
  t.match(draftPage.body, `href="/v1/requests/${draftId}/letter.pdf"`)
  t.equal((await otherSession.get(`/requests/${draftId}`)).statusCode, 404, 'another user’s draft is a 404 page')
  const pdf = await app.inject({ method: 'GET', url: `/v1/requests/${draftId}/letter.pdf`, cookies: ownerSession.jar })
  t.equal(pdf.statusCode, 200, 'the PDF link works with the session')
  t.equal(pdf.headers['content-type'], 'application/pdf')
  const token = csrfIn(draftPage.body)
  t.equal((await ownerSession.post(`/requests/${draftId}/letter`, { _csrf: token, subject: '', body: 'x' })).statusCode, 400)
  const edited = await ownerSession.post(`/requests/${draftId}/letter`, {
    _csrf: token,
    subject: 'My own subject',
    body: 'Dear clerk,\r\nplease.',
  })
  t.equal(edited.statusCode, 303)
  t.match((await app.inject({ method: 'GET', url: `/v1/requests/${draftId}`, headers: owner.headers })).json(), {
    subject: 'My own subject',
    body: 'Dear clerk,\nplease.',
  })
  t.equal((await ownerSession.post(`/requests/${draftId}/submit`, { _csrf: token, via: 'pigeon' })).statusCode, 400)
  const filed = await ownerSession.post(`/requests/${draftId}/submit`, { _csrf: token, via: 'portal', date: '2026-01-05' })
  t.equal(filed.statusCode, 303)
  const after = (await app.inject({ method: 'GET', url: `/v1/requests/${draftId}`, headers: owner.headers })).json()
  t.match(after, { status: 'submitted', submittedVia: 'portal', submittedAt: '2026-01-05T12:00:00.000Z' })
  t.ok(after.dueDate)
  t.equal(
    (await ownerSession.post(`/requests/${draftId}/letter`, { _csrf: token, subject: 'Late', body: 'x' })).statusCode,
    409,
    'a filed letter is not edited',
  )
})

t.test('the dashboard leads with what needs action, then lists every request of the user', async (t) => {
  t.equal((await visitor(app).get('/me')).statusCode, 303, 'signed out: to the sign-in page')
  await postRaw(app, rawMessage({ to: shown.replyAddress, subject: 'Re: your request', body: 'A second answer.' }), TOKEN).then((answer) =>
    createInboundHandlers(ctx).ingest(answer.json().id),
  )
  const page = await ownerSession.get('/me')
  t.equal(page.statusCode, 200)
  t.equal(page.body.match(/<h1>/g)?.length, 1)
  const action = page.body.slice(page.body.indexOf('Needs your action'), page.body.indexOf('Every request'))
  t.match(action, /New replies from agencies<\/h3>\s*<ul><li><a href="\/requests\//, 'unread replies first')
  t.match(action, /1 unread/)
  const all = page.body.slice(page.body.indexOf('Every request'))
  t.equal(all.match(/<li><a href="\/requests\//g)?.length, 3, 'every request of the owner, private ones too')
  const other = await otherSession.get('/me')
  t.match(other.body, /Nothing needs your action now/)
  t.match(other.body, /You have no requests yet/, 'not the owner’s requests')
  const adminSession = await signedInAs((await app.inject({ method: 'GET', url: '/v1/me', headers: admin.headers })).json().email)
  t.match((await adminSession.get('/me')).body, /You have no requests yet/, 'an admin’s dashboard is their own requests')
})

t.test('/admin/inbound lists unmatched mail for admins and assigns it to a request', async (t) => {
  const stray = await postRaw(
    app,
    rawMessage({ to: 'nobody-here@replies.records.test', subject: 'Records <b>for</b> you', body: `Here they are. ${hostile}` }),
    TOKEN,
  )
  await createInboundHandlers(ctx).ingest(stray.json().id)
  t.equal((await visitor(app).get('/admin/inbound')).statusCode, 303, 'signed out: to the sign-in page')
  const refused = await ownerSession.get('/admin/inbound')
  t.equal(refused.statusCode, 403, 'members may not')
  t.match(refused.body, /<h1>Not allowed<\/h1>/)
  const adminSession = await signedInAs((await app.inject({ method: 'GET', url: '/v1/me', headers: admin.headers })).json().email)
  const page = await adminSession.get('/admin/inbound')
  t.equal(page.statusCode, 200)
  t.match(page.body, /Records &lt;b&gt;for&lt;\/b&gt; you/)
  t.notMatch(page.body, /<script>alert/)
  t.equal((await adminSession.get('/admin/inbound?cursor=nonsense')).statusCode, 400)
  const token = csrfIn(page.body)
  const messageId = /action="\/admin\/inbound\/([0-9a-f-]{36})\/assign"/.exec(page.body)![1]!
  const url = `/admin/inbound/${messageId}/assign`
  t.equal((await adminSession.post(url, { requestId: request.id })).statusCode, 403, 'no CSRF token')
  t.equal((await ownerSession.post(url, { requestId: request.id, _csrf: csrfIn((await ownerSession.get('/me')).body) })).statusCode, 403)
  const unnamed = await adminSession.post(url, { _csrf: token, requestId: 'not-an-id' })
  t.equal(unnamed.statusCode, 400)
  t.match(unnamed.body, /Give the request’s reference \(RR-…\), its id, or its page address/)
  t.equal((await adminSession.post(url, { _csrf: token, requestId: UNKNOWN })).statusCode, 404)
  t.equal((await adminSession.post(url, { _csrf: token, requestId: 'RR-ZZZZZZ' })).statusCode, 404, 'an unknown reference')
  t.equal((await adminSession.post(url, { _csrf: token, requestId: 'x'.repeat(201) })).statusCode, 400, 'too long')
  t.equal((await adminSession.post(`/admin/inbound/${UNKNOWN}/assign`, { _csrf: token, requestId: request.id })).statusCode, 404)
  // Named by its reference as the agency's subject line carries it (case and I/O/L slips forgiven).
  const named = `Re: Ring records [${shown.reference.toLowerCase()}]`
  const assigned = await adminSession.post(url, { _csrf: token, requestId: named })
  t.equal(assigned.statusCode, 303)
  t.equal(assigned.headers.location, `/requests/${request.id}#thread`)
  t.match((await adminSession.get('/admin/inbound')).body, /No unmatched mail/)
  t.equal((await adminSession.post(url, { _csrf: token, requestId: request.id })).statusCode, 409, 'assigned once')
  t.match((await ownerSession.get(`/requests/${request.id}`)).body, /Records &lt;b&gt;for&lt;\/b&gt; you/, 'in the thread now')
})
