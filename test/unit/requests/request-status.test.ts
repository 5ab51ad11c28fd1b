import t from 'tap'
import {
  allowedEvents,
  CLOSED_STATUSES,
  EVENT_TYPES,
  isClosed,
  nextStatus,
  REQUEST_STATUSES,
} from '../../../src/modules/requests/request-status.js'

t.test('the closed statuses are the last five but appealed', async (t) => {
  t.same([...CLOSED_STATUSES].sort(), ['fulfilled', 'no_records', 'rejected', 'withdrawn'])
  t.equal(isClosed('appealed'), false)
  t.equal(isClosed('partially_fulfilled'), false)
})

t.test('transitions a requester relies on', async (t) => {
  const cases: [string, string, string | null][] = [
    ['draft', 'submit', 'submitted'],
    ['submitted', 'submit', null],
    ['draft', 'acknowledged', null],
    ['submitted', 'acknowledged', 'acknowledged'],
    ['acknowledged', 'acknowledged', null],
    ['acknowledged', 'extended', 'acknowledged'],
    ['awaiting_fee', 'extended', null],
    ['submitted', 'fee_requested', 'awaiting_fee'],
    ['awaiting_fee', 'fee_paid', 'acknowledged'],
    ['acknowledged', 'fee_paid', null],
    ['acknowledged', 'clarification_requested', 'awaiting_clarification'],
    ['awaiting_clarification', 'clarification_sent', 'acknowledged'],
    ['awaiting_clarification', 'fee_paid', null],
    ['acknowledged', 'partial_release', 'partially_fulfilled'],
    ['partially_fulfilled', 'fulfilled', 'fulfilled'],
    ['awaiting_fee', 'withdrawn', 'withdrawn'],
    ['rejected', 'appealed', 'appealed'],
    ['no_records', 'appealed', 'appealed'],
    ['submitted', 'appealed', 'appealed'],
    ['withdrawn', 'appealed', null],
    ['appealed', 'appealed', null],
    ['appealed', 'fulfilled', 'fulfilled'],
    ['appealed', 'rejected', 'rejected'],
    ['fulfilled', 'withdrawn', null],
    ['withdrawn', 'note', 'withdrawn'],
    ['draft', 'note', 'draft'],
  ]
  for (const [from, event, to] of cases) {
    t.equal(nextStatus(from as never, event as never), to, `${event} in ${from}`)
  }
})

t.test('every open status allows withdrawing and notes; no closed status allows more than an appeal and notes', async (t) => {
  for (const status of REQUEST_STATUSES) {
    const events = allowedEvents(status)
    t.ok(events.includes('note'), `${status} takes notes`)
    if (status === 'draft') t.same(events, ['note'])
    else if (isClosed(status))
      t.same(
        events.filter((event) => event !== 'note' && event !== 'appealed'),
        [],
        `${status} is closed`,
      )
    else t.ok(events.includes('withdrawn'), `${status} can be withdrawn`)
  }
  t.equal(EVENT_TYPES.length, 13)
})

t.test('paying a fee or sending a clarification returns the request to where it was before the pause', async (t) => {
  t.equal(nextStatus('awaiting_fee', 'fee_paid', 'partially_fulfilled'), 'partially_fulfilled')
  t.equal(nextStatus('awaiting_fee', 'fee_paid', 'appealed'), 'appealed')
  t.equal(nextStatus('awaiting_clarification', 'clarification_sent', 'submitted'), 'submitted')
  t.equal(nextStatus('awaiting_fee', 'fee_paid'), 'acknowledged', 'acknowledged when the status before is unknown')
  t.equal(nextStatus('appealed', 'fee_paid', 'appealed'), null, 'still only from the paused status')
})
