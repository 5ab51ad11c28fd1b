import t from 'tap'
import { buildLetterContext } from '../../../src/modules/templates/letter-context.js'
import { law } from './fixtures/letter-fixtures.js'

const base = {
  requester: { name: '  José   Núñez ', email: 'jose@example.org', mailingAddress: ' 123 Main St \r\n\r\n  Spokane, WA 99201  \n' },
  agency: { name: 'Spokane Police Department', city: '', state: 'WA' },
  today: '2026-03-30',
  variables: { date_from: 'January 1, 2018' },
}

t.test('buildLetterContext for a new request', async (t) => {
  const context = buildLetterContext({ ...base, jurisdiction: law('WA') })
  t.same(context.requester, {
    name: 'José Núñez',
    email: 'jose@example.org',
    replyTo: 'jose@example.org',
    mailingAddress: '123 Main St\nSpokane, WA 99201',
  })
  t.same(context.agency, { name: 'Spokane Police Department', city: null, state: 'WA', mailingAddress: null })
  t.equal(context.today, 'March 30, 2026')
  t.equal(context.request, null)
  t.equal(context.jurisdiction.responsePeriod, 'five business days')
  t.equal(context.jurisdiction.lawName, 'Washington Public Records Act (PRA)')
  t.same(context.variables, { date_from: 'January 1, 2018' })
  t.not(context.variables, base.variables, 'variables are copied, not shared')
})

t.test('buildLetterContext asks for answers at the request’s reply address when it has one', async (t) => {
  const requester = { ...base.requester, replyTo: ' request-abc@replies.example.org ' }
  const context = buildLetterContext({ ...base, requester, jurisdiction: law('WA') })
  t.equal(context.requester.replyTo, 'request-abc@replies.example.org')
  t.equal(context.requester.email, 'jose@example.org', 'the requester’s own address stays available')
})

t.test('buildLetterContext keeps only Jurisdiction fields (a database row carries more)', async (t) => {
  const row = { ...law('AZ'), sources: 'https://example.org', notes: '[high] internal research note' }
  const context = buildLetterContext({ ...base, jurisdiction: row })
  t.notOk('notes' in context.jurisdiction)
  t.notOk('sources' in context.jurisdiction)
  t.equal(context.jurisdiction.responsePeriod, null, 'Arizona has no fixed period')
})

t.test('buildLetterContext for a follow-up: dates in words and days counted', async (t) => {
  const request = {
    subject: ' Ring partnership\nrecords ',
    submittedOn: '2026-03-02',
    dueOn: '2026-03-09',
    trackingNumber: ' ',
    status: 'acknowledged',
  } as const
  const late = buildLetterContext({ ...base, jurisdiction: law('WA'), request })
  t.same(late.request, {
    subject: 'Ring partnership records',
    submittedOn: 'March 2, 2026',
    dueOn: 'March 9, 2026',
    expectedOn: null,
    trackingNumber: null,
    daysLate: 21,
    daysSinceSubmitted: 28,
    status: 'acknowledged',
    statusLabel: 'acknowledged',
  })

  const early = buildLetterContext({ ...base, today: '2026-03-05', jurisdiction: law('WA'), request })
  t.equal(early.request?.daysLate, 0, 'not yet due is 0 days late, never negative')

  const noDeadline = buildLetterContext({
    ...base,
    jurisdiction: law('AZ'),
    request: { ...request, dueOn: null, trackingNumber: 'AZ-7', status: 'rejected' },
  })
  t.equal(noDeadline.request?.dueOn, null)
  t.equal(noDeadline.request?.daysLate, null)
  t.equal(noDeadline.request?.trackingNumber, 'AZ-7')
  t.equal(noDeadline.request?.statusLabel, 'denied')
})

t.test('buildLetterContext rejects malformed dates', async (t) => {
  t.throws(() => buildLetterContext({ ...base, today: '2026-02-31', jurisdiction: law('WA') }), RangeError)
})
