import t from 'tap'
import type { CalendarDate } from '../../../src/modules/deadlines/calendar-date.js'
import { computeDeadline, type DeadlineEvent, isOverdue } from '../../../src/modules/deadlines/deadline.js'
import { HOLIDAYS, law } from './fixtures/deadline-fixtures.js'

type Skipped = Array<[CalendarDate, string]>

interface Row {
  name: string
  code: string
  /** Local wall-clock time with its UTC offset, so the table reads in the jurisdiction's time. */
  submittedAt: string
  closures?: Array<{ date: CalendarDate; reason: string }>
  countedFrom: CalendarDate
  due: CalendarDate
  skipped: Skipped
}

const moved = (reason: string) => `${reason} (due date moved to the next business day)`
const WA = 'RCW 1.16.050'
const TX = "Tex. Gov't Code 662.003-662.004"
const US = '5 U.S.C. 6103'

// Every date below was counted by hand against a printed calendar; weekdays are in the comments.
const rows: Row[] = [
  // Washington: 5 business days (RCW 42.56.520); holidays of RCW 1.16.050.
  {
    name: 'WA plain week',
    code: 'WA',
    submittedAt: '2026-03-02T10:00-08:00', // Mon → Mon
    countedFrom: '2026-03-02',
    due: '2026-03-09',
    skipped: [
      ['2026-03-07', 'Saturday'],
      ['2026-03-08', 'Sunday'],
    ],
  },
  {
    name: 'WA submitted Friday',
    code: 'WA',
    submittedAt: '2026-03-06T16:00-08:00', // Fri → Fri
    countedFrom: '2026-03-06',
    due: '2026-03-13',
    skipped: [
      ['2026-03-07', 'Saturday'],
      ['2026-03-08', 'Sunday'],
    ],
  },
  {
    name: 'WA submitted Saturday counts from Monday',
    code: 'WA',
    submittedAt: '2026-03-07T09:00-08:00', // Sat → Mon 9 → Mon 16
    countedFrom: '2026-03-09',
    due: '2026-03-16',
    skipped: [
      ['2026-03-07', 'Saturday'],
      ['2026-03-08', 'Sunday'],
      ['2026-03-14', 'Saturday'],
      ['2026-03-15', 'Sunday'],
    ],
  },
  {
    name: 'WA Thanksgiving and Native American Heritage Day',
    code: 'WA',
    submittedAt: '2026-11-25T10:00-08:00', // Wed → Fri Dec 4
    countedFrom: '2026-11-25',
    due: '2026-12-04',
    skipped: [
      ['2026-11-26', `Thanksgiving Day (${WA})`],
      ['2026-11-27', `Native American Heritage Day (${WA})`],
      ['2026-11-28', 'Saturday'],
      ['2026-11-29', 'Sunday'],
    ],
  },
  {
    name: 'WA 23:30 Pacific is still Wednesday (already Thanksgiving in UTC)',
    code: 'WA',
    submittedAt: '2026-11-25T23:30-08:00',
    countedFrom: '2026-11-25',
    due: '2026-12-04',
    skipped: [
      ['2026-11-26', `Thanksgiving Day (${WA})`],
      ['2026-11-27', `Native American Heritage Day (${WA})`],
      ['2026-11-28', 'Saturday'],
      ['2026-11-29', 'Sunday'],
    ],
  },
  {
    name: 'WA submitted on Thanksgiving counts from Monday',
    code: 'WA',
    submittedAt: '2026-11-26T11:00-08:00', // Thu → Mon Nov 30 → Mon Dec 7
    countedFrom: '2026-11-30',
    due: '2026-12-07',
    skipped: [
      ['2026-11-26', `Thanksgiving Day (${WA})`],
      ['2026-11-27', `Native American Heritage Day (${WA})`],
      ['2026-11-28', 'Saturday'],
      ['2026-11-29', 'Sunday'],
      ['2026-12-05', 'Saturday'],
      ['2026-12-06', 'Sunday'],
    ],
  },
  {
    name: 'WA 2024: the day after Thanksgiving is Nov 29, not the 4th Friday',
    code: 'WA',
    submittedAt: '2024-11-27T10:00-08:00', // Wed → Fri Dec 6
    countedFrom: '2024-11-27',
    due: '2024-12-06',
    skipped: [
      ['2024-11-28', `Thanksgiving Day (${WA})`],
      ['2024-11-29', `Native American Heritage Day (${WA})`],
      ['2024-11-30', 'Saturday'],
      ['2024-12-01', 'Sunday'],
    ],
  },
  {
    name: 'WA 23:30 on the spring-forward Sunday',
    code: 'WA',
    submittedAt: '2026-03-08T23:30-07:00', // Sun → Mon 9 → Mon 16
    countedFrom: '2026-03-09',
    due: '2026-03-16',
    skipped: [
      ['2026-03-08', 'Sunday'],
      ['2026-03-14', 'Saturday'],
      ['2026-03-15', 'Sunday'],
    ],
  },
  {
    name: 'WA 23:30 on the fall-back Sunday',
    code: 'WA',
    submittedAt: '2026-11-01T23:30-08:00', // Sun → Mon Nov 2 → Mon Nov 9
    countedFrom: '2026-11-02',
    due: '2026-11-09',
    skipped: [
      ['2026-11-01', 'Sunday'],
      ['2026-11-07', 'Saturday'],
      ['2026-11-08', 'Sunday'],
    ],
  },
  {
    name: 'WA Saturday New Year 2028 is observed Friday Dec 31, 2027',
    code: 'WA',
    submittedAt: '2027-12-27T10:00-08:00', // Mon → Tue Jan 4
    countedFrom: '2027-12-27',
    due: '2028-01-04',
    skipped: [
      ['2027-12-31', `New Year's Day (${WA})`],
      ['2028-01-01', 'Saturday'],
      ['2028-01-02', 'Sunday'],
    ],
  },
  {
    name: 'WA Saturday Christmas 2027 is observed Friday Dec 24',
    code: 'WA',
    submittedAt: '2027-12-22T10:00-08:00', // Wed → Thu Dec 30
    countedFrom: '2027-12-22',
    due: '2027-12-30',
    skipped: [
      ['2027-12-24', `Christmas Day (${WA})`],
      ['2027-12-25', 'Saturday'],
      ['2027-12-26', 'Sunday'],
    ],
  },
  {
    name: 'WA Saturday July 4 observed Friday July 3',
    code: 'WA',
    submittedAt: '2026-07-01T10:00-07:00', // Wed → Thu Jul 9
    countedFrom: '2026-07-01',
    due: '2026-07-09',
    skipped: [
      ['2026-07-03', `Independence Day (${WA})`],
      ['2026-07-04', 'Saturday'],
      ['2026-07-05', 'Sunday'],
    ],
  },
  {
    name: 'WA agency closure the day after Christmas',
    code: 'WA',
    submittedAt: '2025-12-22T10:00-08:00', // Mon → Wed Dec 31
    closures: [{ date: '2025-12-26', reason: "Governor's proclamation" }],
    countedFrom: '2025-12-22',
    due: '2025-12-31',
    skipped: [
      ['2025-12-25', `Christmas Day (${WA})`],
      ['2025-12-26', "Agency closure: Governor's proclamation"],
      ['2025-12-27', 'Saturday'],
      ['2025-12-28', 'Sunday'],
    ],
  },
  {
    name: 'WA submitted on an agency closure day',
    code: 'WA',
    submittedAt: '2026-03-02T10:00-08:00', // Mon (closed) → Tue 3 → Tue 10
    closures: [{ date: '2026-03-02', reason: 'Snow day' }],
    countedFrom: '2026-03-03',
    due: '2026-03-10',
    skipped: [
      ['2026-03-02', 'Agency closure: Snow day'],
      ['2026-03-07', 'Saturday'],
      ['2026-03-08', 'Sunday'],
    ],
  },

  // California: 10 calendar days (Gov. Code 7922.535); a due date on a closed day moves forward.
  {
    name: 'CA due Saturday moves to Monday',
    code: 'CA',
    submittedAt: '2026-03-04T10:00-08:00', // Wed → Sat 14 → Mon 16
    countedFrom: '2026-03-04',
    due: '2026-03-16',
    skipped: [
      ['2026-03-14', moved('Saturday')],
      ['2026-03-15', moved('Sunday')],
    ],
  },
  {
    name: 'CA submitted Saturday, due on Cesar Chavez Day',
    code: 'CA',
    submittedAt: '2026-03-21T12:00-07:00', // Sat → Tue Mar 31 → Wed Apr 1
    countedFrom: '2026-03-21',
    due: '2026-04-01',
    skipped: [['2026-03-31', moved('Cesar Chavez Day (Gov. Code 19853)')]],
  },
  {
    name: 'CA due on Thanksgiving moves past the four-day weekend',
    code: 'CA',
    submittedAt: '2026-11-16T10:00-08:00', // Mon → Thu 26 → Mon 30
    countedFrom: '2026-11-16',
    due: '2026-11-30',
    skipped: [
      ['2026-11-26', moved('Thanksgiving Day (Gov. Code 19853)')],
      ['2026-11-27', moved('Day after Thanksgiving (Gov. Code 19853)')],
      ['2026-11-28', moved('Saturday')],
      ['2026-11-29', moved('Sunday')],
    ],
  },
  {
    name: 'CA 23:30 on the spring-forward Sunday counts from Sunday',
    code: 'CA',
    submittedAt: '2026-03-08T23:30-07:00', // Sun → Wed 18
    countedFrom: '2026-03-08',
    due: '2026-03-18',
    skipped: [],
  },
  {
    name: 'CA 23:30 on the fall-back Sunday, due on Veterans Day',
    code: 'CA',
    submittedAt: '2026-11-01T23:30-08:00', // Sun → Wed 11 → Thu 12
    countedFrom: '2026-11-01',
    due: '2026-11-12',
    skipped: [['2026-11-11', moved('Veterans Day (Gov. Code 19853)')]],
  },
  {
    name: 'CA due on New Year’s Day 2027',
    code: 'CA',
    submittedAt: '2026-12-22T10:00-08:00', // Tue → Fri Jan 1 → Mon Jan 4
    countedFrom: '2026-12-22',
    due: '2027-01-04',
    skipped: [
      ['2027-01-01', moved("New Year's Day (Gov. Code 19853)")],
      ['2027-01-02', moved('Saturday')],
      ['2027-01-03', moved('Sunday')],
    ],
  },

  // Texas: 10 business days; 552.0031 excludes every 662.003 holiday; weekend holidays are not moved.
  {
    name: 'TX Saturday July 4 is not moved: Friday July 3 counts',
    code: 'TX',
    submittedAt: '2026-07-01T10:00-05:00', // Wed → Wed Jul 15
    countedFrom: '2026-07-01',
    due: '2026-07-15',
    skipped: [
      ['2026-07-04', 'Saturday'],
      ['2026-07-05', 'Sunday'],
      ['2026-07-11', 'Saturday'],
      ['2026-07-12', 'Sunday'],
    ],
  },
  {
    name: 'TX skeleton-crew San Jacinto Day does not count',
    code: 'TX',
    submittedAt: '2026-04-17T10:00-05:00', // Fri → Mon May 4
    countedFrom: '2026-04-17',
    due: '2026-05-04',
    skipped: [
      ['2026-04-18', 'Saturday'],
      ['2026-04-19', 'Sunday'],
      ['2026-04-21', `San Jacinto Day (${TX})`],
      ['2026-04-25', 'Saturday'],
      ['2026-04-26', 'Sunday'],
      ['2026-05-02', 'Saturday'],
      ['2026-05-03', 'Sunday'],
    ],
  },
  {
    name: 'TX skeleton-crew Texas Independence Day (Monday)',
    code: 'TX',
    submittedAt: '2026-02-27T10:00-06:00', // Fri → Mon Mar 16
    countedFrom: '2026-02-27',
    due: '2026-03-16',
    skipped: [
      ['2026-02-28', 'Saturday'],
      ['2026-03-01', 'Sunday'],
      ['2026-03-02', `Texas Independence Day (${TX})`],
      ['2026-03-07', 'Saturday'],
      ['2026-03-08', 'Sunday'],
      ['2026-03-14', 'Saturday'],
      ['2026-03-15', 'Sunday'],
    ],
  },
  {
    name: 'TX Christmas Eve to New Year across the year end',
    code: 'TX',
    submittedAt: '2026-12-21T10:00-06:00', // Mon → Thu Jan 7
    countedFrom: '2026-12-21',
    due: '2027-01-07',
    skipped: [
      ['2026-12-24', `Christmas Eve (${TX})`],
      ['2026-12-25', `Christmas Day (${TX})`],
      ['2026-12-26', 'Saturday'],
      ['2026-12-27', 'Sunday'],
      ['2027-01-01', `New Year's Day (${TX})`],
      ['2027-01-02', 'Saturday'],
      ['2027-01-03', 'Sunday'],
    ],
  },

  // New York: 5 business days; offices-open holidays count; Saturday holidays are not moved.
  {
    name: "NY Lincoln's Birthday (offices open) counts",
    code: 'NY',
    submittedAt: '2026-02-10T10:00-05:00', // Tue → Wed Feb 18
    countedFrom: '2026-02-10',
    due: '2026-02-18',
    skipped: [
      ['2026-02-14', 'Saturday'],
      ['2026-02-15', 'Sunday'],
      ['2026-02-16', "Washington's Birthday (N.Y. Gen. Constr. Law 24)"],
    ],
  },
  {
    name: 'NY Saturday July 4 is not moved',
    code: 'NY',
    submittedAt: '2026-07-01T10:00-04:00', // Wed → Wed Jul 8
    countedFrom: '2026-07-01',
    due: '2026-07-08',
    skipped: [
      ['2026-07-04', 'Saturday'],
      ['2026-07-05', 'Sunday'],
    ],
  },

  // Federal FOIA: 20 working days; 5 U.S.C. 6103 holidays.
  {
    name: 'US the day after Thanksgiving is a workday',
    code: 'US',
    submittedAt: '2026-11-16T10:00-05:00', // Mon → Tue Dec 15
    countedFrom: '2026-11-16',
    due: '2026-12-15',
    skipped: [
      ['2026-11-21', 'Saturday'],
      ['2026-11-22', 'Sunday'],
      ['2026-11-26', `Thanksgiving Day (${US})`],
      ['2026-11-28', 'Saturday'],
      ['2026-11-29', 'Sunday'],
      ['2026-12-05', 'Saturday'],
      ['2026-12-06', 'Sunday'],
      ['2026-12-12', 'Saturday'],
      ['2026-12-13', 'Sunday'],
    ],
  },
  {
    name: 'US Saturday Christmas and New Year 2022 observed on Fridays',
    code: 'US',
    submittedAt: '2021-12-20T10:00-05:00', // Mon → Thu Jan 20
    countedFrom: '2021-12-20',
    due: '2022-01-20',
    skipped: [
      ['2021-12-24', `Christmas Day (${US})`],
      ['2021-12-25', 'Saturday'],
      ['2021-12-26', 'Sunday'],
      ['2021-12-31', `New Year's Day (${US})`],
      ['2022-01-01', 'Saturday'],
      ['2022-01-02', 'Sunday'],
      ['2022-01-08', 'Saturday'],
      ['2022-01-09', 'Sunday'],
      ['2022-01-15', 'Saturday'],
      ['2022-01-16', 'Sunday'],
      ['2022-01-17', `Birthday of Martin Luther King, Jr. (${US})`],
    ],
  },

  // Illinois: 5 business days; general election day closes in even years.
  {
    name: 'IL general election day',
    code: 'IL',
    submittedAt: '2026-11-02T10:00-06:00', // Mon → Tue Nov 10
    countedFrom: '2026-11-02',
    due: '2026-11-10',
    skipped: [
      ['2026-11-03', 'General Election Day (80 Ill. Adm. Code 303.190)'],
      ['2026-11-07', 'Saturday'],
      ['2026-11-08', 'Sunday'],
    ],
  },
  {
    name: 'IL Thanksgiving and the day after',
    code: 'IL',
    submittedAt: '2026-11-25T10:00-06:00', // Wed → Fri Dec 4
    countedFrom: '2026-11-25',
    due: '2026-12-04',
    skipped: [
      ['2026-11-26', 'Thanksgiving Day (80 Ill. Adm. Code 303.190)'],
      ['2026-11-27', 'Day after Thanksgiving (80 Ill. Adm. Code 303.190)'],
      ['2026-11-28', 'Saturday'],
      ['2026-11-29', 'Sunday'],
    ],
  },

  // Rhode Island: 10 business days; Saturday and Sunday holidays move to Monday (25-1-1).
  {
    name: 'RI Saturday Christmas and New Year move to Monday',
    code: 'RI',
    submittedAt: '2027-12-22T10:00-05:00', // Wed → Fri Jan 7
    countedFrom: '2027-12-22',
    due: '2028-01-07',
    skipped: [
      ['2027-12-25', 'Saturday'],
      ['2027-12-26', 'Sunday'],
      ['2027-12-27', 'Christmas Day (R.I. Gen. Laws 25-1-1)'],
      ['2028-01-01', 'Saturday'],
      ['2028-01-02', 'Sunday'],
      ['2028-01-03', "New Year's Day (R.I. Gen. Laws 25-1-1)"],
    ],
  },
  {
    name: 'RI election day and Veterans Day',
    code: 'RI',
    submittedAt: '2026-10-30T10:00-04:00', // Fri → Tue Nov 17
    countedFrom: '2026-10-30',
    due: '2026-11-17',
    skipped: [
      ['2026-10-31', 'Saturday'],
      ['2026-11-01', 'Sunday'],
      ['2026-11-03', 'Election Day (R.I. Gen. Laws 25-1-1)'],
      ['2026-11-07', 'Saturday'],
      ['2026-11-08', 'Sunday'],
      ['2026-11-11', "Veterans' Day (R.I. Gen. Laws 25-1-1)"],
      ['2026-11-14', 'Saturday'],
      ['2026-11-15', 'Sunday'],
    ],
  },

  // Michigan counts offices-open legal holidays (AG Op. 7172); New Hampshire does not.
  {
    name: "MI Lincoln's Birthday is not a FOIA business day",
    code: 'MI',
    submittedAt: '2026-02-11T10:00-05:00', // Wed → Fri Feb 20
    countedFrom: '2026-02-11',
    due: '2026-02-20',
    skipped: [
      ['2026-02-12', "Lincoln's Birthday (MCL 435.101)"],
      ['2026-02-14', 'Saturday'],
      ['2026-02-15', 'Sunday'],
      ['2026-02-16', "Washington's Birthday (Presidents' Day) (MCL 435.101)"],
    ],
  },
  {
    name: 'NH Columbus Day (offices open) counts',
    code: 'NH',
    submittedAt: '2026-10-09T10:00-04:00', // Fri → Fri Oct 16
    countedFrom: '2026-10-09',
    due: '2026-10-16',
    skipped: [
      ['2026-10-10', 'Saturday'],
      ['2026-10-11', 'Sunday'],
    ],
  },
]

