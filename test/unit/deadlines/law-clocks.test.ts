import { readFileSync } from 'node:fs'
import t from 'tap'
import type { CalendarDate } from '../../../src/modules/deadlines/calendar-date.js'
import { computeDeadline, type Deadline, type DeadlineEvent } from '../../../src/modules/deadlines/deadline.js'
import type { ClockKind } from '../../../src/modules/deadlines/law-clocks.js'
import {
  parseLawClocks,
  parseRecordsLaws,
  RECORDS_LAW_CLOCKS_CSV,
  RECORDS_LAWS_CSV,
} from '../../../src/modules/jurisdictions/jurisdictions.seed.js'
import { designatedClosures, HOLIDAYS, law } from './fixtures/deadline-fixtures.js'

interface Case {
  name: string
  code: string
  /** Local wall-clock time with its UTC offset. */
  submittedAt: string
  events?: Array<{ type: string; at: string }>
  /** The designated closures of data/jurisdiction-closures.csv count (true) or are left out (false). */
  designated?: boolean
  due: CalendarDate | null
  running?: ClockKind
  /** Each clock's due date, by kind. */
  clocks?: Partial<Record<ClockKind, CalendarDate | null>>
  rule?: RegExp
}

function deadlineOf(row: Case): Deadline {
  const events: DeadlineEvent[] = (row.events ?? []).map((event) => ({ type: event.type, occurredAt: new Date(event.at) }))
  return computeDeadline({
    submittedAt: new Date(row.submittedAt),
    jurisdiction: law(row.code),
    holidays: HOLIDAYS,
    agencyClosures: [],
    jurisdictionClosures: row.designated === false ? [] : designatedClosures(row.code),
    events,
  })
}

