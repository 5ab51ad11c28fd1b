import t from 'tap'
import {
  addDays,
  calendarDate,
  compareDates,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  isCalendarDate,
  localDateOf,
  weekdayName,
  yearOf,
} from '../../../src/modules/deadlines/calendar-date.js'

t.test('localDateOf reads the wall-clock date in the zone, across DST changes', async (t) => {
  const cases: Array<[string, string, string, string]> = [
    // [instant, zone, local date, why]
    ['2026-03-09T06:30:00Z', 'America/Los_Angeles', '2026-03-08', '23:30 PDT on Sun 2026-03-08 (DST began that night)'],
    ['2026-03-08T09:59:00Z', 'America/Los_Angeles', '2026-03-08', '01:59 PST, just before the spring-forward gap'],
    ['2026-03-08T10:00:00Z', 'America/Los_Angeles', '2026-03-08', '03:00 PDT, just after it'],
    ['2026-03-09T06:59:59Z', 'America/Los_Angeles', '2026-03-08', '23:59:59 PDT'],
    ['2026-03-09T07:00:00Z', 'America/Los_Angeles', '2026-03-09', 'PDT midnight is 07:00 UTC'],
    ['2026-11-02T07:30:00Z', 'America/Los_Angeles', '2026-11-01', '23:30 PST on Sun 2026-11-01 (DST ended that morning)'],
    ['2026-11-02T07:59:59Z', 'America/Los_Angeles', '2026-11-01', '23:59:59 PST'],
    ['2026-11-02T08:00:00Z', 'America/Los_Angeles', '2026-11-02', 'PST midnight is 08:00 UTC'],
    ['2026-11-26T07:30:00Z', 'America/Los_Angeles', '2026-11-25', '23:30 PST on Wed 2026-11-25 is already Thanksgiving in UTC'],
    ['2026-01-01T04:59:00Z', 'America/New_York', '2025-12-31', '23:59 EST on New Year’s Eve'],
    ['2026-01-01T05:00:00Z', 'America/New_York', '2026-01-01', 'EST midnight'],
    ['2026-06-01T09:59:00Z', 'Pacific/Honolulu', '2026-05-31', 'Hawaii has no DST: UTC-10 all year'],
  ]
  for (const [instant, zone, expected, why] of cases) t.equal(localDateOf(new Date(instant), zone), expected, why)
  t.throws(() => localDateOf(new Date('2026-01-01T00:00:00Z'), 'America/Nowhere'), RangeError)
  t.throws(() => localDateOf(new Date('not a date'), 'America/New_York'), RangeError)
})

t.test('addDays crosses months, leap days and years', async (t) => {
  t.equal(addDays('2024-02-28', 1), '2024-02-29', '2024 is a leap year')
  t.equal(addDays('2025-02-28', 1), '2025-03-01', '2025 is not')
  t.equal(addDays('2026-12-31', 1), '2027-01-01')
  t.equal(addDays('2026-03-01', -1), '2026-02-28')
  t.equal(addDays('2026-03-07', 2), '2026-03-09', 'no DST drift: 2026-03-08 is the spring-forward Sunday')
  t.equal(addDays('2026-01-01', 365), '2027-01-01')
  t.equal(addDays('2026-11-22', 0), '2026-11-22')
})

t.test('dayOfWeek and weekdayName', async (t) => {
  t.equal(dayOfWeek('1970-01-01'), 4, 'the epoch was a Thursday')
  t.equal(dayOfWeek('2000-01-01'), 6, 'Saturday')
  t.equal(dayOfWeek('2024-02-29'), 4, 'Thursday')
  t.equal(dayOfWeek('2026-11-22'), 0, 'Sunday')
  t.equal(dayOfWeek('2026-11-26'), 4, 'Thanksgiving 2026 is a Thursday')
  t.equal(weekdayName('2026-03-08'), 'Sunday')
  t.equal(weekdayName('2026-07-04'), 'Saturday')
  t.equal(weekdayName('2026-03-09'), 'Monday')
})

t.test('compareDates, daysBetween and yearOf', async (t) => {
  t.ok(compareDates('2026-03-09', '2026-03-10') < 0)
  t.ok(compareDates('2026-12-31', '2026-01-01') > 0)
  t.equal(compareDates('2026-03-09', '2026-03-09'), 0)
  t.same(['2026-03-10', '2025-12-31', '2026-03-09'].sort(compareDates), ['2025-12-31', '2026-03-09', '2026-03-10'])
  t.equal(daysBetween('2026-03-02', '2026-03-30'), 28)
  t.equal(daysBetween('2026-12-31', '2027-01-01'), 1)
  t.equal(daysBetween('2026-03-09', '2026-03-02'), -7)
  t.equal(daysBetween('2024-01-01', '2025-01-01'), 366)
  t.equal(yearOf('2027-12-31'), 2027)
})

t.test('formatLongDate writes US long dates', async (t) => {
  t.equal(formatLongDate('2026-11-22'), 'November 22, 2026')
  t.equal(formatLongDate('2026-01-01'), 'January 1, 2026')
  t.equal(formatLongDate('2024-02-29'), 'February 29, 2024')
})

t.test('malformed or impossible dates are rejected, not rolled over', async (t) => {
  for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-5', '22/11/2026', '2026-11-22T00:00:00Z', '']) {
    t.notOk(isCalendarDate(bad), bad)
    t.throws(() => addDays(bad, 1), RangeError, bad)
    t.throws(() => formatLongDate(bad), RangeError, bad)
  }
  t.ok(isCalendarDate('2024-02-29'))
  t.equal(calendarDate(2026, 3, 8), '2026-03-08')
  t.throws(() => calendarDate(2025, 2, 29), RangeError)
})
