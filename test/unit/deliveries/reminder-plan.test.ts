import t, { type Test } from 'tap'
import { createBusinessCalendar } from '../../../src/modules/deadlines/business-calendar.js'
import type { CalendarDate } from '../../../src/modules/deadlines/calendar-date.js'
import { loadHolidayCalendar } from '../../../src/modules/deadlines/holiday-calendar.js'
import {
  localTimeToInstant,
  type PlanInput,
  type PlannedReminder,
  planReminders,
  type Recipient,
  type ReminderHistoryItem,
  type ReminderKind,
} from '../../../src/modules/deliveries/reminder-plan.js'

// The real holiday table. Washington 2026: Thanksgiving Thu Nov 26 and Native American Heritage
// Day Fri Nov 27, Veterans Day Wed Nov 11, Christmas Fri Dec 25; New Year 2027 falls on Friday Jan 1.
// America/Los_Angeles is on PDT (UTC-7) from Sun Mar 8 to Sun Nov 1 2026, PST (UTC-8) otherwise:
// 09:00 local is 16:00Z in summer and 17:00Z in winter.
const washington = createBusinessCalendar({ holidays: await loadHolidayCalendar(), jurisdictionCode: 'WA', agencyClosures: [] })
const DUE = '2026-12-01' // Tuesday

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    status: 'submitted',
    dueDate: DUE,
    timezone: 'America/Los_Angeles',
    calendar: washington,
    now: new Date('2026-11-01T00:00:00Z'),
    autoFollowUp: false,
    requesterMuted: false,
    followUpIntervalDays: 14,
    history: [],
    ...overrides,
  }
}

/** "kind recipient #sequence sendAt": one line per planned reminder, in plan order. */
const lines = (plan: readonly PlannedReminder[]) => plan.map((r) => `${r.kind} ${r.recipient} #${r.sequence} ${r.sendAt.toISOString()}`)

function row(
  status: ReminderHistoryItem['status'],
  kind: ReminderKind,
  recipient: Recipient,
  sequence: number,
  sendAt: string,
  dueDate: CalendarDate = DUE,
): ReminderHistoryItem {
  return { status, kind, recipient, sequence, sendAt: new Date(sendAt), dueDate }
}

function expectPlan(t: Test, overrides: Partial<PlanInput>, expected: string[], message?: string) {
  const plan = planReminders(input(overrides))
  t.same(lines(plan), expected, message ?? 'the plan')
  const dueDate = overrides.dueDate === undefined ? DUE : overrides.dueDate
  t.ok(
    plan.every((r) => r.dueDate === dueDate),
    'every reminder is planned for the current due date',
  )
}

t.test('the standard series for a Washington due date after Thanksgiving', async (t) => {
  expectPlan(t, {}, [
    // Two business days before Tue Dec 1: Mon Nov 30 (1), then Fri 27 and Thu 26 are holidays, Wed Nov 25 (2).
    'due_soon requester #0 2026-11-25T17:00:00.000Z',
    'due_today requester #0 2026-12-01T17:00:00.000Z', // Tuesday
    'overdue requester #0 2026-12-02T17:00:00.000Z', // Wednesday
    'follow_up requester #1 2026-12-16T17:00:00.000Z', // Wednesday, Dec 2 + 14; only the next follow-up
  ])
})

t.test('09:00 local is the right instant on either side of a DST change', async (t) => {
  expectPlan(t, { dueDate: '2026-03-09', now: new Date('2026-03-01T00:00:00Z') }, [
    'due_soon requester #0 2026-03-05T17:00:00.000Z', // Thu Mar 5 (Fri 6 is 1, Thu 5 is 2), still PST
    'due_today requester #0 2026-03-09T16:00:00.000Z', // Mon Mar 9, the day after clocks sprang forward: PDT
    'overdue requester #0 2026-03-10T16:00:00.000Z', // Tuesday
    'follow_up requester #1 2026-03-24T16:00:00.000Z', // Tuesday
  ])
  expectPlan(t, { dueDate: '2026-11-02', now: new Date('2026-10-01T00:00:00Z') }, [
    'due_soon requester #0 2026-10-29T16:00:00.000Z', // Thu Oct 29 (Fri 30 is 1, Thu 29 is 2), still PDT
    'due_today requester #0 2026-11-02T17:00:00.000Z', // Mon Nov 2, the day after clocks fell back: PST
    'overdue requester #0 2026-11-03T17:00:00.000Z', // Tuesday
    'follow_up requester #1 2026-11-17T17:00:00.000Z', // Tuesday
  ])
  expectPlan(
    t,
    { dueDate: '2026-03-09', now: new Date('2026-03-01T00:00:00Z'), sendHour: 7 },
    [
      'due_soon requester #0 2026-03-05T15:00:00.000Z',
      'due_today requester #0 2026-03-09T14:00:00.000Z',
      'overdue requester #0 2026-03-10T14:00:00.000Z',
      'follow_up requester #1 2026-03-24T14:00:00.000Z',
    ],
    'sendHour moves every reminder',
  )
})

