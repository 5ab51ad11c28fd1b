import t from 'tap'
import { digestOrder, isDigestible } from '../../../src/modules/deliveries/reminder-digest.js'
import { EmailRenderError, loadEmailTemplates, type ReminderDigestItem } from '../../../src/modules/templates/email-templates.js'

const emails = await loadEmailTemplates()

const letter = { subject: 'Follow-up: Ring records', body: 'Dear Records Officer:\n\nI write about my request.' }
function item(kind: ReminderDigestItem['kind'], n: number, extra: Partial<ReminderDigestItem> = {}): ReminderDigestItem {
  const late = kind === 'overdue' || kind === 'follow_up'
  return {
    kind,
    agencyName: `Agency ${n}`,
    agencyEmail: null,
    subject: `Request ${n}`,
    trackingNumber: null,
    url: `https://records.example/requests/${n}`,
    muteUrl: `https://records.example/v1/requests/${n}/mute?token=abc`,
    submittedOn: 'November 2, 2026',
    dueOn: 'November 9, 2026',
    daysLate: late ? n : 0,
    lawName: 'Public Records Act',
    lawCitation: 'RCW 42.56',
    followUpLetter: late ? letter : null,
    letterNumber: 0,
    agencyEmailed: false,
    expectedNote: null,
    ...extra,
  }
}

t.test('which reminders are gathered, and in what order', async (t) => {
  t.ok(isDigestible({ kind: 'overdue', recipient: 'requester' }))
  t.ok(isDigestible({ kind: 'due_soon', recipient: 'requester' }))
  t.notOk(isDigestible({ kind: 'overdue', recipient: 'agency' }), 'follow-ups to the agency go alone')
  t.notOk(isDigestible({ kind: 'appeal_window', recipient: 'requester' }))
  t.notOk(isDigestible({ kind: 'agency_replied', recipient: 'requester' }))
  const ordered = digestOrder([item('due_soon', 1), item('overdue', 2), item('due_today', 3), item('follow_up', 9)])
  t.same(
    ordered.map((entry) => entry.subject),
    ['Request 9', 'Request 2', 'Request 3', 'Request 1'],
    'longest overdue first, then due today, then due soon',
  )
})

t.test('the digest lists every request with its link, and each overdue one’s letter', async (t) => {
  const reminders = [
    { ...item('overdue', 4), letterNumber: 1, trackingNumber: 'P-0042' },
    { ...item('follow_up', 20), letterNumber: 2, agencyEmailed: true, agencyEmail: 'records@agency.example' },
    item('due_today', 2),
    item('due_soon', 3),
  ]
  const email = emails.reminderDigest({
    requester: { name: 'Ada Lopez', email: 'ada@example.org' },
    reminders,
    overdueCount: 2,
    dashboardUrl: 'https://records.example/me',
  })
  t.equal(email.subject, '4 of your records requests need attention: 2 overdue')
  t.match(email.text, /1\. OVERDUE by 4 days: Request 4/)
  t.match(email.text, /Tracking number: P-0042/)
  t.match(email.text, /3\. DUE TODAY: Request 2/)
  t.match(email.text, /4\. DUE SOON: Request 3/)
  t.match(email.text, /We have emailed follow-up letter 2 \(below\) to the agency on your behalf/)
  t.match(email.text, /---------- Follow-up letter 1: Agency 4 ----------\nSubject: Follow-up: Ring records/)
  t.equal(email.text.match(/Dear Records Officer/g)?.length, 2, 'a letter per overdue request, none for the others')
  for (const n of [4, 20, 2, 3]) t.match(email.html, `href="https://records.example/requests/${n}"`)
  t.match(email.html, /<a href="#follow-up-1"/)
  t.match(email.html, /id="follow-up-2"/)
  t.match(email.text, 'https://records.example/me')
})

t.test('hostile values stay text; bad links and missing letters are refused', async (t) => {
  const hostile = { ...item('due_soon', 1), subject: '<script>alert(1)</script>', agencyName: '"><img src=x>' }
  const email = emails.reminderDigest({
    requester: { name: 'A', email: 'a@example.org' },
    reminders: [hostile, item('due_today', 2)],
    overdueCount: 0,
    dashboardUrl: 'https://records.example/me',
  })
  t.notMatch(email.html, /<script>|<img src=x>/)
  t.match(email.text, '<script>alert(1)</script>')
  t.equal(email.subject, '2 of your records requests need attention')
  const base = { requester: { name: 'A', email: 'a@example.org' }, overdueCount: 0, dashboardUrl: 'https://records.example/me' }
  t.throws(() => emails.reminderDigest({ ...base, reminders: [{ ...item('due_soon', 1), url: 'javascript:alert(1)' }] }), EmailRenderError)
  t.throws(() => emails.reminderDigest({ ...base, dashboardUrl: 'data:text/html,x', reminders: [item('due_soon', 1)] }), EmailRenderError)
  t.throws(() => emails.reminderDigest({ ...base, reminders: [{ ...item('overdue', 1), followUpLetter: null }] }), EmailRenderError)
})
