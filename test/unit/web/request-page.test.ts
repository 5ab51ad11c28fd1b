// The request page's pure rules: what it leads with, one timeline in time order, form dates.
import t from 'tap'
import type { MessageView } from '../../../src/modules/correspondence/message-view.js'
import { mergeTimeline, nextAction, occurredAtOf, type TimelineEvent } from '../../../src/web/request-page.js'

const base = { status: 'submitted' as const, overdue: false, dueDate: '2026-03-16', unreadMessages: 0, agencyEmail: true }

t.test('the next action, most pressing first', async (t) => {
  t.equal(nextAction({ ...base, status: 'draft', unreadMessages: 2 }).anchor, '#file', 'a draft is filed first')
  t.match(
    nextAction({ ...base, unreadMessages: 2, overdue: true }),
    { anchor: '#thread', text: /2 new replies/ },
    'unread replies before overdue',
  )
  t.match(nextAction({ ...base, unreadMessages: 1 }).text, /a new reply/)
  t.equal(nextAction({ ...base, status: 'awaiting_fee' }).anchor, '#log')
  t.equal(nextAction({ ...base, status: 'awaiting_clarification' }).anchor, '#write')
  t.equal(nextAction({ ...base, status: 'awaiting_clarification', agencyEmail: false }).anchor, '#log', 'no write form without an email')
  t.match(nextAction({ ...base, overdue: true }), { anchor: '#write', text: /2026-03-16\) has passed/ })
  t.equal(nextAction({ ...base, overdue: true, agencyEmail: false }).anchor, '#log')
  t.match(nextAction({ ...base, status: 'rejected' }).text, /appeal/)
  t.equal(nextAction({ ...base, status: 'fulfilled' }).anchor, '#upload')
  t.equal(nextAction({ ...base, status: 'partially_fulfilled' }).anchor, '#upload')
  t.match(nextAction(base).text, /until 2026-03-16/)
  t.notMatch(nextAction({ ...base, dueDate: null }).text, /until/)
})

t.test('events and messages in one list, oldest first; unsent messages last', async (t) => {
  const event = (id: string, occurredAt: string): TimelineEvent => ({
    id,
    type: 'note',
    occurredAt,
    note: null,
    extensionDays: null,
    newDueDate: null,
    amount: null,
    statusAfter: 'submitted',
  })
  const message = (id: string, sentAt: string | null) => ({ id, sentAt }) as MessageView
  const merged = mergeTimeline(
    [event('e1', '2026-03-01T10:00:00.000Z'), event('e2', '2026-03-03T10:00:00.000Z')],
    [message('m0', null), message('m1', '2026-03-02T10:00:00.000Z'), message('m2', '2026-03-03T10:00:00.000Z')],
  )
  t.same(
    merged.map((entry) => (entry.kind === 'event' ? entry.event.id : entry.message.id)),
    ['e1', 'm1', 'e2', 'm2', 'm0'],
  )
})

t.test('a form date as the instant an event is logged at', async (t) => {
  const now = new Date('2026-03-02T15:30:00.000Z')
  t.equal(occurredAtOf(undefined, now), undefined)
  t.equal(occurredAtOf('2026-03-02', now), now.toISOString(), 'today is now')
  t.equal(occurredAtOf('2026-02-27', now), '2026-02-27T12:00:00.000Z', 'another day is its noon UTC')
})