t.test('due dates without events', async (t) => {
  for (const row of rows) {
    const deadline = computeDeadline({
      submittedAt: new Date(row.submittedAt),
      jurisdiction: law(row.code),
      holidays: HOLIDAYS,
      agencyClosures: row.closures ?? [],
      events: [],
    })
    t.same(
      { dueDate: deadline.dueDate, countedFrom: deadline.countedFrom, skipped: deadline.skipped.map((s) => [s.date, s.reason]) },
      { dueDate: row.due, countedFrom: row.countedFrom, skipped: row.skipped },
      row.name,
    )
    t.equal(deadline.pausedDays, 0, `${row.name}: no pause`)
    t.equal(deadline.pausedSince, null, `${row.name}: not paused`)
  }
})

/** A Pacific-time event at 10:00 local on `date` (PST before Mar 8, 2026, PDT after). */
function at(date: CalendarDate, type: string, extra: Partial<DeadlineEvent> = {}): DeadlineEvent {
  const offset = date >= '2026-03-08' && date < '2026-11-01' ? '-07:00' : '-08:00'
  return { type, occurredAt: new Date(`${date}T10:00${offset}`), ...extra }
}

function deadlineFor(
  code: string,
  submittedOn: CalendarDate,
  events: DeadlineEvent[],
  closures: Array<{ date: CalendarDate; reason: string }> = [],
) {
  return computeDeadline({
    submittedAt: at(submittedOn, 'submitted').occurredAt,
    jurisdiction: law(code),
    holidays: HOLIDAYS,
    agencyClosures: closures,
    events,
  })
}

