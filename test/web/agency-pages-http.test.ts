// The agency page's suggestion form and the /admin/suggestions queue over app.inject: a member
// suggests, an administrator accepts in one click; CSRF, permissions and bad input are refused.
import t from 'tap'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { loadEmailTemplates } from '../../src/modules/templates/email-templates.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { csrfIn, emailLinkSignIn } from '../helpers/web-session.js'

const smtp = await startSmtpCapture()
t.teardown(() => smtp.close())
const { app, ctx } = await buildTestApp(t)
const mailer = createSmtpMailer(smtp.url)
t.teardown(() => mailer.close())
const handlers = createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() })

const signedInAs = emailLinkSignIn({ app, ctx }, smtp, handlers)

await signUp(app, { email: 'admin@example.org' })
await signUp(app, { email: 'member@example.org' })
const agencyId = await findAgencyId(app, 'state=WA&q=edgewood%20police')

t.test('a member suggests on the agency page; an administrator accepts it on /admin/suggestions', async (t) => {
  const anonymous = await app.inject({ method: 'GET', url: `/agencies/${agencyId}` })
  t.match(anonymous.body, /Sign in<\/a> to suggest/)
  t.notMatch(anonymous.body, /name="email"/, 'no form for anonymous readers')

  const member = await signedInAs('member@example.org')
  const page = await member.get(`/agencies/${agencyId}`)
  t.match(page.body, /<label for="suggest-email">Records email<\/label>/)
  const token = csrfIn(page.body)
  const noToken = await member.post(`/agencies/${agencyId}/suggestions`, { email: 'records@edgewood.example' })
  t.equal(noToken.statusCode, 403, 'a form without its CSRF token is refused')
  const bad = await member.post(`/agencies/${agencyId}/suggestions`, { _csrf: token, email: 'not an address', note: 'x' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /body\.email/)
  const nothing = await member.post(`/agencies/${agencyId}/suggestions`, { _csrf: token, email: '', note: 'only a note' })
  t.equal(nothing.statusCode, 400)
  const unknown = await member.post('/agencies/00000000-0000-4000-8000-000000000000/suggestions', { _csrf: token, phone: '1' })
  t.equal(unknown.statusCode, 404)
  const sent = await member.post(`/agencies/${agencyId}/suggestions`, {
    _csrf: token,
    email: 'records@edgewood.example',
    portalUrl: '',
    mailingAddress: '',
    phone: '',
    note: 'City website, “Public records” page',
  })
  t.equal(sent.statusCode, 303)
  t.equal(sent.headers.location, `/agencies/${agencyId}?suggested=1#suggest-heading`)
  t.match((await member.get(`/agencies/${agencyId}?suggested=1`)).body, /An administrator will review your suggestion/)
  t.equal((await member.get('/admin/suggestions')).statusCode, 403, 'members have no review queue')

  const admin = await signedInAs('admin@example.org')
  const queue = await admin.get('/admin/suggestions')
  t.equal(queue.statusCode, 200)
  t.match(queue.body, /Edgewood Police Department/)
  t.match(queue.body, /records@edgewood\.example/)
  t.match(queue.body, /City website, “Public records” page/)
  const id = /action="\/admin\/suggestions\/([0-9a-f-]+)\/accept"/.exec(queue.body)![1]!
  t.equal((await admin.post(`/admin/suggestions/${id}/accept`, {})).statusCode, 403, 'CSRF token needed')
  t.equal((await admin.post(`/admin/suggestions/${id}/maybe`, { _csrf: csrfIn(queue.body) })).statusCode, 400)
  const accepted = await admin.post(`/admin/suggestions/${id}/accept`, { _csrf: csrfIn(queue.body) })
  t.equal(accepted.statusCode, 303)
  t.equal(accepted.headers.location, '/admin/suggestions')
  t.match((await admin.get('/admin/suggestions')).body, /No suggestion waits for review/)
  const again = await admin.post(`/admin/suggestions/${id}/accept`, { _csrf: csrfIn(queue.body) })
  t.equal(again.statusCode, 409, 'accepted once')
  const agency = (await app.inject({ method: 'GET', url: `/v1/agencies/${agencyId}` })).json()
  t.match(agency, { email: 'records@edgewood.example', emailApproved: true })
  t.match((await app.inject({ method: 'GET', url: `/agencies/${agencyId}` })).body, /<dd>records@edgewood\.example<\/dd>/)
})
