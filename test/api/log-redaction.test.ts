import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'

/** A logger made as the service makes its own, writing into a list the test reads. */
function capturedLogger() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    },
  })
  return { logger: createLogger('info', destination), lines }
}

const LETTER = 'Dear records officer,\nI request every email between your department and Ring about Neighbors, 2019 to date.'
const SECRET_EMAIL = 'ada.private@example.org'

t.test('logs carry no SQL values, addresses, letters or tokens', async (t) => {
  const { logger, lines } = capturedLogger()
  const { app, ctx } = await buildTestApp(t, { logger })
  const owner = await signUp(app, { email: 'owner.private@example.org' })
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const { id } = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: owner.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  // Constraints that only this test's database has, so the next writes fail inside PostgreSQL with the values in hand.
  await ctx.database.sql.unsafe(`alter table users add constraint log_test_no_users check (name <> 'Refused By The Database') not valid`)
  await ctx.database.sql.unsafe(
    `alter table requests add constraint log_test_no_letters check (body not like '%Ring about Neighbors%') not valid`,
  )
  const [{ mute_token: muteToken }] = (await ctx.database.sql`select mute_token from requests where id = ${id}`) as unknown as [
    { mute_token: string },
  ]
  lines.length = 0

  const letter = await app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: owner.headers, payload: { body: LETTER } })
  t.equal(letter.statusCode, 500, 'a database failure with a letter in its parameters')
  const signUpFailure = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: owner.headers,
    payload: { email: SECRET_EMAIL, name: 'Refused By The Database' },
  })
  t.equal(signUpFailure.statusCode, 500, 'a database failure with an address in its parameters')
  await app.inject({ method: 'GET', url: `/v1/requests/${id}/mute?token=${muteToken}`, headers: owner.headers })
  const signInToken = `rrs_${'C'.repeat(43)}`
  await app.inject({ method: 'GET', url: `/login/${signInToken}` })
  ctx.logger.warn(
    { reason: `550 5.1.1 <${SECRET_EMAIL}>: Recipient address rejected`, email: SECRET_EMAIL },
    `could not send to ${SECRET_EMAIL}`,
  )

  // biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON, read field by field below
  const entries = lines.map((line) => JSON.parse(line) as Record<string, any>)
  const failures = entries.filter((entry) => entry.msg === 'request failed')
  t.equal(failures.length, 2, 'both failures were logged')
  for (const failure of failures) {
    t.match(
      failure.err.message,
      /^Failed query: (update "requests"|insert into "users")[\s\S]*\nparams: \[redacted\]/,
      'the query is named, its values are not',
    )
    t.equal(failure.err.params, '[redacted]')
    t.match(failure.err.message, /violates check constraint "log_test_/, 'the database’s reason stays')
  }
  const requestLogs = entries.filter((entry) => entry.req?.url?.includes('/mute'))
  t.ok(requestLogs.length > 0, 'the request with a token in its URL was logged')
  t.equal(requestLogs[0]!.req.url, `/v1/requests/${id}/mute?token=[redacted]`)
  const signInLogs = entries.filter((entry) => entry.req?.url?.startsWith('/login/'))
  t.ok(signInLogs.length > 0, 'the sign-in link’s request was logged')
  t.equal(signInLogs[0]!.req.url, '/login/rrs_[redacted]', 'without its token')
  t.notOk(
    lines.some((line) => line.includes(signInToken)),
    'the sign-in token is in no log line',
  )
  const sendFailure = entries.find((entry) => entry.msg?.startsWith('could not send'))
  t.same(sendFailure && { msg: sendFailure.msg, reason: sendFailure.reason, email: sendFailure.email }, {
    msg: 'could not send to [redacted]@example.org',
    reason: '550 5.1.1 <[redacted]@example.org>: Recipient address rejected',
    email: '[redacted]',
  })

  const everything = lines.join('\n')
  for (const secret of [
    SECRET_EMAIL,
    'owner.private@example.org',
    'Ring about Neighbors',
    'Refused By The Database',
    muteToken,
    owner.token,
    owner.token.slice(4),
  ]) {
    t.notOk(everything.includes(secret), `no log line holds ${JSON.stringify(secret.slice(0, 24))}`)
  }
})
