import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { file, upload } from '../helpers/documents.js'

// The API side of POST /v1/requests/{id}/messages: who may write, what is refused and why. No worker
// runs here; test/worker/outbound-thread.test.ts follows the emails out.
t.test('writing to the agency from a request', async (t) => {
  const { app, ctx } = await buildTestApp(t, { env: { AGENCY_EMAILS_PER_USER_PER_DAY: '4', NEW_ACCOUNT_AGENCY_EMAILS_PER_DAY: '4' } })
  const admin = await signUp(app)
  const owner = await signUp(app, { email: 'jose@example.org', name: 'José Núñez' })
  const stranger = await signUp(app)
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const olympia = await findAgencyId(app, 'state=WA&q=olympia%20police')
  await app.inject({
    method: 'PATCH',
    url: `/v1/agencies/${spokane}`,
    headers: admin.headers,
    payload: { email: 'records@spokane.example' },
  })

  const draft = async (user: TestUser, agencyId = spokane, visibility = 'public') =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership', visibility },
      })
    ).json().id as string
  const filed = async (user: TestUser, agencyId = spokane, visibility = 'public') => {
    const id = await draft(user, agencyId, visibility)
    const response = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/submit`,
      headers: user.headers,
      payload: { via: 'portal' },
    })
    t.equal(response.statusCode, 200)
    return id
  }
  const write = (id: string, user: TestUser | null, payload: unknown) =>
    app.inject({ method: 'POST', url: `/v1/requests/${id}/messages`, headers: user?.headers, payload: payload as object })

  const request = await filed(owner)

  t.test('the request shows its reference', async (t) => {
    const shown = (await app.inject({ method: 'GET', url: `/v1/requests/${request}`, headers: owner.headers })).json()
    t.match(shown.reference, /^RR-[0-9A-HJKMNP-TV-Z]{6}$/)
    const other = (await app.inject({ method: 'GET', url: `/v1/requests/${await draft(owner)}`, headers: owner.headers })).json()
    t.not(other.reference, shown.reference, 'each request its own')
    t.match(shown.body, shown.replyAddress, 'the letter asks for the answer at the request’s address')
    t.notMatch(shown.body, 'jose@example.org', 'not at the requester’s own')
  })

  t.test('202 with the message, threaded and scheduled, subject with the reference', async (t) => {
    const response = await write(request, owner, { text: 'Could you tell me when the records will be ready?' })
    t.equal(response.statusCode, 202)
    const message = response.json()
    const shown = (await app.inject({ method: 'GET', url: `/v1/requests/${request}`, headers: owner.headers })).json()
    t.match(message, {
      requestId: request,
      direction: 'outbound',
      kind: 'message',
      from: shown.replyAddress,
      to: ['records@spokane.example'],
      cc: [],
      text: 'Could you tell me when the records will be ready?',
      sentAt: null,
      inReplyTo: null,
      documentIds: [],
      authentication: null,
      delivery: { status: 'scheduled', error: null },
    })
    t.equal(message.subject, `Re: ${shown.subject} [${shown.reference}]`, 'the request’s subject answered, reference once')
    t.match(message.messageId, /^delivery-[0-9a-f-]{36}@replies\.records\.test$/)
    const [delivery] = await ctx.database.sql`select kind, recipient, status from deliveries where id = ${message.messageId.slice(9, 45)}`
    t.same(delivery, { kind: 'message', recipient: 'agency', status: 'scheduled' })

    const next = (await write(request, owner, { text: 'And one more thing.', subject: `My own subject [${shown.reference}]` })).json()
    t.equal(next.subject, `My own subject [${shown.reference}]`, 'a given subject keeps its one reference')
    t.equal(next.inReplyTo, message.messageId, 'the next one answers the latest')
  })

  t.test('documents of the request that are ready are attached; others are refused', async (t) => {
    const uploaded = (await upload(app, request, owner.headers, [file('Clarified scope: 2019 only.\n', 'scope.txt')])).json().items[0]
    t.equal(uploaded.status, 'processing')
    const processing = await write(request, owner, { text: 'See attached.', documentIds: [uploaded.id] })
    t.equal(processing.statusCode, 422)
    t.match(processing.json().errors, [{ path: 'body.documentIds.0', message: /processing, not ready/ }])
    await ctx.database.sql`update documents set status = 'ready' where id = ${uploaded.id}`
    const attached = await write(request, owner, { text: 'See attached.', documentIds: [uploaded.id.toUpperCase()] })
    t.equal(attached.statusCode, 202)
    t.same(attached.json().documentIds, [uploaded.id])

    const elsewhere = await filed(owner)
    const foreign = (await upload(app, elsewhere, owner.headers, [file('Other request.\n', 'other.txt')])).json().items[0]
    const refused = await write(request, owner, {
      text: 'See attached.',
      documentIds: [foreign.id, '00000000-0000-4000-8000-000000000000'],
    })
    t.equal(refused.statusCode, 422)
    t.same(
      refused.json().errors.map((error: { path: string }) => error.path),
      ['body.documentIds.0', 'body.documentIds.1'],
      'each one named',
    )
    const huge = await ctx.database
      .sql`update documents set status = 'ready', size = ${20 * 1024 * 1024} where id = ${foreign.id} returning id`
    t.equal(huge.length, 1)
    const tooLarge = await write(elsewhere, owner, { text: 'See attached.', documentIds: [foreign.id] })
    t.equal(tooLarge.statusCode, 413, 'more than a mail server takes')
  })

  t.test('only the owner writes; others see 404 or 403', async (t) => {
    t.equal((await write(request, null, { text: 'Hello' })).statusCode, 401)
    t.equal((await write(request, stranger, { text: 'Hello' })).statusCode, 403, 'a public request: visible, not theirs')
    const hidden = await filed(owner, spokane, 'private')
    t.equal((await write(hidden, stranger, { text: 'Hello' })).statusCode, 404, 'a private one: not even there')
    t.equal((await write(hidden, admin, { text: 'Hello' })).statusCode, 403, 'not even an administrator writes in the requester’s name')
    t.equal((await write('00000000-0000-4000-8000-000000000000', owner, { text: 'Hello' })).statusCode, 404)
    t.equal((await write('not-a-uuid', owner, { text: 'Hello' })).statusCode, 400)
  })

  t.test('409 for a draft and for an agency without an approved address, saying how else to write', async (t) => {
    const unfiled = await draft(owner)
    const draftAnswer = await write(unfiled, owner, { text: 'Hello' })
    t.equal(draftAnswer.statusCode, 409)
    t.match(draftAnswer.json().detail, /draft: submit it first/)
    const noEmail = await filed(owner, olympia)
    const noEmailAnswer = await write(noEmail, owner, { text: 'Hello' })
    t.equal(noEmailAnswer.statusCode, 409)
    t.match(noEmailAnswer.json().detail, /has no email address on file\. Write (through|to it)/)
    // An address a member gave, which no administrator approved yet.
    await ctx.database.sql`update agencies set email = 'records@olympia.example' where id = ${olympia}`
    const pendingAnswer = await write(noEmail, owner, { text: 'Hello' })
    t.equal(pendingAnswer.statusCode, 409)
    t.match(pendingAnswer.json().detail, /waits for an administrator's approval/)
  })

  t.test('bad input is a 400 naming each field', async (t) => {
    const wrongTypes = await write(request, owner, { text: 5, subject: ['x'], documentIds: 'abc' })
    t.equal(wrongTypes.statusCode, 400)
    t.same(
      wrongTypes
        .json()
        .errors.map((error: { path: string }) => error.path)
        .sort(),
      ['body.documentIds', 'body.subject', 'body.text'],
    )
    t.equal((await write(request, owner, {})).statusCode, 400, 'text is required')
    t.equal((await write(request, owner, { text: '   \n ' })).statusCode, 400, 'blank text')
    t.equal((await write(request, owner, { text: 'Hello', bcc: 'someone@example.org' })).statusCode, 400, 'no unknown fields')
    t.equal((await write(request, owner, { text: 'x'.repeat(20_001) })).statusCode, 400, 'text too long')
    t.equal((await write(request, owner, { text: 'x'.repeat(2_000_000) })).statusCode, 413, 'a body over the limit')
    t.equal((await write(request, owner, { text: 'Hello\u0007' })).statusCode, 400, 'control characters')
    t.equal((await write(request, owner, { text: 'Hello\u0000' })).statusCode, 400, 'NUL')
    const injected = await write(request, owner, { text: 'Hello', subject: 'Hi\r\nBcc: victim@example.org' })
    t.equal(injected.statusCode, 400, 'a line break in the subject')
    t.match(injected.json().errors, [{ path: 'body.subject', message: /one line/ }])
    t.equal(
      (await write(request, owner, { text: 'Hello', documentIds: Array(11).fill('00000000-0000-4000-8000-000000000000') })).statusCode,
      400,
    )
    t.equal(
      (
        await write(request, owner, {
          text: 'Hello',
          documentIds: ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'],
        })
      ).statusCode,
      400,
      'a document twice',
    )
  })

  t.test('messages count against the daily allowance of emails to agencies', async (t) => {
    const member = await signUp(app)
    const id = await filed(member)
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await write(id, member, { text: `Message ${i}` })).statusCode)
    t.same(statuses, [202, 202, 202, 202, 429])
    const refused = await write(id, member, { text: 'One more' })
    t.ok(Number(refused.headers['retry-after']) > 0)
    t.equal((await ctx.database.sql`select count(*)::int as n from deliveries where request_id = ${id} and kind = 'message'`)[0]!.n, 4)
  })
})
