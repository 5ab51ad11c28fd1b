import t from 'tap'
import { createBusinessCalendar } from '../../../src/modules/deadlines/business-calendar.js'
import { HOLIDAYS } from './fixtures/deadline-fixtures.js'

const washington = createBusinessCalendar({
  holidays: HOLIDAYS,
  jurisdictionCode: 'WA',
  agencyClosures: [
    { date: '2026-12-24', reason: 'Holiday closure' }, // Thursday
    { date: '2026-03-10', reason: 'Snow day' }, // Tuesday
    { date: '2026-03-10', reason: 'Power outage' },
  ],
})

t.test('nonBusinessReason says why a day does not count', async (t) => {
  const expected: Array<[string, string | null]> = [
    ['2026-11-25', null], // Wednesday
    ['2026-11-26', 'Thanksgiving Day (RCW 1.16.050)'], // Thursday
    ['2026-11-27', 'Native American Heritage Day (RCW 1.16.050)'], // Friday
    ['2026-11-28', 'Saturday'],
    ['2026-11-29', 'Sunday'],
    ['2026-07-04', 'Saturday'], // Independence Day is observed on Friday, July 3
    ['2026-07-03', 'Independence Day (RCW 1.16.050)'],
    ['2026-12-24', 'Agency closure: Holiday closure'], // Thursday
    ['2026-03-10', 'Agency closure: Snow day; Power outage'],
    ['2026-10-12', null], // Columbus Day (Monday) is not a Washington holiday (RCW 1.16.050)
  ]
  for (const [date, reason] of expected) {
    t.equal(washington.nonBusinessReason(date), reason, date)
    t.equal(washington.isBusinessDay(date), reason === null, `isBusinessDay ${date}`)
  }
})

t.test('nextBusinessDay is strictly after the given day', async (t) => {
  t.equal(washington.nextBusinessDay('2026-11-24'), '2026-11-25', 'Tuesday → Wednesday')
  t.equal(washington.nextBusinessDay('2026-11-25'), '2026-11-30', 'Wednesday before Thanksgiving → Monday')
  t.equal(washington.nextBusinessDay('2026-12-23'), '2026-12-28', 'Wed → past the closure (Thu), Christmas (Fri) and the weekend')
  t.equal(washington.nextBusinessDay('2027-12-30'), '2028-01-03', 'Thursday → past New Year observed Fri Dec 31 and the weekend')
})

t.test('addBusinessDays counts forward and back', async (t) => {
  t.equal(washington.addBusinessDays('2026-11-25', 1), '2026-11-30')
  t.equal(washington.addBusinessDays('2026-11-25', 5), '2026-12-04', 'Mon 30, Tue 1, Wed 2, Thu 3, Fri 4')
  t.equal(washington.addBusinessDays('2026-11-30', -2), '2026-11-24', 'two business days before Monday Nov 30: Tue Nov 24')
  t.equal(washington.addBusinessDays('2028-01-03', -1), '2027-12-30', 'back across the observed New Year')
  t.equal(washington.addBusinessDays('2026-11-28', 0), '2026-11-28', 'zero days is the day itself')
  t.throws(() => washington.addBusinessDays('2026-11-25', 1.5), RangeError)
})

t.test('calendars differ by jurisdiction and reject bad closure dates', async (t) => {
  const federal = createBusinessCalendar({ holidays: HOLIDAYS, jurisdictionCode: 'US', agencyClosures: [] })
  t.ok(federal.isBusinessDay('2026-11-27'), 'the day after Thanksgiving is a federal workday')
  t.equal(federal.nonBusinessReason('2026-10-12'), 'Columbus Day (5 U.S.C. 6103)')
  t.throws(
    () => createBusinessCalendar({ holidays: HOLIDAYS, jurisdictionCode: 'WA', agencyClosures: [{ date: '12/24/2026', reason: 'x' }] }),
    RangeError,
  )
})