const skippedPairs = (deadline: { skipped: Array<{ date: string; reason: string }> }) => deadline.skipped.map((s) => [s.date, s.reason])

t.test('a fee request pauses a business-day clock until the fee is paid', async (t) => {
  // WA, submitted Mon Mar 2 (due Mon Mar 9 without the pause). Counted: Tue 3, Wed 4; paused (Wed 4, Tue 10];
  // then Wed 11, Thu 12, Fri 13.
  const deadline = deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'fee_requested'), at('2026-03-10', 'fee_paid')])
  t.equal(deadline.dueDate, '2026-03-13')
  t.equal(deadline.pausedDays, 4, 'Thu 5, Fri 6, Mon 9, Tue 10; the weekend would not have counted anyway')
  t.equal(deadline.pausedSince, null)
  t.same(skippedPairs(deadline), [
    ['2026-03-05', 'Clock paused: awaiting fee'],
    ['2026-03-06', 'Clock paused: awaiting fee'],
    ['2026-03-07', 'Saturday'],
    ['2026-03-08', 'Sunday'],
    ['2026-03-09', 'Clock paused: awaiting fee'],
    ['2026-03-10', 'Clock paused: awaiting fee'],
  ])
  t.match(deadline.rule, /; clock paused from 2026-03-04 to 2026-03-10 \(awaiting fee\)$/)
})

