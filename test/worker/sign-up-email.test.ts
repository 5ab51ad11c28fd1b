import t from 'tap'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { loadEmailTemplates } from '../../src/modules/templates/email-templates.js'
import { buildTestApp, signUp } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { startTestWorker } from '../helpers/worker.js'

const TOKEN = /rrt_[A-Za-z0-9_-]{43}/g

t.test('a public sign-up gets its token by email, and says nothing about which addresses have accounts', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx, config } = await buildTestApp(t, { env: { SMTP_URL: smtp.url } })
  await signUp(app, { email: 'admin@example.org' })
  const ada = await signUp(app, { email: 'ada@example.org', name: 'Ada Lopez' })
  await startTestWorker(t, ctx, smtp.url)

  const signUpPublicly = (email: string) => app.inject({ method: 'POST', url: '/v1/users', payload: { email, name: 'Grace Hopper' } })
  const fresh = await signUpPublicly('grace@example.org')
  const existing = await signUpPublicly('ada@example.org')
  t.equal(fresh.statusCode, 202)
  t.equal(existing.statusCode, 202)
  t.same(fresh.json(), { status: 'pending', detail: 'Check your inbox: we sent the token to grace@example.org.' })
  t.equal(existing.body, fresh.body.replace('grace@', 'ada@'), 'the same answer but for the address typed')

  const mails = await smtp.waitFor(2, 15_000)
  const to = (address: string) => mails.find((mail) => mail.envelope.to.includes(address))!
  const welcome = to('grace@example.org')
  const recovery = to('ada@example.org')
  t.ok(welcome && recovery, 'one email to each address')
  for (const mail of [welcome, recovery]) {
    t.equal(mail.envelope.to.length, 1)
    t.same(
      mail.from.map((from) => from.address),
      ['records@localhost'],
      'from MAIL_FROM',
    )
    t.match(mail.messageId, /^<account-token-[0-9a-f-]{36}@replies\.records\.test>$/)
    t.equal(mail.headers['auto-submitted'], 'auto-generated')
    t.ok(mail.html?.includes(mail.text!.match(TOKEN)![0]), 'the HTML part carries the same token')
    t.match(mail.text, `${config.publicUrl}/docs`)
  }
  t.equal(welcome.subject, 'Your Ring Records token')
  t.match(welcome.text, /Hello Grace Hopper,\n\nSomeone, probably you, signed up for Ring Records with this address \(grace@example\.org\)/)
  t.match(recovery.subject, /Someone tried to sign up with your address/)
  t.match(
    recovery.text,
    /Hello Ada Lopez,[\s\S]*which already has an account\. In case you lost your token, here is a new one/,
    'a token recovery, and it says so',
  )

  const [welcomeToken] = welcome.text!.match(TOKEN)!
  const grace = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${welcomeToken}` } })
  t.equal(grace.statusCode, 200, 'the emailed token works')
  t.match(grace.json(), { email: 'grace@example.org', name: 'Grace Hopper', role: 'member' })

  const [recoveryToken] = recovery.text!.match(TOKEN)!
  const recovered = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${recoveryToken}` } })
  t.equal(recovered.json().id, ada.id, 'the recovery token opens the existing account')
  t.match(recovered.json(), { name: 'Ada Lopez' }, 'whoever signed up again changed nothing in it')
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: ada.headers })).statusCode, 200, 'the old token still works')
  const tokenId = /DELETE \/v1\/tokens\/([0-9a-f-]{36})/.exec(recovery.text!)![1]
  const revoked = await app.inject({ method: 'DELETE', url: `/v1/tokens/${tokenId}`, headers: ada.headers })
  t.equal(revoked.statusCode, 204, 'the email names the token so its owner can revoke it')
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${recoveryToken}` } })).statusCode, 401)
})

t.test('a token whose email the server refused is taken back, so every working token was delivered', async (t) => {
  const smtp = await startSmtpCapture({ failWith: { code: 451, message: '4.3.0 Try again later' } })
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t)
  await signUp(app, { email: 'admin@example.org' })
  const ada = await signUp(app, { email: 'ada@example.org' })
  const mailer = createSmtpMailer(smtp.url)
  t.teardown(() => mailer.close())
  const handlers = createAccountHandlers({ ...ctx, mailer, emails: await loadEmailTemplates() })
  const tokens = async () =>
    ((await ctx.database.sql`select count(*)::int as n from api_tokens where user_id = ${ada.id}`) as unknown as [{ n: number }])[0].n

  await t.rejects(handlers.emailToken(ada.id, 'sign-up-again'), { name: 'MailDeliveryError', temporary: true })
  t.equal(await tokens(), 1, 'only the token Ada already had')
  smtp.setFailure(null)
  await handlers.emailToken(ada.id, 'sign-up-again')
  t.equal(await tokens(), 2)
  t.equal(smtp.messages.length, 1)
  await handlers.emailToken('00000000-0000-4000-8000-000000000000', 'sign-up')
  t.equal(smtp.messages.length, 1, 'an account gone since is nothing to do')
})