t.test('Christmas and New Year', async (t) => {
  expectPlan(t, { dueDate: '2026-12-24', now: new Date('2026-12-01T00:00:00Z') }, [
    'due_soon requester #0 2026-12-22T17:00:00.000Z', // Tue Dec 22 (Wed 23 is 1, Tue 22 is 2)
    'due_today requester #0 2026-12-24T17:00:00.000Z', // Thursday
    'overdue requester #0 2026-12-28T17:00:00.000Z', // past Christmas (Fri) and the weekend: Monday
    'follow_up requester #1 2027-01-11T17:00:00.000Z', // Monday
  ])
  expectPlan(
    t,
    { dueDate: '2026-12-25', now: new Date('2026-12-01T00:00:00Z') },
    [
      'due_soon requester #0 2026-12-23T17:00:00.000Z', // Wed Dec 23 (Thu 24 is 1, Wed 23 is 2)
      'due_today requester #0 2026-12-24T17:00:00.000Z', // due on Christmas: the last business day before it, Thu
      'overdue requester #0 2026-12-28T17:00:00.000Z', // Monday
      'follow_up requester #1 2027-01-11T17:00:00.000Z', // Monday
    ],
    'a due date that is not a business day sends due_today the business day before',
  )
  expectPlan(
    t,
    { dueDate: '2026-12-10', now: new Date('2026-12-01T00:00:00Z') },
    [
      'due_soon requester #0 2026-12-08T17:00:00.000Z', // Tuesday
      'due_today requester #0 2026-12-10T17:00:00.000Z', // Thursday
      'overdue requester #0 2026-12-11T17:00:00.000Z', // Friday
      'follow_up requester #1 2026-12-28T17:00:00.000Z', // Dec 11 + 14 = Fri Dec 25, Christmas → Mon Dec 28
    ],
    'a follow-up on Christmas moves to the next business day',
  )
})

t.test('follow-ups are counted from the overdue day and moved off weekends and holidays', async (t) => {
  // Interval 10 from overdue Wed Dec 2: #1 Sat Dec 12, #2 Tue Dec 22, #3 Fri Jan 1 (New Year).
  expectPlan(t, { followUpIntervalDays: 10, now: new Date('2026-12-03T00:00:00Z'), history: doneThroughOverdue('requester') }, [
    'follow_up requester #1 2026-12-14T17:00:00.000Z', // Sat Dec 12 → Mon Dec 14
  ])
  expectPlan(
    t,
    {
      followUpIntervalDays: 10,
      now: new Date('2026-12-15T00:00:00Z'),
      history: [...doneThroughOverdue('requester'), row('sent', 'follow_up', 'requester', 1, '2026-12-14T17:00:00Z')],
    },
    ['follow_up requester #2 2026-12-22T17:00:00.000Z'], // Tue Dec 22 = Dec 2 + 20, not Mon Dec 14 + 10 = Thu Dec 24
  )
  expectPlan(
    t,
    {
      followUpIntervalDays: 10,
      now: new Date('2026-12-23T00:00:00Z'),
      history: [
        ...doneThroughOverdue('requester'),
        row('sent', 'follow_up', 'requester', 1, '2026-12-14T17:00:00Z'),
        row('sent', 'follow_up', 'requester', 2, '2026-12-22T17:00:00Z'),
      ],
    },
    ['follow_up requester #3 2027-01-04T17:00:00.000Z'], // Fri Jan 1, New Year's Day → Mon Jan 4
  )
})