// Every date counted by hand on a printed calendar; weekdays in the comments.
const cases: Case[] = [
  // Georgia: 3 business days (O.C.G.A. 50-18-71); Washington's Birthday is observed on a day the Governor designates.
  {
    name: 'GA December 2024 skips the designated Tuesday 24th',
    code: 'GA',
    submittedAt: '2024-12-20T10:00-05:00', // Fri → Mon 23, Thu 26, Fri 27
    due: '2024-12-27',
    rule: /not counting weekends, Georgia legal holidays and state office closure days/,
  },
  {
    name: 'GA December 2024 without the designated day would be a day short',
    code: 'GA',
    submittedAt: '2024-12-20T10:00-05:00',
    designated: false,
    due: '2024-12-26',
  },
  {
    name: 'GA December 2025 skips the designated Friday 26th',
    code: 'GA',
    submittedAt: '2025-12-22T10:00-05:00', // Mon → Tue 23, Wed 24, Mon 29
    due: '2025-12-29',
  },
  {
    name: 'GA December 2025 without the designated day',
    code: 'GA',
    submittedAt: '2025-12-22T10:00-05:00',
    designated: false,
    due: '2025-12-26',
  },

  // Alabama: no statutory deadline before 1 October 2024; then acknowledge within 10 (plain) days.
  {
    name: 'AL 3 June 2024: no statutory deadline yet',
    code: 'AL',
    submittedAt: '2024-06-03T10:00-05:00',
    due: null,
    running: 'determination',
    rule: /in force until 2024-09-30\) set no fixed number of days for a request received on 2024-06-03/,
  },
  { name: 'AL 30 September 2024: still none', code: 'AL', submittedAt: '2024-09-30T16:00-05:00', due: null },
  {
    name: 'AL 1 October 2024: acknowledge within 10 days',
    code: 'AL',
    submittedAt: '2024-10-01T10:00-05:00', // Tue → Fri Oct 11
    due: '2024-10-11',
    running: 'acknowledgment',
    clocks: { acknowledgment: '2024-10-11', determination: null },
    rule: /^10 calendar days after receipt under the .*Ala\. Code § 36-12-44\(a\)\(3\), in force from 2024-10-01\)/,
  },
  {
    name: 'AL acknowledgment due on a Saturday moves past Columbus Day',
    code: 'AL',
    submittedAt: '2024-10-02T10:00-05:00', // Wed → Sat 12 → Mon 14 holiday → Tue 15
    due: '2024-10-15',
  },
  {
    name: 'AL acknowledged: 15 business days from the acknowledgment run',
    code: 'AL',
    submittedAt: '2024-10-01T10:00-05:00',
    events: [{ type: 'acknowledged', at: '2024-10-04T10:00-05:00' }], // Fri → Oct 7-11 (5), 14 Columbus Day, 15-18 (9), 21-25 (14), Mon 28 (15)
    due: '2024-10-28',
    running: 'determination',
    clocks: { acknowledgment: '2024-10-11', determination: '2024-10-28' },
  },

  // Kentucky: 3 business days until 28 June 2021, 5 from 29 June 2021 (2021 Ky. Acts ch. 160).
  { name: 'KY January 2020: 3 business days', code: 'KY', submittedAt: '2020-01-06T10:00-05:00', due: '2020-01-09' }, // Mon → Thu
  { name: 'KY 28 June 2021: the last day of the 3-day rule', code: 'KY', submittedAt: '2021-06-28T10:00-04:00', due: '2021-07-01' }, // Mon → Thu
  {
    name: 'KY 29 June 2021: 5 business days, Independence Day observed Monday 5 July',
    code: 'KY',
    submittedAt: '2021-06-29T10:00-04:00',
    due: '2021-07-07',
  }, // Tue → Jun 30, Jul 1, 2, 6, 7
  {
    name: 'KY January 2022: 5 business days past Martin Luther King Day',
    code: 'KY',
    submittedAt: '2022-01-10T10:00-05:00',
    due: '2022-01-18',
    rule: /in force from 2021-06-29/,
  }, // Mon → 11-14 (4), Mon 17 MLK, Tue 18

  // South Carolina: 15 business days until 18 May 2017, 10 from 19 May 2017 (Act No. 67).
  { name: 'SC March 2016: 15 business days', code: 'SC', submittedAt: '2016-03-01T10:00-05:00', due: '2016-03-22' }, // Tue → Tue 22
  { name: 'SC March 2018: 10 business days', code: 'SC', submittedAt: '2018-03-01T10:00-05:00', due: '2018-03-15' }, // Thu → Thu 15

  // Federal FOIA: 20 working days, at most 10 more, at least 90 days to appeal a denial.
  {
    name: 'US determination and extension limit',
    code: 'US',
    submittedAt: '2026-03-02T10:00-05:00', // Mon → Mon 30; + 10 → Mon Apr 13
    due: '2026-03-30',
    running: 'determination',
    clocks: { determination: '2026-03-30', extension_limit: '2026-04-13', appeal_window: null },
  },
  {
    name: 'US denial runs the 90-day appeal window',
    code: 'US',
    submittedAt: '2026-03-02T10:00-05:00',
    events: [{ type: 'rejected', at: '2026-03-20T12:00-04:00' }], // Fri → Thu June 18
    due: '2026-06-18',
    running: 'appeal_window',
    clocks: { determination: '2026-03-30', appeal_window: '2026-06-18' },
    rule: /^90 calendar days after the denial on 2026-03-20 to appeal/,
  },
  {
    name: 'US an appeal after the denial restarts the response clock',
    code: 'US',
    submittedAt: '2026-03-02T10:00-05:00',
    events: [
      { type: 'rejected', at: '2026-03-20T12:00-04:00' },
      { type: 'appealed', at: '2026-03-23T12:00-04:00' },
    ], // Mon → 20 wd → Mon Apr 20
    due: '2026-04-20',
    running: 'determination',
  },

  // California: 10 days, extension by at most 14 days.
  {
    name: 'CA determination and extension limit',
    code: 'CA',
    submittedAt: '2026-03-02T10:00-08:00', // Mon → Thu 12; 24 days → Thu 26
    due: '2026-03-12',
    clocks: { determination: '2026-03-12', extension_limit: '2026-03-26' },
  },

  // New York: acknowledge in 5 business days, then decide within 20 business days of the acknowledgment.
  {
    name: 'NY acknowledgment',
    code: 'NY',
    submittedAt: '2026-03-02T10:00-05:00',
    due: '2026-03-09',
    running: 'acknowledgment',
    clocks: { acknowledgment: '2026-03-09', determination: null, appeal_window: null },
  },
  {
    name: 'NY acknowledged: the determination runs',
    code: 'NY',
    submittedAt: '2026-03-02T10:00-05:00',
    events: [{ type: 'acknowledged', at: '2026-03-04T10:00-05:00' }], // Wed → Mar 5,6, 9-13, 16-20, 23-27, 30, 31, Apr 1
    due: '2026-04-01',
    running: 'determination',
    clocks: { acknowledgment: '2026-03-09', determination: '2026-04-01' },
  },

  // Texas: the 10-business-day ruling request; Texas Independence Day (2 March) counts as a holiday.
  { name: 'TX acknowledgment clock', code: 'TX', submittedAt: '2026-03-02T10:00-06:00', due: '2026-03-17', running: 'acknowledgment' }, // Mon (holiday) → from Tue 3 → Tue 17

  // Connecticut and South Dakota: the requester's window to appeal.
  {
    name: 'CT 30 days to appeal to the FOI Commission',
    code: 'CT',
    submittedAt: '2026-03-02T10:00-05:00',
    events: [{ type: 'rejected', at: '2026-03-10T10:00-04:00' }],
    due: '2026-04-09',
    running: 'appeal_window',
  }, // Tue → Thu Apr 9
  {
    name: 'SD 90 days to ask the Office of Hearing Examiners',
    code: 'SD',
    submittedAt: '2026-03-02T10:00-06:00',
    events: [{ type: 'no_records', at: '2026-03-03T10:00-06:00' }],
    due: '2026-06-01',
    running: 'appeal_window',
  }, // Tue → Mon Jun 1
  {
    name: 'SD a partial release starts the window but the response clock keeps running',
    code: 'SD',
    submittedAt: '2026-03-02T10:00-06:00',
    events: [{ type: 'partial_release', at: '2026-03-03T10:00-06:00' }],
    due: '2026-03-16',
    running: 'response', // Mon → 10 bd → Mon 16
    clocks: { response: '2026-03-16', appeal_window: '2026-06-01' },
  },
]