t.test('an open pause leaves the due date unknown', async (t) => {
  const deadline = deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'fee_requested')])
  t.same(
    { dueDate: deadline.dueDate, pausedSince: deadline.pausedSince, pausedDays: deadline.pausedDays, skipped: deadline.skipped },
    { dueDate: null, pausedSince: '2026-03-04', pausedDays: 0, skipped: [] },
  )
  t.match(deadline.rule, /clock paused since 2026-03-04 \(awaiting fee\)/)

  const mismatched = deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'fee_requested'), at('2026-03-05', 'clarification_sent')])
  t.equal(mismatched.dueDate, null, 'only fee_paid resumes a fee pause')
  t.equal(mismatched.pausedSince, '2026-03-04')
})

t.test('a clarification pause stops every day of a calendar-day clock', async (t) => {
  // CA, submitted Wed Mar 4: counted Thu 5, Fri 6; paused (Fri 6, Wed 11]; Thu 12 … Thu 19 is day 10.
  const deadline = deadlineFor('CA', '2026-03-04', [at('2026-03-06', 'clarification_requested'), at('2026-03-11', 'clarification_sent')])
  t.equal(deadline.dueDate, '2026-03-19')
  t.equal(deadline.pausedDays, 5, 'Sat 7 to Wed 11: calendar days all count')
  t.same(
    skippedPairs(deadline),
    ['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11'].map((date) => [date, 'Clock paused: awaiting clarification']),
  )
})