t.test('follow-ups that a run of closed days lands on one day are sent once', async (t) => {
  // Interval 1 from overdue Wed Dec 2: #1 Thu 3, #2 Fri 4, #3 Sat 5, #4 Sun 6 and #5 Mon 7 all → Mon 7, #6 Tue 8.
  const history = [
    ...doneThroughOverdue('requester'),
    row('sent', 'follow_up', 'requester', 1, '2026-12-03T17:00:00Z'),
    row('sent', 'follow_up', 'requester', 2, '2026-12-04T17:00:00Z'),
  ]
  expectPlan(t, { followUpIntervalDays: 1, now: new Date('2026-12-04T18:00:00Z'), history }, [
    'follow_up requester #3 2026-12-07T17:00:00.000Z',
  ])
  expectPlan(
    t,
    {
      followUpIntervalDays: 1,
      now: new Date('2026-12-07T18:00:00Z'),
      history: [...history, row('sent', 'follow_up', 'requester', 3, '2026-12-07T17:00:00Z')],
    },
    ['follow_up requester #6 2026-12-08T17:00:00.000Z'],
    'after #3 on Monday the next is Tuesday, not #4 again on Monday',
  )
})

t.test('who gets what: muted requester, agency auto follow-ups', async (t) => {
  expectPlan(t, { autoFollowUp: true }, [
    'due_soon requester #0 2026-11-25T17:00:00.000Z',
    'due_today requester #0 2026-12-01T17:00:00.000Z',
    'overdue requester #0 2026-12-02T17:00:00.000Z',
    'overdue agency #0 2026-12-02T17:00:00.000Z',
    'follow_up requester #1 2026-12-16T17:00:00.000Z',
    'follow_up agency #1 2026-12-16T17:00:00.000Z',
  ])
  expectPlan(t, { autoFollowUp: true, requesterMuted: true }, [
    'overdue agency #0 2026-12-02T17:00:00.000Z',
    'follow_up agency #1 2026-12-16T17:00:00.000Z',
  ])
  expectPlan(t, { requesterMuted: true }, [], 'muted and no auto follow-up: nothing')
})

t.test('draft, closed and paused requests plan nothing; an appeal plans again', async (t) => {
  for (const status of ['draft', 'fulfilled', 'no_records', 'rejected', 'withdrawn'] as const) {
    t.same(planReminders(input({ status, autoFollowUp: true })), [], status)
  }
  t.same(planReminders(input({ dueDate: null, autoFollowUp: true })), [], 'no due date (clock paused or no deadline)')
  t.same(planReminders(input({ status: 'awaiting_fee', dueDate: null })), [], 'awaiting a fee: the clock is paused')
  for (const status of ['acknowledged', 'partially_fulfilled', 'appealed'] as const) {
    t.equal(planReminders(input({ status })).length, 4, `${status} is open`)
  }
})

t.test('an extension after due_soon was sent plans a new due_soon with the next sequence', async (t) => {
  const history = [
    row('sent', 'due_soon', 'requester', 0, '2026-11-25T17:00:00Z'),
    row('scheduled', 'due_today', 'requester', 0, '2026-12-01T17:00:00Z'),
    row('scheduled', 'overdue', 'requester', 0, '2026-12-02T17:00:00Z'),
    row('scheduled', 'follow_up', 'requester', 1, '2026-12-16T17:00:00Z'),
  ]
  expectPlan(t, { dueDate: '2026-12-15', now: new Date('2026-11-27T20:00:00Z'), history }, [
    'due_soon requester #1 2026-12-11T17:00:00.000Z', // before Tue Dec 15: Mon 14 (1), Fri 11 (2)
    'due_today requester #0 2026-12-15T17:00:00.000Z', // the unsent rows keep their keys and move
    'overdue requester #0 2026-12-16T17:00:00.000Z', // Wednesday
    'follow_up requester #1 2026-12-30T17:00:00.000Z', // Wednesday
  ])
  expectPlan(
    t,
    {
      dueDate: '2027-01-05', // Tuesday
      now: new Date('2026-12-12T00:00:00Z'),
      history: [...history, row('sent', 'due_soon', 'requester', 1, '2026-12-11T17:00:00Z', '2026-12-15')],
    },
    [
      'due_soon requester #2 2026-12-31T17:00:00.000Z', // Mon Jan 4 (1), Fri Jan 1 New Year, Thu Dec 31 (2)
      'due_today requester #0 2027-01-05T17:00:00.000Z',
      'overdue requester #0 2027-01-06T17:00:00.000Z', // Wednesday
      'follow_up requester #1 2027-01-20T17:00:00.000Z', // Wednesday
    ],
    'a second extension',
  )
  expectPlan(
    t,
    {
      dueDate: '2027-01-05',
      now: new Date('2026-12-01T00:00:00Z'),
      history: [...history, row('scheduled', 'due_soon', 'requester', 1, '2026-12-11T17:00:00Z', '2026-12-15')],
    },
    [
      'due_soon requester #1 2026-12-31T17:00:00.000Z',
      'due_today requester #0 2027-01-05T17:00:00.000Z',
      'overdue requester #0 2027-01-06T17:00:00.000Z',
      'follow_up requester #1 2027-01-20T17:00:00.000Z',
    ],
    'an unsent replacement keeps its sequence when the deadline moves again',
  )
  expectPlan(
    t,
    {
      dueDate: '2026-12-15',
      now: new Date('2026-11-27T20:00:00Z'),
      history: [row('failed', 'due_soon', 'requester', 0, '2026-11-25T17:00:00Z')],
    },
    [
      'due_soon requester #1 2026-12-11T17:00:00.000Z',
      'due_today requester #0 2026-12-15T17:00:00.000Z',
      'overdue requester #0 2026-12-16T17:00:00.000Z',
      'follow_up requester #1 2026-12-30T17:00:00.000Z',
    ],
    'a failed row holds its key too',
  )
})