for (const row of cases) {
  t.test(row.name, async (t) => {
    const deadline = deadlineOf(row)
    t.equal(deadline.dueDate, row.due, 'due date')
    if (row.running) t.equal(deadline.running, row.running, 'running clock')
    t.equal(deadline.clocks?.filter((clock) => clock.running).length, 1, 'exactly one clock runs')
    t.equal(deadline.clocks?.find((clock) => clock.running)?.dueDate, deadline.dueDate, 'dueDate is the running clock’s')
    for (const [kind, due] of Object.entries(row.clocks ?? {})) {
      t.equal(deadline.clocks?.find((clock) => clock.kind === kind)?.dueDate, due, `${kind} clock`)
    }
    if (row.rule) t.match(deadline.rule, row.rule)
  })
}

t.test('the designated Georgia day is listed among the skipped days with its reason', async (t) => {
  const deadline = deadlineOf(cases[0]!)
  t.same(
    deadline.skipped.find((day) => day.date === '2024-12-24'),
    {
      date: '2024-12-24',
      reason: "State offices closed: Washington's Birthday (observed; designated by the Governor under O.C.G.A. 1-4-1)",
    },
  )
})

t.test('the clocks table', async (t) => {
  const lawsText = readFileSync(RECORDS_LAWS_CSV, 'utf8')
  const clocksText = readFileSync(RECORDS_LAW_CLOCKS_CSV, 'utf8')
  t.equal(parseRecordsLaws(lawsText, clocksText).length, 52, 'agrees with records-laws.csv')
  const header = clocksText.split('\n')[0]
  const row = (fields: string) => `${header}\n${fields}\n`
  t.throws(
    () => parseLawClocks(row('KY,determination,5,business,receipt,yes,2021-06-29,,KRS 61.880(1),https://x.example,no tag')),
    /confidence tag/,
  )
  t.throws(() => parseLawClocks(row('KY,determination,5,none,receipt,yes,,,KRS 61.880(1),https://x.example,[high] x')), /both be set/)
  t.throws(
    () =>
      parseLawClocks(
        `${header}\nKY,determination,3,business,receipt,yes,,2021-06-30,KRS,https://x.example,[high] x\nKY,determination,5,business,receipt,yes,2021-06-29,,KRS,https://x.example,[high] x\n`,
      ),
    /two response periods in force at once/,
  )
  t.throws(
    () => parseRecordsLaws(lawsText, row('KY,determination,7,business,receipt,yes,2021-06-29,,KRS 61.880(1),https://x.example,[high] x')),
    /KY's current response period disagrees with records-laws.csv/,
  )
  t.throws(
    () => parseRecordsLaws(lawsText, row('ZZ,appeal_window,30,calendar,denial,no,,,X,https://x.example,[high] x')),
    /ZZ is not in records-laws.csv/,
  )
})
