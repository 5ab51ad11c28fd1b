/**
 * The `rule` and `observance` grammars of data/state-holidays.csv (documented in
 * data/state-holidays.md), compiled into functions of the year. Anything outside the grammar throws
 * with the offending text, so a typo in the table fails at load instead of silently dropping a
 * holiday from every deadline.
 */
import { addDays, type CalendarDate, calendarDate, type DayOfWeek, dayOfWeek, isCalendarDate, yearOf } from './calendar-date.js'

/** The date a holiday falls on in `year` before weekend observance, or null if it has none that year. */
type DateRule = (year: number) => CalendarDate | null
/** Where a holiday falling on `date` is observed. */
type Observance = (date: CalendarDate) => CalendarDate

export interface CompiledHoliday {
  /**
   * Observed dates of the holiday whose rule date falls in `year`. An observed date can land in the
   * adjacent year (New Year's Day on a Saturday is observed Friday, December 31 of the year before),
   * so callers that want the closures *in* a year look at the neighbouring years too.
   */
  datesIn(year: number): CalendarDate[]
}

const SUNDAY = 0
const MONDAY = 1
const THURSDAY = 4
const SATURDAY = 6
const DAYS_OF_WEEK: Record<string, DayOfWeek> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 }
const NOVEMBER = 11

export class HolidayGrammarError extends Error {
  override name = 'HolidayGrammarError'
}

export function compileHoliday(rule: string, observance: string): CompiledHoliday {
  const dateIn = parseDateRule(rule)
  const observe = parseObservance(observance)
  return {
    datesIn(year) {
      const date = dateIn(year)
      return date === null ? [] : [observe(date)]
    },
  }
}

function parseDateRule(text: string): DateRule {
  const rule = text.trim()
  const fixed = /^fixed (\d{2})-(\d{2})$/.exec(rule)
  if (fixed) {
    const [month, day] = [Number(fixed[1]), Number(fixed[2])]
    // Checked in a non-leap year, so "fixed 02-29" fails here rather than in three years out of four.
    assertGrammar(isCalendarDate(`2025-${fixed[1]}-${fixed[2]}`), `No such month and day in holiday rule "${text}"`)
    return (year) => calendarDate(year, month, day)
  }
  const nth = /^nth ([1-4]) ([A-Z]{3}) (\d{2})$/.exec(rule)
  if (nth) {
    const [n, weekday, month] = [Number(nth[1]), weekdayCode(nth[2], text), monthNumber(nth[3], text)]
    return (year) => nthWeekdayOf(year, month, weekday, n)
  }
  const last = /^last ([A-Z]{3}) (\d{2})$/.exec(rule)
  if (last) {
    const [weekday, month] = [weekdayCode(last[1], text), monthNumber(last[2], text)]
    return (year) => lastWeekdayOf(year, month, weekday)
  }
  if (rule === 'after-thanksgiving') return (year) => addDays(thanksgiving(year), 1)
  const easter = /^easter ([+-]?\d{1,3})$/.exec(rule)
  if (easter) {
    const offset = Number(easter[1])
    return (year) => addDays(easterSunday(year), offset)
  }
  if (rule === 'election-every') return electionDay
  if (rule === 'election-even') return (year) => (year % 2 === 0 ? electionDay(year) : null)
  if (rule === 'election-presidential') return (year) => (year % 4 === 0 ? electionDay(year) : null)
  const tuesday = /^tue-after-first-mon (\d{2})$/.exec(rule)
  if (tuesday) {
    const month = monthNumber(tuesday[1], text)
    return (year) => tuesdayAfterFirstMonday(year, month)
  }
  if (rule === 'inauguration') return inaugurationDay
  if (rule === 'proclaimed') return () => null
  const dated = /^date (\d{4}-\d{2}-\d{2})$/.exec(rule)
  if (dated) {
    const date = dated[1] as CalendarDate
    assertGrammar(isCalendarDate(date), `No such date in holiday rule "${text}"`)
    return (year) => (yearOf(date) === year ? date : null)
  }
  const offset = /^(.+) \+(\d{1,3})$/.exec(rule)
  if (offset) {
    const [base, days] = [parseDateRule(offset[1] as string), Number(offset[2])]
    return (year) => {
      const date = base(year)
      return date === null ? null : addDays(date, days)
    }
  }
  throw new HolidayGrammarError(`Unknown holiday rule "${text}"`)
}