t.test('a pause that starts after the time ran out changes nothing', async (t) => {
  const late = deadlineFor('WA', '2026-03-02', [at('2026-03-11', 'fee_requested')])
  t.equal(late.dueDate, '2026-03-09')
  t.equal(late.pausedSince, null)
  t.notMatch(late.rule, /paused/)
  const sameDay = deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'fee_requested'), at('2026-03-04', 'fee_paid')])
  t.equal(sameDay.dueDate, '2026-03-09', 'requested and paid the same day: no day lost')
})

t.test('extensions add days of the law’s kind, in any order with pauses', async (t) => {
  // WA, Mon Mar 2 + 15 business days: Mar 3-6, 9-13, 16-20, Mon 23.
  const extended = deadlineFor('WA', '2026-03-02', [at('2026-03-06', 'extended', { extensionDays: 10 })])
  t.equal(extended.dueDate, '2026-03-23')
  t.equal(
    extended.rule,
    '5 business days after receipt under the Washington Public Records Act (PRA) (RCW 42.56), not counting weekends and Washington legal holidays; extended by 10 business days on 2026-03-06',
  )

  // Paused (Mar 4, Mar 10] and extended by 5: Tue 3, Wed 4, then Mar 11 … Fri Mar 20 is day 10.
  const pause = [at('2026-03-04', 'fee_requested'), at('2026-03-10', 'fee_paid')]
  const extensionAfter = deadlineFor('WA', '2026-03-02', [...pause, at('2026-03-12', 'extended', { extensionDays: 5 })])
  const extensionBefore = deadlineFor('WA', '2026-03-02', [at('2026-03-03', 'extended', { extensionDays: 5 }), ...pause].reverse())
  t.equal(extensionAfter.dueDate, '2026-03-20')
  t.equal(extensionBefore.dueDate, '2026-03-20', 'events are taken in occurredAt order, not array order')

  // CA, Mon Nov 16 + 10 = Thu Nov 26 (→ Mon Nov 30); extended by 14: 24 days = Thu Dec 10.
  const california = deadlineFor('CA', '2026-11-16', [at('2026-11-20', 'extended', { extensionDays: 14 })])
  t.equal(california.dueDate, '2026-12-10', 'counted from the statutory day, not from the moved due date')
  t.same(skippedPairs(california), [])
})