t.test('follow-ups are numbered after the ones sent or failed', async (t) => {
  const history = [
    ...doneThroughOverdue('requester'),
    ...doneThroughOverdue('agency'),
    row('sent', 'follow_up', 'requester', 1, '2026-12-16T17:00:00Z'),
    row('sent', 'follow_up', 'requester', 2, '2026-12-30T17:00:00Z'),
    row('failed', 'follow_up', 'requester', 3, '2027-01-13T17:00:00Z'),
    row('sent', 'follow_up', 'agency', 1, '2026-12-16T17:00:00Z'),
    row('sent', 'follow_up', 'agency', 2, '2026-12-30T17:00:00Z'),
    row('cancelled', 'follow_up', 'agency', 3, '2027-01-13T17:00:00Z'),
  ]
  expectPlan(t, { autoFollowUp: true, now: new Date('2027-01-14T00:00:00Z'), history }, [
    'follow_up agency #3 2027-01-13T17:00:00.000Z', // cancelled is not done: missed, so it goes out now
    'follow_up requester #4 2027-01-27T17:00:00.000Z', // Wed, Dec 2 + 56; failed #3 is not retried
    'follow_up agency #4 2027-01-27T17:00:00.000Z',
  ])
})

t.test('a backfilled request 60 days overdue gets the latest missed reminder once', async (t) => {
  // Due Tue Sep 1 2026, now Sat Oct 31 (60 days later). Overdue Wed Sep 2; follow-ups Wed Sep 16,
  // Sep 30, Oct 14, Oct 28, then Wed Nov 11 (Veterans Day) → Thu Nov 12.
  const backfill = { dueDate: '2026-09-01', autoFollowUp: true, now: new Date('2026-10-31T19:00:00Z') }
  expectPlan(t, backfill, [
    'follow_up requester #4 2026-10-28T16:00:00.000Z', // PDT; due now, sent at once
    'follow_up agency #4 2026-10-28T16:00:00.000Z',
    'follow_up requester #5 2026-11-12T17:00:00.000Z', // PST
    'follow_up agency #5 2026-11-12T17:00:00.000Z',
  ])
  const afterCatchUp = [
    row('sent', 'follow_up', 'requester', 4, '2026-10-28T16:00:00Z', '2026-09-01'),
    row('sent', 'follow_up', 'agency', 4, '2026-10-28T16:00:00Z', '2026-09-01'),
  ]
  expectPlan(
    t,
    { ...backfill, now: new Date('2026-10-31T19:01:00Z'), history: afterCatchUp },
    ['follow_up requester #5 2026-11-12T17:00:00.000Z', 'follow_up agency #5 2026-11-12T17:00:00.000Z'],
    'once the catch-up is sent, the reminders it superseded do not come back',
  )
})

