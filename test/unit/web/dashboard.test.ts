// The dashboard's order, without a server: unread, overdue, due soon, drafts.
import t from 'tap'
import { attentionOf, type DashboardRequest, groupByAttention } from '../../../src/web/dashboard.js'

const today = '2026-03-02'
const request = (id: string, fields: Partial<DashboardRequest>): DashboardRequest => ({
  id,
  status: 'submitted',
  overdue: false,
  dueDate: '2026-04-01',
  unreadMessages: 0,
  ...fields,
})

t.test('each request in the first group it fits', async (t) => {
  t.equal(attentionOf(request('a', { unreadMessages: 1, overdue: true }), today), 'unread')
  t.equal(attentionOf(request('b', { overdue: true, dueDate: '2026-02-20' }), today), 'overdue')
  t.equal(attentionOf(request('c', { dueDate: '2026-03-09' }), today), 'due_soon', 'seven days ahead')
  t.equal(attentionOf(request('d', { dueDate: '2026-03-10' }), today), null, 'eight days ahead')
  t.equal(attentionOf(request('e', { status: 'fulfilled', dueDate: '2026-03-03' }), today), null, 'closed')
  t.equal(attentionOf(request('f', { status: 'draft', dueDate: null }), today), 'draft')
})

t.test('groups, earliest due first', async (t) => {
  const groups = groupByAttention(
    [
      request('late', { overdue: true, dueDate: '2026-02-25' }),
      request('later', { overdue: true, dueDate: '2026-02-10' }),
      request('soon', { dueDate: '2026-03-05' }),
      request('sooner', { dueDate: '2026-03-03' }),
      request('calm', {}),
    ],
    today,
  )
  t.same(
    groups.overdue.map((r) => r.id),
    ['later', 'late'],
  )
  t.same(
    groups.due_soon.map((r) => r.id),
    ['sooner', 'soon'],
  )
  t.same(groups.unread, [])
})