t.test('an extension to a date sets the due date; later events count on from it', async (t) => {
  const federal = deadlineFor('US', '2026-11-16', [at('2026-12-10', 'extended', { newDueDate: '2027-01-15' })])
  t.equal(federal.dueDate, '2027-01-15')
  // Fri Jan 15 + 10 business days: Mon Jan 18 is MLK Day; Jan 19-22, 25-29, Mon Feb 1.
  const further = deadlineFor('US', '2026-11-16', [
    at('2026-12-10', 'extended', { newDueDate: '2027-01-15' }),
    at('2027-01-05', 'extended', { extensionDays: 10 }),
  ])
  t.equal(further.dueDate, '2027-02-01')
  t.match(further.rule, /; extended to 2027-01-15 on 2026-12-10; extended by 10 business days on 2027-01-05$/)

  // WA: due set to Fri Apr 10, then paused (Mon Mar 16, Fri Mar 20]: 4 business days push it to Thu Apr 16.
  const pushed = deadlineFor('WA', '2026-03-02', [
    at('2026-03-06', 'extended', { newDueDate: '2026-04-10' }),
    at('2026-03-16', 'fee_requested'),
    at('2026-03-20', 'fee_paid'),
  ])
  t.equal(pushed.dueDate, '2026-04-16')
  t.equal(pushed.pausedDays, 4)
  t.same(
    pushed.skipped.filter((s) => s.reason.startsWith('Clock paused')).map((s) => s.date),
    ['2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20'],
  )
})