t.test('due tomorrow: the missed due_soon goes out now, the rest on time', async (t) => {
  // Due Thu Oct 15 2026; now Wed Oct 14 08:00 PDT. due_soon was Tue Oct 13 (Wed 14 is 1, Tue 13 is 2).
  expectPlan(t, { dueDate: '2026-10-15', now: new Date('2026-10-14T15:00:00Z') }, [
    'due_soon requester #0 2026-10-13T16:00:00.000Z',
    'due_today requester #0 2026-10-15T16:00:00.000Z', // Thursday
    'overdue requester #0 2026-10-16T16:00:00.000Z', // Friday
    'follow_up requester #1 2026-10-30T16:00:00.000Z', // Friday, still PDT
  ])
  expectPlan(
    t,
    { dueDate: '2026-10-15', now: new Date('2026-10-15T16:00:00Z') },
    [
      'due_today requester #0 2026-10-15T16:00:00.000Z',
      'overdue requester #0 2026-10-16T16:00:00.000Z',
      'follow_up requester #1 2026-10-30T16:00:00.000Z',
    ],
    'at exactly the send time a reminder is due; the earlier unsent one is dropped',
  )
})

t.test('a reopened request plans its cancelled reminders again', async (t) => {
  // Rejected on Nov 30 after due_soon went out; appealed on Dec 3 with a new due date, Tue Dec 15.
  const history = [
    row('sent', 'due_soon', 'requester', 0, '2026-11-25T17:00:00Z'),
    row('cancelled', 'due_today', 'requester', 0, '2026-12-01T17:00:00Z'),
    row('cancelled', 'overdue', 'requester', 0, '2026-12-02T17:00:00Z'),
    row('cancelled', 'overdue', 'agency', 0, '2026-12-02T17:00:00Z'),
    row('cancelled', 'follow_up', 'requester', 1, '2026-12-16T17:00:00Z'),
    row('cancelled', 'follow_up', 'agency', 1, '2026-12-16T17:00:00Z'),
  ]
  const reopened = { autoFollowUp: true, now: new Date('2026-12-03T20:00:00Z'), history }
  t.same(planReminders(input({ ...reopened, status: 'rejected' })), [], 'rejected: nothing')
  expectPlan(t, { ...reopened, status: 'appealed', dueDate: '2026-12-15' }, [
    'due_soon requester #1 2026-12-11T17:00:00.000Z', // Friday
    'due_today requester #0 2026-12-15T17:00:00.000Z',
    'overdue requester #0 2026-12-16T17:00:00.000Z',
    'overdue agency #0 2026-12-16T17:00:00.000Z',
    'follow_up requester #1 2026-12-30T17:00:00.000Z',
    'follow_up agency #1 2026-12-30T17:00:00.000Z',
  ])
  expectPlan(
    t,
    { ...reopened, status: 'appealed', now: new Date('2026-11-30T20:00:00Z') },
    [
      'due_today requester #0 2026-12-01T17:00:00.000Z',
      'overdue requester #0 2026-12-02T17:00:00.000Z',
      'overdue agency #0 2026-12-02T17:00:00.000Z',
      'follow_up requester #1 2026-12-16T17:00:00.000Z',
      'follow_up agency #1 2026-12-16T17:00:00.000Z',
    ],
    'reopened with the same due date: the same rows come back, due_soon is not sent twice',
  )
  const followUps = [
    ...doneThroughOverdue('requester'),
    row('sent', 'follow_up', 'requester', 1, '2026-12-16T17:00:00Z'),
    row('sent', 'follow_up', 'requester', 2, '2026-12-30T17:00:00Z'),
  ]
  expectPlan(
    t,
    { status: 'appealed', dueDate: '2027-02-02', now: new Date('2027-01-05T00:00:00Z'), history: followUps },
    [
      'due_soon requester #1 2027-01-29T17:00:00.000Z', // before Tue Feb 2: Mon Feb 1 (1), Fri Jan 29 (2)
      'due_today requester #1 2027-02-02T17:00:00.000Z',
      'overdue requester #1 2027-02-03T17:00:00.000Z', // Wednesday
      'follow_up requester #3 2027-02-17T17:00:00.000Z', // follow-up 1 of the new series, after sequences 1 and 2
    ],
    'a new due date starts a new series whose sequences do not reuse the old ones',
  )
})

