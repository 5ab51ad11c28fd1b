import t from 'tap'
import {
  compileHoliday,
  easterSunday,
  electionDay,
  HolidayGrammarError,
  lastWeekdayOf,
  nthWeekdayOf,
} from '../../../src/modules/deadlines/holiday-rules.js'

/** Observed dates of a rule/observance pair in one year. */
const datesIn = (rule: string, observance: string, year: number) => compileHoliday(rule, observance).datesIn(year)

t.test('easterSunday is the Western (Gregorian) Easter', async (t) => {
  const known: Array<[number, string]> = [
    [2008, '2008-03-23'], // early: March 23
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'], // same day as Orthodox Easter that year
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'], // latest possible date
  ]
  for (const [year, date] of known) t.equal(easterSunday(year), date, `${year}`)
  t.same(datesIn('easter -2', 'none', 2026), ['2026-04-03'], 'Good Friday 2026 is Friday, April 3')
  t.same(datesIn('easter -47', 'none', 2026), ['2026-02-17'], 'Mardi Gras 2026 is Tuesday, February 17')
  t.same(datesIn('easter +1', 'none', 2024), ['2024-04-01'], 'Easter Monday 2024')
})

t.test('nth and last weekday rules', async (t) => {
  t.same(datesIn('nth 3 MON 01', 'none', 2026), ['2026-01-19'], 'MLK Day 2026: Mondays of Jan are 5, 12, 19')
  t.same(datesIn('nth 3 MON 02', 'none', 2026), ['2026-02-16'], "Washington's Birthday 2026")
  t.same(datesIn('nth 1 MON 09', 'none', 2026), ['2026-09-07'], 'Labor Day 2026')
  t.same(datesIn('nth 2 MON 10', 'none', 2026), ['2026-10-12'], 'Columbus Day 2026: Oct 1 is a Thursday')
  t.same(datesIn('nth 4 THU 11', 'none', 2024), ['2024-11-28'], 'Thanksgiving 2024')
  t.same(datesIn('nth 4 THU 11', 'none', 2026), ['2026-11-26'], 'Thanksgiving 2026')
  t.same(datesIn('nth 3 FRI 06', 'none', 2026), ['2026-06-19'], 'NJ Juneteenth: third Friday of June 2026')
  t.same(datesIn('last MON 05', 'none', 2026), ['2026-05-25'], 'Memorial Day 2026')
  t.same(datesIn('last MON 05', 'none', 2027), ['2027-05-31'], 'Memorial Day 2027 is the 31st (May 1 is a Saturday)')
  t.same(datesIn('last FRI 11', 'none', 2024), ['2024-11-29'], 'last Friday of November 2024')
  t.equal(nthWeekdayOf(2026, 3, 0, 2), '2026-03-08', 'second Sunday of March 2026 (DST starts)')
  t.equal(lastWeekdayOf(2026, 12, 4), '2026-12-31', 'last Thursday of December 2026 is the 31st')
  t.throws(() => nthWeekdayOf(2026, 2, 1, 5), RangeError, 'February 2026 has four Mondays')
})

t.test('after-thanksgiving is the day after the fourth Thursday, not the fourth Friday', async (t) => {
  // November 1, 2024 is a Friday: the fourth Friday (Nov 22) comes before Thanksgiving (Nov 28).
  t.same(datesIn('after-thanksgiving', 'none', 2024), ['2024-11-29'])
  t.same(datesIn('nth 4 FRI 11', 'none', 2024), ['2024-11-22'], 'the wrong rule the date-holidays package uses')
  t.same(datesIn('after-thanksgiving', 'none', 2026), ['2026-11-27'])
})

t.test('election-day rules', async (t) => {
  t.equal(electionDay(2022), '2022-11-08', 'Nov 1, 2022 is a Tuesday: the election is the next one')
  t.equal(electionDay(2024), '2024-11-05')
  t.same(datesIn('election-every', 'none', 2025), ['2025-11-04'])
  t.same(datesIn('election-even', 'none', 2026), ['2026-11-03'])
  t.same(datesIn('election-even', 'none', 2025), [])
  t.same(datesIn('election-presidential', 'none', 2028), ['2028-11-07'], 'Nov 1, 2028 is a Wednesday')
  t.same(datesIn('election-presidential', 'none', 2026), [])
  t.same(datesIn('election-even +2', 'none', 2026), ['2026-11-05'], 'Delaware Return Day: the Thursday after')
  t.same(datesIn('election-even +2', 'none', 2027), [])
  t.same(datesIn('tue-after-first-mon 05', 'none', 2026), ['2026-05-05'], 'Indiana primary 2026')
})