t.test('an appeal restarts the clock and earlier events stop mattering', async (t) => {
  const events = [at('2026-03-04', 'fee_requested'), at('2026-03-06', 'extended', { extensionDays: 10 })]
  // Appeal Fri Mar 20: Mon 23 … Fri 27. The open fee pause and the extension came before it.
  const appeal = deadlineFor('WA', '2026-03-02', [...events, at('2026-03-20', 'appealed')])
  t.same(
    { dueDate: appeal.dueDate, countedFrom: appeal.countedFrom, pausedSince: appeal.pausedSince, skipped: skippedPairs(appeal) },
    {
      dueDate: '2026-03-27',
      countedFrom: '2026-03-20',
      pausedSince: null,
      skipped: [
        ['2026-03-21', 'Saturday'],
        ['2026-03-22', 'Sunday'],
      ],
    },
  )
  t.equal(
    appeal.rule,
    'The appeal filed on 2026-03-20 restarted the clock: 5 business days after the appeal under the Washington Public Records Act (PRA) (RCW 42.56), not counting weekends and Washington legal holidays',
  )

  // Appeal on Sat Mar 21: counted from Mon Mar 23, due Mon Mar 30.
  const weekendAppeal = deadlineFor('WA', '2026-03-02', [at('2026-03-21', 'appealed')])
  t.equal(weekendAppeal.countedFrom, '2026-03-23')
  t.equal(weekendAppeal.dueDate, '2026-03-30')
  t.same(skippedPairs(weekendAppeal), [
    ['2026-03-21', 'Saturday'],
    ['2026-03-22', 'Sunday'],
    ['2026-03-28', 'Saturday'],
    ['2026-03-29', 'Sunday'],
  ])

  const setOnAppeal = deadlineFor('WA', '2026-03-02', [at('2026-03-20', 'appealed', { newDueDate: '2026-04-17' })])
  t.equal(setOnAppeal.dueDate, '2026-04-17')
  t.match(setOnAppeal.rule, /^Due 2026-04-17, set by the appeal filed on 2026-03-20 under the Washington Public Records Act/)

  const afterAppeal = deadlineFor('WA', '2026-03-02', [at('2026-03-20', 'appealed'), at('2026-03-24', 'clarification_requested')])
  t.equal(afterAppeal.dueDate, null, 'a pause after the appeal still pauses')
  t.equal(afterAppeal.pausedSince, '2026-03-24')
})