t.test('planning is stable, and a worker following the plan sends each reminder once', async (t) => {
  const log: string[] = []
  let history: ReminderHistoryItem[] = []
  let now = new Date('2026-11-01T00:00:00Z')
  const plan = () => planReminders(input({ autoFollowUp: true, now, history }))
  for (let step = 0; step < 50; step++) {
    history = apply(history, plan())
    t.same(apply(history, plan()), history, `planning over its own rows changes nothing (${now.toISOString()})`)
    const next = history.filter((r) => r.status === 'scheduled').sort(bySendAt)[0]
    if (!next || next.sendAt > new Date('2027-02-01T00:00:00Z')) break
    now = next.sendAt
    for (const r of history) {
      if (r.status === 'scheduled' && r.sendAt <= now) {
        r.status = 'sent'
        log.push(`${r.kind} ${r.recipient} #${r.sequence} ${r.sendAt.toISOString()}`)
      }
    }
  }
  t.same(log, [
    'due_soon requester #0 2026-11-25T17:00:00.000Z',
    'due_today requester #0 2026-12-01T17:00:00.000Z',
    'overdue requester #0 2026-12-02T17:00:00.000Z',
    'overdue agency #0 2026-12-02T17:00:00.000Z',
    'follow_up requester #1 2026-12-16T17:00:00.000Z',
    'follow_up agency #1 2026-12-16T17:00:00.000Z',
    'follow_up requester #2 2026-12-30T17:00:00.000Z',
    'follow_up agency #2 2026-12-30T17:00:00.000Z',
    'follow_up requester #3 2027-01-13T17:00:00.000Z',
    'follow_up agency #3 2027-01-13T17:00:00.000Z',
    'follow_up requester #4 2027-01-27T17:00:00.000Z',
    'follow_up agency #4 2027-01-27T17:00:00.000Z',
  ])
  t.same(planReminders(input({ status: 'fulfilled', autoFollowUp: true, now, history })), [], 'closing stops the series')
})

t.test('a row being sent keeps its key', async (t) => {
  expectPlan(t, { now: new Date('2026-12-01T17:00:30Z'), history: [row('sending', 'due_today', 'requester', 0, '2026-12-01T17:00:00Z')] }, [
    'due_today requester #0 2026-12-01T17:00:00.000Z',
    'overdue requester #0 2026-12-02T17:00:00.000Z',
    'follow_up requester #1 2026-12-16T17:00:00.000Z',
  ])
})

t.test('bad settings are rejected', async (t) => {
  t.throws(() => planReminders(input({ followUpIntervalDays: 0 })), RangeError)
  t.throws(() => planReminders(input({ followUpIntervalDays: 1.5 })), RangeError)
  t.throws(() => planReminders(input({ sendHour: 24 })), RangeError)
  t.throws(() => planReminders(input({ timezone: 'Mars/Olympus_Mons' })), RangeError)
})

t.test('localTimeToInstant reads the wall clock of the zone, DST included', async (t) => {
  const cases: Array<[CalendarDate, number, string, string, string]> = [
    ['2026-01-15', 9, 'America/Los_Angeles', '2026-01-15T17:00:00.000Z', 'PST'],
    ['2026-07-15', 9, 'America/Los_Angeles', '2026-07-15T16:00:00.000Z', 'PDT'],
    ['2026-03-07', 9, 'America/Los_Angeles', '2026-03-07T17:00:00.000Z', 'Saturday before spring forward'],
    ['2026-03-08', 9, 'America/Los_Angeles', '2026-03-08T16:00:00.000Z', 'Sunday of spring forward, after 02:00'],
    ['2026-10-31', 9, 'America/Los_Angeles', '2026-10-31T16:00:00.000Z', 'Saturday before fall back'],
    ['2026-11-01', 9, 'America/Los_Angeles', '2026-11-01T17:00:00.000Z', 'Sunday of fall back, after 02:00'],
    ['2026-03-08', 2, 'America/Los_Angeles', '2026-03-08T10:00:00.000Z', '02:00 does not exist: 03:00 PDT'],
    ['2026-11-01', 1, 'America/Los_Angeles', '2026-11-01T08:00:00.000Z', '01:00 happens twice: the first, PDT'],
    ['2026-01-15', 9, 'America/New_York', '2026-01-15T14:00:00.000Z', 'EST'],
    ['2026-07-15', 9, 'America/New_York', '2026-07-15T13:00:00.000Z', 'EDT'],
    ['2026-07-15', 9, 'America/Phoenix', '2026-07-15T16:00:00.000Z', 'Arizona keeps MST all year'],
    ['2026-07-15', 9, 'Pacific/Honolulu', '2026-07-15T19:00:00.000Z', 'HST'],
    ['2026-01-15', 9, 'Asia/Kolkata', '2026-01-15T03:30:00.000Z', 'half-hour offset'],
    ['2026-01-15', 0, 'Pacific/Auckland', '2026-01-14T11:00:00.000Z', 'midnight NZDT is the previous UTC day'],
    ['2026-10-04', 2, 'Australia/Lord_Howe', '2026-10-03T15:30:00.000Z', 'half-hour DST gap: 02:30 +11'],
    ['2026-01-15', 9, 'UTC', '2026-01-15T09:00:00.000Z', 'UTC'],
  ]
  for (const [date, hour, zone, expected, why] of cases) {
    t.equal(localTimeToInstant(date, hour, zone).toISOString(), expected, `${date} ${hour}:00 ${zone}: ${why}`)
  }
  t.throws(() => localTimeToInstant('2026-02-30', 9, 'UTC'), RangeError)
  t.throws(() => localTimeToInstant('2026-01-15', -1, 'UTC'), RangeError)
  t.throws(() => localTimeToInstant('2026-01-15', 9, 'Not/A_Zone'), RangeError)
})

