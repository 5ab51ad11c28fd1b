import t, { type Test } from 'tap'
import { buildTestApp, fileRequest, signUp } from '../helpers/app.js'
import { file, makeEml, makePdf, upload } from '../helpers/documents.js'

async function setUp(t: Test) {
  const { app } = await buildTestApp(t)
  const owner = await signUp(app)
  const request = await fileRequest(app, owner)
  return { app, owner, request }
}

t.test('one kind per file, in the order of the files', async (t) => {
  const { app, owner, request } = await setUp(t)
  const email = await makeEml({ from: 'clerk@spokanepolice.org', to: 'ada@example.org', subject: 'Your records', text: 'Attached.' })
  const invoice = await makePdf(['Invoice: $25.00 for copies'])
  const kind = (value: string) => ({ name: 'kind', value })
  const both = await upload(app, request.id, owner.headers, [
    file(email, 'reply.eml'),
    file(invoice, 'invoice.pdf'),
    kind('correspondence'),
    kind('invoice'),
  ])
  t.equal(both.statusCode, 201)
  t.same(
    both.json().items.map((item: { kind: string }) => item.kind),
    ['correspondence', 'invoice'],
  )

  const one = await upload(app, request.id, owner.headers, [
    file(await makePdf(['MOU page']), 'mou.pdf'),
    file('notes', 'notes.txt'),
    kind('agreement'),
  ])
  t.same(
    one.json().items.map((item: { kind: string }) => item.kind),
    ['agreement', 'agreement'],
    'one kind is every file’s',
  )

  const mismatch = await upload(app, request.id, owner.headers, [
    file('a', 'a.txt'),
    file('b', 'b.txt'),
    file('c', 'c.txt'),
    kind('record'),
    kind('other'),
  ])
  t.equal(mismatch.statusCode, 400)
  t.match(mismatch.json(), { detail: /2 kinds for 3 files/, errors: [{ path: 'body.kind' }] })
  const unknown = await upload(app, request.id, owner.headers, [file('a', 'a.txt'), file('b', 'b.txt'), kind('record'), kind('nonsense')])
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json().errors, [{ path: 'body.kind.1' }])
})

t.test('an email’s receivedAt defaults to its Date header; a date given wins', async (t) => {
  const { app, owner, request } = await setUp(t)
  const sent = new Date('2026-03-02T17:05:00Z')
  const eml = await makeEml({ from: 'clerk@spokanepolice.org', to: 'ada@example.org', subject: 'Records', text: 'Here.', date: sent })
  const dated = await upload(app, request.id, owner.headers, [file(eml, 'reply.eml')])
  t.equal(dated.json().items[0].receivedAt, sent.toISOString())

  const other = await makeEml({ from: 'clerk@spokanepolice.org', to: 'ada@example.org', subject: 'More', text: 'More.', date: sent })
  const given = await upload(app, request.id, owner.headers, [file(other, 'more.eml'), { name: 'receivedAt', value: '2026-03-05' }])
  t.equal(given.json().items[0].receivedAt, '2026-03-05T12:00:00.000Z')

  const future = await makeEml({
    from: 'clerk@spokanepolice.org',
    to: 'ada@example.org',
    subject: 'Ahead',
    text: 'Clock wrong.',
    date: new Date(Date.now() + 30 * 86_400_000),
  })
  const before = Date.now()
  const now = await upload(app, request.id, owner.headers, [file(future, 'ahead.eml')])
  t.ok(Date.parse(now.json().items[0].receivedAt) >= before - 1000, 'a Date header in the future is not believed: now instead')
})

t.test('today’s date is a valid receivedAt at any hour', async (t) => {
  const { app, owner, request } = await setUp(t)
  const today = new Date().toISOString().slice(0, 10)
  const uploaded = await upload(app, request.id, owner.headers, [
    file('Notes of the day', 'notes.txt'),
    { name: 'receivedAt', value: today },
  ])
  t.equal(uploaded.statusCode, 201)
  t.equal(uploaded.json().items[0].receivedAt.slice(0, 10), today)
  t.ok(Date.parse(uploaded.json().items[0].receivedAt) <= Date.now(), 'never later than now')
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
  t.equal((await upload(app, request.id, owner.headers, [file('x', 'x.txt'), { name: 'receivedAt', value: tomorrow }])).statusCode, 422)
})