t.test('other events do not move the deadline', async (t) => {
  const plain = deadlineFor('WA', '2026-03-02', [])
  const busy = deadlineFor('WA', '2026-03-02', [
    at('2026-03-02', 'submitted'),
    at('2026-03-03', 'acknowledged'),
    at('2026-03-04', 'note'),
    at('2026-03-05', 'partial_release'),
  ])
  t.same(busy, plain)
})

t.test('the rule names the law and what is not counted', async (t) => {
  t.equal(
    deadlineFor('CA', '2026-03-04', []).rule,
    '10 calendar days after receipt under the California Public Records Act (CPRA) (Cal. Gov. Code § 7920.000 et seq. (recodified 2023; formerly § 6250 et seq.)), a due date on a weekend or California legal holiday moves to the next business day',
  )
  t.match(
    deadlineFor('US', '2026-03-04', []).rule,
    /^20 business days after receipt under the Freedom of Information Act \(FOIA\) \(5 U\.S\.C\. § 552\), not counting weekends and federal legal holidays$/,
  )
  t.match(
    deadlineFor('WA', '2026-03-02', [], [{ date: '2026-03-02', reason: 'Snow day' }]).rule,
    /not counting weekends, Washington legal holidays and agency closure days$/,
  )
})

t.test('laws without a fixed period have no due date', async (t) => {
  const arizona = law('AZ')
  const deadline = deadlineFor('AZ', '2026-03-02', [at('2026-03-03', 'extended', { extensionDays: 5 })])
  const rule = `Arizona Public Records Law (A.R.S. § 39-121 et seq.) sets no fixed number of days: ${arizona.responseRuleText}`
  t.same(deadline, {
    dueDate: null,
    rule,
    countedFrom: '2026-03-02',
    skipped: [],
    pausedDays: 0,
    pausedSince: null,
    running: 'response',
    clocks: [{ kind: 'response', dueDate: null, rule, skipped: [], running: true }],
  })
  t.equal(deadlineFor('FL', '2026-03-02', []).dueDate, null)
})

t.test('a deadline is plain data (stored as jsonb)', async (t) => {
  const deadline = deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'fee_requested'), at('2026-03-10', 'fee_paid')])
  t.same(JSON.parse(JSON.stringify(deadline)), deadline)
})

t.test('bad event data fails loudly', async (t) => {
  t.throws(() => deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'extended', { extensionDays: -3 })]), RangeError)
  t.throws(() => deadlineFor('WA', '2026-03-02', [at('2026-03-04', 'extended', { newDueDate: '2026-04-31' })]), RangeError)
})

t.test('isOverdue compares with today in the jurisdiction', async (t) => {
  const due = { dueDate: '2026-03-09' }
  t.notOk(isOverdue(due, new Date('2026-03-09T23:59-07:00'), 'America/Los_Angeles'), 'due today is not overdue')
  t.ok(isOverdue(due, new Date('2026-03-10T00:00-07:00'), 'America/Los_Angeles'), 'overdue from the next local midnight')
  t.notOk(isOverdue(due, new Date('2026-03-10T06:30Z'), 'America/Los_Angeles'), 'already Mar 10 in UTC, still Mar 9 in Seattle')
  t.notOk(isOverdue({ dueDate: null }, new Date('2030-01-01T00:00Z'), 'America/Los_Angeles'), 'no due date, never overdue')
})