/** due_soon, due_today (requester only) and overdue, all sent for the Dec 1 due date. */
function doneThroughOverdue(recipient: Recipient): ReminderHistoryItem[] {
  const overdue = row('sent', 'overdue', recipient, 0, '2026-12-02T17:00:00Z')
  if (recipient === 'agency') return [overdue]
  return [
    row('sent', 'due_soon', recipient, 0, '2026-11-25T17:00:00Z'),
    row('sent', 'due_today', recipient, 0, '2026-12-01T17:00:00Z'),
    overdue,
  ]
}

const bySendAt = (a: { sendAt: Date }, b: { sendAt: Date }) => a.sendAt.getTime() - b.sendAt.getTime()

/** What the reminders service does with a plan: insert new keys, move or restore planned ones, cancel the rest. */
function apply(history: readonly ReminderHistoryItem[], plan: readonly PlannedReminder[]): ReminderHistoryItem[] {
  const key = (r: { kind: string; recipient: string; sequence: number }) => `${r.kind}|${r.recipient}|${r.sequence}`
  const wanted = new Map(plan.map((p) => [key(p), p]))
  const rows = history.map((r): ReminderHistoryItem => {
    const planned = wanted.get(key(r))
    if (planned && (r.status === 'scheduled' || r.status === 'cancelled')) return { ...planned, status: 'scheduled' }
    if (!planned && r.status === 'scheduled') return { ...r, status: 'cancelled' }
    return { ...r }
  })
  const existing = new Set(history.map(key))
  return [...rows, ...plan.filter((p) => !existing.has(key(p))).map((p): ReminderHistoryItem => ({ ...p, status: 'scheduled' }))]
}

t.test('after a final denial the appeal window runs: one reminder to the requester five business days before it closes', async (t) => {
  // Window closes Tue Dec 1; back five business days past Thanksgiving and Native American Heritage Day: Fri Nov 20.
  const denied = { status: 'rejected' as const, runningClock: 'appeal_window' as const }
  expectPlan(t, denied, ['appeal_window requester #0 2026-11-20T17:00:00.000Z'])
  expectPlan(t, { ...denied, autoFollowUp: true }, ['appeal_window requester #0 2026-11-20T17:00:00.000Z'], 'the agency is not reminded')
  expectPlan(
    t,
    { ...denied, now: new Date('2026-11-25T12:00:00Z') },
    ['appeal_window requester #0 2026-11-20T17:00:00.000Z'],
    'missed: sent at once',
  )
  expectPlan(t, { ...denied, now: new Date('2026-12-02T08:00:00Z') }, [], 'nothing once the window has closed (midnight Pacific)')
  expectPlan(t, { ...denied, requesterMuted: true }, [], 'muted')
  expectPlan(t, { ...denied, history: [row('sent', 'appeal_window', 'requester', 0, '2026-11-20T17:00:00Z')] }, [], 'sent once')
  expectPlan(t, { status: 'rejected' }, [], 'a denial where the law sets no appeal window plans nothing')
})