t.test('inauguration, proclaimed and one-off dates', async (t) => {
  t.same(datesIn('inauguration', 'sun->mon', 2025), ['2025-01-20'], 'a Monday')
  t.same(datesIn('inauguration', 'sun->mon', 2013), ['2013-01-21'], 'Jan 20, 2013 was a Sunday')
  t.same(datesIn('inauguration', 'sun->mon', 2033), ['2033-01-20'], 'a Thursday')
  t.same(datesIn('inauguration', 'sun->mon', 2026), [], 'not an inauguration year')
  t.same(datesIn('proclaimed', 'proclaimed', 2026), [])
  t.same(datesIn('date 2026-02-16', 'none', 2026), ['2026-02-16'])
  t.same(datesIn('date 2026-02-16', 'none', 2027), [])
})

t.test('observance moves weekend holidays', async (t) => {
  // July 4, 2026 is a Saturday; July 4, 2027 a Sunday; July 4, 2029 a Wednesday.
  const expected: Array<[string, number, string]> = [
    ['sat->fri,sun->mon', 2026, '2026-07-03'],
    ['sat->fri,sun->mon', 2027, '2027-07-05'],
    ['sat->fri,sun->mon', 2029, '2029-07-04'],
    ['sun->mon', 2026, '2026-07-04'],
    ['sun->mon', 2027, '2027-07-05'],
    ['sat->mon,sun->mon', 2026, '2026-07-06'],
    ['sat->mon,sun->mon', 2027, '2027-07-05'],
    ['sat->mon,sun->mon', 2029, '2029-07-04'],
    ['none', 2026, '2026-07-04'],
    ['proclaimed', 2027, '2027-07-04'],
  ]
  for (const [observance, year, date] of expected) t.same(datesIn('fixed 07-04', observance, year), [date], `${observance} ${year}`)
  t.same(datesIn('fixed 01-01', 'sat->fri,sun->mon', 2022), ['2021-12-31'], 'a Saturday New Year moves into the previous year')
})

t.test('mon-of-week (Utah Juneteenth)', async (t) => {
  t.same(datesIn('fixed 06-19', 'mon-of-week', 2026), ['2026-06-15'], 'Friday → that Monday')
  t.same(datesIn('fixed 06-19', 'mon-of-week', 2027), ['2027-06-21'], 'Saturday → the Monday after')
  t.same(datesIn('fixed 06-19', 'mon-of-week', 2028), ['2028-06-19'], 'already a Monday')
  t.same(datesIn('fixed 06-19', 'mon-of-week', 2025), ['2025-06-16'], 'Thursday → that Monday')
  t.same(datesIn('fixed 06-19', 'mon-of-week', 2022), ['2022-06-20'], 'Sunday → the next day')
})

t.test('anything outside the grammar throws, naming the text', async (t) => {
  const badRules = [
    'nth 5 MON 01',
    'nth 3 MON 13',
    'last FUN 05',
    'fixed 02-30',
    'fixed 02-29',
    'fixed 7-4',
    'easter',
    'weekly',
    'date 2026-02-30',
    'election-odd',
    '',
  ]
  for (const rule of badRules) {
    t.throws(() => compileHoliday(rule, 'none'), HolidayGrammarError, rule)
    t.throws(() => compileHoliday(rule, 'none'), { message: new RegExp(`"${rule}"`) }, `${rule} in message`)
  }
  for (const observance of ['sat->thu', 'Sun->Mon', 'sat->fri', '']) {
    t.throws(
      () => compileHoliday('fixed 07-04', observance),
      { name: 'HolidayGrammarError', message: new RegExp(`"${observance}"`) },
      observance,
    )
  }
})