const OBSERVANCES: Record<string, Observance> = {
  none: (date) => date,
  // The observed weekday of these rows is set each year by proclamation or schedule; the table uses
  // it also with fixed dates (Christmas Eve in MI, NC, SC, TN). On a weekday the holiday is that
  // day; a weekend substitute cannot be computed, so agencies add it as a closure day.
  proclaimed: (date) => date,
  'sun->mon': (date) => (dayOfWeek(date) === SUNDAY ? addDays(date, 1) : date),
  'sat->fri,sun->mon': (date) => {
    const weekday = dayOfWeek(date)
    if (weekday === SATURDAY) return addDays(date, -1)
    return weekday === SUNDAY ? addDays(date, 1) : date
  },
  'sat->mon,sun->mon': (date) => {
    const weekday = dayOfWeek(date)
    if (weekday === SATURDAY) return addDays(date, 2)
    return weekday === SUNDAY ? addDays(date, 1) : date
  },
  // Utah Code 63G-1-301 (2025): the Monday of the holiday's week when it falls Monday-Friday,
  // the Monday after when it falls on a weekend.
  'mon-of-week': (date) => {
    const weekday = dayOfWeek(date)
    if (weekday === SATURDAY) return addDays(date, 2)
    if (weekday === SUNDAY) return addDays(date, 1)
    return addDays(date, 1 - weekday)
  },
}

function parseObservance(text: string): Observance {
  const observance = OBSERVANCES[text.trim()]
  if (!observance) throw new HolidayGrammarError(`Unknown holiday observance "${text}"`)
  return observance
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return calendarDate(year, month, day)
}

/** The n-th (1-based) `weekday` of `month` (1-12). */
export function nthWeekdayOf(year: number, month: number, weekday: DayOfWeek, n: number): CalendarDate {
  const first = calendarDate(year, month, 1)
  const toWeekday = (weekday - dayOfWeek(first) + 7) % 7
  const date = addDays(first, toWeekday + 7 * (n - 1))
  if (Number(date.slice(5, 7)) !== month) throw new RangeError(`There is no ${n}th weekday ${weekday} in ${year}-${month}`)
  return date
}

export function lastWeekdayOf(year: number, month: number, weekday: DayOfWeek): CalendarDate {
  const last = addDays(month === 12 ? calendarDate(year + 1, 1, 1) : calendarDate(year, month + 1, 1), -1)
  return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7))
}

function thanksgiving(year: number): CalendarDate {
  return nthWeekdayOf(year, NOVEMBER, THURSDAY, 4)
}

function tuesdayAfterFirstMonday(year: number, month: number): CalendarDate {
  return addDays(nthWeekdayOf(year, month, MONDAY, 1), 1)
}

/** The federal general election day, 2 U.S.C. 7: the Tuesday after the first Monday of November. */
export function electionDay(year: number): CalendarDate {
  return tuesdayAfterFirstMonday(year, NOVEMBER)
}

/** January 20 after a presidential election (20th Amendment); January 21 when the 20th is a Sunday. */
function inaugurationDay(year: number): CalendarDate | null {
  if (year % 4 !== 1) return null
  const date = calendarDate(year, 1, 20)
  return dayOfWeek(date) === SUNDAY ? addDays(date, 1) : date
}

function weekdayCode(code: string | undefined, text: string): DayOfWeek {
  const weekday = DAYS_OF_WEEK[code ?? '']
  assertGrammar(weekday !== undefined, `Unknown weekday in holiday rule "${text}"`)
  return weekday
}

function monthNumber(digits: string | undefined, text: string): number {
  const month = Number(digits)
  assertGrammar(month >= 1 && month <= 12, `Unknown month in holiday rule "${text}"`)
  return month
}

function assertGrammar(condition: boolean, message: string): asserts condition {
  if (!condition) throw new HolidayGrammarError(message)
}
